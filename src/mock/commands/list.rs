//! LIST and LSUB (RFC 9051 §6.3.9, RFC 3501 §6.3.8–§6.3.9), with LIST-EXTENDED's
//! selection and return options (RFC 5258), LIST-STATUS (RFC 5819), SPECIAL-USE
//! (RFC 6154) and CHILDREN (RFC 3348).
//!
//! ```text
//! list = "LIST" [SP list-select-opts] SP mailbox SP mbox-or-pat [SP list-return-opts]
//! lsub = "LSUB" SP mailbox SP list-mailbox
//! C: a1 LIST (SUBSCRIBED RECURSIVEMATCH) "" % RETURN (CHILDREN STATUS (MESSAGES))
//! S: * LIST (\NonExistent \HasChildren) "/" Work (CHILDINFO ("SUBSCRIBED"))
//! S: * LIST (\Subscribed \HasNoChildren) "/" INBOX
//! S: * STATUS INBOX (MESSAGES 4)
//! ```
//!
//! As Dovecot 2.3 answers (cmd-list.c; every case is in
//! tests/data/differential/list.txt):
//! - The plain LIST shows `\HasChildren`/`\HasNoChildren` and special uses, and a name
//!   that exists only as a parent is `\Noselect`. Any extended syntax (selection
//!   options, a list of patterns, RETURN, even empty) switches to RFC 5258's rules:
//!   such a name is `\NonExistent`, and children and special uses are shown only when
//!   RETURN asks for them.
//! - Subscriptions are names: a subscribed name whose mailbox is gone is listed by
//!   (SUBSCRIBED) as `\NonExistent`, and by LSUB with no attribute at all.
//! - RECURSIVEMATCH lists the nearest parent matching the pattern of a subscribed name
//!   the pattern does not match, with `(CHILDINFO ("SUBSCRIBED"))`; a listed name with
//!   subscribed children gets it too. LSUB does the same for a pattern ending in `%`,
//!   calling such a parent `\Noselect` (RFC 3501 §6.3.9), and not otherwise.
//! - A mailbox deleted while it had children (maildir keeps its folder) is listed as
//!   existing, but is `\NonExistent` among subscriptions and has no STATUS.
//! - Mailboxes are listed in name order, INBOX last; Dovecot follows the order of its
//!   directory, which varies from disk to disk.

use std::collections::BTreeMap;

use crate::grammar::core::ImapString;
use crate::grammar::extensions::list_extended::{ListReturnOption, ListSelectOption};
use crate::grammar::mailbox::Mailbox;
use crate::mock::mime::push_astring;
use crate::mock::store::{Account, DELIMITER};
use crate::mock::wording as w;

use super::{status, Cx, Done};

/// What a name is, for LIST.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Node {
    Real,
    /// Deleted while it had children (Dovecot keeps listing it).
    Kept,
    /// Exists only because something below it exists.
    Implicit,
    /// Not in the mailbox tree at all (a subscription to a missing mailbox).
    Missing,
}

/// What the command asks, as Dovecot's iteration flags.
#[derive(Debug, Default)]
struct Want {
    lsub: bool,
    extended: bool,
    select_subscribed: bool,
    select_special_use: bool,
    recursive: bool,
    return_subscribed: bool,
    return_children: bool,
    return_special_use: bool,
    status: Vec<crate::grammar::status::StatusItem>,
    /// LSUB with a pattern not ending in `%` lists no unsubscribed parent.
    no_unsubscribed: bool,
}

/// One line to send.
#[derive(Debug, Default)]
struct Entry {
    subscribed: bool,
    child_subscribed: bool,
    child_special_use: bool,
}

