//! FETCH and UID FETCH (RFC 9051 §6.4.5, §6.4.9, RFC 3501 §6.4.5, §7.4.2).
//!
//! ```text
//! fetch     = "FETCH" SP sequence-set SP ("ALL" / "FULL" / "FAST" / fetch-att / "(" fetch-att *(SP fetch-att) ")")
//! fetch-att = "ENVELOPE" / "FLAGS" / "INTERNALDATE" / "RFC822" [".HEADER" / ".SIZE" / ".TEXT"] /
//!             "BODY" ["STRUCTURE"] / "UID" / "BODY" section [partial] / "BODY.PEEK" section [partial]
//! S: * 3 FETCH (BODY[] {445}
//! ```
//!
//! Dovecot's order of items, from the battery (session 16, f24–f28c, and binary.txt),
//! in two groups, each in the order asked: first the short items it buffers (UID,
//! FLAGS, INTERNALDATE, RFC822.SIZE, MODSEQ), then those it writes as it goes (BODY[...],
//! RFC822..., BINARY, BINARY.SIZE, ENVELOPE, BODYSTRUCTURE, BODY; imap-fetch.c keeps
//! "buffered" handlers first). UID FETCH puts UID first. When a
//! BODY[] or RFC822 sets \Seen on an unseen message, Dovecot adds the new FLAGS at the
//! end of the first group, unless FLAGS was asked for anyway (it then shows the new
//! flags). A read-only (EXAMINEd) mailbox never gets \Seen set.

use std::borrow::Cow;
use std::sync::Arc;

use crate::grammar::args::label;
use crate::grammar::code::Code;
use crate::grammar::error::Diagnostic;
use crate::grammar::extensions::condstore::FetchModifier;
use crate::grammar::extensions::preview::PREVIEW_MODIFIER;
use crate::grammar::fetch::{FetchAttribute, FetchItems};
use crate::grammar::section::{Section, SectionText};
use crate::grammar::sequence::SequenceSet;
use crate::mock::binary::{Decoded, Refusal};
use crate::mock::dates;
use crate::mock::mime::{self, Want};
use crate::mock::preview::{self, PreviewState};
use crate::mock::reply::Reply;
use crate::mock::store::{MailboxData, SEEN};
use crate::mock::wording as w;

use super::{resolve, Cx, Done, SyncMode};

/// FETCH and UID FETCH. The modifiers (CHANGEDSINCE) are parsed but not applied.
pub(crate) fn handle(
    cx: &mut Cx,
    tag: &str,
    uid: bool,
    set: &SequenceSet,
    items: &FetchItems,
    modifiers: &[FetchModifier],
) -> Done {
    // parse
    let name = if uid { "UID FETCH" } else { "FETCH" };
    let mut plan = match plan(cx, tag, items, uid) {
        Ok(p) => p,
        Err(done) => return *done,
    };
    if let Err(text) = apply_modifiers(cx, modifiers, uid, &mut plan) {
        return Done::bad(tag, w::command_error(name, text));
    }
    fetch(cx, tag, name, set, uid, &plan)
}

