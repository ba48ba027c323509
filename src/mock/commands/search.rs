//! SEARCH and UID SEARCH (RFC 9051 §6.4.4, RFC 3501 §6.4.4), with the RETURN options
//! of ESEARCH (RFC 4731), SEARCHRES (RFC 5182) and CONTEXT=SEARCH (RFC 5267), which
//! `esearch.rs` and `context.rs` answer.
//!
//! ```text
//! search     = "SEARCH" [search-return-opts] [SP "CHARSET" SP charset] 1*(SP search-key)
//! S: * SEARCH 2 4
//! S: * ESEARCH (TAG "s48") MIN 1 MAX 4 COUNT 4
//! ```
//!
//! Matching as Dovecot does it for the battery's 60 searches (session 17): substrings
//! are case-insensitive; BEFORE/ON/SINCE compare the day of INTERNALDATE; SENT* the
//! day written in the Date: header, and a message without one counts as sent at the
//! epoch (so it matches SENTBEFORE anything). SEARCH KEYWORD with a keyword the
//! mailbox does not have makes FLAGS and PERMANENTFLAGS follow the result, for this
//! session only (a Dovecot quirk).

use crate::grammar::code::Code;
use crate::grammar::extensions::esearch::ReturnOption;
use crate::grammar::search::{SearchKey, SearchText};
use crate::mock::search::{first_bad_date, keywords, uses, Candidate};
use crate::mock::store::MailboxData;
use crate::mock::wording as w;

use super::esearch::{self, Refused, Returns};
use super::{Cx, Done, SelectedView, SyncMode};

/// A message a search program selected.
pub(crate) struct Hit {
    pub(crate) seq: u32,
    pub(crate) uid: u32,
    pub(crate) modseq: u64,
    /// Expunged by another session, and a sync since has seen it gone without telling
    /// the client: Dovecot can no longer read it (SORT and THREAD see no header, no
    /// date, no size).
    pub(crate) expunged: bool,
}

/// The name of the first of the keys Dovecot 2.3.19 does not know but the grammar reads
/// (Gmail's X-GM-RAW..., OBJECTID's EMAILID and THREADID) among `criteria`, in the
/// order they were written.
fn unknown_to_dovecot(criteria: &[SearchKey]) -> Option<&'static str> {
    let unknown = |n: &&str| n.starts_with("X-GM-") || matches!(*n, "EMAILID" | "THREADID");
    let mut found = None;
    for key in criteria {
        key.walk(&mut |k| {
            if let (None, Some(name)) = (found, k.name().filter(unknown)) {
                found = Some(name);
            }
        });
    }
    found
}