/// LIST, plain or extended.
pub(crate) fn list(
    cx: &mut Cx,
    tag: &str,
    reference: &Mailbox,
    patterns: &[ImapString],
    selection: &[ListSelectOption],
    returns: &[ListReturnOption],
    extended: bool,
) -> Done {
    let mut want = Want {
        extended,
        ..Want::default()
    };
    // Dovecot's checks, in its order (parse_select_flags, parse_return_flags).
    for option in selection {
        match option {
            ListSelectOption::Subscribed => {
                want.select_subscribed = true;
                want.return_subscribed = true;
            }
            ListSelectOption::RecursiveMatch => want.recursive = true,
            ListSelectOption::SpecialUse => {
                want.select_special_use = true;
                want.return_special_use = true;
            }
            ListSelectOption::Remote => {}
            ListSelectOption::Other(_) => {
                return Done::bad(tag, w::command_error("LIST", "Unknown select options"))
            }
        }
    }
    if want.recursive && !want.select_subscribed && !want.select_special_use {
        return Done::bad(tag, w::command_error("LIST", RECURSIVEMATCH_ALONE));
    }
    if let Err(why) = read_returns(&mut want, returns) {
        return Done::bad(tag, w::command_error("LIST", &why));
    }
    if !extended {
        want.return_children = true;
        want.return_special_use = true;
        // LIST "" "" asks for the delimiter and the root (RFC 9051 §6.3.9).
        if patterns.len() == 1 && patterns[0].bytes.is_empty() {
            cx.line(&format!("* LIST (\\Noselect) \"{DELIMITER}\" \"\""));
            return Done::ok(tag, w::LIST_DONE);
        }
    }
    let patterns = full_patterns(reference, patterns);
    answer(cx, &want, &patterns);
    Done::ok(tag, w::LIST_DONE)
}

/// Dovecot's parse_return_flags: the return options into `want`, or its reason.
fn read_returns(want: &mut Want, returns: &[ListReturnOption]) -> Result<(), String> {
    for option in returns {
        match option {
            ListReturnOption::Subscribed => want.return_subscribed = true,
            ListReturnOption::Children => want.return_children = true,
            ListReturnOption::SpecialUse => want.return_special_use = true,
            ListReturnOption::Status(items) => {
                status::check_items(items).map_err(|e| e.to_string())?;
                want.status = items.clone();
            }
            ListReturnOption::Other(_) => return Err("Unknown return options".into()),
        }
    }
    Ok(())
}

/// What RECURSIVEMATCH alone gets (Dovecot's words).
pub(crate) const RECURSIVEMATCH_ALONE: &str = "RECURSIVEMATCH must not be the only selection.";

/// LSUB: the subscribed names, and the unsubscribed parents of subscribed names as
/// `\Noselect` when the pattern ends in `%` (RFC 3501 §6.3.9).
pub(crate) fn lsub(cx: &mut Cx, tag: &str, reference: &Mailbox, pattern: &ImapString) -> Done {
    let want = lsub_want(std::slice::from_ref(pattern));
    let patterns = full_patterns(reference, std::slice::from_ref(pattern));
    answer(cx, &want, &patterns);
    Done::ok(tag, w::LSUB_DONE)
}

/// What LSUB asks: subscriptions, their unsubscribed parents only for a `%` pattern.
fn lsub_want(patterns: &[ImapString]) -> Want {
    Want {
        lsub: true,
        select_subscribed: true,
        recursive: true,
        return_special_use: true,
        no_unsubscribed: !patterns.iter().any(|p| p.text().ends_with('%')),
        ..Want::default()
    }
}

/// An LSUB the RFC grammar refused that Dovecot reads: cmd_list_full serves LSUB too,
/// so it takes LIST's pattern list and RETURN options (not its selection options) and
/// honours them on LSUB lines. `first` is read again as the same LIST; `None` leaves
/// the line to the usual reasons.
pub(crate) fn lsub_extended(cx: &mut Cx, tag: &str, first: &[u8]) -> Option<Done> {
    let (_, _, at) = super::arguments::command_words(first)?;
    let args = first.get(at..)?;
    // Only after the reference: a list there is no selection for LSUB (Invalid reference).
    if args.first() == Some(&b'(') {
        return None;
    }
    let mut text = format!("{tag} LIST ").into_bytes();
    text.extend_from_slice(args);
    // Dovecot's parser skips the blanks the grammar refuses, as for any command.
    let text = super::entry::squeeze_spaces(&text, false).unwrap_or_else(|| {
        text.extend_from_slice(b"\r\n");
        text
    });
    let parsed = crate::grammar::parse_command(&text);
    let Some(command) = parsed.command else {
        let d = super::entry::first_error_of(&parsed)?;
        if d.code == "unexpected-argument" {
            return None;
        }
        let why = reason(d, &text)?;
        return Some(Done::bad(tag, w::command_error("LSUB", &why)));
    };
    let crate::grammar::command::CommandBody::List {
        reference,
        patterns,
        returns,
        ..
    } = command.body
    else {
        return None;
    };
    let mut want = lsub_want(&patterns);
    want.extended = true;
    if let Err(why) = read_returns(&mut want, &returns) {
        return Some(Done::bad(tag, w::command_error("LSUB", &why)));
    }
    answer(cx, &want, &full_patterns(&reference, &patterns));
    Some(Done::ok(tag, w::LSUB_DONE))
}

