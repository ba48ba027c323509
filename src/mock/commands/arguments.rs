//! How much of its line a command of the selected state reads before Dovecot checks
//! that a mailbox is selected, and what it never reads at all.
//!
//! Dovecot's handlers start with `client_read_args(cmd, count, ...)`, then call
//! `client_verify_open_mailbox`: so a line the argument parser refuses is answered
//! with the parser's reason, and any other line with `No mailbox selected`, whatever
//! its arguments mean. The count matters too. With 0 the whole line is read; with N
//! only the first N arguments are, so fewer is `Missing arguments` and whatever
//! follows them is never looked at (`COPY 1 a b c` copies to `a`, `UID EXPUNGE 1 (`
//! expunges UID 1). Asked of Dovecot 2.3.19 (random-state.txt).

use super::Done;
use crate::mock::lexical::{self, Place, Quotes};
use crate::mock::wording as w;
use crate::wire::message::messages_of;
use crate::wire::Message;

/// What a selected-state command reads before it checks the state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Reads {
    /// EXPUNGE, CHECK, CLOSE, UNSELECT check the state first.
    Nothing,
    /// COPY and MOVE read 2 arguments, UID EXPUNGE 1.
    First(usize),
    /// FETCH, STORE, SEARCH, SORT, THREAD read the whole line.
    Line,
}

/// What Dovecot reads of `name`'s arguments (`uid` for its UID form), for the
/// commands valid only in the selected state.
pub(crate) fn reads(name: &str, uid: bool) -> Option<Reads> {
    match (name, uid) {
        ("COPY" | "MOVE", _) => Some(Reads::First(2)),
        ("EXPUNGE", true) => Some(Reads::First(1)),
        ("EXPUNGE" | "CHECK" | "CLOSE" | "UNSELECT", false) => Some(Reads::Nothing),
        ("FETCH" | "STORE" | "SEARCH" | "SORT" | "THREAD", _) => Some(Reads::Line),
        _ => None,
    }
}

/// Where the arguments of `first` start: after the tag, the command word and, for
/// `UID`, the word after it. With the command's name in upper case and its UID form.
pub(crate) fn command_words(first: &[u8]) -> Option<(String, bool, usize)> {
    let mut at = 0;
    let mut words = Vec::new();
    for _ in 0..3 {
        let len = first[at..]
            .iter()
            .position(|&b| b == b' ')
            .unwrap_or(first.len() - at);
        words.push(String::from_utf8_lossy(&first[at..at + len]).to_ascii_uppercase());
        at = (at + len + 1).min(first.len());
        if words.len() == 2 && words[1] != "UID" {
            return Some((words.pop()?, false, at));
        }
    }
    Some((words.pop()?, true, at))
}

/// The ends of the first `count` arguments of `args`, as Dovecot's parser takes them:
/// atoms, quoted strings and parenthesised lists. Stops early at a literal (the line
/// goes on after it), at a `)` that closes nothing, or at a quote or list the line
/// does not close.
fn argument_ends(args: &[u8], count: usize) -> Vec<usize> {
    let mut ends = Vec::new();
    let (mut depth, mut quotes, mut in_arg) = (0usize, Quotes::default(), false);
    for (i, &b) in args.iter().enumerate() {
        if ends.len() == count {
            return ends;
        }
        if quotes.step(b) != Place::Outside {
            in_arg = true;
            continue;
        }
        match b {
            b' ' if depth == 0 => {
                if in_arg {
                    ends.push(i);
                }
                in_arg = false;
            }
            b'{' if depth == 0 && !in_arg => return ends,
            b')' if depth == 0 => return ends,
            b'(' => depth += 1,
            b')' => depth -= 1,
            _ => {}
        }
        in_arg |= b != b' ';
    }
    if in_arg && depth == 0 && !quotes.open() && ends.len() < count {
        ends.push(args.len());
    }
    ends
}

/// How many arguments a command reads when it reads a fixed number: the selected
/// state's (`Reads::First`), and CREATE, DELETE, SUBSCRIBE, UNSUBSCRIBE (one), RENAME
/// and STATUS (two): `CREATE x extra` creates x, `STATUS INBOX (MESSAGES) (` answers.
fn fixed_count(name: &str, uid: bool) -> Option<usize> {
    match (reads(name, uid), name) {
        (Some(Reads::First(count)), _) => Some(count),
        (_, "CREATE" | "DELETE" | "SUBSCRIBE" | "UNSUBSCRIBE") if !uid => Some(1),
        (_, "RENAME" | "STATUS") if !uid => Some(2),
        _ => None,
    }
}

