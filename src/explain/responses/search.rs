//! The phrases of search results: `* SEARCH`, `* SORT` (RFC 5256 §4), `* THREAD` drawn
//! as a tree, and `* ESEARCH` with its items and context updates (RFC 4731, RFC 5267).
//! Wording only, from the templates of `knowledge/data/phrases.yaml`.

use crate::grammar::extensions::thread::ThreadNode;
use crate::say;

use crate::explain::context::Context;
use crate::explain::Annotation;

/// `* ESEARCH` (RFC 4731 §3.1): each item in a detail, and whether it is an update of a
/// context search (RFC 5267 §4.3) or the result of an ESORT (RFC 5267 §3.1).
pub(super) fn esearch_phrase(
    ctx: &Context,
    a: &mut Annotation,
    items: &[(String, String)],
    uid: bool,
    tag: Option<&str>,
) -> String {
    let sorted_update = tag.is_some_and(|t| ctx.sorted_updates.contains(t));
    // RFC 4731 §3.2: MODSEQ covers only the messages MIN and MAX name when neither ALL
    // nor COUNT was asked for; otherwise every message that matched.
    let modseq_of_min_max = items.iter().any(|(k, _)| k == "MIN" || k == "MAX")
        && !items.iter().any(|(k, _)| k == "ALL" || k == "COUNT");
    for (k, v) in items {
        if k == "ADDTO" || k == "REMOVEFROM" {
            // RFC 5267 §4.3.3: the payload is one or more (position, set) pairs, each
            // processed in the order it appears.
            a.details.extend(
                context_pairs(v)
                    .iter()
                    .map(|(position, set)| update_pair(k, position, set, uid, sorted_update)),
            );
        } else {
            a.details.extend(esearch_item(k, v, uid, modseq_of_min_max));
        }
    }
    let list: Vec<String> = items.iter().map(|(k, v)| format!("{k} {v}")).collect();
    let update = items.iter().all(|(k, _)| k == "ADDTO" || k == "REMOVEFROM");
    let key = match (update, uid) {
        (true, _) => "response.esearch.update",
        (false, true) => "response.esearch.uid",
        (false, false) => "response.esearch",
    };
    // ESORT (RFC 5267 §3.1): MIN, MAX and ALL of a SORT follow the sort order.
    let sorted = tag
        .and_then(|t| ctx.pending.get(t))
        .is_some_and(|p| p.is("SORT"));
    let ordered = items
        .iter()
        .any(|(k, _)| ["MIN", "MAX", "ALL"].contains(&k.as_str()));
    if sorted && ordered && !update {
        a.details.push(say!("response.esearch.sorted"));
        a.cite_phrase("response.esearch.sorted");
    }
    if update {
        a.cite_phrase(key);
    }
    say!(key, items = list.join(", "), tag = tag.unwrap_or("?"))
}

/// `* SEARCH`: UIDs if the SEARCH waiting for it was a UID SEARCH.
pub(super) fn search_phrase(ctx: &Context, numbers: &[u32]) -> String {
    let uid = ctx.pending.values().any(|p| p.is("SEARCH") && p.uid);
    if numbers.is_empty() {
        return say!("response.search.none");
    }
    let list: Vec<String> = numbers.iter().map(u32::to_string).collect();
    let key = match (uid, numbers.len() == 1) {
        (true, true) => "response.search.uid.one",
        (true, false) => "response.search.uid",
        (false, true) => "response.search.sequence.one",
        (false, false) => "response.search.sequence",
    };
    say!(key, list = list.join(", "))
}

/// `* SORT`: UIDs if the SORT waiting for it was a UID SORT.
pub(super) fn sort_phrase(ctx: &Context, numbers: &[u32]) -> String {
    let uid = ctx.pending.values().any(|p| p.is("SORT") && p.uid);
    let list: Vec<String> = numbers.iter().map(u32::to_string).collect();
    match (numbers.is_empty(), uid) {
        (true, _) => say!("response.sort.none"),
        (false, true) => say!("response.sort.uid", list = list.join(", ")),
        (false, false) => say!("response.sort.sequence", list = list.join(", ")),
    }
}