/// A FETCH line as Dovecot 2.3.19 reads it where the grammar refuses zeros: a section
/// part `0` (`BINARY[0]`, `BODY[1.0]`; in a multipart Dovecot takes it for the first
/// part, elsewhere for no part) and a partial of length 0 (`<5.0>`, an empty string).
/// RFC 9051 §9 has nz-number in both places, so the grammar, teaching the ABNF, refuses
/// them; the mock parses the line with ones in their place and puts the zeros back.
/// `None` when the line has no such zero or does not parse even so.
pub(crate) fn with_zeros(tag: &str, first: &[u8]) -> Option<crate::grammar::command::Command> {
    use crate::grammar::command::CommandBody;
    // For each section in the line, in order: which part numbers and whether the
    // partial's length were 0.
    let mut zeros: Vec<(Vec<usize>, bool)> = Vec::new();
    let mut text = first.to_vec();
    let mut i = 0;
    while let Some(open) = text[i..].iter().position(|&b| b == b'[').map(|o| o + i) {
        let close = text[open..].iter().position(|&b| b == b']')? + open;
        let mut parts = Vec::new();
        let mut at = open + 1;
        for (n, number) in first[open + 1..close].split(|&b| b == b'.').enumerate() {
            if number.is_empty() || !number.iter().all(u8::is_ascii_digit) {
                break;
            }
            if number == b"0" {
                parts.push(n);
                text[at] = b'1';
            }
            at += number.len() + 1;
        }
        let partial = &text[close + 1..];
        let empty = partial.starts_with(b"<")
            && partial.iter().position(|&b| b == b'>').is_some_and(|end| {
                partial[..end].ends_with(b".0")
                    && partial[1..end - 2].iter().all(u8::is_ascii_digit)
            });
        if empty {
            let end = close + 1 + partial.iter().position(|&b| b == b'>')?;
            text[end - 1] = b'1';
        }
        zeros.push((parts, empty));
        i = close + 1;
    }
    if zeros
        .iter()
        .all(|(parts, empty)| parts.is_empty() && !empty)
    {
        return None;
    }
    let mut cmd = crate::grammar::parse_command(&text).command?;
    let CommandBody::Fetch {
        items: FetchItems::Items(items),
        ..
    } = &mut cmd.body
    else {
        return None;
    };
    let mut sections = items.iter_mut().filter_map(|item| match item {
        FetchAttribute::BodySection {
            section, partial, ..
        }
        | FetchAttribute::Binary {
            section, partial, ..
        } => Some((section, Some(partial))),
        FetchAttribute::BinarySize { section } => Some((section, None)),
        _ => None,
    });
    for (parts, empty) in zeros {
        let (section, partial) = sections.next()?;
        for n in parts {
            *section.part.get_mut(n)? = 0;
        }
        if let (true, Some(Some((_, length)))) = (empty, partial) {
            *length = 0;
        }
    }
    cmd.tag = tag.to_owned();
    Some(cmd)
}

/// Dovecot's BAD text for FETCH items the grammar refused (imap-fetch.c), from the
/// diagnostic `d` on the command's first line: a string, literal or list where an
/// item's name goes, and what is wrong in PREVIEW's modifiers.
pub(crate) fn reason(name: &str, d: &Diagnostic, first: &[u8]) -> Option<String> {
    if name.strip_prefix("UID ").unwrap_or(name) != "FETCH" {
        return None;
    }
    let at = first.get(d.column.saturating_sub(1)..).unwrap_or(b"");
    let text = match d.expected.as_deref()? {
        label::FETCH_ATT if matches!(at.first(), Some(b'"' | b'(' | b'{')) => {
            "FETCH list contains non-atoms"
        }
        // `PREVIEW ()` is an empty list to Dovecot; anything but an atom inside, a bad modifier.
        PREVIEW_MODIFIER if at.first() == Some(&b')') => "FETCH list contains non-atoms",
        PREVIEW_MODIFIER => "Invalid PREVIEW modifier",
        _ => return None,
    };
    Some(text.to_owned())
}

/// CONDSTORE's and QRESYNC's modifiers (RFC 7162 §3.1.4.1, §3.2.6), checked in
/// Dovecot's order with its texts (cmd-fetch.c). CHANGEDSINCE adds MODSEQ to the
/// items if it was not asked for, after the other short items.
fn apply_modifiers(
    cx: &mut Cx,
    modifiers: &[FetchModifier],
    uid: bool,
    plan: &mut Plan,
) -> Result<(), &'static str> {
    for m in modifiers {
        match m {
            FetchModifier::ChangedSince(n) => {
                plan.changed_since = Some(plan.changed_since.map_or(*n, |s| s.max(*n)));
                if !cx.conn.condstore {
                    super::any::condstore_turned_on(cx);
                }
            }
            FetchModifier::Vanished if uid => {
                if !cx.conn.qresync {
                    return Err(w::QRESYNC_NOT_ENABLED);
                }
                plan.vanished = true;
            }
            FetchModifier::Vanished | FetchModifier::Other(_) => {
                return Err(w::UNKNOWN_FETCH_MODIFIER)
            }
        }
    }
    if plan.vanished && plan.changed_since.is_none() {
        return Err("VANISHED used without CHANGEDSINCE");
    }
    if plan.changed_since.is_some() && !plan.short.contains(&FetchAttribute::ModSeq) {
        plan.short.push(FetchAttribute::ModSeq);
    }
    Ok(())
}