/// Dovecot's BAD text for a LIST whose arguments the grammar refused (cmd-list.c,
/// imap_status_parse_items), from the first error `d` on the first line.
pub(crate) fn reason(d: &crate::grammar::Diagnostic, first: &[u8]) -> Option<String> {
    use crate::grammar::args::label;
    let at = first.get(d.column.saturating_sub(1)..).unwrap_or(b"");
    let word_end = at
        .iter()
        .position(|&b| matches!(b, b' ' | b')' | b'('))
        .unwrap_or(at.len());
    let word = String::from_utf8_lossy(&at[..word_end]);
    let non_atom = matches!(at.first(), Some(b'(' | b'"' | b'{'));
    if d.code == "unexpected-argument" {
        return Some("Extra arguments.".into());
    }
    let text = match d.expected.as_deref()? {
        crate::grammar::extensions::list_extended::RECURSIVEMATCH_ALONE => RECURSIVEMATCH_ALONE,
        label::LIST_SELECT_OPT | label::LIST_RETURN_OPT if non_atom => {
            "List options contains non-atoms."
        }
        label::LIST_RETURN => "Extra arguments.",
        label::STATUS_ITEMS => "Unknown return options",
        label::STATUS_ATT if at.first() == Some(&b')') => w::EMPTY_STATUS_LIST,
        label::STATUS_ATT => return Some(w::invalid_status_item(&word)),
        label::LIST_REFERENCE => "Invalid reference.",
        label::LIST_PATTERN => {
            let open = first[..d.column.saturating_sub(1).min(first.len())]
                .iter()
                .filter(|&&b| b == b'(')
                .count();
            let closed = first[..d.column.saturating_sub(1).min(first.len())]
                .iter()
                .filter(|&&b| b == b')')
                .count();
            if open > closed {
                "Invalid pattern list."
            } else {
                "Invalid pattern."
            }
        }
        _ => return None,
    };
    Some(text.to_owned())
}

fn full_patterns(reference: &Mailbox, patterns: &[ImapString]) -> Vec<String> {
    let reference = reference.raw.text();
    patterns
        .iter()
        .map(|p| format!("{reference}{}", p.text()))
        .collect()
}

