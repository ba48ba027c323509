//! IDLE (RFC 2177, RFC 9051 §6.3.13): the client waits for changes instead of polling.
//!
//! ```text
//! idle = "IDLE" CRLF "DONE"
//! C: i3 IDLE
//! S: + idling
//! S: * 5 EXISTS            (another session appended)
//! C: DONE
//! S: i3 OK Idle completed (0.001 + 0.000 secs).
//! ```
//!
//! The session does the rest: while idling it reports changes as they happen
//! (`Session::poll_updates`, called by the TCP edge when the store changes), sends
//! `* OK Still here` now and then (`Session::tick`), and answers a line other than
//! DONE with `BAD Expected DONE` (battery i12).

use crate::mock::wording as w;

use super::{Cx, Done, Next, SyncMode};

pub(crate) fn handle(cx: &mut Cx, tag: &str) -> Done {
    cx.line(&format!("+ {}", w::IDLE_CONTINUE));
    Done::pending(Next::Idle(tag.to_owned())).sync(SyncMode::Full)
}
