//! THREAD (RFC 5256 §4, §5): `THREAD REFERENCES UTF-8 ALL` groups the matching
//! messages into conversations, `* THREAD (2 3 4)(1 (5)(6))`: each parenthesised list
//! is a thread; a number followed by more is the parent of what follows; `(5)(6)`
//! after a number are sibling replies. `UID THREAD` is dispatched by the UID parser
//! in `command/parsers.rs`.
//!
//! Algorithms: ORDEREDSUBJECT and REFERENCES (RFC 5256 §2), and Dovecot's REFS (as
//! REFERENCES without grouping by subject, threads ordered by their latest message).
//! Any other name parses (`thread-alg-ext = atom`); a server that does not know it
//! says so.

use nom::Parser;
use serde::Serialize;

use crate::grammar::args::arg;
use crate::grammar::command::types::CommandBody;
use crate::grammar::core::{atom, keyword, nz_number, quoted};
use crate::grammar::error::{fail, GrammarError, PResult};
use crate::grammar::search::charset_criteria;

/// `thread-alg = "ORDEREDSUBJECT" / "REFERENCES" / thread-alg-ext`
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum ThreadAlgorithm {
    OrderedSubject,
    References,
    /// Dovecot's THREAD=REFS.
    Refs,
    Other(String),
}

/// What THREAD's arguments are called in diagnostics.
pub(crate) mod labels {
    pub(crate) const ALGORITHM: &str =
        "a threading algorithm: REFERENCES, ORDEREDSUBJECT (or REFS, Dovecot's)";
    pub(crate) const CHARSET: &str =
        "the charset of the search strings, such as UTF-8 (THREAD needs it)";
}

/// `thread = ["UID" SP] "THREAD" SP thread-alg SP search-criteria` (RFC 5256 §5);
/// `search-criteria = charset 1*(SP search-key)`
pub(crate) fn thread(input: &[u8]) -> PResult<'_, CommandBody> {
    let (rest, _) = keyword("THREAD").parse(input)?;
    let (rest, algorithm) = arg(labels::ALGORITHM, thread_alg)(rest)?;
    let (rest, (charset, keys)) = charset_criteria(rest, labels::CHARSET)?;
    Ok((
        rest,
        CommandBody::Thread {
            uid: false,
            algorithm,
            charset,
            keys,
        },
    ))
}

/// `thread-alg = "ORDEREDSUBJECT" / "REFERENCES" / thread-alg-ext`; `thread-alg-ext = atom`
/// (a quoted name is taken too, as Dovecot takes it).
pub(crate) fn thread_alg(input: &[u8]) -> PResult<'_, ThreadAlgorithm> {
    let parsed = if input.first() == Some(&b'"') {
        quoted(input).map(|(rest, q)| (rest, q.text().into_owned()))
    } else {
        atom(input).map(|(rest, a)| (rest, a.to_owned()))
    };
    let (rest, name) = match parsed {
        Ok(ok) => ok,
        Err(_) => return fail(input, labels::ALGORITHM),
    };
    let name = name.as_str();
    let algorithm = match name.to_ascii_uppercase().as_str() {
        "ORDEREDSUBJECT" => ThreadAlgorithm::OrderedSubject,
        "REFERENCES" => ThreadAlgorithm::References,
        "REFS" => ThreadAlgorithm::Refs,
        _ => ThreadAlgorithm::Other(name.to_owned()),
    };
    Ok((rest, algorithm))
}

// ---- responses

/// A thread, as `* THREAD` lists it: a message (or none, for a message that is only
/// referred to) and its replies.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ThreadNode {
    /// The message number or UID; `None` for a missing parent that groups siblings.
    pub message: Option<u32>,
    pub children: Vec<ThreadNode>,
}

/// How deep threads may nest in a response the tutor reads: deeper than any real
/// conversation, and a bound keeps a hostile line from exhausting the stack.
const MAX_DEPTH: usize = 64;

/// `thread-data = "THREAD" [SP 1*thread-list]` (after the name; RFC 5256 §5)
pub(crate) fn thread_response(input: &[u8]) -> PResult<'_, Vec<ThreadNode>> {
    let Some(mut rest) = input.strip_prefix(b" ") else {
        return Ok((input, Vec::new()));
    };
    let mut threads = Vec::new();
    while rest.first() == Some(&b'(') {
        let (after, node) = thread_list(rest, 0)?;
        threads.push(node);
        rest = after;
    }
    Ok((rest, threads))
}