/// Lists what `want` selects among the names that match `patterns`.
fn answer(cx: &mut Cx, want: &Want, patterns: &[String]) {
    let user = cx.user().to_owned();
    let world = cx.store.lock();
    let Some(account) = world.account(&user) else {
        return;
    };
    let tree = nodes(account);
    let matching = |name: &str| patterns.iter().any(|p| name_matches(name, p));
    let mut entries: BTreeMap<String, Entry> = BTreeMap::new();
    if want.select_subscribed {
        select_by(
            &mut entries,
            &account.subscriptions,
            want.recursive,
            &matching,
            |e| e.child_subscribed = true,
        );
        for name in &account.subscriptions {
            if let Some(e) = entries.get_mut(name) {
                e.subscribed = true;
            }
        }
    } else if want.select_special_use {
        let special = account
            .mailboxes
            .iter()
            .filter(|m| m.is_real() && !m.special_use.is_empty())
            .map(|m| m.name.clone())
            .collect();
        select_by(&mut entries, &special, want.recursive, &matching, |e| {
            e.child_special_use = true
        });
    } else {
        for name in tree.keys().filter(|n| matching(n)) {
            entries.insert(name.clone(), Entry::default());
        }
    }
    let mut names: Vec<&String> = entries.keys().collect();
    names.sort_by_key(|n| (*n == "INBOX", *n));
    let mut out = Vec::new();
    for name in names {
        let entry = &entries[name];
        if want.no_unsubscribed && !account.subscriptions.contains(name) {
            continue;
        }
        let node = tree.get(name).copied().unwrap_or(Node::Missing);
        let subscribed = account.subscriptions.contains(name);
        out.extend(line(want, account, name, node, entry, subscribed));
        if !want.status.is_empty() && (subscribed || !entry.child_subscribed) {
            match node {
                Node::Real => {
                    if let Some(mb) = account.real(name) {
                        out.extend(status::line(mb, &want.status, name.as_bytes()));
                    }
                }
                // LSUB's STATUS asks every subscription, even one that is gone.
                Node::Kept if !want.select_subscribed => {
                    out.extend(format!("* NO {}\r\n", w::no_mailbox(name)).into_bytes());
                }
                Node::Missing | Node::Kept if want.lsub && subscribed => {
                    out.extend(format!("* NO {}\r\n", w::no_mailbox(name)).into_bytes());
                }
                _ => {}
            }
        }
    }
    drop(world);
    cx.out.extend_from_slice(&out);
}

/// The names a selection option picks (`chosen`: subscriptions, special-use
/// mailboxes) that match, and with RECURSIVEMATCH the nearest matching parent of each
/// chosen name that does not match, marked by `mark`. A matching parent already listed
/// is marked too.
fn select_by(
    entries: &mut BTreeMap<String, Entry>,
    chosen: &std::collections::BTreeSet<String>,
    recursive: bool,
    matching: &dyn Fn(&str) -> bool,
    mark: fn(&mut Entry),
) {
    for name in chosen.iter().filter(|n| matching(n)) {
        entries.entry(name.clone()).or_default();
    }
    if !recursive {
        return;
    }
    for name in chosen {
        let found = matching(name);
        for parent in parents(name) {
            if found {
                if let Some(e) = entries.get_mut(parent) {
                    mark(e);
                }
            } else if matching(parent) {
                mark(entries.entry(parent.to_owned()).or_default());
                break;
            }
        }
    }
}

/// `a/b/c` → `a/b`, `a` (nearest first).
fn parents(name: &str) -> impl Iterator<Item = &str> {
    name.char_indices()
        .rev()
        .filter(|&(_, c)| c == DELIMITER)
        .map(move |(i, _)| &name[..i])
}

/// One `* LIST` or `* LSUB` line, with Dovecot's attributes in its order.
fn line(
    want: &Want,
    account: &Account,
    name: &str,
    node: Node,
    entry: &Entry,
    subscribed: bool,
) -> Vec<u8> {
    let mut attributes: Vec<&str> = Vec::new();
    if want.lsub {
        // With LIST's options (used_listext), Dovecot writes LIST-EXTENDED's word.
        if !subscribed {
            attributes.push(if want.extended {
                "\\NonExistent"
            } else {
                "\\Noselect"
            });
        }
        // LSUB's RETURN options, as Dovecot honours them (lsub_extended).
        if subscribed && want.return_subscribed {
            attributes.push("\\Subscribed");
        }
        if want.return_children {
            attributes.push(if account.has_children(name) {
                "\\HasChildren"
            } else {
                "\\HasNoChildren"
            });
        }
    } else {
        if subscribed && want.return_subscribed {
            attributes.push("\\Subscribed");
        }
        // Among subscriptions, a kept folder counts as gone; in the tree it is there.
        let exists = match node {
            Node::Real => true,
            Node::Kept => !want.select_subscribed,
            Node::Implicit | Node::Missing => false,
        };
        if !exists {
            attributes.push(if want.extended {
                "\\NonExistent"
            } else {
                "\\Noselect"
            });
        }
        if want.return_children {
            attributes.push(if account.has_children(name) {
                "\\HasChildren"
            } else {
                "\\HasNoChildren"
            });
        }
    }
    let special: Vec<String> = match account.real(name) {
        Some(mb) if want.return_special_use => mb.special_use.clone(),
        _ => Vec::new(),
    };
    attributes.extend(special.iter().map(String::as_str));
    let kind = if want.lsub { "LSUB" } else { "LIST" };
    let mut line = format!("* {kind} ({}) \"{DELIMITER}\" ", attributes.join(" ")).into_bytes();
    push_astring(&mut line, name.as_bytes());
    if want.extended && want.recursive {
        if entry.child_subscribed {
            line.extend_from_slice(b" (CHILDINFO (\"SUBSCRIBED\"))");
        }
        if entry.child_special_use {
            line.extend_from_slice(b" (CHILDINFO (\"SPECIAL-USE\"))");
        }
    }
    line.extend_from_slice(b"\r\n");
    line
}

