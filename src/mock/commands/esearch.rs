//! The RETURN options of SEARCH and SORT as Dovecot 2.3 answers them: ESEARCH's MIN,
//! MAX, ALL and COUNT (RFC 4731 §3.1), SEARCHRES's SAVE (RFC 5182 §2.1), CONTEXT=SEARCH's
//! CONTEXT, PARTIAL and UPDATE (RFC 5267 §4), and RELEVANCY (RFC 6203 §4), which Dovecot
//! takes without advertising SEARCH=FUZZY.
//!
//! ```text
//! C: a SEARCH RETURN (MIN PARTIAL 2:3 COUNT) SEEN
//! S: * ESEARCH (TAG "a") MIN 1 PARTIAL (2:3 2:3) COUNT 11
//! ```
//!
//! Checked against Dovecot 2.3.19 (tests/data/differential/esearch.txt):
//! - the options are checked left to right, then UPDATE's tag and PARTIAL against ALL;
//! - `RETURN ()` and `RETURN (CONTEXT)` mean ALL; SAVE alone sends no ESEARCH;
//! - the items come in the order MIN, MAX, ALL, RELEVANCY, PARTIAL, COUNT, MODSEQ;
//! - what SAVE keeps, what RELEVANCY scores and what MODSEQ looks at is the part of
//!   the result the answer names: the lowest (MIN), the highest (MAX) and the PARTIAL
//!   window, unless ALL or COUNT (or none of those three) asks for the whole result.

use std::collections::BTreeSet;

use crate::grammar::extensions::esearch::ReturnOption;
use crate::grammar::search::SearchKey;
use crate::mock::search::uses;

use crate::grammar::fetch::{FetchAttribute, FetchItems};

use super::context::{self, Update};
use super::search::Hit;
use super::{compress, selected_in, Cx};

/// What RETURN asked for, once checked.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Returns {
    pub(crate) min: bool,
    pub(crate) max: bool,
    pub(crate) all: bool,
    pub(crate) count: bool,
    pub(crate) save: bool,
    pub(crate) update: bool,
    pub(crate) relevancy: bool,
    /// PARTIAL's range, lowest first (RFC 5267 §5: `500:400` is `400:500`).
    pub(crate) partial: Option<(u32, u32)>,
    /// Dovecot's `UPDATE (fetch-att ...)`: what to FETCH of each message that arrives
    /// and matches ([`context`]).
    pub(crate) update_fetch: Vec<FetchAttribute>,
}

/// Why Dovecot refuses a RETURN list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Refused {
    /// `BAD Error in IMAP command ...: {text}`.
    Bad(&'static str),
    /// UPDATE with a FETCH macro in its list, which Dovecot refuses in words the
    /// mock does not have.
    UpdateFetch,
}

/// Dovecot's checks of a RETURN list, in its order (imap-search.c
/// `search_parse_return_options`). `updates` are the session's updating searches.
pub(crate) fn check(
    options: &[ReturnOption],
    tag: &str,
    updates: &[Update],
) -> Result<Returns, Refused> {
    let mut r = Returns::default();
    for option in options {
        match option {
            ReturnOption::Min => r.min = true,
            ReturnOption::Max => r.max = true,
            ReturnOption::All => r.all = true,
            ReturnOption::Count => r.count = true,
            ReturnOption::Save => r.save = true,
            ReturnOption::Context => {}
            ReturnOption::Relevancy => r.relevancy = true,
            ReturnOption::Update(_) if r.update => {
                return Err(Refused::Bad("SEARCH return options have duplicate UPDATE"))
            }
            ReturnOption::Update(Some(FetchItems::Items(items))) => {
                r.update = true;
                r.update_fetch = items.clone();
            }
            // A macro inside the list: Dovecot knows none there.
            ReturnOption::Update(Some(_)) => return Err(Refused::UpdateFetch),
            ReturnOption::Update(None) => r.update = true,
            ReturnOption::Partial(..) if r.partial.is_some() => {
                return Err(Refused::Bad("PARTIAL can be used only once"))
            }
            ReturnOption::Partial(a, b) => r.partial = Some(((*a).min(*b), (*a).max(*b))),
            ReturnOption::Other(..) => return Err(Refused::Bad("Unknown SEARCH return option")),
        }
    }
    if r.update && updates.iter().any(|u| u.tag == tag) {
        return Err(Refused::Bad("Duplicate search update tag"));
    }
    if r.partial.is_some() && r.all {
        return Err(Refused::Bad("PARTIAL conflicts with ALL"));
    }
    // Only CONTEXT (a hint), or nothing: the whole result.
    if r == Returns::default() {
        r.all = true;
    }
    Ok(r)
}

