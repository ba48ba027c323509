//! The phrases of SEARCH, SORT and THREAD (RFC 3501 §6.4.4, RFC 5256) and their
//! RETURN options (RFC 4731, 5267): criteria counts, sort keys, thread algorithms.

use crate::explain::context::Context;
use crate::grammar::extensions::esearch::ReturnOption;
use crate::grammar::extensions::sort::{SortCriterion, SortKey};
use crate::grammar::extensions::thread::ThreadAlgorithm;
use crate::grammar::search::SearchKey;
use crate::knowledge::count_key;
use crate::say;

use super::mailbox::current;

/// What the answer to SEARCH, SORT or THREAD lists: UIDs or sequence numbers.
fn numbers_phrase(uid: bool) -> String {
    say!(if uid {
        "command.search.numbers.uid"
    } else {
        "command.search.numbers.sequence"
    })
}

/// The template of one SORT key (RFC 5256 §3, RFC 5957 §3).
pub(super) fn sort_key_template(key: SortKey) -> &'static str {
    match key {
        SortKey::Arrival => "sort.key.arrival",
        SortKey::Cc => "sort.key.cc",
        SortKey::Date => "sort.key.date",
        SortKey::From => "sort.key.from",
        SortKey::Size => "sort.key.size",
        SortKey::Subject => "sort.key.subject",
        SortKey::To => "sort.key.to",
        SortKey::DisplayFrom => "sort.key.displayfrom",
        SortKey::DisplayTo => "sort.key.displayto",
        SortKey::Relevancy => "sort.key.relevancy",
    }
}

/// The template of a THREAD algorithm (RFC 5256 §3).
pub(super) fn thread_algorithm_template(algorithm: &ThreadAlgorithm) -> &'static str {
    match algorithm {
        ThreadAlgorithm::References => "thread.algorithm.references",
        ThreadAlgorithm::OrderedSubject => "thread.algorithm.orderedsubject",
        ThreadAlgorithm::Refs => "thread.algorithm.refs",
        ThreadAlgorithm::Other(_) => "thread.algorithm.other",
    }
}

/// One SORT key in words.
fn sort_key_phrase(c: &SortCriterion) -> String {
    let key = say!(sort_key_template(c.key));
    if c.reverse {
        say!("command.sort.reverse", key = key)
    } else {
        key
    }
}

/// The criteria and charset words that SEARCH, SORT and THREAD share.
fn criteria_phrase(count: usize) -> String {
    say!(&count_key("command.search.criteria", count as u64))
}

/// SEARCH, plain or with RETURN (RFC 4731 §3.1); RETURN (SAVE) alone answers nothing.
pub(super) fn search_phrase(
    ctx: &Context,
    uid: bool,
    criteria: &[SearchKey],
    charset: &Option<String>,
    returns: &Option<Vec<ReturnOption>>,
) -> String {
    let criteria = criteria_phrase(criteria.len());
    let charset = charset.as_ref().map_or(String::new(), |c| {
        say!("command.search.charset", charset = c)
    });
    match returns {
        Some(options) if options.len() == 1 && has_option(options, "SAVE") => say!(
            "command.search.return.save-only",
            mailbox = current(ctx),
            criteria = criteria,
            charset = charset
        ),
        Some(options) => say!(
            "command.search.return",
            mailbox = current(ctx),
            criteria = criteria,
            charset = charset,
            options = options_text(options)
        ),
        None => say!(
            "command.search",
            mailbox = current(ctx),
            criteria = criteria,
            charset = charset,
            numbers = numbers_phrase(uid)
        ),
    }
}

/// SORT, answered by `* SORT` or, with RETURN (RFC 5267 §3.2), by ESEARCH.
pub(super) fn sort_phrase(
    ctx: &Context,
    uid: bool,
    criteria: &[SortCriterion],
    charset: &str,
    keys: usize,
    returns: Option<&[ReturnOption]>,
) -> String {
    let keys_text = criteria
        .iter()
        .map(sort_key_phrase)
        .collect::<Vec<_>>()
        .join(&say!("command.sort.then"));
    let criteria_text = criteria_phrase(keys);
    let charset_text = say!("command.sort.charset", charset = charset);
    match returns {
        Some(returns) => say!(
            "command.sort.esearch",
            mailbox = current(ctx),
            criteria = criteria_text,
            charset = charset_text,
            keys = keys_text,
            returns = options_text(returns)
        ),
        None => say!(
            "command.sort",
            mailbox = current(ctx),
            criteria = criteria_text,
            charset = charset_text,
            keys = keys_text,
            numbers = numbers_phrase(uid)
        ),
    }
}

