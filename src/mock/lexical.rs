//! What Dovecot's argument parser (`lib-imap/imap-parser.c`) refuses before any
//! command looks at its arguments: bytes no atom, quoted string or line may carry.
//!
//! Two reasons to follow it exactly. Dovecot answers these with fixed words and never
//! echoes the offending bytes, so the mock must not either: a reply that repeats a
//! NUL, a bare CR or an escape sequence back to the client is a reply Dovecot would
//! never send. And the answers are Dovecot's (asked of the real one through
//! `scripts/dovecot-lab.sh`; the differential battery's section 13 checks them):
//!
//! | input | Dovecot's reason |
//! | --- | --- |
//! | a control character (TAB and DEL included) in an atom | `Invalid characters in atom` |
//! | a `"` or `{` inside an atom (`a"b`, `x{3}`) | `Invalid characters in atom` |
//! | a byte of 0x80 or more in an atom | `8bit data in atom` |
//! | a NUL in a quoted string | `NULs not allowed in strings` |
//! | a CR in a quoted string | `Missing '"'` |
//! | a CR that no LF follows, outside quotes | `CR sent without LF` |
//! | a quoted string still open at the end of the line | `Missing '"'` |
//! | a `(` not closed on its line | `Missing ')'` |
//! | a `)` that closes nothing | `Unexpected ')'` |
//!
//! DEL (0x7F) passes in a command word (`NO<DEL>OP` is an unknown command), as in
//! Dovecot, but not in an argument's atom. Literal data is not looked at. Before login
//! (imap-login) every command's arguments are read and the reason is the whole tagged
//! text; after login only commands that read arguments check them, and the text is
//! `Error in IMAP command NAME: reason`. A command word with such bytes is `Invalid
//! command name` after login.

use crate::grammar::mailbox::{decode_modified_utf7, Mailbox};
use crate::grammar::CommandBody;
use crate::wire::{Message, Part};

/// Why Dovecot's parser refused the arguments.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum LexError {
    InvalidAtom,
    EightBitAtom,
    NulInString,
    MissingQuote,
    CrWithoutLf,
    MissingParen,
    UnexpectedParen,
}

impl LexError {
    /// Dovecot's words.
    pub(crate) fn text(self) -> &'static str {
        match self {
            LexError::InvalidAtom => "Invalid characters in atom",
            LexError::EightBitAtom => "8bit data in atom",
            LexError::NulInString => "NULs not allowed in strings",
            LexError::MissingQuote => "Missing '\"'",
            LexError::CrWithoutLf => "CR sent without LF",
            LexError::MissingParen => "Missing ')'",
            LexError::UnexpectedParen => "Unexpected ')'",
        }
    }
}

/// Commands whose Dovecot handler never reads its arguments after login, so bytes
/// in them go unnoticed (`NOOP x<CR>y` is OK).
pub(crate) const IGNORES_ARGUMENTS: [&str; 9] = [
    "CAPABILITY",
    "NOOP",
    "LOGOUT",
    "CHECK",
    "CLOSE",
    "EXPUNGE",
    "UNSELECT",
    "NAMESPACE",
    "IDLE",
];

/// Commands of imap-login only: after login Dovecot does not know them (`Unknown
/// command`), so it never reads their arguments either.
pub(crate) const LOGIN_ONLY: [&str; 3] = ["LOGIN", "AUTHENTICATE", "STARTTLS"];

/// True if `word` can be a command name: no control character and no 8-bit byte.
pub(crate) fn valid_command_word(word: &[u8]) -> bool {
    !word.is_empty() && word.iter().all(|&b| (0x20..0x80).contains(&b))
}

/// The first lexical error in the arguments of `message`: its first line from byte
/// `args_at` on, and every line that follows a literal. Literal data is skipped.
pub(crate) fn check(message: &Message, args_at: usize) -> Option<LexError> {
    let mut first = true;
    for part in &message.parts {
        let Part::Line(line) = part else { continue };
        let text = line.text();
        let from = if first { args_at.min(text.len()) } else { 0 };
        first = false;
        if let Some(error) = check_line(&text[from..]) {
            return Some(error);
        }
    }
    None
}

