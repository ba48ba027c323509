//! How much input a session holds, and Dovecot's answers when a client sends more.
//!
//! Dovecot never keeps a line it has given up on: it answers as soon as it knows and
//! skips the rest up to the LF. Each answer below was asked of the real Dovecot
//! 2.3.19 (`scripts/dovecot-lab.sh`), and the mock gives the same, at the same point
//! of the stream, so a client that never sends LF costs the mock at most one line.
//!
//! Before login (imap-login):
//!
//! | input | answer, then the connection closes |
//! | --- | --- |
//! | a word (atom, tag, quoted string) over [`LOGIN_MAX_WORD`] bytes | `* BYE Input buffer full, aborting` |
//! | a line over [`LOGIN_MAX_LINE`] bytes | `tag BAD IMAP command line too large` |
//! | a literal with which the line would pass [`LOGIN_MAX_LITERAL`] | `* BYE Literal size too large` |
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

/// imap-login's longest word: 1,026 bytes pass, 1,027 do not.
pub(crate) const LOGIN_MAX_WORD: usize = 1026;
/// imap-login's longest line, CRLF included (8,194 bytes of text pass).
pub(crate) const LOGIN_MAX_LINE: usize = 8196;
/// imap-login's cap on a line plus the literal it announces.
pub(crate) const LOGIN_MAX_LITERAL: u64 = 8192;

/// imap-login's texts.
pub(crate) const INPUT_BUFFER_FULL: &str = "Input buffer full, aborting";
pub(crate) const LINE_TOO_LARGE: &str = "IMAP command line too large";

/// True if `text` (a line, or the start of one) holds a word longer than imap-login
/// takes. A quoted string is one word, spaces and all.
pub(crate) fn login_word_too_long(text: &[u8]) -> bool {
    let mut run = 0usize;
    let mut quotes = Quotes::default();
    for &b in text {
        if quotes.step(b) == Place::Outside && b == b' ' {
            run = 0;
            continue;
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
    /// Send this line and close the connection (before login).
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
        return Overlong::Close(format!("{tag} BAD {LINE_TOO_LARGE}\r\n"));
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
        let word = |n: usize| [b"a NOOP ".as_slice(), &vec![b'x'; n]].concat();
        assert!(!login_word_too_long(&word(1026)));
        assert!(login_word_too_long(&word(1027)));
        assert!(!login_word_too_long(&b"a LOGIN x x x x ".repeat(500)));
        let quoted = [b"a LOGIN \"".as_slice(), &b"x y ".repeat(300)].concat();
        assert!(login_word_too_long(&quoted));
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
            Overlong::Close("a BAD IMAP command line too large\r\n".into())
        );
    }
}