impl Returns {
    /// True when the answer names only some of the result (see the module comment).
    fn names_part(&self) -> bool {
        !self.all && !self.count && (self.min || self.max || self.partial.is_some())
    }

    /// The part of `found` (in the command's order) the answer names, as positions.
    pub(crate) fn named(&self, found: &[u32]) -> Vec<usize> {
        if !self.names_part() {
            return (0..found.len()).collect();
        }
        let mut named = BTreeSet::new();
        if self.min && !found.is_empty() {
            named.insert(0);
        }
        named.extend(self.window(found.len()));
        if self.max && !found.is_empty() {
            named.insert(found.len() - 1);
        }
        named.into_iter().collect()
    }

    /// The positions PARTIAL names, if it was asked for.
    fn window(&self, len: usize) -> std::ops::Range<usize> {
        match self.partial {
            Some((a, b)) => {
                let first = (a as usize - 1).min(len);
                first..(b as usize).min(len)
            }
            None => 0..0,
        }
    }

    /// True when SAVE is all that was asked: Dovecot then sends no ESEARCH
    /// (RFC 9051 §6.4.4: "the SAVE result option also suppresses any ESEARCH response").
    fn save_only(&self, modseq: bool) -> bool {
        self.save
            && !modseq
            && *self
                == Returns {
                    save: true,
                    ..Returns::default()
                }
    }

    /// `* ESEARCH (TAG "a") [UID] ...` for the matches `found` (message numbers or UIDs,
    /// in the command's order: mailbox order for SEARCH, sort order for SORT, RFC 5267
    /// §3.2), or `None` when nothing is to be sent. `modseq` is the highest MODSEQ of
    /// the named messages when the search used MODSEQ (RFC 7162 §3.1.5).
    pub(crate) fn line(
        &self,
        tag: &str,
        uid: bool,
        found: &[u32],
        modseq: Option<u64>,
    ) -> Option<String> {
        if self.save_only(modseq.is_some()) {
            return None;
        }
        let mut line = format!("* ESEARCH (TAG \"{tag}\")");
        if uid {
            line.push_str(" UID");
        }
        if let (true, Some(min)) = (self.min, found.first()) {
            line.push_str(&format!(" MIN {min}"));
        }
        if let (true, Some(max)) = (self.max, found.last()) {
            line.push_str(&format!(" MAX {max}"));
        }
        if self.all && !found.is_empty() {
            line.push_str(&format!(" ALL {}", compress(found)));
        }
        if self.relevancy {
            // Without a full-text index every match scores the same: 1.
            let scores = vec!["1"; self.named(found).len()];
            line.push_str(&format!(" RELEVANCY ({})", scores.join(" ")));
        }
        if let Some((a, b)) = self.partial {
            let window = &found[self.window(found.len())];
            let set = if window.is_empty() {
                "NIL".to_owned()
            } else {
                compress(window)
            };
            line.push_str(&format!(" PARTIAL ({a}:{b} {set})"));
        }
        if self.count {
            line.push_str(&format!(" COUNT {}", found.len()));
        }
        if let Some(modseq) = modseq.filter(|&m| m > 0) {
            line.push_str(&format!(" MODSEQ {modseq}"));
        }
        Some(line)
    }
}

