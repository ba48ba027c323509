//! Commands valid in any state: CAPABILITY, NOOP, LOGOUT (RFC 9051 §6.1), ID (RFC 2971)
//! and ENABLE (RFC 5161, valid after login; Dovecot's imap-login answers it before);
//! COMPRESS (RFC 4978), which the mock declines.
//!
//! ```text
//! capability = "CAPABILITY"          S: * CAPABILITY IMAP4rev1 ...
//! noop       = "NOOP"                (reports pending changes, RFC 9051 §6.1.2)
//! logout     = "LOGOUT"              S: * BYE Logging out
//! id         = "ID" SP ( "(" string SP nstring *(SP string SP nstring) ")" / nil )
//! enable     = "ENABLE" 1*(SP capability)
//! compress   = "COMPRESS" SP algorithm      (RFC 4978; not implemented)
//! ```

use crate::mock::mime::push_string;
use crate::mock::session::Event;
use crate::mock::wording as w;

use super::{Cx, Done, Next, SyncMode};

/// Capabilities ENABLE can turn on in the mock (RFC 7162 §3.1.1, §3.2.3).
const ENABLEABLE: [&str; 2] = ["CONDSTORE", "QRESYNC"];

/// RFC 9051 §6.1.2: nothing to do but report pending changes.
pub(crate) fn noop(tag: &str) -> Done {
    Done::ok(tag, w::NOOP_DONE).sync(SyncMode::Full)
}

/// RFC 9051 §6.1.3: BYE, then the tagged OK, then the connection closes.
pub(crate) fn logout(cx: &mut Cx, tag: &str) -> Done {
    cx.line(&format!("* BYE {}", w::LOGOUT_BYE));
    Done::ok(tag, w::LOGOUT_DONE).next(Next::Close)
}

/// COMPRESS DEFLATE (RFC 4978): not implemented; an honest NO when the fixture
/// advertises it, Dovecot's BAD when it does not.
pub(crate) fn compress(cx: &mut Cx, tag: &str) -> Done {
    if cx.config.identity.advertises_prefix(true, "COMPRESS=") {
        cx.decline(tag, "COMPRESS".into(), "COMPRESS")
    } else {
        Done::bad(tag, w::command_error("COMPRESS", "Unknown command"))
    }
}

/// RFC 9051 §6.1.1. Before login, Dovecot remembers that the client asked: it then
/// sends the post-login list untagged on login (imap-login-client.c).
pub(crate) fn capability(cx: &mut Cx, tag: &str) -> Done {
    let identity = &cx.config.identity;
    if cx.authenticated() {
        let list = identity.after_login.join(" ");
        cx.line(&format!("* CAPABILITY {list}"));
        Done::ok(tag, w::CAPABILITY_DONE)
    } else {
        let list = identity.before_login.join(" ");
        cx.line(&format!("* CAPABILITY {list}"));
        cx.conn.asked_capability = true;
        Done::ok(tag, w::PRE_CAPABILITY)
    }
}

/// RFC 2971 §3.1: the server's fields, whatever the client sent.
pub(crate) fn id(cx: &mut Cx, tag: &str) -> Done {
    let mut line = b"* ID ".to_vec();
    if cx.config.identity.id.is_empty() {
        line.extend_from_slice(b"NIL");
    } else {
        line.push(b'(');
        for (i, (k, v)) in cx.config.identity.id.iter().enumerate() {
            if i > 0 {
                line.push(b' ');
            }
            push_string(&mut line, k.as_bytes());
            line.push(b' ');
            push_string(&mut line, v.as_bytes());
        }
        line.push(b')');
    }
    line.extend_from_slice(b"\r\n");
    cx.out.extend_from_slice(&line);
    Done::ok(tag, w::ID_DONE)
}

/// RFC 5161 §3.1. `* ENABLED` lists what was enabled now or before; capabilities the
/// server does not know are ignored silently (Dovecot sends no ENABLED line at all then).
pub(crate) fn enable(cx: &mut Cx, tag: &str, requested: &[String]) -> Done {
    if !cx.authenticated() {
        cx.line("* ENABLED");
        return Done::ok(tag, w::PRE_ENABLE);
    }
    let had_condstore = cx.conn.condstore;
    let mut enabled = Vec::new();
    for cap in requested {
        let upper = cap.to_ascii_uppercase();
        if !cx.config.identity.advertises(true, &upper) {
            continue;
        }
        if ENABLEABLE.contains(&upper.as_str()) {
            cx.conn.condstore = true;
            if upper == "QRESYNC" {
                cx.conn.qresync = true;
            }
            enabled.push(upper);
        } else {
            cx.events.push(Event::NotImplemented {
                tag: tag.to_owned(),
                what: format!("ENABLE {upper}"),
            });
        }
    }
    if cx.conn.condstore && !had_condstore {
        condstore_turned_on(cx);
    }
    if !enabled.is_empty() {
        cx.line(&format!("* ENABLED {}", enabled.join(" ")));
    }
    Done::ok(tag, w::ENABLE_DONE)
}

/// CONDSTORE was just turned on for this session (ENABLE, or STATUS HIGHESTMODSEQ).
/// RFC 7162 §3.1.8 lets the server report HIGHESTMODSEQ then; Dovecot does so at once
/// for a mailbox already selected (before `* ENABLED` or `* STATUS`).
pub(crate) fn condstore_turned_on(cx: &mut Cx) {
    cx.conn.condstore = true;
    cx.track_selected_modseqs();
    if let Some(highest) = selected_highest_modseq(cx) {
        cx.line(&format!("* OK [HIGHESTMODSEQ {highest}] {}", w::HIGHEST));
    }
}

fn selected_highest_modseq(cx: &Cx) -> Option<u64> {
    let id = cx.conn.selected.as_ref()?.id;
    let world = cx.store.lock();
    Some(world.account(cx.user())?.by_id(id)?.highest_modseq)
}