/// The items to send, in Dovecot's two groups, and whether any sets \Seen.
struct Plan {
    /// Buffered by Dovecot: sent first.
    short: Vec<FetchAttribute>,
    /// Written as they come: body sections, BINARY, the structures.
    streamed: Vec<FetchAttribute>,
    sets_seen: bool,
    flags_asked: bool,
    /// `(CHANGEDSINCE n)`: only messages whose MODSEQ is above n.
    changed_since: Option<u64>,
    /// `(VANISHED)`: first report the UIDs of the set expunged since then.
    vanished: bool,
    /// A PREVIEW or SNIPPET is asked for.
    previews: bool,
}

fn plan(cx: &mut Cx, tag: &str, items: &FetchItems, uid: bool) -> Result<Plan, Box<Done>> {
    let mut short = Vec::new();
    let mut streamed = Vec::new();
    if uid {
        short.push(FetchAttribute::Uid);
    }
    let mut sets_seen = false;
    for item in items.expand() {
        use FetchAttribute::*;
        sets_seen |= item.sets_seen();
        match &item {
            Preview { modifiers, .. } => {
                if let Some(bad) = modifiers.iter().find(|m| preview::mode(m).is_none()) {
                    let text = format!("'{bad}' is not a supported PREVIEW modifier");
                    return Err(Box::new(Done::bad(tag, w::command_error("FETCH", &text))));
                }
            }
            // OBJECTID's items (RFC 8474) are typed in the grammar; Dovecot 2.3.19 knows
            // them no better than any other item it does not implement.
            Other(_) | EmailId | ThreadId => {
                let other = item.name();
                let upper = other.to_ascii_uppercase();
                let advertised = ["EMAILID", "THREADID"]
                    .iter()
                    .any(|c| upper.starts_with(c) && cx.config.identity.advertises_prefix(true, c));
                if advertised {
                    let what = format!("FETCH {upper}");
                    let shown = format!("the FETCH item {upper}");
                    return Err(Box::new(cx.decline(tag, what, &shown)));
                }
                // Dovecot names the command as sent: `UID FETCH` (vendor-items battery).
                let name = if uid { "UID FETCH" } else { "FETCH" };
                return Err(Box::new(Done::bad(
                    tag,
                    w::command_error(name, &format!("Unknown parameter: {other}")),
                )));
            }
            ModSeq if !cx.conn.condstore => super::any::condstore_turned_on(cx),
            _ => {}
        }
        let list = match item {
            Rfc822
            | Rfc822Header
            | Rfc822Text
            | BodySection { .. }
            | Binary { .. }
            | BinarySize { .. } => &mut streamed,
            Envelope | BodyStructure | Body => &mut streamed,
            _ => &mut short,
        };
        // Dovecot answers each PREVIEW and each section (BODY[...], BINARY[...],
        // BINARY.SIZE[...]) as often as it is asked for, and each other item once.
        let every_time = matches!(
            item,
            Preview { .. } | BodySection { .. } | Binary { .. } | BinarySize { .. }
        );
        if every_time || !list.contains(&item) {
            list.push(item);
        }
    }
    let flags_asked = short.contains(&FetchAttribute::Flags);
    let previews = short
        .iter()
        .any(|i| matches!(i, FetchAttribute::Preview { .. }));
    Ok(Plan {
        previews,
        short,
        streamed,
        sets_seen,
        flags_asked,
        changed_since: None,
        vanished: false,
    })
}