/// Answers a SEARCH or SORT that had RETURN: keeps what SAVE and UPDATE ask to keep,
/// then sends the ESEARCH line. `hits` are in the command's order.
pub(super) fn answer(
    cx: &mut Cx,
    tag: &str,
    uid: bool,
    r: &Returns,
    keys: &[SearchKey],
    hits: &[&Hit],
) {
    let found: Vec<u32> = hits
        .iter()
        .map(|h| if uid { h.uid } else { h.seq })
        .collect();
    let named: Vec<&Hit> = r.named(&found).into_iter().map(|i| hits[i]).collect();
    let modseq = uses(keys, |k| matches!(k, SearchKey::ModSeq(_)))
        .then(|| named.iter().map(|h| h.modseq).max().unwrap_or(0));
    let highest = {
        let user = cx.user().to_owned();
        let world = cx.store.lock();
        selected_in(&world, &user, cx.conn.selected.as_ref()).map_or(0, |mb| mb.highest_modseq)
    };
    let mut refused = None;
    if let Some(view) = cx.conn.selected.as_mut() {
        if r.save {
            let mut saved: Vec<u32> = named.iter().map(|h| h.uid).collect();
            saved.sort_unstable();
            saved.dedup();
            view.saved = saved;
        }
        if r.update {
            let all = hits.iter().map(|h| h.uid);
            let fetch = r.update_fetch.clone();
            refused = context::register(view, highest, (tag, uid, fetch), keys, all);
        }
    }
    if let Some(no) = refused {
        cx.line(&no);
    }
    if let Some(line) = r.line(tag, uid, &found, modseq) {
        cx.line(&line);
    }
}

/// Dovecot's reasons for SEARCH and SORT lines whose RETURN list or WITHIN key did not
/// parse (imap-search.c, mail-search-register-imap.c), from the grammar's diagnostic.
pub(super) fn reason(name: &str, d: &crate::grammar::Diagnostic, first: &[u8]) -> Option<String> {
    use crate::grammar::args::label;
    if name != "SEARCH" && name != "SORT" {
        return None;
    }
    let expected = d.expected.as_deref().unwrap_or("");
    let at = d.column.saturating_sub(1);
    let next = first.get(at).copied().filter(|&b| b != b'\r');
    // The error is where PARTIAL's range should start, not inside one.
    let token = String::from_utf8_lossy(&first[token_start(first, at)..at.min(first.len())])
        .to_ascii_uppercase();
    let at_start = token.is_empty() || token == "PARTIAL";
    let before = super::entry::word_before(first, d.column);
    let text = match expected {
        // `RETURN` without a list is a search key to Dovecot, and not one it knows.
        label::SEARCH_RETURN => "Unknown argument RETURN",
        label::SEARCH_RETURN_OPT if matches!(next, Some(b'"' | b'(' | b'{')) => {
            "SEARCH return options contain non-atoms"
        }
        label::PARTIAL_RANGE if at_start && matches!(next, None | Some(b')' | b'"' | b'(')) => {
            "PARTIAL range missing"
        }
        label::PARTIAL_RANGE => "PARTIAL range broken",
        _ if before == "PARTIAL" && !matches!(next, None | Some(b')')) => "PARTIAL range broken",
        label::INTERVAL if d.code == "missing-argument" => return None,
        label::INTERVAL => "Invalid search interval parameter",
        _ if before == "OLDER" || before == "YOUNGER" => "Invalid search interval parameter",
        _ => return None,
    };
    Some(text.to_owned())
}

/// Where the atom that holds byte `at` starts (after a space or a parenthesis).
pub(super) fn token_start(first: &[u8], at: usize) -> usize {
    let at = at.min(first.len());
    first[..at]
        .iter()
        .rposition(|&b| b == b' ' || b == b'(')
        .map_or(0, |i| i + 1)
}

