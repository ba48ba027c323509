//! Pending updates (RFC 9051 §7: §7.3.1 EXISTS, §7.4.1 EXPUNGE, §7.5.2 FETCH FLAGS):
//! what changed in the selected mailbox since the client last looked, in Dovecot's order,
//! with the ESEARCH updates of CONTEXT=SEARCH around them ([`context`]).

use super::*;
use crate::mock::store::MailboxData;

/// The outcome of [`sync`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Synced {
    Ok,
    /// The selected mailbox no longer exists: the session must end.
    MailboxGone,
}

/// The FLAGS and PERMANENTFLAGS lines for a mailbox's keywords.
pub(crate) fn flags_lines(keywords: &[String], read_only: bool) -> String {
    let mut system: Vec<&str> = SYSTEM_FLAGS.iter().map(|(_, n)| *n).collect();
    system.extend(keywords.iter().map(String::as_str));
    let all = system.join(" ");
    let permanent = if read_only {
        format!("* OK [PERMANENTFLAGS ()] {}\r\n", w::READ_ONLY_MAILBOX)
    } else {
        format!(
            "* OK [PERMANENTFLAGS ({all} \\*)] {}\r\n",
            w::FLAGS_PERMITTED
        )
    };
    format!("* FLAGS ({all})\r\n{permanent}")
}

/// Sends `* FLAGS` and `* OK [PERMANENTFLAGS ...]` if the mailbox has keywords this
/// session has not been told of. Dovecot checks this before every flag list it writes
/// (`client_get_keyword_names` calls `client_send_mailbox_flags`), so a client never
/// sees a keyword in a FETCH before FLAGS has announced it (RFC 9051 §7.3.5), whoever
/// created it. Checked against Dovecot 2.3.19 with two sessions, one STOREing a new
/// keyword, the other FETCHing FLAGS (tests/data/differential/keywords.txt).
pub(crate) fn announce_keywords(view: &mut SelectedView, mailbox: &MailboxData, out: &mut Vec<u8>) {
    // The session's list only grows, in the order it learnt of each keyword (a
    // local one from SEARCH stays where it came, before later real ones).
    let before = view.keywords.len();
    for k in mailbox.keywords.iter().chain(&view.local_keywords) {
        if !view.keywords.iter().any(|m| m.eq_ignore_ascii_case(k)) {
            view.keywords.push(k.clone());
        }
    }
    if view.keywords.len() != before {
        out.extend_from_slice(flags_lines(&view.keywords, view.read_only).as_bytes());
    }
}

/// Tells the client what changed in its selected mailbox since it last looked, in
/// Dovecot's order: new keywords, flag changes, expunges (highest number first),
/// EXISTS, RECENT. New messages become \Recent for the first session that sees them.
pub(crate) fn sync(
    conn: &mut Conn,
    store: &Store,
    mode: SyncMode,
    uid: bool,
    out: &mut Vec<u8>,
) -> Synced {
    let condstore = conn.condstore;
    let qresync = conn.qresync;
    let uid = uid || qresync;
    let notify_items = super::notify::new_message_items(conn.notify.as_ref()).map(<[_]>::to_vec);
    let heard = super::notify::selected_events(conn.notify.as_ref());
    // What NOTIFY left out is still synced, only not said (Dovecot 2.3.19, notify.txt).
    let mut unsaid = Vec::new();
    let Some(view) = conn.selected.as_mut() else {
        return Synced::Ok;
    };
    let user = conn.user.clone().unwrap_or_default();
    let mut world = store.lock();
    let Some(mailbox) = world
        .account_mut(&user)
        .and_then(|a| a.by_id_mut(view.id))
        .filter(|m| m.is_real())
    else {
        conn.selected = None;
        return Synced::MailboxGone;
    };
    announce_keywords(view, mailbox, out);
    if mode == SyncMode::Full {
        // RFC 5267 §4.3.4: an updated search hears of its expunged messages first,
        // while their numbers still hold.
        let mut walk = mailbox.walk();
        let gone = view
            .uids
            .iter()
            .copied()
            .filter(|&u| walk.message(u).is_none())
            .collect();
        context::before_expunges(view, &gone, out);
    }
    let last_known = view.uids.last().copied().unwrap_or(0);
    let flags_out = if heard.flags { &mut *out } else { &mut unsaid };
    let shown_modseq = flag_changes(view, mailbox, mode, uid, condstore, flags_out);
    let messages_out = if heard.messages {
        &mut *out
    } else {
        &mut unsaid
    };
    expunges(view, mailbox, mode, qresync, messages_out);
    let exists = new_messages(view, mailbox, messages_out);
    if heard.messages && exists {
        // NOTIFY's MessageNew with FETCH items (RFC 5465 §5.2): with the EXISTS, one
        // FETCH per message above the last EXISTS, those that came while NOTIFY kept
        // quiet included (Dovecot 2.3.19, notify.txt c22 and c24).
        for (i, &u) in view.uids.iter().enumerate() {
            if u <= view.told_uid {
                continue;
            }
            if let (Some(items), Some(m)) = (&notify_items, mailbox.message(u)) {
                let recent = view.recent.contains(&u);
                out.extend_from_slice(&super::fetch::notify_line(i + 1, m, recent, items));
            }
        }
        view.told_uid = view.uids.last().copied().unwrap_or(view.told_uid);
    }
    context::after_sync(view, mailbox, last_known, out);
    let mut walk = mailbox.walk();
    let delayed = mode != SyncMode::Full && view.uids.iter().any(|&u| walk.message(u).is_none());
    let highest = mailbox.highest_modseq;
    drop(world);
    modseq::shown(conn, shown_modseq);
    conn.pending_highestmodseq = modseq::after_sync(conn, highest, delayed);
    Synced::Ok
}