/// Every name in the mailbox tree: the mailboxes and their implicit parents.
fn nodes(account: &Account) -> BTreeMap<String, Node> {
    let mut out = BTreeMap::new();
    for mb in &account.mailboxes {
        let node = if mb.is_real() { Node::Real } else { Node::Kept };
        out.insert(mb.name.clone(), node);
    }
    let names: Vec<String> = out.keys().cloned().collect();
    for name in &names {
        for parent in parents(name) {
            out.entry(parent.to_owned()).or_insert(Node::Implicit);
        }
    }
    out
}

/// Does `name` match an IMAP list pattern (`*` anything, `%` anything but the delimiter)?
///
/// One pass per pattern byte over the positions of `name` the pattern so far can reach,
/// so the time is |pattern| × |name|. A recursive matcher backtracked: `%%%…%*` took
/// exponential time (the fuzzer's mock_session find; 17 s for one LIST).
pub(crate) fn matches(name: &[u8], pattern: &[u8]) -> bool {
    let mut at = vec![false; name.len() + 1];
    at[0] = true;
    for &p in pattern {
        let mut next = vec![false; name.len() + 1];
        match p {
            b'*' | b'%' => {
                let mut on = false;
                for i in 0..=name.len() {
                    on |= at[i];
                    next[i] = on;
                    if p == b'%' && name.get(i) == Some(&(DELIMITER as u8)) {
                        on = false;
                    }
                }
            }
            c => {
                for i in 0..name.len() {
                    next[i + 1] = at[i] && name[i] == c;
                }
            }
        }
        at = next;
    }
    at[name.len()]
}

/// True if `name` matches `pattern`, INBOX case-insensitively (RFC 9051 §5.1).
fn name_matches(name: &str, pattern: &str) -> bool {
    if matches(name.as_bytes(), pattern.as_bytes()) {
        return true;
    }
    if name == "INBOX" || name.starts_with("INBOX/") {
        let head = pattern.get(..5.min(pattern.len())).unwrap_or("");
        let folded = format!(
            "{}{}",
            head.to_ascii_uppercase(),
            pattern.get(head.len()..).unwrap_or("")
        );
        return matches(name.as_bytes(), folded.as_bytes());
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn list_patterns() {
        assert!(matches(b"Work/Projects", b"*"));
        assert!(matches(b"Work/Projects", b"Work/%"));
        assert!(!matches(b"Work/Projects", b"%"));
        assert!(matches(b"Work/Projects", b"*Proj*"));
        assert!(!matches(b"INBOX", b"Nothing*"));
        assert!(matches(b"a/b", b"%/%") && !matches(b"a/b", b"%%") && matches(b"a/b", b"%*"));
        assert!(matches(b"Work/Projects", b"W%k/*s") && !matches(b"Work", b"Work?"));
        assert!(matches(b"", b"%*%") && !matches(b"", b"x"));
        let many = [&[b'%'; 60][..], b"1*"].concat();
        assert!(!matches(&[b'x'; 200], &many) && matches(b"Archive1", &many));
        assert!(name_matches("INBOX", "inbox"));
        assert!(!name_matches("Archive", "archive"));
    }

    #[test]
    fn parents_nearest_first() {
        assert_eq!(parents("a/b/c").collect::<Vec<_>>(), ["a/b", "a"]);
        assert_eq!(parents("a").count(), 0);
    }
}
