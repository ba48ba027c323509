//! How much input a session holds, and Dovecot's answers when a client sends more.
//!
//! Dovecot never keeps a line it has given up on: it answers as soon as it knows and
//! skips the rest up to the LF. Each answer below was asked of the real Dovecot
//! 2.3.19 (`scripts/dovecot-lab.sh`), and the mock gives the same, at the same point
//! of the stream, so a client that never sends LF costs the mock at most one line.
//!
//! Before login (imap-login):
//!
//! | input | answer |
//! | --- | --- |
//! | a word (atom, tag, quoted string) that does not fit in [`LOGIN_MAX_WORD`] bytes | `* BYE Input buffer full, aborting`, closed |
//! | a line over [`LOGIN_MAX_LINE`] bytes | `tag BAD IMAP command line too large`; the rest of the line is skipped and the connection stays open |
//! | ... whose LF is not among its first [`LOGIN_MAX_SKIPPED`] bytes | then `* BYE Input buffer full, aborting`, closed |
//! | a literal with which the line would pass [`LOGIN_MAX_LITERAL`] | `* BYE Literal size too large`, closed |
//!
//! After login (imap), the line limit is `imap_max_line_length` (64 KiB,
//! [`super::config::Limits::max_line`]); the connection stays open and the rest of
//! the line is skipped:
//!
//! | input | answer |
//! | --- | --- |
//! | one word over the limit | `tag BAD Error in IMAP command NAME: Too long argument` |
//! | many words over the limit | `tag BAD Error in IMAP command NAME: IMAP command line too large` |
//! | a tag over the limit | `* BAD Error in IMAP tag: Too long argument` |
//! | a command that reads no arguments (NOOP...) | the command runs; the rest is skipped |
//! | an unknown command | `Error in IMAP command NAME: Unknown command` |

use super::commands;
use super::lexical::{Place, Quotes, IGNORES_ARGUMENTS};

/// imap-login's room for one word. An atom needs the byte that ends it too (1,025
/// bytes and a space or CR pass; 1,026 do not), a quoted string its two quotes
/// (1,024 bytes inside them pass, 1,025 do not), asked of Dovecot 2.3.19.
pub(crate) const LOGIN_MAX_WORD: usize = 1026;
/// imap-login's longest line, CRLF included (8,194 bytes of text pass).
pub(crate) const LOGIN_MAX_LINE: usize = 8196;
/// How far imap-login reads a line it has answered `BAD ... line too large` to, looking
/// for its LF: the LF as the line's 9,221st byte keeps the connection, a 9,222nd byte
/// ends it (asked of Dovecot 2.3.19: one more word's room past the line limit).
pub(crate) const LOGIN_MAX_SKIPPED: usize = LOGIN_MAX_LINE + LOGIN_MAX_WORD;
/// imap-login's cap on a line plus the literal it announces.
pub(crate) const LOGIN_MAX_LITERAL: u64 = 8192;

/// imap-login's texts.
pub(crate) const INPUT_BUFFER_FULL: &str = "Input buffer full, aborting";
pub(crate) const LINE_TOO_LARGE: &str = "IMAP command line too large";

/// True if `bytes` (a line with its CRLF, or the start of one) hold a word that does
/// not fit in imap-login's [`LOGIN_MAX_WORD`]. A quoted string is one word, spaces and
/// all, ended by its closing quote; an atom is ended by the space, CR or LF after it,
/// and that byte must fit too.
pub(crate) fn login_word_too_long(bytes: &[u8]) -> bool {
    let mut run = 0usize;
    let mut quoted_word = false;
    let mut quotes = Quotes::default();
    for &b in bytes {
        let place = quotes.step(b);
        if place == Place::Outside && matches!(b, b' ' | b'\r' | b'\n') {
            if !quoted_word && run >= LOGIN_MAX_WORD {
                return true;
            }
            run = 0;
            quoted_word = false;
            continue;
        }
        if run == 0 {
            quoted_word = b == b'"';
        }
        run += 1;
        if run > LOGIN_MAX_WORD {
            return true;
        }
    }
    false
}

/// What a session does with the first piece of a line over the limit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Overlong {
    /// Send this line and close the connection (a word too long before login).
    Close(String),
    /// Send this tagged BAD; skip the rest of the line.
    Bad(String),
    /// Run the command this line starts, as if its arguments were not there.
    Run(Vec<u8>),
}