fn fetch(cx: &mut Cx, tag: &str, name: &str, set: &SequenceSet, uid: bool, plan: &Plan) -> Done {
    if cx.conn.condstore {
        cx.track_selected_modseqs();
    }
    let user = cx.user().to_owned();
    let Some(view) = cx.conn.selected.as_mut() else {
        return Done::bad(tag, w::NO_MAILBOX_SELECTED);
    };
    let Ok(indexes) = resolve(view, set, uid) else {
        return Done::bad(tag, w::command_error(name, "Invalid messageset"));
    };
    let mut world = cx.store.lock();
    let Some(mb) = world.account_mut(&user).and_then(|a| a.by_id_mut(view.id)) else {
        return Done::ok(tag, w::FETCH_DONE).sync(SyncMode::Full);
    };
    // The implicit \Seen of one FETCH is one change, whatever the number of messages.
    let seen_modseq = mb.next_modseq();
    let mut changed = false;
    // Message bytes are spliced, not copied, when the front end streams (reply.rs).
    let mut out = Reply::new(cx.out.streaming);
    let mut shown_modseq = 0;
    let mut failed = None;
    push_vanished(&mut out, mb, set, plan);
    for i in indexes {
        let u = view.uids[i];
        let Some(message) = mb.message_or_tombstone(u) else {
            continue;
        };
        if plan
            .changed_since
            .is_some_and(|since| message.modseq <= since)
        {
            continue;
        }
        if plan.short.contains(&FetchAttribute::ModSeq) {
            shown_modseq = shown_modseq.max(message.modseq);
        }
        let mut flags = message.flags.clone();
        let raw = message.raw.clone();
        let internal_date = message.internal_date;
        let modseq = message.modseq;
        let save_date = message.save_date;
        let mut preview = PreviewState::new(message.preview_cached);
        // apply: \Seen, hidden from this session's own pending updates (as Dovecot does)
        let mut seen_now = false;
        if plan.sets_seen && !view.read_only && !flags.has(SEEN) && mb.message(u).is_some() {
            flags.system |= SEEN;
            mb.set_flags_at(u, flags.clone(), seen_modseq);
            view.flags[i] = flags.clone();
            view.hidden.insert(u);
            seen_now = true;
            changed = true;
        }
        let recent = view.recent.contains(&u);
        // reply: a flag list may show a keyword another session created
        if plan.flags_asked || seen_now {
            let mut announced = Vec::new();
            super::announce_keywords(view, mb, &mut announced);
            out.extend_from_slice(&announced);
        }
        let shown = Shown {
            uid: u,
            flags: &flags,
            recent,
            internal_date,
            modseq,
            save_date,
            raw: &raw,
        };
        failed = write_message(&mut out, plan, i + 1, &shown, seen_now, &mut preview);
        if plan.previews {
            note_preview(mb, u, &preview);
        }
        if failed.is_some() {
            break;
        }
    }
    if changed {
        world.touch();
    }
    drop(world);
    super::modseq::shown(cx.conn, shown_modseq);
    cx.out.append(out);
    // Dovecot's FETCH reports others' flag changes without UID, even as UID FETCH
    // (cmd-fetch.c syncs without IMAP_SYNC_FLAG_SEND_UID; STORE is different).
    let sync = if uid {
        SyncMode::Full
    } else {
        SyncMode::NoExpunges
    };
    match failed {
        Some(r) => {
            let (code, text) = r.reply();
            Done::no(tag, text).code(Code::other(code)).sync(sync)
        }
        None => Done::ok(tag, w::FETCH_DONE).sync(sync),
    }
}

/// `* VANISHED (EARLIER) ...` for `(CHANGEDSINCE n VANISHED)`: the UIDs of the set
/// expunged since then (RFC 7162 §3.2.6).
fn push_vanished(out: &mut Reply, mb: &MailboxData, set: &SequenceSet, plan: &Plan) {
    if let (true, Some(since)) = (plan.vanished, plan.changed_since) {
        let gone = mb.vanished_since(since, |u| set.contains(u, u32::MAX) && u < mb.uidnext);
        if !gone.is_empty() {
            out.extend_from_slice(
                format!("* VANISHED (EARLIER) {}\r\n", super::compress(&gone)).as_bytes(),
            );
        }
    }
}

/// After a FETCH of PREVIEW: Dovecot's cache now wants previews in this mailbox, and
/// keeps the one it made for message `uid`.
fn note_preview(mb: &mut MailboxData, uid: u32, preview: &PreviewState) {
    mb.preview_wanted = true;
    if preview.cached {
        if let Some(m) = mb.message_mut(uid) {
            m.preview_cached = true;
        }
    }
}

