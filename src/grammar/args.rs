//! Argument combinators shared by every command parser: `command/`, `fetch.rs`,
//! `search.rs`, `status.rs` and `extensions/*` all read their arguments with these, so
//! that one argument has one name in diagnostics and one way to fail.
//!
//! Arguments are read with [`arg`], which names each argument for people ("LOGIN needs
//! a password here") and turns a line that ends too early into a nom `Failure`, so that
//! no enclosing alternative can hide it. Lists are read with [`list`], committed after
//! each SP, so that an error points at the bad item.

use nom::bytes::complete::take_while1;
use nom::Parser;

use super::error::{fail, GrammarError, PResult};

/// What each argument is called in diagnostics: "LOGIN needs *a password* here". Shared
/// with `fetch.rs`, `search.rs` and `extensions/`, so that one thing has one name.
pub(crate) mod label {
    pub(crate) const SEQUENCE_SET: &str = "a sequence set (message numbers such as 1, 2:4 or 1:*)";
    pub(crate) const UID_SET: &str = "a set of UIDs (such as 1, 2:4 or 1:*)";
    pub(crate) const MAILBOX: &str = "a mailbox name";
    pub(crate) const COPY_TO: &str = "the name of the mailbox to copy to";
    pub(crate) const MOVE_TO: &str = "the name of the mailbox to move to";
    pub(crate) const RENAME_FROM: &str = "the name of the mailbox to rename";
    pub(crate) const RENAME_TO: &str = "the new mailbox name";
    pub(crate) const USER: &str = "a user name";
    pub(crate) const PASSWORD: &str = "a password";
    pub(crate) const MECHANISM: &str = "a SASL mechanism name such as PLAIN";
    pub(crate) const INITIAL_RESPONSE: &str =
        "an initial response in base64, or = for an empty one";
    pub(crate) const FETCH_ITEMS: &str = "the data items to fetch";
    pub(crate) const FETCH_ATT: &str =
        "a FETCH data item (FLAGS, ENVELOPE, UID, BODY[], BODY.PEEK[HEADER], ...)";
    pub(crate) const FETCH_MODIFIER: &str = "a FETCH modifier such as CHANGEDSINCE 12345";
    pub(crate) const STORE_ITEM: &str = "FLAGS, +FLAGS or -FLAGS (optionally with .SILENT)";
    pub(crate) const STORE_FLAGS: &str = "the flags to store, such as (\\Seen) or \\Seen";
    pub(crate) const STORE_MODIFIER: &str =
        "UNCHANGEDSINCE and a mod-sequence, the STORE modifier of CONDSTORE";
    pub(crate) const FLAG: &str = "a flag such as \\Seen or $Forwarded";
    pub(crate) const DATE_TIME: &str = "a date-time such as \"07-Feb-1994 21:52:25 -0800\"";
    pub(crate) const CRITERIA: &str = "the search criteria (such as ALL, UNSEEN or FROM \"Smith\")";
    pub(crate) const SEARCH_KEY: &str =
        "a search key (ALL, UNSEEN, FROM \"x\", SINCE 1-Feb-2024, 1:5, ...)";
    pub(crate) const SEARCH_RETURN: &str = "the RETURN options in parentheses, such as (MIN COUNT)";
    pub(crate) const SEARCH_RETURN_OPT: &str =
        "a RETURN option (MIN, MAX, ALL, COUNT, SAVE, PARTIAL 1:10, UPDATE or CONTEXT)";
    pub(crate) const PARTIAL_RANGE: &str = "a range of results such as 1:100 after PARTIAL";
    pub(crate) const UPDATE_TAG: &str = "the tag of a SEARCH RETURN (UPDATE), in quotes (\"a1\")";
    pub(crate) const CHARSET: &str = "a charset name such as UTF-8";
    pub(crate) const STATUS_ITEMS: &str =
        "the status items to ask for, in parentheses, such as (MESSAGES UNSEEN)";
    pub(crate) const STATUS_ATT: &str =
        "a status item (MESSAGES, UIDNEXT, UIDVALIDITY, UNSEEN, DELETED, SIZE, ...)";
    pub(crate) const MESSAGE: &str =
        "the message, as a literal: {size} and then the message's bytes";
    pub(crate) const CAT_PARTS: &str =
        "the parts of the message in parentheses, such as (TEXT {5} URL \"/INBOX/;UID=1\")";
    pub(crate) const CAT_PART: &str = "TEXT and a literal, or URL and an IMAP URL";
    pub(crate) const URL: &str = "an IMAP URL such as \"/INBOX/;UID=1/;SECTION=TEXT\"";
    pub(crate) const NOTIFY_ACTION: &str = "SET (to choose events) or NONE (to stop them)";
    pub(crate) const EVENT_GROUP: &str =
        "an event group such as (SELECTED (MessageNew MessageExpunge))";
    pub(crate) const NOTIFY_FILTER: &str =
        "SELECTED, SELECTED-DELAYED, PERSONAL, INBOXES, SUBSCRIBED, SUBTREE or MAILBOXES";
    pub(crate) const NOTIFY_EVENTS: &str = "the events in parentheses, or NONE";
    pub(crate) const NOTIFY_EVENT: &str =
        "an event (MessageNew, MessageExpunge, FlagChange, MailboxName, SubscriptionChange, ...)";
    pub(crate) const SELECT_PARAM: &str = "a SELECT parameter such as CONDSTORE";
    pub(crate) const LIST_REFERENCE: &str = "a reference name (usually \"\")";
    pub(crate) const LIST_PATTERN: &str = "a mailbox name or pattern (such as * or %)";
    pub(crate) const LIST_SELECT_OPT: &str =
        "a LIST selection option (SUBSCRIBED, REMOTE, RECURSIVEMATCH, SPECIAL-USE, ...)";
    pub(crate) const LIST_RETURN: &str = "the RETURN options in parentheses, such as (CHILDREN)";
    pub(crate) const LIST_RETURN_OPT: &str =
        "a LIST return option (SUBSCRIBED, CHILDREN, STATUS (...), SPECIAL-USE, ...)";
    pub(crate) const CAPABILITY: &str = "a capability to enable, such as CONDSTORE";
    pub(crate) const ID_PARAMS: &str =
        "a list of field and value strings such as (\"name\" \"my-client\"), or NIL";
    pub(crate) const ALGORITHM: &str = "DEFLATE, the only compression algorithm";
    pub(crate) const UID_COMMAND: &str =
        "COPY, MOVE, FETCH, SEARCH, STORE or EXPUNGE after UID (or SORT or THREAD, RFC 5256)";
    pub(crate) const MODSEQ: &str = "a mod-sequence number";
    pub(crate) const DATE: &str = "a date such as 1-Feb-2024";
    pub(crate) const INTERVAL: &str = "a number of seconds greater than zero, such as 86400";
    pub(crate) const EXT_VALUE: &str = "a value: a number, a sequence set or a parenthesised list";
}