/// Dovecot's answer to a line whose first `head.len()` bytes came without an LF.
/// `timed` adds the timing figures imap writes after login.
pub(crate) fn overlong(
    head: &[u8],
    authenticated: bool,
    timed: impl Fn(&str) -> String,
) -> Overlong {
    if !authenticated {
        if login_word_too_long(head) {
            return Overlong::Close(format!("* BYE {INPUT_BUFFER_FULL}\r\n"));
        }
        let (tag, _) = commands::words(head);
        let tag = if commands::valid_tag(&tag) {
            tag.as_str()
        } else {
            "*"
        };
        return Overlong::Bad(format!("{tag} BAD {LINE_TOO_LARGE}\r\n"));
    }
    let mut words = head.split(|&b| b == b' ');
    let tag = words.next().unwrap_or_default();
    let Some(name) = words.next().filter(|_| tag.len() < head.len()) else {
        return Overlong::Bad(format!(
            "* BAD {}\r\n",
            timed("Error in IMAP tag: Too long argument.")
        ));
    };
    let tag = String::from_utf8_lossy(tag);
    let upper = String::from_utf8_lossy(name).to_ascii_uppercase();
    if IGNORES_ARGUMENTS.contains(&upper.as_str()) {
        return Overlong::Run(format!("{tag} {upper}\r\n").into_bytes());
    }
    let known = crate::grammar::vocabulary::COMMANDS
        .iter()
        .any(|c| c.eq_ignore_ascii_case(&upper));
    let reason = if !known {
        "Unknown command"
    } else {
        // One word that runs on to the end of what came: an argument too long.
        // Otherwise the words together made the line too long.
        let last = head.iter().rposition(|&b| b == b' ').map_or(0, |i| i + 1);
        if head.len() - last > head.len() / 2 {
            "Too long argument"
        } else {
            LINE_TOO_LARGE
        }
    };
    let text = crate::mock::wording::command_error(&upper, reason);
    Overlong::Bad(format!("{tag} BAD {}\r\n", timed(&format!("{text}."))))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn timed(text: &str) -> String {
        text.to_owned()
    }

    #[test]
    fn words_before_login() {
        let word = |n: usize, end: &[u8]| [b"a NOOP ".as_slice(), &vec![b'x'; n], end].concat();
        // An atom needs the byte that ends it: 1,025 and CRLF fit, 1,026 do not.
        assert!(!login_word_too_long(&word(1025, b"\r\n")));
        assert!(login_word_too_long(&word(1026, b"\r\n")));
        assert!(login_word_too_long(&word(1026, b" y")));
        // Without what ends it, 1,026 bytes still wait; the 1,027th is too many.
        assert!(!login_word_too_long(&word(1026, b"")));
        assert!(login_word_too_long(&word(1027, b"")));
        assert!(!login_word_too_long(&b"a LOGIN x x x x ".repeat(500)));
        // A quoted string ends with its quote: 1,024 bytes inside fit, 1,025 do not.
        let quoted = |n: usize| [b"a NOOP \"".as_slice(), &vec![b'x'; n], b"\" y\r\n"].concat();
        assert!(!login_word_too_long(&quoted(1024)));
        assert!(login_word_too_long(&quoted(1025)));
        let spaced = [b"a LOGIN \"".as_slice(), &b"x y ".repeat(300)].concat();
        assert!(login_word_too_long(&spaced));
    }

    #[test]
    fn answers_after_login() {
        let long = |prefix: &[u8], word: &[u8]| [prefix, &word.repeat(40_000)].concat();
        assert_eq!(
            overlong(&long(b"b SELECT ", b"xx"), true, timed),
            Overlong::Bad("b BAD Error in IMAP command SELECT: Too long argument.\r\n".into())
        );
        assert_eq!(
            overlong(&long(b"b SELECT ", b"x "), true, timed),
            Overlong::Bad(
                "b BAD Error in IMAP command SELECT: IMAP command line too large.\r\n".into()
            )
        );
        assert_eq!(
            overlong(&long(b"b noop ", b"x"), true, timed),
            Overlong::Run(b"b NOOP\r\n".to_vec())
        );
        assert_eq!(
            overlong(&long(b"", b"x"), true, timed),
            Overlong::Bad("* BAD Error in IMAP tag: Too long argument.\r\n".into())
        );
        assert_eq!(
            overlong(&long(b"b FOO ", b"x"), true, timed),
            Overlong::Bad("b BAD Error in IMAP command FOO: Unknown command.\r\n".into())
        );
        assert_eq!(
            overlong(&long(b"a LOGIN ", b"x "), false, timed),
            Overlong::Bad("a BAD IMAP command line too large\r\n".into())
        );
    }
}