/// `* n FETCH (FLAGS ...)` for each message whose flags changed since the session last
/// saw them (with MODSEQ under CONDSTORE, and MODSEQ alone for the session's own
/// `.SILENT` changes); returns the highest MODSEQ shown.
fn flag_changes(
    view: &mut SelectedView,
    mailbox: &MailboxData,
    mode: SyncMode,
    uid: bool,
    condstore: bool,
    out: &mut Vec<u8>,
) -> u64 {
    let mut shown_modseq = 0;
    let mut walk = mailbox.walk();
    for i in 0..view.uids.len() {
        // A message whose EXPUNGE goes out now gets no FETCH first (battery i4).
        let m = walk.message(view.uids[i]);
        let m = if mode == SyncMode::Full {
            m
        } else {
            m.or_else(|| mailbox.message_or_tombstone(view.uids[i]))
        };
        let Some(m) = m else { continue };
        let hidden = view.hidden.remove(&m.uid);
        if m.flags == view.flags[i] && hidden && condstore {
            let uid_part = if uid {
                format!("UID {} ", m.uid)
            } else {
                String::new()
            };
            shown_modseq = shown_modseq.max(m.modseq);
            out.extend_from_slice(
                format!("* {} FETCH ({uid_part}MODSEQ ({}))\r\n", i + 1, m.modseq).as_bytes(),
            );
        } else if m.flags != view.flags[i] {
            view.flags[i] = m.flags.clone();
            let uid_part = if uid {
                format!("UID {} ", m.uid)
            } else {
                String::new()
            };
            let modseq = if condstore {
                shown_modseq = shown_modseq.max(m.modseq);
                format!("MODSEQ ({}) ", m.modseq)
            } else {
                String::new()
            };
            let flags = m.flags.render(view.recent.contains(&m.uid));
            out.extend_from_slice(
                format!("* {} FETCH ({uid_part}{modseq}FLAGS ({flags}))\r\n", i + 1).as_bytes(),
            );
        }
    }
    shown_modseq
}

/// `* n EXPUNGE` (highest number first) or `* VANISHED` under QRESYNC, when the mode
/// allows expunges to be told; otherwise the expunged messages wait in `view.gone`.
fn expunges(
    view: &mut SelectedView,
    mailbox: &MailboxData,
    mode: SyncMode,
    qresync: bool,
    out: &mut Vec<u8>,
) {
    let mut walk = mailbox.walk();
    let missing: Vec<usize> = (0..view.uids.len())
        .filter(|&i| walk.message(view.uids[i]).is_none())
        .collect();
    if mode != SyncMode::Full {
        view.gone.extend(missing.iter().map(|&i| view.uids[i]));
    }
    if mode == SyncMode::Full {
        let mut vanished = Vec::new();
        for &i in missing.iter().rev() {
            let u = view.uids[i];
            view.gone.remove(&u);
            view.uids.remove(i);
            view.flags.remove(i);
            view.recent.remove(&u);
            if qresync {
                vanished.push(u);
            } else {
                out.extend_from_slice(format!("* {} EXPUNGE\r\n", i + 1).as_bytes());
            }
        }
        if !vanished.is_empty() {
            vanished.reverse();
            out.extend_from_slice(format!("* VANISHED {}\r\n", compress(&vanished)).as_bytes());
        }
    }
}

/// `* n EXISTS` and `* n RECENT` for messages that arrived; the first session to see a
/// message takes its \Recent.
/// Returns whether an EXISTS went out.
fn new_messages(view: &mut SelectedView, mailbox: &mut MailboxData, out: &mut Vec<u8>) -> bool {
    let last = view.uids.last().copied().unwrap_or(0);
    let before = view.uids.len();
    for m in mailbox.messages.iter_mut().filter(|m| m.uid > last) {
        view.uids.push(m.uid);
        view.flags.push(m.flags.clone());
        if m.recent && !view.read_only {
            m.recent = false;
            view.recent.insert(m.uid);
        }
    }
    let exists = view.uids.len() != before;
    if exists {
        out.extend_from_slice(format!("* {} EXISTS\r\n", view.uids.len()).as_bytes());
    }
    if view.recent.len() != view.recent_reported {
        view.recent_reported = view.recent.len();
        out.extend_from_slice(format!("* {} RECENT\r\n", view.recent.len()).as_bytes());
    }
    exists
}