/// Dovecot's answer when a mailbox argument is not a name it could hold: a control
/// character, a byte outside printable ASCII, or broken modified UTF-7 (RFC 3501
/// §5.1.3). It comes before the mailbox is looked up, so the name is not echoed.
pub(crate) const NOT_MUTF7: &str = "Mailbox name is not valid mUTF-7";

/// True if a mailbox argument of `body` is not valid modified UTF-7. LIST and LSUB
/// patterns are not checked (Dovecot lists nothing for them, without complaint).
pub(crate) fn bad_mailbox_name(body: &CommandBody) -> bool {
    use CommandBody::*;
    let names: Vec<&Mailbox> = match body {
        Select { mailbox, .. }
        | Examine { mailbox, .. }
        | Create { mailbox }
        | Delete { mailbox }
        | Subscribe { mailbox }
        | Unsubscribe { mailbox }
        | Status { mailbox, .. }
        | Append { mailbox, .. }
        | Copy { mailbox, .. }
        | Move { mailbox, .. } => vec![mailbox],
        Rename { from, to } => vec![from, to],
        _ => Vec::new(),
    };
    names.iter().any(|m| not_mutf7(m))
}

/// True if `mailbox` is not a name Dovecot could hold ([`NOT_MUTF7`]).
pub(crate) fn not_mutf7(mailbox: &Mailbox) -> bool {
    let raw = &mailbox.raw.bytes;
    !raw.iter().all(|b| (0x20..0x7f).contains(b))
        || decode_modified_utf7(&String::from_utf8_lossy(raw)).is_none()
}

/// The structure errors of a command's first line, which Dovecot's parser finds before
/// any command looks at its arguments: an unclosed quote or parenthesis, a `)` that
/// closes nothing. A line ending in a literal's announcement goes on after the literal,
/// so it cannot be judged alone.
pub(crate) fn unbalanced(first: &[u8]) -> Option<LexError> {
    if first.ends_with(b"}") {
        return None;
    }
    let (mut depth, mut quotes) = (0usize, Quotes::default());
    for &b in first {
        if quotes.step(b) != Place::Outside {
            continue;
        }
        match b {
            b'(' => depth += 1,
            b')' if depth == 0 => return Some(LexError::UnexpectedParen),
            b')' => depth -= 1,
            _ => {}
        }
    }
    if quotes.open() {
        Some(LexError::MissingQuote)
    } else if depth > 0 {
        Some(LexError::MissingParen)
    } else {
        None
    }
}

/// The first lexical error in `text`, one line of arguments without literals.
pub(crate) fn check_line(text: &[u8]) -> Option<LexError> {
    let mut quotes = Quotes::default();
    // The atom being read: `"` and `{` open a string or a literal only where an
    // argument starts; inside an atom they are refused (imap-parser.c).
    let mut atom: Option<AtomStart> = None;
    for &b in text {
        let place = quotes.step(b);
        match (place, b) {
            (Place::Quoted, 0) => return Some(LexError::NulInString),
            (Place::Quoted, b'\r' | b'\n') => return Some(LexError::MissingQuote),
            (Place::Quoted | Place::Escaped, _) => {}
            (Place::Outside, b'\r') => return Some(LexError::CrWithoutLf),
            (Place::Outside, 0..=0x1f | 0x7f) => return Some(LexError::InvalidAtom),
            (Place::Outside, 0x80..=0xff) => return Some(LexError::EightBitAtom),
            // `~{` opens a literal8 (RFC 3516), as a literal would.
            (Place::Outside, b'{') if atom == Some(AtomStart::Tilde) => {}
            (Place::Outside, b'"' | b'{') if atom.is_some() => return Some(LexError::InvalidAtom),
            (Place::Outside, _) => {}
        }
        atom = match (place, b) {
            (Place::Outside, b' ' | b'(' | b')' | b'"' | b'{') => None,
            (Place::Outside, b'~') if atom.is_none() => Some(AtomStart::Tilde),
            (Place::Outside, _) => Some(AtomStart::Other),
            _ => None,
        };
    }
    None
}

/// How the atom being read by [`check_line`] began.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum AtomStart {
    /// With `~`, which a `{` may follow (a literal8).
    Tilde,
    Other,
}