/// THREAD with its algorithm's name.
pub(super) fn thread_phrase(
    ctx: &Context,
    uid: bool,
    algorithm: &ThreadAlgorithm,
    charset: &str,
    keys: usize,
) -> String {
    say!(
        "command.thread",
        mailbox = current(ctx),
        criteria = criteria_phrase(keys),
        charset = say!("command.sort.charset", charset = charset),
        algorithm = match algorithm {
            ThreadAlgorithm::Other(name) => say!("thread.algorithm.other", name = name),
            known => say!(thread_algorithm_template(known)),
        },
        numbers = numbers_phrase(uid)
    )
}

/// What SEARCH's and SORT's RETURN options add to the one-line summary.
pub(super) fn return_details(options: &[ReturnOption]) -> Vec<String> {
    let mut out = Vec::new();
    for o in options {
        match o {
            ReturnOption::Partial(a, b) => out.push(say!(
                "command.search.partial",
                first = a.min(b),
                last = a.max(b)
            )),
            ReturnOption::Update(_) => out.push(say!("command.search.update")),
            ReturnOption::Context => out.push(say!("command.search.context")),
            ReturnOption::Relevancy => out.push(say!("command.search.relevancy")),
            _ => {}
        }
    }
    if has_option(options, "SAVE") {
        // RFC 9051 §6.4.4.1, RFC 9394 §3.2: with MIN, MAX or PARTIAL and neither ALL
        // nor COUNT, $ holds only the messages those name.
        let part = (has_option(options, "MIN")
            || has_option(options, "MAX")
            || has_option(options, "PARTIAL"))
            && !has_option(options, "ALL")
            && !has_option(options, "COUNT");
        out.push(say!(if part {
            "command.search.save.min-max"
        } else {
            "command.search.save"
        }));
    }
    out
}

/// True if a SEARCH RETURN list holds `option`.
pub(super) fn has_option(options: &[ReturnOption], option: &str) -> bool {
    options.iter().any(|o| o.name() == option)
}

/// RETURN options as written, for the summaries.
/// RETURN's options as sent; an empty list asks for ALL (RFC 4731 §3.1, RFC 5267 §3.3),
/// so it is said as ALL.
fn options_text(options: &[ReturnOption]) -> String {
    if options.is_empty() {
        return "ALL".to_owned();
    }
    options
        .iter()
        .map(ReturnOption::to_string)
        .collect::<Vec<_>>()
        .join(" ")
}

/// The search keys of RFC 8474 among a command's criteria (`EMAILID M6d99...`), each
/// said in full: their name alone does not tell a learner what they compare.
pub(super) fn objectid_keys_details(body: &crate::grammar::CommandBody) -> Vec<String> {
    let mut details = Vec::new();
    for key in criteria_of(body) {
        key.walk(&mut |k| match k {
            SearchKey::EmailId(id) => details.push(say!("command.search.emailid", id = id)),
            SearchKey::ThreadId(id) => details.push(say!("command.search.threadid", id = id)),
            _ => {}
        });
    }
    details
}

/// The search keys of a SEARCH, SORT or THREAD; none for any other command.
fn criteria_of(body: &crate::grammar::CommandBody) -> &[SearchKey] {
    use crate::grammar::CommandBody as C;
    match body {
        C::Search { criteria, .. } => criteria,
        C::Sort { keys, .. } | C::Thread { keys, .. } => keys,
        _ => &[],
    }
}

/// Gmail's keys among a SEARCH, SORT or THREAD's criteria (X-GM-RAW...): said to be
/// Gmail's, in no RFC, so the RFC sections cited for them are not taken for theirs.
pub(super) fn gmail_keys_detail(body: &crate::grammar::CommandBody) -> Option<String> {
    let mut names: Vec<&str> = Vec::new();
    for key in criteria_of(body) {
        key.walk(&mut |k| {
            if let SearchKey::GmailRaw(_)
            | SearchKey::GmailMessageId(_)
            | SearchKey::GmailThreadId(_)
            | SearchKey::GmailLabels(_) = k
            {
                names.extend(k.name().filter(|n| !names.contains(n)));
            }
        });
    }
    (!names.is_empty()).then(|| say!("command.search.gmail", keys = names.join(", ")))
}