/// Dovecot's reason for a message set that holds `$` and something else (`$,5`,
/// `1:$`): RFC 5182 §3 allows `$` only alone.
pub(super) fn saved_set_reason(
    name: &str,
    uid: bool,
    d: &crate::grammar::Diagnostic,
    first: &[u8],
) -> Option<String> {
    let at = d.column.saturating_sub(1).min(first.len());
    let start = token_start(first, at);
    let end = first[at..]
        .iter()
        .position(|&b| b == b' ' || b == b')' || b == b'\r')
        .map_or(first.len(), |i| at + i);
    let token = String::from_utf8_lossy(&first[start..end]).into_owned();
    if !token.contains('$') || token == "$" {
        return None;
    }
    let searching = matches!(name, "SEARCH" | "SORT" | "THREAD");
    let text = match super::entry::invalid_set(name, uid, first, start + 1) {
        // `$x` is no set but a search key Dovecot does not know, named in upper case.
        "Invalid messageset" if searching && token.starts_with('$') => {
            format!("Unknown argument {}", token.to_ascii_uppercase())
        }
        set => set.to_owned(),
    };
    Some(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn returns(options: &[ReturnOption]) -> Returns {
        check(options, "t", &[]).unwrap_or_else(|e| panic!("{options:?}: {e:?}"))
    }

    #[test]
    fn update_keeps_its_fetch_items_and_refuses_a_macro() {
        use ReturnOption::*;
        let items = vec![FetchAttribute::Uid, FetchAttribute::Flags];
        let r = returns(&[Update(Some(FetchItems::Items(items.clone())))]);
        assert!(r.update && !r.all);
        assert_eq!(r.update_fetch, items);
        assert!(returns(&[Update(None)]).update_fetch.is_empty());
        assert_eq!(
            check(&[Update(Some(FetchItems::Fast))], "t", &[]).err(),
            Some(Refused::UpdateFetch)
        );
    }

    #[test]
    fn options_are_checked_as_dovecot_does() {
        use ReturnOption::*;
        assert!(returns(&[]).all);
        assert!(returns(&[Context]).all);
        assert!(!returns(&[Update(None)]).all);
        assert_eq!(returns(&[Partial(5, 1)]).partial, Some((1, 5)));
        let refused = |o: &[ReturnOption]| check(o, "t", &[]).err();
        assert_eq!(
            refused(&[Partial(1, 2), All]),
            Some(Refused::Bad("PARTIAL conflicts with ALL"))
        );
        assert_eq!(
            refused(&[Other("FOO".into(), None), Partial(1, 2), Partial(1, 2)]),
            Some(Refused::Bad("Unknown SEARCH return option"))
        );
        assert_eq!(
            refused(&[Update(None), Update(None)]),
            Some(Refused::Bad("SEARCH return options have duplicate UPDATE"))
        );
    }

    #[test]
    fn the_answer_names_its_part_of_the_result() {
        use ReturnOption::*;
        let found = [1, 2, 3, 6, 11, 21];
        let line = |o: &[ReturnOption]| returns(o).line("a", false, &found, None);
        assert_eq!(
            line(&[Min, Partial(2, 3), Relevancy]).as_deref(),
            Some("* ESEARCH (TAG \"a\") MIN 1 RELEVANCY (1 1 1) PARTIAL (2:3 2:3)")
        );
        assert_eq!(
            line(&[Partial(9, 7), Count]).as_deref(),
            Some("* ESEARCH (TAG \"a\") PARTIAL (7:9 NIL) COUNT 6")
        );
        assert_eq!(line(&[Save]), None);
        assert_eq!(returns(&[Save, Max, Partial(1, 1)]).named(&found), [0, 5]);
        assert_eq!(returns(&[Save, Max, Count]).named(&found).len(), 6);
    }
}