/// Runs a search program over the selected mailbox, as SEARCH, SORT and THREAD all
/// begin: the charset and dates checked (`name` is the command, for the BAD text),
/// CONDSTORE turned on by a MODSEQ key, keywords the mailbox does not know announced
/// to this session, strings converted from the charset to UTF-8. The hits come in
/// message-number order, with the keys as converted; `Err` is the reply when there is
/// nothing to search.
pub(super) fn run(
    cx: &mut Cx,
    tag: &str,
    name: &str,
    charset: Option<&str>,
    criteria: &[SearchKey],
    save: bool,
) -> Result<(Vec<Hit>, Vec<SearchKey>), Box<Done>> {
    if let Some(key) = unknown_to_dovecot(criteria) {
        // Dovecot has no Gmail or OBJECTID keys: it stops at the first, as at any key
        // it does not know.
        let text = format!("Unknown argument {key}");
        return Err(Box::new(Done::bad(tag, w::command_error(name, &text))));
    }
    if let Some(cs) = charset {
        if !crate::mock::charset::known_charset(cs) {
            // Dovecot forgets the saved result when SAVE's search cannot start
            // (imap-search-args.c), but not when its arguments did not parse.
            if let Some(view) = cx.conn.selected.as_mut().filter(|_| save) {
                view.saved.clear();
            }
            return Err(Box::new(
                Done::no(tag, w::UNKNOWN_CHARSET).code(Code::other("BADCHARSET")),
            ));
        }
    }
    if criteria.is_empty() {
        return Err(Box::new(Done::bad(
            tag,
            w::command_error(name, "Missing search parameters"),
        )));
    }
    if first_bad_date(criteria).is_some() {
        return Err(Box::new(Done::bad(
            tag,
            w::command_error(name, "Invalid search date parameter"),
        )));
    }
    let Some(converted) = decoded(criteria, charset.unwrap_or("UTF-8")) else {
        return Err(Box::new(Done::bad(
            tag,
            w::command_error(name, "Invalid search key"),
        )));
    };
    let criteria = &converted[..];
    if uses(criteria, |k| matches!(k, SearchKey::ModSeq(_))) && !cx.conn.condstore {
        super::any::condstore_turned_on(cx);
    }
    if cx.conn.condstore {
        cx.track_selected_modseqs();
    }
    let user = cx.user().to_owned();
    let Some(view) = cx.conn.selected.as_mut() else {
        return Err(Box::new(Done::bad(tag, w::NO_MAILBOX_SELECTED)));
    };
    let world = cx.store.lock();
    let Some(mb) = world.account(&user).and_then(|a| a.by_id(view.id)) else {
        return Err(Box::new(Done::ok(tag, w::SEARCH_DONE).sync(SyncMode::Full)));
    };
    for k in keywords(criteria) {
        let known = mb
            .keywords
            .iter()
            .chain(&view.local_keywords)
            .any(|m| m.eq_ignore_ascii_case(&k));
        if !known {
            cx.conn.local_keywords.push((view.id, k.clone()));
            view.local_keywords.push(k);
        }
    }
    let mut hits = Vec::new();
    let now = crate::mock::dates::now(); // once per search, not per message
    for (i, &u) in view.uids.iter().enumerate() {
        let Some(m) = mb.message_or_tombstone(u) else {
            continue;
        };
        if matches_at(view, mb, criteria, i, Some(&view.saved), now) {
            hits.push(Hit {
                seq: i as u32 + 1,
                uid: u,
                modseq: m.modseq,
                expunged: view.gone.contains(&u),
            });
        }
    }
    Ok((hits, converted))
}

/// The keys with their strings converted from `charset` to UTF-8, as Dovecot converts
/// them before searching; `None` if one is not text in that charset. Dovecot keeps a
/// string as a C string: a NUL ends it (so `\0x` in UTF-16 is the empty string).
fn decoded(keys: &[SearchKey], charset: &str) -> Option<Vec<SearchKey>> {
    use SearchKey::*;
    let text = |t: &SearchText| {
        let end = t.0.iter().position(|&b| b == 0).unwrap_or(t.0.len());
        crate::mock::charset::search_string(&t.0[..end], charset)
            .map(|s| SearchText(s.into_bytes()))
    };
    keys.iter()
        .map(|k| {
            Some(match k {
                Bcc(t) => Bcc(text(t)?),
                Body(t) => Body(text(t)?),
                Cc(t) => Cc(text(t)?),
                From(t) => From(text(t)?),
                Subject(t) => Subject(text(t)?),
                Text(t) => Text(text(t)?),
                To(t) => To(text(t)?),
                Header(name, t) => Header(name.clone(), text(t)?),
                Not(k) => Not(Box::new(
                    decoded(std::slice::from_ref(k), charset)?.remove(0),
                )),
                Or(a, b) => {
                    let mut both = decoded(&[(**a).clone(), (**b).clone()], charset)?;
                    let b = both.pop()?;
                    Or(Box::new(both.pop()?), Box::new(b))
                }
                And(ks) => And(decoded(ks, charset)?),
                other => other.clone(),
            })
        })
        .collect()
}

/// True if the message at index `i` of the session's view matches every key; `saved`
/// is what `$` stands for (`None`: nothing); `now` is the time YOUNGER and OLDER count
/// from (RFC 5032 §3).
pub(super) fn matches_at(
    view: &SelectedView,
    mb: &MailboxData,
    keys: &[SearchKey],
    i: usize,
    saved: Option<&[u32]>,
    now: i64,
) -> bool {
    let Some(m) = view.uids.get(i).and_then(|&u| mb.message_or_tombstone(u)) else {
        return false;
    };
    let at = Candidate {
        m,
        flags: &view.flags[i],
        seq: i as u32 + 1,
        recent: view.recent.contains(&m.uid),
        max_seq: view.uids.len() as u32,
        max_uid: view.uids.last().copied().unwrap_or(0),
        saved,
        now,
    };
    keys.iter().all(|k| at.matches(k))
}