/// The message as Dovecot reads it: a command that reads a fixed number of arguments
/// ([`Reads::First`]) loses what follows them, whatever it is. `None` when nothing is
/// cut (a line with literals is left whole).
pub(crate) fn unread_cut(message: &Message) -> Option<Message> {
    if message.parts.len() != 1 {
        return None;
    }
    let first = message.first_line();
    let (name, uid, at) = command_words(first)?;
    let count = fixed_count(&name, uid)?;
    let ends = argument_ends(&first[at..], count);
    let end = at + *ends.get(count.checked_sub(1)?)?;
    if first[end..].iter().all(|&b| b == b' ') {
        return None;
    }
    let mut line = first[..end].to_vec();
    line.extend_from_slice(b"\r\n");
    messages_of(&line).into_iter().next()
}

/// Dovecot's answer to a line of `name` the grammar refused, when it comes before
/// anything the command itself checks: the parser's error, `Missing arguments` for
/// too few of a fixed count, `No mailbox selected` when none is. `None` when the
/// command's own checks speak.
pub(crate) fn before_state_check(
    tag: &str,
    name: &str,
    uid: bool,
    selected: bool,
    first: &[u8],
) -> Option<Done> {
    let reads = reads(name, uid)?;
    let shown = if uid {
        format!("UID {name}")
    } else {
        name.to_owned()
    };
    let refused = |reason: &str| Done::bad(tag, w::command_error(&shown, reason));
    let at = command_words(first).map_or(first.len(), |(_, _, at)| at);
    let read = match reads {
        Reads::First(count) => {
            let ends = argument_ends(&first[at..], count);
            if ends.len() < count && !first.ends_with(b"}") {
                let error = lexical::check_line(&first[at..]).or(lexical::unbalanced(first));
                return Some(
                    error.map_or_else(|| refused("Missing arguments"), |e| refused(e.text())),
                );
            }
            ends.last().map_or(first.len(), |end| at + end)
        }
        _ => first.len(),
    };
    let parser_error = lexical::check_line(&first[at..read])
        .or(lexical::unbalanced(&first[..read]))
        .map(|e| refused(e.text()));
    if selected {
        return None;
    }
    let unselected = Done::bad(tag, w::NO_MAILBOX_SELECTED);
    match reads {
        Reads::Nothing => Some(unselected),
        Reads::First(_) | Reads::Line => Some(parser_error.unwrap_or(unselected)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cut(line: &str) -> Option<String> {
        let message = messages_of(format!("{line}\r\n").as_bytes()).pop()?;
        unread_cut(&message).map(|m| String::from_utf8_lossy(m.first_line()).into_owned())
    }

    #[test]
    fn copy_and_uid_expunge_lose_what_follows_their_arguments() {
        assert_eq!(cut("a COPY 1 a b c").as_deref(), Some("a COPY 1 a"));
        assert_eq!(
            cut("a UID MOVE 1:* \"x y\" (").as_deref(),
            Some("a UID MOVE 1:* \"x y\"")
        );
        assert_eq!(cut("a UID EXPUNGE 5 é").as_deref(), Some("a UID EXPUNGE 5"));
        assert_eq!(cut("a COPY 1 a"), None);
        assert_eq!(cut("a COPY 1 a "), None);
        assert_eq!(cut("a STORE 1 +FLAGS x"), None);
        assert_eq!(cut("a EXPUNGE 1"), None);
        assert_eq!(cut("a CREATE x ( y").as_deref(), Some("a CREATE x"));
        assert_eq!(
            cut("a STATUS INBOX (MESSAGES) (").as_deref(),
            Some("a STATUS INBOX (MESSAGES)")
        );
        assert_eq!(cut("a STATUS INBOX (MESSAGES"), None);
    }

    #[test]
    fn the_state_check_comes_after_the_arguments_read() {
        let check = |line: &str, selected| {
            let (name, uid, _) = command_words(line.as_bytes()).unwrap_or_default();
            before_state_check("a", &name, uid, selected, line.as_bytes()).map(|done| done.text)
        };
        let refused = |reason: &str| Some(w::command_error("COPY", reason));
        let unselected = Some(w::NO_MAILBOX_SELECTED.to_owned());
        assert_eq!(check("a STORE x", false), unselected);
        assert_eq!(
            check("a STORE 1 (", false),
            Some(w::command_error("STORE", "Missing ')'"))
        );
        assert_eq!(check("a COPY 1", false), refused("Missing arguments"));
        assert_eq!(check("a COPY 1", true), refused("Missing arguments"));
        assert_eq!(check("a COPY 1 (", true), refused("Missing ')'"));
        assert_eq!(check("a COPY x y", false), unselected);
        assert_eq!(check("a COPY x y", true), None);
        assert_eq!(
            check("a UID EXPUNGE", true),
            Some(w::command_error("UID EXPUNGE", "Missing arguments"))
        );
        assert_eq!(check("a EXPUNGE (", false), unselected);
        assert_eq!(check("a NOOP", false), None);
        assert_eq!(
            check("a UID EXPUNGE é", false),
            Some(w::command_error("UID EXPUNGE", "8bit data in atom"))
        );
    }
}
