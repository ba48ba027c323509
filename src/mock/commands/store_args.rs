//! STORE lines the grammar refuses, read as Dovecot's cmd-store.c reads them.
//!
//! After the set and the optional modifiers, Dovecot takes an item atom, then the
//! flags: a parenthesised list (whatever follows it is not read), or every argument
//! left. Each flag must be an atom (`NIL` is one): a string, literal or list is
//! `Flags list contains non-atoms`; a `\` flag other than the five of RFC 9051 §2.3.2
//! (`\Recent` included, which no client may set) is `Invalid system flag \NAME`, in
//! capitals; the first bad flag decides. Keywords are checked only once the set is:
//! `%`, `*`, `]` or a `\` inside one is `NO [CANNOT] Invalid characters in keyword`.
//! No flag at all (`+FLAGS`, `+FLAGS NIL`'s keyword aside) and empty modifiers `()`
//! are fine. The RFC's grammar (`flag-list`, `store-att-flags`) refuses all these,
//! so the tutor's diagnostics still go out; the wire follows Dovecot (random-store.txt).

use crate::grammar::parse_command;
use crate::mock::wording as w;

use super::{resolve, Cx, Done};

/// One argument as Dovecot's parser reads it.
#[derive(Debug)]
enum Arg {
    Atom(String),
    /// A quoted string or a literal.
    Text,
    List(Vec<Arg>),
}

/// Why the arguments could not be read.
enum Unread {
    /// A list still open at the end of the command (a literal inside it hid that
    /// from the first line's checks).
    Unclosed,
    /// A `)` that closes no list (`STORE 1 +) ...`): Dovecot's parser stops there.
    UnexpectedParen,
    /// Something the lexical checks answer (an unclosed quote).
    Other,
}

/// Where the literal announced at `at` (`{N}` or `{N+}`, CRLF, N bytes) ends.
fn after_literal(text: &[u8], at: usize) -> Option<usize> {
    let close = at + text[at..].iter().position(|&b| b == b'}')?;
    let digits = String::from_utf8_lossy(&text[at + 1..close]);
    let size: usize = digits.trim_end_matches('+').parse().ok()?;
    let data = close + 1 + 2;
    (text.get(close + 1..data) == Some(b"\r\n")).then_some(data + size)
}

/// The arguments of `text` (a whole command, literals inline, without its last CRLF)
/// from byte `*at`, up to the end or the `)` that closes the list being read.
fn args(line: &[u8], at: &mut usize, nested: bool) -> Result<Vec<Arg>, Unread> {
    let mut out = Vec::new();
    loop {
        while line.get(*at) == Some(&b' ') {
            *at += 1;
        }
        let Some(&b) = line.get(*at) else {
            // Blanks before the end: Dovecot's parser skips them.
            return if nested {
                Err(Unread::Unclosed)
            } else {
                Ok(out)
            };
        };
        match b {
            b')' if nested => {
                *at += 1;
                return Ok(out);
            }
            // Not an atom's first byte: read as one, it would be empty, and the loop
            // would never move past it.
            b')' => return Err(Unread::UnexpectedParen),
            b'(' => {
                *at += 1;
                out.push(Arg::List(args(line, at, true)?));
            }
            b'"' => {
                // A quoted string: up to the quote no backslash escapes.
                *at += 1;
                loop {
                    match line.get(*at).ok_or(Unread::Other)? {
                        b'\\' => *at += 2,
                        b'"' => break,
                        _ => *at += 1,
                    }
                }
                *at += 1;
                out.push(Arg::Text);
            }
            b'{' => {
                *at = after_literal(line, *at).ok_or(Unread::Other)?;
                out.push(Arg::Text);
            }
            _ => {
                let start = *at;
                while *at < line.len() && !matches!(line[*at], b' ' | b'(' | b')') {
                    // Refused for every command before STORE reads (lexical::check_line).
                    if matches!(line[*at], b'"' | b'{') {
                        return Err(Unread::Other);
                    }
                    *at += 1;
                }
                out.push(Arg::Atom(
                    String::from_utf8_lossy(&line[start..*at]).into_owned(),
                ));
            }
        }
        if *at >= line.len() {
            return if nested {
                Err(Unread::Unclosed)
            } else {
                Ok(out)
            };
        }
    }
}

