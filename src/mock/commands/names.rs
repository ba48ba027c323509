//! Mailbox names as Dovecot 2.3.19 checks and echoes them, in the lab's layout
//! (Maildir++ on disk, `/` as the namespace's separator).
//!
//! Before it looks a name up, Dovecot's `mailbox_verify_name` refuses some with
//! `NO [CANNOT]`: a `.` (Maildir++ keeps its own hierarchy with dots, so a name may
//! not carry one), an empty name, a leading, doubled or trailing separator, a leading
//! `~` (a home directory, on a file system). RFC 9051 §5.1 leaves the choice of names
//! to the server. CREATE drops one trailing separator first (RFC 9051 §6.3.4), so
//! `CREATE a/` makes `a`. SUBSCRIBE does not check. In its errors Dovecot writes a
//! name as UTF-8, decoded from modified UTF-7 (RFC 3501 §5.1.3), with INBOX in
//! capitals. Asked of Dovecot 2.3.19 (random-names.txt).

use crate::grammar::mailbox::decode_modified_utf7;
use crate::mock::store::{self, DELIMITER};

/// Why Dovecot refuses `raw` (the wire form) as a mailbox name, in the order it
/// checks; `creating` for CREATE, which drops one trailing separator first.
pub(crate) fn refused(raw: &str, creating: bool) -> Option<String> {
    let name = if creating {
        raw.strip_suffix(DELIMITER).unwrap_or(raw)
    } else {
        raw
    };
    let invalid = |why: &str| Some(format!("Invalid mailbox name: {why}"));
    if name.contains('.') {
        Some("Character not allowed in mailbox name: '.'".to_owned())
    } else if name.is_empty() {
        invalid("Name is empty")
    } else if name.starts_with(DELIMITER) {
        invalid("Begins with hierarchy separator")
    } else if name.contains(&format!("{DELIMITER}{DELIMITER}")) {
        invalid("Has adjacent hierarchy separators")
    } else if name.ends_with(DELIMITER) {
        invalid("Ends with hierarchy separator")
    } else if name.starts_with('~') {
        invalid("Begins with '~'")
    } else {
        None
    }
}

/// The name as Dovecot writes it in an error: INBOX in capitals, decoded to UTF-8.
pub(crate) fn shown(raw: &str) -> String {
    let name = store::canonical(raw);
    decode_modified_utf7(&name).unwrap_or(name)
}

/// Dovecot's `Mailbox doesn't exist: NAME`, with the name as it writes it.
pub(crate) fn missing(raw: &str) -> String {
    crate::mock::wording::no_mailbox(&shown(raw))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_dovecot_refuses_in_its_order() {
        let why = |raw, creating| refused(raw, creating).unwrap_or_default();
        assert_eq!(
            why("/a.", false),
            "Character not allowed in mailbox name: '.'"
        );
        assert_eq!(why("", false), "Invalid mailbox name: Name is empty");
        assert_eq!(why("/", true), "Invalid mailbox name: Name is empty");
        assert_eq!(
            why("//", true),
            "Invalid mailbox name: Begins with hierarchy separator"
        );
        assert_eq!(
            why("a//", false),
            "Invalid mailbox name: Has adjacent hierarchy separators"
        );
        assert_eq!(
            why("a//", true),
            "Invalid mailbox name: Ends with hierarchy separator"
        );
        assert_eq!(
            why("~a/", false),
            "Invalid mailbox name: Ends with hierarchy separator"
        );
        assert_eq!(why("~a", false), "Invalid mailbox name: Begins with '~'");
        assert_eq!(refused("a/", true), None);
        assert_eq!(refused("a/~b", false), None);
        assert_eq!(refused("INBOX", false), None);
    }

    #[test]
    fn names_are_shown_decoded_with_inbox_in_capitals() {
        assert_eq!(shown("&Jjo-"), "\u{263a}");
        assert_eq!(shown("&-"), "&");
        assert_eq!(shown("inbox/&AOk-"), "INBOX/\u{e9}");
        assert_eq!(shown("Nope"), "Nope");
    }
}