/// `thread-list = "(" (thread-members / thread-nested) ")"`;
/// `thread-members = nz-number *(SP nz-number) [SP thread-nested]`;
/// `thread-nested = 2*thread-list`. A list without a first number stands for a
/// missing parent.
fn thread_list(input: &[u8], depth: usize) -> PResult<'_, ThreadNode> {
    if depth > MAX_DEPTH {
        return fail(input, "threads nested less deeply");
    }
    let Some(mut rest) = input.strip_prefix(b"(") else {
        return fail(input, "( to start a thread");
    };
    // The chain of numbers: each the parent of the next.
    let mut chain = Vec::new();
    while rest.first().is_some_and(u8::is_ascii_digit) {
        let (after, n) = nz_number(rest)?;
        chain.push(n);
        rest = after.strip_prefix(b" ").unwrap_or(after);
    }
    let mut nested = Vec::new();
    while rest.first() == Some(&b'(') {
        let (after, node) = thread_list(rest, depth + 1)?;
        nested.push(node);
        rest = after;
    }
    let Some(rest) = rest.strip_prefix(b")") else {
        return Err(nom::Err::Error(GrammarError {
            input: rest,
            expected: ") to close the thread",
            rule: Some("thread-list"),
        }));
    };
    // Build from the end of the chain up.
    let mut node = ThreadNode {
        message: None,
        children: nested,
    };
    for n in chain.into_iter().rev() {
        node = if node.message.is_none() && node.children.is_empty() {
            ThreadNode {
                message: Some(n),
                children: Vec::new(),
            }
        } else if node.message.is_none() {
            ThreadNode {
                message: Some(n),
                children: node.children,
            }
        } else {
            ThreadNode {
                message: Some(n),
                children: vec![node],
            }
        };
    }
    Ok((rest, node))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn leaf(n: u32) -> ThreadNode {
        ThreadNode {
            message: Some(n),
            children: Vec::new(),
        }
    }

    fn node(n: Option<u32>, children: Vec<ThreadNode>) -> ThreadNode {
        ThreadNode {
            message: n,
            children,
        }
    }

    #[test]
    fn the_rfc_example_reads_as_a_tree() {
        // RFC 5256 §5: (2)(3 6 (4 23)(44 7 96))
        let (rest, threads) = thread_response(b" (2)(3 6 (4 23)(44 7 96))").unwrap();
        assert!(rest.is_empty());
        assert_eq!(
            threads,
            vec![
                leaf(2),
                node(
                    Some(3),
                    vec![node(
                        Some(6),
                        vec![
                            node(Some(4), vec![leaf(23)]),
                            node(Some(44), vec![node(Some(7), vec![leaf(96)])]),
                        ]
                    )]
                ),
            ]
        );
    }

    #[test]
    fn a_missing_parent_and_an_empty_answer() {
        let (_, threads) = thread_response(b" ((11 12)(13))").unwrap();
        assert_eq!(
            threads,
            vec![node(None, vec![node(Some(11), vec![leaf(12)]), leaf(13)])]
        );
        assert_eq!(thread_response(b"").unwrap().1, vec![]);
        assert_eq!(thread_response(b" ").unwrap().1, vec![]);
        assert!(thread_response(b" (1 2").is_err());
        let deep = format!(" {}1{}", "(".repeat(100), ")".repeat(100));
        assert!(thread_response(deep.as_bytes()).is_err());
    }

    #[test]
    fn the_command() {
        let (rest, body) = thread(b"THREAD references UTF-8 ALL").unwrap();
        assert!(rest.is_empty());
        assert!(matches!(
            body,
            CommandBody::Thread {
                algorithm: ThreadAlgorithm::References,
                ..
            }
        ));
        let (_, body) = thread(b"THREAD X-OTHER US-ASCII 1:5").unwrap();
        assert!(matches!(
            body,
            CommandBody::Thread {
                algorithm: ThreadAlgorithm::Other(_),
                ..
            }
        ));
    }
}
