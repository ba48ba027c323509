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
    a.details.extend(
        items
            .iter()
            .filter_map(|(k, v)| esearch_item(k, v, uid, sorted_update)),
    );
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
    let key = if uid {
        "response.search.uid"
    } else {
        "response.search.sequence"
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

/// What one ESEARCH item says beyond its name and value: the items of CONTEXT=SEARCH
/// (RFC 5267 §4.3.3, §4.3.4, §4.4) and CONDSTORE's MODSEQ (RFC 4731 §3.2). `sorted`:
/// the item updates a SORT's result, where position 0 is not RFC 5267's.
fn esearch_item(name: &str, value: &str, uid: bool, sorted: bool) -> Option<String> {
    let inner = value.trim_start_matches('(').trim_end_matches(')');
    let (first, rest) = inner.split_once(' ').unwrap_or((inner, ""));
    // One message ("4") reads in the singular, a set ("4,7:9") in the plural; position 0
    // leaves the place to the client (mailbox order), another puts the set there.
    let one = !rest.contains([',', ':']);
    let what = say!(match (uid, one) {
        (true, true) => "response.esearch.what.uid.one",
        (true, false) => "response.esearch.what.uid",
        (false, true) => "response.esearch.what.sequence.one",
        (false, false) => "response.esearch.what.sequence",
    });
    let (addto, removefrom) = match (one, first == "0") {
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
    Some(match name {
        "ADDTO" => say!(addto, what = what, set = rest, position = first),
        "REMOVEFROM" => say!(removefrom, what = what, set = rest, position = first),
        "PARTIAL" if rest.eq_ignore_ascii_case("NIL") => {
            say!("response.esearch.partial.none", range = first)
        }
        "PARTIAL" => say!(
            "response.esearch.partial",
            range = first,
            what = what,
            set = rest
        ),
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
