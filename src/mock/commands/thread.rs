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
use crate::mock::rfc822::next_message_id;
use crate::mock::sort::{first_field, sent_or_arrival, unreadable};
use crate::mock::store::Message;
use crate::mock::thread::{ordered_subject, references, refs, write, Msg};
use crate::mock::wording as w;

use super::search::{done, run};
use super::{Cx, Done};

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
    let msgs: Vec<Msg> = {
        let user = cx.user().to_owned();
        let world = cx.store.lock();
        let Some(mb) = cx
            .conn
            .selected
            .as_ref()
            .and_then(|v| world.account(&user).and_then(|a| a.by_id(v.id)))
        else {
            return done(tag, w::THREAD_DONE, uid, keys);
        };
        hits.iter()
            .filter_map(|h| {
                let number = if uid { h.uid } else { h.seq };
                let m = mb.message_or_tombstone(h.uid)?;
                Some(if h.expunged {
                    thread_msg(&unreadable(m), number)
                } else {
                    thread_msg(m, number)
                })
            })
            .collect()
    };
    let threads = match algorithm {
        ThreadAlgorithm::OrderedSubject => ordered_subject(&msgs),
        ThreadAlgorithm::References => references(&msgs),
        _ => refs(&msgs),
    };
    // reply
    cx.line(&format!("* THREAD {}", write(&threads)));
    done(tag, w::THREAD_DONE, uid, keys)
}

/// What threading reads of a message: the first valid Message-ID, the References
/// IDs (or In-Reply-To's first when References has none), the date and the subject.
fn thread_msg(m: &Message, number: u32) -> Msg {
    let ids = |name: &str| {
        let value = first_field(m, name).unwrap_or_default();
        let mut rest: &[u8] = &value;
        let mut out = Vec::new();
        while let Some(id) = next_message_id(&mut rest) {
            out.push(id);
        }
        out
    };
    let mut references = ids("References");
    if references.is_empty() {
        references = ids("In-Reply-To").into_iter().take(1).collect();
    }
    Msg {
        number,
        uid: m.uid,
        date: sent_or_arrival(m),
        message_id: ids("Message-ID").into_iter().next(),
        references,
        subject: first_field(m, "Subject"),
    }
}