/// Where a byte of a command line stands with respect to quoted strings
/// (`quoted = DQUOTE *QUOTED-CHAR DQUOTE`, `QUOTED-CHAR = <any TEXT-CHAR except
/// quoted-specials> / "\\" quoted-specials`, RFC 9051 §9).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Place {
    /// Outside any quoted string; an opening `"` is outside (it opens one).
    Outside,
    /// Inside a quoted string, its backslashes and closing `"` included.
    Quoted,
    /// The byte after a backslash inside a quoted string: taken as it is.
    Escaped,
}

/// Follows quoted strings along a line, a byte at a time: the one scanner the checks
/// here, imap-login's word limit and the argument tidying of `entry` share.
#[derive(Debug, Default)]
pub(crate) struct Quotes {
    quoted: bool,
    escaped: bool,
}

impl Quotes {
    /// Where `b` stands, and the state moved past it.
    pub(crate) fn step(&mut self, b: u8) -> Place {
        if !self.quoted {
            self.quoted = b == b'"';
            return Place::Outside;
        }
        if self.escaped {
            self.escaped = false;
            return Place::Escaped;
        }
        match b {
            b'\\' => self.escaped = true,
            b'"' => self.quoted = false,
            _ => {}
        }
        Place::Quoted
    }

    /// True while a quoted string is open (the line ended inside one).
    pub(crate) fn open(&self) -> bool {
        self.quoted
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::message::messages_of;

    fn error(line: &[u8]) -> Option<LexError> {
        let messages = messages_of(line);
        check(&messages[0], 0)
    }

    #[test]
    fn each_of_dovecot_s_reasons() {
        assert_eq!(error(b"SEARCH \x7f\r\n"), Some(LexError::InvalidAtom));
        assert_eq!(error(b"LOGIN str\0 x\r\n"), Some(LexError::InvalidAtom));
        assert_eq!(error(b"NOOP\tx\r\n"), Some(LexError::InvalidAtom));
        assert_eq!(
            error(b"SELECT INBOX\xc3\xa9\r\n"),
            Some(LexError::EightBitAtom)
        );
        assert_eq!(error(b"LOGIN \"a\0\" x\r\n"), Some(LexError::NulInString));
        assert_eq!(
            error(b"SELECT \"IN\rBOX\"\r\n"),
            Some(LexError::MissingQuote)
        );
        assert_eq!(error(b"SELECT INBOX x\ry\r\n"), Some(LexError::CrWithoutLf));
    }

    #[test]
    fn a_quote_or_brace_inside_an_atom_but_not_where_an_argument_starts() {
        assert_eq!(check_line(b"IN\"BOX"), Some(LexError::InvalidAtom));
        assert_eq!(check_line(b"1 FL{AGS"), Some(LexError::InvalidAtom));
        assert_eq!(check_line(b"(a b{)"), Some(LexError::InvalidAtom));
        assert_eq!(check_line(b"\"a\" (\"b\") {3}"), None);
        assert_eq!(check_line(b"INBOX ~{3}"), None);
        assert_eq!(check_line(b"INBOX x~{3}"), Some(LexError::InvalidAtom));
    }

    #[test]
    fn unbalanced_lines() {
        let e = |t: &[u8]| unbalanced(t).map(LexError::text);
        assert_eq!(e(b"a SELECT \"INBOX"), Some("Missing '\"'"));
        assert_eq!(e(b"a SELECT INBOX (CONDSTORE"), Some("Missing ')'"));
        assert_eq!(e(b"a SELECT INBOX)"), Some("Unexpected ')'"));
        assert_eq!(e(b"a SELECT \"a)b\\\"(\" (X)"), None);
        assert_eq!(e(b"a APPEND x ({3}"), None);
    }

    #[test]
    fn what_dovecot_lets_through() {
        assert_eq!(error(b"SEARCH SUBJECT \"\x01\xc3\xa9\"\r\n"), None);
        assert_eq!(
            error(b"SEARCH SUBJECT \"a\\\"\0\"\r\n"),
            Some(LexError::NulInString)
        );
        assert_eq!(error(b"SEARCH SUBJECT \"a\x7f\"\r\n"), None);
        assert_eq!(error(b"SEARCH SUBJECT {3+}\r\na\0b\r\n"), None);
        assert!(valid_command_word(b"NO\x7fOP"));
        assert!(!valid_command_word(b"FO\0O") && !valid_command_word(b"F\xffO"));
    }
}