/// `* n FETCH (...)` for one message; `seen_now` adds FLAGS when this FETCH set \Seen.
/// Stops at the first item the message cannot give (BINARY of a part it cannot decode)
/// and returns why.
fn write_message(
    out: &mut Reply,
    plan: &Plan,
    seq: usize,
    shown: &Shown,
    seen_now: bool,
    preview: &mut PreviewState,
) -> Option<Refusal> {
    out.extend_from_slice(format!("* {seq} FETCH (").as_bytes());
    let implicit_flags = (seen_now && !plan.flags_asked).then_some(FetchAttribute::Flags);
    let mut first = true;
    let mut failed = None;
    for item in plan
        .short
        .iter()
        .chain(&implicit_flags)
        .chain(&plan.streamed)
    {
        if let Some(r) = refusal(item, shown.raw) {
            failed = Some(r);
            break;
        }
        if !std::mem::take(&mut first) {
            out.push(b' ');
        }
        match item {
            FetchAttribute::Preview { snippet, modifiers } => {
                preview.push(out, *snippet, modifiers, shown.raw);
            }
            _ => push_item(out, item, shown),
        }
    }
    // Dovecot never sends an empty `FETCH ()`: it names the UID then.
    if failed.is_some() && first {
        out.extend_from_slice(format!("UID {}", shown.uid).as_bytes());
    }
    out.extend_from_slice(b")\r\n");
    failed
}

/// The section as a response names it: `BODY[HEADER.FIELDS (FROM SUBJECT)]`.
fn section_name(section: &Section) -> String {
    let mut s: Vec<String> = section.part.iter().map(u32::to_string).collect();
    let text = match &section.text {
        SectionText::Full => None,
        SectionText::Header => Some("HEADER".to_string()),
        SectionText::Text => Some("TEXT".to_string()),
        SectionText::Mime => Some("MIME".to_string()),
        SectionText::HeaderFields(f) => Some(format!(
            "HEADER.FIELDS ({})",
            f.join(" ").to_ascii_uppercase()
        )),
        SectionText::HeaderFieldsNot(f) => Some(format!(
            "HEADER.FIELDS.NOT ({})",
            f.join(" ").to_ascii_uppercase()
        )),
    };
    s.extend(text);
    format!("[{}]", s.join("."))
}

/// `{n}` CRLF and the bytes: spliced from the stored message `raw` when they are a
/// part of it.
///
/// A NUL cannot travel in a plain literal: Dovecot sends 0x80 in its place (its
/// i_stream_create_nonuls), and keeps the NUL only for BINARY.
fn push_literal(out: &mut Reply, data: &[u8], raw: &Arc<[u8]>) {
    out.extend_from_slice(format!("{{{}}}\r\n", data.len()).as_bytes());
    if data.contains(&0) {
        let replaced: Vec<u8> = data
            .iter()
            .map(|&b| if b == 0 { 0x80 } else { b })
            .collect();
        out.extend_from_slice(&replaced);
    } else {
        out.part_of(raw, data);
    }
}

/// The bytes a partial asks for and the origin to echo.
fn partial_of(data: &[u8], partial: Option<(u32, u32)>) -> (&[u8], Option<u32>) {
    match partial {
        None => (data, None),
        Some((start, len)) => {
            let s = (start as usize).min(data.len());
            let e = s.saturating_add(len as usize).min(data.len());
            (&data[s..e], Some(start))
        }
    }
}

/// `* seq FETCH (items)` for a new message, as NOTIFY's MessageNew sends it (RFC 5465
/// §5.2): nothing is marked \Seen.
pub(crate) fn notify_line(
    seq: usize,
    m: &crate::mock::store::Message,
    recent: bool,
    items: &[FetchAttribute],
) -> Vec<u8> {
    let shown = Shown {
        uid: m.uid,
        flags: &m.flags,
        recent,
        internal_date: m.internal_date,
        modseq: m.modseq,
        save_date: m.save_date,
        raw: &m.raw,
    };
    let mut out = Reply::new(false);
    out.extend_from_slice(format!("* {seq} FETCH (").as_bytes());
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.push(b' ');
        }
        push_item(&mut out, item, &shown);
    }
    out.extend_from_slice(b")\r\n");
    out.to_vec()
}

/// A message as this FETCH shows it: its flags after any \Seen it set.
struct Shown<'a> {
    uid: u32,
    flags: &'a crate::mock::store::Flags,
    recent: bool,
    internal_date: i64,
    modseq: u64,
    save_date: i64,
    raw: &'a Arc<[u8]>,
}