/// Dovecot's BAD for flags it cannot take, or the keywords it will refuse later.
fn check_flags<'a>(flags: impl Iterator<Item = &'a Arg>) -> Result<Vec<String>, String> {
    const SYSTEM: [&str; 5] = ["\\ANSWERED", "\\FLAGGED", "\\DELETED", "\\SEEN", "\\DRAFT"];
    let mut keywords = Vec::new();
    for flag in flags {
        let Arg::Atom(atom) = flag else {
            return Err("Flags list contains non-atoms".into());
        };
        let upper = atom.to_ascii_uppercase();
        if upper.starts_with('\\') {
            if !SYSTEM.contains(&upper.as_str()) {
                return Err(format!("Invalid system flag {upper}"));
            }
            continue;
        }
        keywords.push(atom.clone());
    }
    Ok(keywords)
}

/// A keyword Dovecot refuses (`mailbox_keyword_is_valid`): atom-specials its parser
/// lets through.
fn bad_keyword(keyword: &str) -> bool {
    keyword.contains(['%', '*', ']', '\\'])
}

/// What Dovecot answers to a STORE the grammar refused: `text` is the whole command
/// (literals inline), its arguments start at `at`. `None` when the usual reasons apply
/// (a bad set or modifier).
pub(crate) fn refused(cx: &mut Cx, tag: &str, uid: bool, text: &[u8], at: usize) -> Option<Done> {
    let name = if uid { "UID STORE" } else { "STORE" };
    let line = text.strip_suffix(b"\r\n").unwrap_or(text);
    let mut pos = at;
    let list = match args(line, &mut pos, false) {
        Ok(list) => list,
        Err(Unread::Unclosed) => {
            return Some(Done::bad(tag, w::command_error(name, "Missing ')'")));
        }
        Err(Unread::UnexpectedParen) => {
            return Some(Done::bad(tag, w::command_error(name, "Unexpected ')'")));
        }
        Err(Unread::Other) => return None,
    };
    let mut it = list.iter().peekable();
    let Some(Arg::Atom(set)) = it.next() else {
        return None;
    };
    // The set is read first (a bad one is the usual reason's), then looked up.
    let (_, parsed_set) = crate::grammar::sequence::sequence_set(set.as_bytes()).ok()?;
    let view = cx.conn.selected.as_ref()?;
    if resolve(view, &parsed_set, uid).is_err() {
        let text = w::command_error(name, super::entry::invalid_set(name, uid, b"", 0));
        return Some(Done::bad(tag, text));
    }
    let mut modifiers = String::new();
    if let Some(Arg::List(pairs)) = it.peek() {
        let words: Vec<&str> = pairs
            .iter()
            .map(|a| match a {
                Arg::Atom(s) => Some(s.as_str()),
                _ => None,
            })
            .collect::<Option<_>>()?;
        // Dovecot takes any 64-bit value; the grammar's mod-sequence-value stops at
        // 2^63-1, which no MODSEQ reaches either, so that is what the mock asks for.
        let values: Option<Vec<u64>> = words
            .chunks(2)
            .map(|p| {
                let named = p[0].eq_ignore_ascii_case("UNCHANGEDSINCE");
                named.then(|| p.get(1)?.parse::<u64>().ok()).flatten()
            })
            .collect();
        if let Some(value) = values?.last() {
            modifiers = format!(" (UNCHANGEDSINCE {})", value.min(&(i64::MAX as u64)));
        }
        it.next();
    }
    let bad = |cx: &mut Cx, reason: &str| {
        if !modifiers.is_empty() && !cx.conn.condstore {
            super::any::condstore_turned_on(cx);
        }
        Some(Done::bad(tag, w::command_error(name, reason)))
    };
    let Some(Arg::Atom(item)) = it.next() else {
        return bad(cx, "Invalid arguments");
    };
    let upper = item.to_ascii_uppercase();
    let base = upper.trim_start_matches(['+', '-']);
    if !(base == "FLAGS" || base == "FLAGS.SILENT") || upper.len() > base.len() + 1 {
        return bad(cx, "Invalid arguments");
    }
    let rest: Vec<&Arg> = it.collect();
    // A list is the flags, and what follows it is not read; else every argument is one.
    let flags: Vec<&Arg> = match rest.first() {
        Some(Arg::List(inner)) => inner.iter().collect(),
        _ => rest,
    };
    let keywords = match check_flags(flags.iter().copied()) {
        Ok(k) => k,
        Err(reason) => return bad(cx, &reason),
    };
    let written = written_flags(&flags);
    let uid_word = if uid { "UID " } else { "" };
    let line = format!("{tag} {uid_word}STORE {set}{modifiers} {item} ({written})\r\n");
    let cmd = parse_command(line.as_bytes()).command?;
    if keywords.iter().any(|k| bad_keyword(k)) {
        return Some(
            Done::no(tag, "Invalid characters in keyword")
                .code(crate::grammar::code::Code::other("CANNOT")),
        );
    }
    Some(super::dispatch(cx, &cmd))
}