/// The (context position, set) pairs of an ADDTO or REMOVEFROM payload (RFC 5267 §7:
/// `"(" context-position SP sequence-set *(SP context-position SP sequence-set) ")"`).
fn context_pairs(value: &str) -> Vec<(&str, &str)> {
    let inner = value.trim_start_matches('(').trim_end_matches(')');
    let words: Vec<&str> = inner.split_whitespace().collect();
    words
        .chunks(2)
        .map(|pair| (pair[0], pair.get(1).copied().unwrap_or("")))
        .collect()
}

/// "messages"/"UIDs", singular for one message ("4"), plural for a set ("4,7:9").
fn what(set: &str, uid: bool) -> (bool, String) {
    let one = !set.contains([',', ':']);
    let key = match (uid, one) {
        (true, true) => "response.esearch.what.uid.one",
        (true, false) => "response.esearch.what.uid",
        (false, true) => "response.esearch.what.sequence.one",
        (false, false) => "response.esearch.what.sequence",
    };
    (one, say!(key))
}

/// One (position, set) pair of a context update (RFC 5267 §4.3.3, §4.3.4): position 0
/// leaves the place to the client (mailbox order), another puts the set there. `sorted`:
/// the update is to a SORT's result, where position 0 is not RFC 5267's.
fn update_pair(name: &str, position: &str, set: &str, uid: bool, sorted: bool) -> String {
    let (one, what) = what(set, uid);
    let (addto, removefrom) = match (one, position == "0") {
        (_, true) if sorted => (
            "response.esearch.addto.sorted",
            "response.esearch.removefrom.sorted",
        ),
        (true, true) => (
            "response.esearch.addto.one",
            "response.esearch.removefrom.one",
        ),
        (false, true) => ("response.esearch.addto", "response.esearch.removefrom"),
        (true, false) => (
            "response.esearch.addto.one.at",
            "response.esearch.removefrom.one.at",
        ),
        (false, false) => (
            "response.esearch.addto.at",
            "response.esearch.removefrom.at",
        ),
    };
    let key = if name == "ADDTO" { addto } else { removefrom };
    say!(key, what = what, set = set, position = position)
}

/// What one other ESEARCH item says beyond its name and value: PARTIAL (RFC 5267 §4.4)
/// and CONDSTORE's MODSEQ (RFC 4731 §3.2), whose messages depend on `modseq_of_min_max`.
fn esearch_item(name: &str, value: &str, uid: bool, modseq_of_min_max: bool) -> Option<String> {
    let inner = value.trim_start_matches('(').trim_end_matches(')');
    let (first, rest) = inner.split_once(' ').unwrap_or((inner, ""));
    Some(match name {
        "PARTIAL" if rest.eq_ignore_ascii_case("NIL") => {
            say!("response.esearch.partial.none", range = first)
        }
        "PARTIAL" => say!(
            "response.esearch.partial",
            range = first,
            what = what(rest, uid).1,
            set = rest
        ),
        "MODSEQ" if modseq_of_min_max => say!("response.esearch.modseq.min-max", modseq = value),
        "MODSEQ" => say!("response.esearch.modseq", modseq = value),
        "RELEVANCY" => say!("response.esearch.relevancy", scores = inner),
        _ => return None,
    })
}

/// A thread as a drawing, one line per message, each reply under what it replies to;
/// returns how many messages it holds.
pub(super) fn draw_thread(node: &ThreadNode, lines: &mut Vec<String>) -> usize {
    lines.push(thread_label(node));
    usize::from(node.message.is_some()) + draw_replies(&node.children, "", lines)
}

fn draw_replies(children: &[ThreadNode], prefix: &str, lines: &mut Vec<String>) -> usize {
    let mut count = 0;
    for (i, child) in children.iter().enumerate() {
        let last = i + 1 == children.len();
        let (branch, below) = if last {
            ("└─ ", "   ")
        } else {
            ("├─ ", "│  ")
        };
        lines.push(format!("{prefix}{branch}{}", thread_label(child)));
        count += usize::from(child.message.is_some());
        count += draw_replies(&child.children, &format!("{prefix}{below}"), lines);
    }
    count
}

fn thread_label(node: &ThreadNode) -> String {
    node.message
        .map_or_else(|| say!("response.thread.missing"), |n| n.to_string())
}