/// True where the command line ends. The front door strips the final CRLF, so there it
/// is the end of the input; the strict [`command`] parser still sees the CRLF.
pub(crate) fn at_eol(input: &[u8]) -> bool {
    input.is_empty() || input.starts_with(b"\r\n")
}

/// A missing argument: a nom `Failure`, so that no enclosing alternative or option hides it.
pub(crate) fn missing<'a, O>(input: &'a [u8], what: &'static str) -> PResult<'a, O> {
    Err(nom::Err::Failure(GrammarError {
        input,
        expected: what,
        rule: None,
    }))
}

/// `SP argument`, where `what` names the argument for people. A failure at the very start
/// of the argument is reported as `what`; a failure deeper inside keeps its own label.
pub(crate) fn arg<'a, O>(
    what: &'static str,
    mut parser: impl FnMut(&'a [u8]) -> PResult<'a, O>,
) -> impl FnMut(&'a [u8]) -> PResult<'a, O> {
    move |input: &'a [u8]| {
        let rest = match input.first() {
            Some(b' ') => &input[1..],
            _ if at_eol(input) => return missing(input, what),
            Some(b')') => return fail(input, what),
            _ => return fail(input, "a space"),
        };
        if at_eol(rest) {
            return missing(rest, what);
        }
        match parser(rest) {
            Err(nom::Err::Error(e)) if e.input.len() == rest.len() => {
                Err(nom::Err::Error(GrammarError {
                    input: rest,
                    expected: what,
                    rule: e.rule,
                }))
            }
            other => other,
        }
    }
}

