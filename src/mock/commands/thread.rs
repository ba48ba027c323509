//! THREAD and UID THREAD (RFC 5256 §4): ORDEREDSUBJECT, REFERENCES, and Dovecot's
//! REFS.
//!
//! ```text
//! thread = ["UID" SP] "THREAD" SP thread-alg SP search-criteria
//! C: a THREAD REFERENCES UTF-8 ALL
//! S: * THREAD (1 (2 3)(4))(5 6)
//! ```
//!
//! The search program runs as SEARCH's does (`search::run`); the threads are
//! `mock::thread`'s. Dovecot writes `* THREAD ` with its space even when no message
//! matched.

use crate::grammar::extensions::thread::ThreadAlgorithm;
use crate::grammar::search::SearchKey;
use crate::mock::header_keys::NO_KEYS;
use crate::mock::sort::sent_or_arrival;
use crate::mock::thread::{ordered_subject, references, refs, write, Msg};
use crate::mock::wording as w;

use super::search::{done, run};
use super::{selected_in, Cx, Done};

/// THREAD and UID THREAD.
pub(crate) fn handle(
    cx: &mut Cx,
    tag: &str,
    uid: bool,
    algorithm: &ThreadAlgorithm,
    charset: &str,
    keys: &[SearchKey],
) -> Done {
    // parse
    let name = if uid { "UID THREAD" } else { "THREAD" };
    if let ThreadAlgorithm::Other(_) = algorithm {
        return Done::bad(tag, w::command_error(name, "Unknown thread algorithm"));
    }
    // apply
    let hits = match run(cx, tag, name, Some(charset), keys, false) {
        Ok((hits, _)) => hits,
        Err(done) => return *done,
    };
    let threads = {
        let user = cx.user().to_owned();
        let world = cx.store.lock();
        let Some(mb) = selected_in(&world, &user, cx.conn.selected.as_ref()) else {
            return done(tag, w::THREAD_DONE, uid, keys);
        };
        // Hits come in UID order: one walk finds them all (`store::Walk`).
        let mut walk = mb.walk();
        let msgs: Vec<Msg> = hits
            .iter()
            .filter_map(|h| {
                let m = walk
                    .message(h.uid)
                    .or_else(|| mb.message_or_tombstone(h.uid))?;
                // A message another session expunged: Dovecot can read none of it.
                let (date, keys) = if h.expunged {
                    (0, &NO_KEYS)
                } else {
                    (sent_or_arrival(m), m.header_keys())
                };
                Some(Msg {
                    number: if uid { h.uid } else { h.seq },
                    uid: h.uid,
                    date,
                    keys,
                })
            })
            .collect();
        match algorithm {
            ThreadAlgorithm::OrderedSubject => ordered_subject(&msgs),
            ThreadAlgorithm::References => references(&msgs),
            _ => refs(&msgs),
        }
    };
    // reply
    cx.line(&format!("* THREAD {}", write(&threads)));
    done(tag, w::THREAD_DONE, uid, keys)
}