fn push_item(out: &mut Reply, item: &FetchAttribute, shown: &Shown) {
    use FetchAttribute::*;
    let Shown {
        uid,
        flags,
        recent,
        internal_date,
        modseq,
        save_date,
        raw,
    } = *shown;
    match item {
        Flags => out.extend_from_slice(format!("FLAGS ({})", flags.render(recent)).as_bytes()),
        Uid => out.extend_from_slice(format!("UID {uid}").as_bytes()),
        InternalDate => out.extend_from_slice(
            format!(
                "INTERNALDATE \"{}\"",
                dates::format_internal_date(internal_date)
            )
            .as_bytes(),
        ),
        Rfc822Size => out.extend_from_slice(format!("RFC822.SIZE {}", raw.len()).as_bytes()),
        Envelope => {
            out.extend_from_slice(b"ENVELOPE ");
            out.extend_from_slice(&mime::envelope(raw));
        }
        Body => {
            out.extend_from_slice(b"BODY ");
            out.extend_from_slice(&mime::structure(raw, false));
        }
        BodyStructure => {
            out.extend_from_slice(b"BODYSTRUCTURE ");
            out.extend_from_slice(&mime::structure(raw, true));
        }
        ModSeq => out.extend_from_slice(format!("MODSEQ ({modseq})").as_bytes()),
        SaveDate => out.extend_from_slice(
            format!("SAVEDATE \"{}\"", dates::format_internal_date(save_date)).as_bytes(),
        ),
        // Written by PreviewState::push, which keeps what it made for the next one.
        Preview { .. } => {}
        Rfc822 => {
            out.extend_from_slice(b"RFC822 ");
            push_literal(out, raw, raw);
        }
        Rfc822Header => {
            out.extend_from_slice(b"RFC822.HEADER ");
            push_literal(out, mime::split(raw).0, raw);
        }
        Rfc822Text => {
            out.extend_from_slice(b"RFC822.TEXT ");
            push_literal(out, mime::split(raw).1, raw);
        }
        BodySection {
            section, partial, ..
        } => push_section(out, section, *partial, raw),
        Binary {
            section, partial, ..
        } => push_binary(out, section, *partial, raw),
        BinarySize { section } => {
            let size = binary_size(raw, section).unwrap_or(0);
            out.extend_from_slice(
                format!("BINARY.SIZE{} {size}", section_name(section)).as_bytes(),
            );
        }
        Other(_) | EmailId | ThreadId => {
            out.extend_from_slice(format!("{} NIL", item.name().to_ascii_uppercase()).as_bytes())
        }
    }
}

/// `BODY[section]<origin> literal`; a part that does not exist is an empty string to
/// Dovecot, with the `<origin>` asked for all the same.
fn push_section(out: &mut Reply, section: &Section, partial: Option<(u32, u32)>, raw: &Arc<[u8]>) {
    out.extend_from_slice(format!("BODY{}", section_name(section)).as_bytes());
    let data = section_bytes(raw, section);
    let (data, origin) = partial_of(data.as_deref().unwrap_or_default(), partial);
    push_origin(out, origin);
    out.push(b' ');
    push_literal(out, data, raw);
}

/// `<origin>` after a section's name, when a partial was asked for.
fn push_origin(out: &mut Reply, origin: Option<u32>) {
    if let Some(o) = origin {
        out.extend_from_slice(format!("<{o}>").as_bytes());
    }
}

/// The bytes of `section` of `raw` (RFC 9051 §6.4.5), or None if the part does not exist.
pub(crate) fn section_bytes<'r>(raw: &'r [u8], section: &Section) -> Option<Cow<'r, [u8]>> {
    let want = match &section.text {
        SectionText::Full => Want::Full,
        SectionText::Header => Want::Header,
        SectionText::Text => Want::Text,
        SectionText::Mime => Want::Mime,
        SectionText::HeaderFields(names) => Want::Fields { names, not: false },
        SectionText::HeaderFieldsNot(names) => Want::Fields { names, not: true },
    };
    mime::section(raw, &section.part, &want)
}