/// The flags as the grammar takes them, with the keywords Dovecot will refuse left out
/// (they are answered before any change).
fn written_flags(flags: &[&Arg]) -> String {
    flags
        .iter()
        .filter_map(|a| atom(a))
        .filter(|a| !bad_keyword(a) || a.starts_with('\\'))
        .collect::<Vec<_>>()
        .join(" ")
}

fn atom(arg: &Arg) -> Option<&str> {
    match arg {
        Arg::Atom(s) => Some(s),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn flags_of(line: &str) -> Result<Vec<String>, String> {
        let mut at = 0;
        let list = args(line.as_bytes(), &mut at, false).map_err(|_| "unread".to_owned())?;
        let flags: Vec<&Arg> = match list.first() {
            Some(Arg::List(inner)) => inner.iter().collect(),
            _ => list.iter().collect(),
        };
        check_flags(flags.into_iter())
    }

    #[test]
    fn flags_as_dovecot_reads_them() {
        assert_eq!(flags_of("(\\Seen kw)"), Ok(vec!["kw".to_owned()]));
        assert_eq!(flags_of("(\\Seen) (x)"), Ok(vec![]));
        assert_eq!(
            flags_of("\\Seen (x)"),
            Err("Flags list contains non-atoms".into())
        );
        assert_eq!(
            flags_of("(\"q\")"),
            Err("Flags list contains non-atoms".into())
        );
        assert_eq!(
            flags_of("(a {3+}\r\nabc)"),
            Err("Flags list contains non-atoms".into())
        );
        assert_eq!(
            flags_of("(kw \\Foo)"),
            Err("Invalid system flag \\FOO".into())
        );
        assert_eq!(
            flags_of("(\\Recent)"),
            Err("Invalid system flag \\RECENT".into())
        );
        assert_eq!(
            flags_of("(NIL a]b)"),
            Ok(vec!["NIL".to_owned(), "a]b".to_owned()])
        );
        assert_eq!(flags_of("(a\"b)"), Err("unread".into()));
        assert!(bad_keyword("a]b") && bad_keyword("%x") && !bad_keyword("$Junk"));
    }

    /// A `)` that closes no list ends the reading (it looped for ever, pushing empty
    /// atoms, until the fuzzer's memory ran out: tests/data/fuzz/mock_session/).
    #[test]
    fn a_stray_close_paren_is_unexpected() {
        for line in [
            "+) to close (\\Deleted)",
            ") FLAGS (x)",
            "FLAGS (x))",
            "FLAGS x )",
        ] {
            let mut at = 0;
            let read = args(line.as_bytes(), &mut at, false);
            assert!(matches!(read, Err(Unread::UnexpectedParen)), "{line}");
        }
    }
}