/// How SEARCH, SORT and THREAD report changes afterwards: the UID forms may report
/// expunges (RFC 9051 §7.5.1), unless the search itself named message numbers, which
/// an expunge would shift (Dovecot then waits).
pub(super) fn done(tag: &str, text: &str, uid: bool, criteria: &[SearchKey]) -> Done {
    let numbers = uses(criteria, |k| matches!(k, SearchKey::SequenceSet(_)));
    Done::ok(tag, text)
        .sync(if uid && !numbers {
            SyncMode::Full
        } else {
            SyncMode::NoExpunges
        })
        .uid(uid)
}

/// SEARCH and UID SEARCH, with the RETURN options of ESEARCH, SEARCHRES and
/// CONTEXT=SEARCH ([`super::esearch`]).
pub(crate) fn handle(
    cx: &mut Cx,
    tag: &str,
    uid: bool,
    charset: Option<&str>,
    returns: Option<&[ReturnOption]>,
    criteria: &[SearchKey],
) -> Done {
    // parse
    let name = if uid { "UID SEARCH" } else { "SEARCH" };
    // apply
    let Found {
        returns,
        hits,
        keys,
    } = match run_with_returns(cx, tag, name, charset, returns, criteria) {
        Ok(found) => found,
        Err(done) => return *done,
    };
    // reply
    let Some(returns) = returns else {
        let mut line = String::from("* SEARCH");
        for h in &hits {
            line.push(' ');
            line.push_str(&(if uid { h.uid } else { h.seq }).to_string());
        }
        // RFC 7162 §3.1.6: a search by MODSEQ also says the highest MODSEQ found.
        if uses(criteria, |k| matches!(k, SearchKey::ModSeq(_))) && !hits.is_empty() {
            let highest = hits.iter().map(|h| h.modseq).max().unwrap_or(0);
            line.push_str(&format!(" (MODSEQ {highest})"));
        }
        cx.line(&line);
        return done(tag, w::SEARCH_DONE, uid, criteria);
    };
    let in_order: Vec<&Hit> = hits.iter().collect();
    esearch::answer(cx, tag, uid, &returns, &keys, &in_order);
    done(tag, w::SEARCH_DONE, uid, criteria)
}

/// What a searching command has before it answers: its RETURN options, checked, and
/// what its search program found.
pub(super) struct Found {
    pub(super) returns: Option<Returns>,
    pub(super) hits: Vec<Hit>,
    /// The search program as run (charset converted), for ESEARCH's context.
    pub(super) keys: Vec<SearchKey>,
}

/// The first steps SEARCH and SORT share: the RETURN options checked, then the search
/// program run, its result saved when RETURN (SAVE) asks.
pub(super) fn run_with_returns(
    cx: &mut Cx,
    tag: &str,
    name: &str,
    charset: Option<&str>,
    returns: Option<&[ReturnOption]>,
    criteria: &[SearchKey],
) -> Result<Found, Box<Done>> {
    let returns = returns
        .map(|o| checked_returns(cx, tag, name, o))
        .transpose()?;
    let save = returns.as_ref().is_some_and(|r| r.save);
    let (hits, keys) = run(cx, tag, name, charset, criteria, save)?;
    Ok(Found {
        returns,
        hits,
        keys,
    })
}

/// The RETURN options checked as Dovecot checks them, or its reply (`name` is the
/// command, for the BAD text).
pub(super) fn checked_returns(
    cx: &mut Cx,
    tag: &str,
    name: &str,
    options: &[ReturnOption],
) -> Result<Returns, Box<Done>> {
    let updates = cx
        .conn
        .selected
        .as_ref()
        .map_or(&[][..], |v| &v.updates[..]);
    match esearch::check(options, tag, updates) {
        Ok(r) => Ok(r),
        Err(Refused::Bad(text)) => Err(Box::new(Done::bad(tag, w::command_error(name, text)))),
        Err(Refused::UpdateFetch) => Err(Box::new(cx.decline(
            tag,
            format!("{name} RETURN (UPDATE (...))"),
            "UPDATE with FETCH items (a Dovecot extension)",
        ))),
    }
}