/// `BINARY[section]<origin> literal8`, decoded as Dovecot decodes it. A part that does
/// not exist is an empty string, with its `<origin>`; a part Dovecot cannot decode
/// never gets here (see [`refusal`]).
fn push_binary(out: &mut Reply, section: &Section, partial: Option<(u32, u32)>, raw: &[u8]) {
    out.extend_from_slice(format!("BINARY{}", section_name(section)).as_bytes());
    let decoded = binary_section(raw, section)
        .ok()
        .flatten()
        .unwrap_or_default();
    let (data, origin) = partial_of(&decoded.bytes, partial);
    push_origin(out, origin);
    // RFC 3516 §4.2: a literal8 when Dovecot decoded something or the content holds
    // a NUL.
    out.extend_from_slice(if decoded.literal8 { b" ~" } else { b" " });
    out.extend_from_slice(format!("{{{}}}\r\n", data.len()).as_bytes());
    out.extend_from_slice(data);
}

/// BINARY of any section, as Dovecot 2.3.19 answers it (the grammar's
/// `quirk_binary_section_spec`): a part number is decoded; TEXT is the decoded
/// message (the whole one, or a message/rfc822 part's) without its header, so a
/// multipart's parts are decoded inside it; HEADER, MIME and HEADER.FIELDS are the
/// bytes BODY would send, never a literal8. TEXT of a part that holds no message is
/// empty.
fn binary_section(raw: &[u8], section: &Section) -> Result<Option<Decoded>, Refusal> {
    let path = &section.part;
    match &section.text {
        SectionText::Full => crate::mock::binary::section(raw, path),
        SectionText::Text => {
            let holds_message = path.is_empty() || {
                let root = mime::parse(raw);
                matches!(
                    mime::find(&root, path).map(|p| &p.kind),
                    Some(mime::Kind::Message(_))
                )
            };
            if !holds_message {
                return Ok(Some(Decoded::default()));
            }
            let Some(message) = crate::mock::binary::section(raw, path)? else {
                return Ok(None);
            };
            Ok(Some(Decoded {
                bytes: mime::split(&message.bytes).1.to_vec(),
                literal8: message.literal8,
            }))
        }
        _ => Ok(section_bytes(raw, section).map(|bytes| Decoded {
            bytes: bytes.into_owned(),
            literal8: false,
        })),
    }
}

/// `BINARY.SIZE[section]`: a part number as [`crate::mock::binary::size`] counts it
/// (the whole message decoded first), any other section as BINARY sends it.
fn binary_size(raw: &[u8], section: &Section) -> Result<u64, Refusal> {
    match section.text {
        SectionText::Full => crate::mock::binary::size(raw, &section.part),
        _ => Ok(binary_section(raw, section)?.map_or(0, |d| d.bytes.len() as u64)),
    }
}

/// Whether Dovecot can decode what a BINARY item asks for; it stops the FETCH at
/// the first item it cannot (cmd-fetch.c), answering NO.
fn refusal(item: &FetchAttribute, raw: &[u8]) -> Option<Refusal> {
    match item {
        FetchAttribute::Binary { section, .. } => binary_section(raw, section).err(),
        FetchAttribute::BinarySize { section } => binary_size(raw, section).err(),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::grammar::command::CommandBody;

    /// fetch-zero-sections.txt: the zeros Dovecot takes come back where they were.
    #[test]
    fn zeros_are_read_as_dovecot_reads_them() {
        let cmd = with_zeros(
            "a",
            b"a FETCH 1 (BINARY[0] FLAGS BODY.PEEK[1.0]<5.0> BINARY.SIZE[2])",
        )
        .expect("parsed with its zeros");
        let CommandBody::Fetch {
            items: FetchItems::Items(items),
            ..
        } = cmd.body
        else {
            panic!("not a FETCH")
        };
        assert!(
            matches!(&items[0], FetchAttribute::Binary { section, partial: None, .. } if section.part == [0])
        );
        assert!(
            matches!(&items[2], FetchAttribute::BodySection { section, partial: Some((5, 0)), .. } if section.part == [1, 0])
        );
        assert!(matches!(&items[3], FetchAttribute::BinarySize { section } if section.part == [2]));
        assert!(with_zeros("a", b"a FETCH 1 (BINARY[10] BODY[]<0.10>)").is_none());
    }
}