/// `"(" [item *(SP item)] ")"` (or `1*` when `min` is 1), committed after each SP: an
/// error inside the list is reported at the bad item, with the item parser's own label,
/// where nom's `separated_list0` would backtrack and blame the closing parenthesis instead.
pub(crate) fn list<'a, O>(
    min: usize,
    item_label: &'static str,
    mut item: impl FnMut(&'a [u8]) -> PResult<'a, O>,
) -> impl FnMut(&'a [u8]) -> PResult<'a, Vec<O>> {
    move |input: &'a [u8]| {
        if input.first() != Some(&b'(') {
            return fail(input, "(");
        }
        let mut rest = &input[1..];
        let mut out = Vec::new();
        if rest.first() == Some(&b')') {
            if out.len() < min {
                return fail(rest, item_label);
            }
            return Ok((&rest[1..], out));
        }
        loop {
            if at_eol(rest) {
                return fail(rest, item_label);
            }
            let (after, value) = item(rest)?;
            out.push(value);
            match after.first() {
                Some(b')') => return Ok((&after[1..], out)),
                Some(b' ') => rest = &after[1..],
                _ => return fail(after, "a space, or ) to close the list"),
            }
        }
    }
}

/// `*(SP item)` after a first item, committed after each SP like [`list`]. It stops before
/// a doubled or trailing space, which the front door then reports by name.
pub(crate) fn more<'a, O>(
    mut input: &'a [u8],
    out: &mut Vec<O>,
    mut item: impl FnMut(&'a [u8]) -> PResult<'a, O>,
) -> PResult<'a, ()> {
    while input.first() == Some(&b' ') && !at_eol(&input[1..]) && input.get(1) != Some(&b' ') {
        let (rest, value) = item(&input[1..])?;
        out.push(value);
        input = rest;
    }
    Ok((input, ()))
}

/// A keyword-like word: letters, digits, `.`, `-` and `_` (`BODY.PEEK`, `X-GM-LABELS`).
pub(crate) fn word(input: &[u8]) -> PResult<'_, &[u8]> {
    take_while1(|b: u8| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_')).parse(input)
}

/// True if `input` starts with the keyword `name` (any case) as a whole word.
pub(crate) fn starts_with_word(input: &[u8], name: &str) -> bool {
    input.len() >= name.len()
        && input[..name.len()].eq_ignore_ascii_case(name.as_bytes())
        && matches!(
            input.get(name.len()),
            None | Some(b' ' | b')' | b'(' | b'\r')
        )
}

/// Runs `parser`; where it fails with one of nom's generic labels ("something else"),
/// reports `what` at the start instead, which tells a learner more.
pub(crate) fn clarify<'a, O>(
    what: &'static str,
    mut parser: impl FnMut(&'a [u8]) -> PResult<'a, O>,
) -> impl FnMut(&'a [u8]) -> PResult<'a, O> {
    move |input: &'a [u8]| match parser(input) {
        Err(nom::Err::Error(e)) if matches!(e.expected, "something else" | "a keyword") => {
            fail(input, what)
        }
        other => other,
    }
}
