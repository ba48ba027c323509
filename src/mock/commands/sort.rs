//! SORT and UID SORT (RFC 5256 §3, SORT=DISPLAY RFC 5957), with ESORT's RETURN
//! options (RFC 5267 §3).
//!
//! ```text
//! sort = ["UID" SP] "SORT" [search-return-opts] SP sort-criteria SP search-criteria
//! C: a SORT (REVERSE DATE) UTF-8 UNSEEN
//! S: * SORT 5 3 4
//! C: b SORT RETURN (MIN COUNT) (SUBJECT) UTF-8 ALL
//! S: * ESEARCH (TAG "b") MIN 39 COUNT 60
//! ```
//!
//! The search program runs as SEARCH's does (`search::run`); the order is
//! `mock::sort`'s. With RETURN the answer is an ESEARCH response whose MIN and MAX
//! are the first and last in sort order and whose ALL keeps that order.

use crate::grammar::extensions::esearch::ReturnOption;
use crate::grammar::extensions::sort::SortCriterion;
use crate::grammar::search::SearchKey;
use crate::mock::sort::{order, unreadable, Item};
use crate::mock::store::Message;
use crate::mock::wording as w;

use super::entry::word_at;
use super::esearch;
use super::search::{done, run_with_returns, Found, Hit};
use super::{selected_in, Cx, Done};

/// SORT and UID SORT.
pub(crate) fn handle(
    cx: &mut Cx,
    tag: &str,
    uid: bool,
    returns: Option<&[ReturnOption]>,
    criteria: &[SortCriterion],
    charset: &str,
    keys: &[SearchKey],
) -> Done {
    // parse
    let name = if uid { "UID SORT" } else { "SORT" };
    // apply: the search program picks the messages
    let Found {
        returns,
        hits,
        keys: converted,
    } = match run_with_returns(cx, tag, name, Some(charset), returns, keys) {
        Ok(found) => found,
        Err(done) => return *done,
    };
    let sorted: Vec<&Hit> = {
        let user = cx.user().to_owned();
        let world = cx.store.lock();
        let Some(mb) = selected_in(&world, &user, cx.conn.selected.as_ref()) else {
            return done(tag, w::SORT_DONE, uid, keys);
        };
        let unreadable: Vec<Message> = hits
            .iter()
            .filter(|h| h.expunged)
            .filter_map(|h| mb.message_or_tombstone(h.uid).map(unreadable))
            .collect();
        // Hits come in UID order: one walk finds them all (`store::Walk`).
        let mut walk = mb.walk();
        let items: Vec<(&Hit, Item)> = hits
            .iter()
            .filter_map(|h| {
                let m = if h.expunged {
                    unreadable.iter().find(|m| m.uid == h.uid)
                } else {
                    walk.message(h.uid)
                        .or_else(|| mb.message_or_tombstone(h.uid))
                };
                m.map(|m| (h, Item { seq: h.seq, m }))
            })
            .collect();
        let (hits, items): (Vec<&Hit>, Vec<Item>) = items.into_iter().unzip();
        order(&items, criteria)
            .into_iter()
            .map(|i| hits[i])
            .collect()
    };
    // reply
    match returns {
        None => {
            use std::fmt::Write;
            let mut line = String::with_capacity(7 + sorted.len() * 6);
            line.push_str("* SORT");
            for h in &sorted {
                // Writing to a String cannot fail; no string per number.
                let _ = write!(line, " {}", if uid { h.uid } else { h.seq });
            }
            cx.line(&line);
        }
        Some(returns) => esearch::answer(cx, tag, uid, &returns, &converted, &sorted),
    }
    done(tag, w::SORT_DONE, uid, keys)
}

/// Dovecot's reasons for SORT and THREAD arguments that did not parse
/// (tests/data/differential/sort-thread.txt): its checks run in order (sort program,
/// charset, search keys), each with its own text.
pub(super) fn reason(name: &str, d: &crate::grammar::Diagnostic, first: &[u8]) -> Option<String> {
    use crate::grammar::args::label;
    use crate::grammar::extensions::{sort, thread};
    if name != "SORT" && name != "THREAD" {
        return None;
    }
    let expected = d.expected.as_deref().unwrap_or("");
    let at = d.column.saturating_sub(1);
    let word = match first.get(at) {
        Some(b'(') => "(".to_owned(),
        _ => word_at(first, d.column),
    };
    let text = match expected {
        sort::labels::PROGRAM => "Invalid sort argument".to_owned(),
        sort::labels::EMPTY => "Empty sort program".to_owned(),
        sort::labels::CHARSET => "Invalid charset argument".to_owned(),
        sort::labels::AFTER_REVERSE if word.is_empty() || word.starts_with(')') => {
            "Sort list ends with REVERSE".to_owned()
        }
        sort::labels::KEY | sort::labels::AFTER_REVERSE if word.starts_with('(') => {
            "Invalid sort list argument".to_owned()
        }
        sort::labels::KEY | sort::labels::AFTER_REVERSE => format!("Unknown sort argument: {word}"),
        thread::labels::ALGORITHM | thread::labels::CHARSET => "Invalid arguments".to_owned(),
        label::CRITERIA if word.is_empty() => "Missing search parameters".to_owned(),
        label::CRITERIA => super::entry::bad_search_key(first, d.column),
        _ if d.rule == "date" || expected.contains("date") => {
            "Invalid search date parameter".to_owned()
        }
        _ if d.code == "bad-argument" => super::entry::bad_search_key(first, d.column),
        _ => return None,
    };
    Some(text)
}
