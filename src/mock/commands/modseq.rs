//! CONDSTORE and QRESYNC (RFC 7162) where several families meet: turning CONDSTORE on,
//! telling a QRESYNC client its new HIGHESTMODSEQ after a sync, and Dovecot's texts for
//! modifiers it refuses.
//!
//! ```text
//! C: a8 EXPUNGE                          (QRESYNC enabled)
//! S: * VANISHED 2
//! S: a8 OK [HIGHESTMODSEQ 7] Expunge completed (0.001 + 0.000 secs).
//! ```
//!
//! Dovecot's rule for that code (imap-sync.c, `imap_sync_send_highestmodseq`, checked
//! against 2.3.19 in tests/data/differential/condstore.txt): after each sync of a
//! QRESYNC session, if the mailbox's HIGHESTMODSEQ grew past both the last one the
//! client was given and every MODSEQ the client was shown since, the new value goes
//! into the tagged OK (or an untagged `* OK [HIGHESTMODSEQ n] Highest` when the tagged
//! line already has a code or is not OK, and while idling). While a FETCH, STORE or
//! SEARCH holds expunges back (RFC 9051 §7.5.1), the client is given the last value it
//! can trust instead, and only if the MODSEQs it was shown went past it.

use crate::grammar::code::Code;
use crate::grammar::error::Diagnostic;

use super::Conn;

/// The HIGHESTMODSEQ a QRESYNC client should learn after a sync that left the mailbox
/// at `highest`, if any; `delayed_expunges` is true when expunges were held back.
pub(crate) fn after_sync(conn: &mut Conn, highest: u64, delayed_expunges: bool) -> Option<u64> {
    if !conn.qresync {
        return None;
    }
    let send = if delayed_expunges {
        (conn.highest_fetch_modseq > conn.last_full_modseq).then_some(conn.last_full_modseq)
    } else {
        (highest > conn.last_full_modseq && highest > conn.highest_fetch_modseq).then_some(highest)
    };
    if !delayed_expunges {
        conn.last_full_modseq = highest;
    }
    conn.highest_fetch_modseq = 0;
    send.filter(|&n| n > 0)
}

/// Notes a MODSEQ the client was just shown (in a FETCH response of any kind).
pub(crate) fn shown(conn: &mut Conn, modseq: u64) {
    conn.highest_fetch_modseq = conn.highest_fetch_modseq.max(modseq);
}

/// Puts a pending HIGHESTMODSEQ report into the tagged reply (`code`, when it is an
/// OK without a code of its own), or else untagged into `out`.
pub(crate) fn report(conn: &mut Conn, code: &mut Option<Code>, tagged_ok: bool, out: &mut Vec<u8>) {
    let Some(n) = conn.pending_highestmodseq.take() else {
        return;
    };
    if tagged_ok && code.is_none() {
        *code = Some(Code::HighestModSeq(n));
    } else {
        out.extend_from_slice(
            format!("* OK [HIGHESTMODSEQ {n}] {}\r\n", super::w::HIGHEST).as_bytes(),
        );
    }
}

/// Dovecot's BAD text for a FETCH or STORE modifier the grammar refused (cmd-fetch.c,
/// cmd-store.c), from the diagnostic `d` on the command's first line.
pub(crate) fn reason(name: &str, d: &Diagnostic, first: &[u8]) -> Option<String> {
    use crate::grammar::args::label;
    use crate::grammar::extensions::condstore::CHANGEDSINCE_VALUE;
    let expected = d.expected.as_deref()?;
    let at = first.get(d.column.saturating_sub(1)..).unwrap_or(b"");
    let non_atom = matches!(at.first(), Some(b'(' | b'"' | b'{'));
    let base = name.strip_prefix("UID ").unwrap_or(name);
    let text = match (base, expected) {
        ("FETCH", CHANGEDSINCE_VALUE) => "Invalid CHANGEDSINCE modseq.",
        ("FETCH", label::FETCH_MODIFIER) if non_atom => "FETCH modifiers contain non-atoms.",
        ("FETCH", label::FETCH_MODIFIER) => "Unknown FETCH modifier",
        ("STORE", label::STORE_MODIFIER) => {
            // Dovecot reads modifiers as name-value pairs of atoms.
            let list = at.split(|&b| b == b')').next().unwrap_or(b"");
            let mut words = list.splitn(3, |&b| b == b' ');
            let _name = words.next();
            let value = words.next().unwrap_or(b"");
            if non_atom || value.is_empty() || value.starts_with(b"(") {
                "Invalid STORE modifiers."
            } else {
                "Unknown STORE modifier"
            }
        }
        ("STORE", label::MODSEQ) if non_atom || matches!(at.first(), None | Some(b')')) => {
            "Invalid STORE modifiers."
        }
        ("STORE", label::MODSEQ) => "Invalid modseq",
        _ => return None,
    };
    Some(text.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn highestmodseq_follows_dovecots_rule() {
        let mut conn = Conn {
            qresync: true,
            last_full_modseq: 5,
            ..Conn::default()
        };
        // An expunge raised it to 7 and no MODSEQ went out: tell the client.
        assert_eq!(after_sync(&mut conn, 7, false), Some(7));
        assert_eq!(after_sync(&mut conn, 7, false), None);
        // A STORE showed MODSEQ (8) itself: nothing more to tell.
        shown(&mut conn, 8);
        assert_eq!(after_sync(&mut conn, 8, false), None);
        // Expunges held back while FETCH showed newer MODSEQs: the last safe value.
        shown(&mut conn, 10);
        assert_eq!(after_sync(&mut conn, 10, true), Some(8));
        conn.qresync = false;
        assert_eq!(after_sync(&mut conn, 11, false), None);
    }
}
