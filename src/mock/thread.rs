//! THREAD's algorithms (RFC 5256 §2, §4) as Dovecot 2.3 runs them: ORDEREDSUBJECT,
//! REFERENCES, and Dovecot's REFS. A sans-IO computation over the matching messages;
//! `commands/thread.rs` gathers them and writes the answer with [`write`].
//!
//! REFERENCES, step by step (§4, with Dovecot's choices where the RFC leaves room):
//! 1. Messages are linked in UID order. Each message's node is its first valid
//!    Message-ID (a second message with the same ID gets a node of its own); its
//!    parent chain comes from References, or from In-Reply-To when References has no
//!    valid ID. A link that would make a loop is ignored; a node that has a parent
//!    keeps it; a message's own parent is the last reference, or none.
//! 2. Nodes without a parent are the roots; nodes for IDs no matching message has
//!    ("dummies") are dropped, their children going to the nearest real ancestor, or
//!    to the dummy at the top, which stays only if it has two children or more.
//! 3. Roots are ordered by sent date (a dummy by its oldest child), then UID.
//! 4. Roots with the same base subject are merged: a reply joins a non-reply's thread
//!    as a child; two non-replies (or two replies) go under a new dummy.
//! 5. Children are ordered by sent date, then UID.
//!
//! REFS is steps 1, 2 and 5 with threads ordered by their newest message, and no
//! merging by subject. ORDEREDSUBJECT groups by base subject, sorted by sent date.

use std::collections::HashMap;

use super::header_keys::HeaderKeys;

/// A matching message, in UID order, with what threading reads of it: its IDs and
/// base subject are read once per message and kept (`Message::header_keys`).
pub(crate) struct Msg<'a> {
    /// The number to write: the sequence number, or the UID for UID THREAD.
    pub(crate) number: u32,
    pub(crate) uid: u32,
    /// The sent date, or INTERNALDATE if the message has none it can read.
    pub(crate) date: i64,
    pub(crate) keys: &'a HeaderKeys,
}

/// A thread: a message (or a missing parent, `None`) and its replies, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Tree {
    pub(crate) message: Option<u32>,
    pub(crate) children: Vec<Tree>,
}

/// `* THREAD` data: the threads as Dovecot writes them (RFC 5256 §4).
pub(crate) fn write(threads: &[Tree]) -> String {
    let mut out = String::new();
    for t in threads {
        out.push('(');
        if let Some(n) = t.message {
            push_number(&mut out, n);
            if !t.children.is_empty() {
                out.push(' ');
            }
        }
        write_children(&t.children, &mut out);
        out.push(')');
    }
    out
}

/// Writes a message number without a string of its own (10,000 of them per THREAD).
fn push_number(out: &mut String, n: u32) {
    use std::fmt::Write;
    // Writing to a String cannot fail.
    let _ = write!(out, "{n}");
}

/// A lone child continues its parent's list (`1 2 3`); siblings are each in
/// parentheses (`1 (2)(3 4)`).
fn write_children(children: &[Tree], out: &mut String) {
    if let [only] = children {
        if let Some(n) = only.message {
            push_number(out, n);
        }
        if !only.children.is_empty() {
            out.push(' ');
            write_children(&only.children, out);
        }
        return;
    }
    for c in children {
        out.push('(');
        if let Some(n) = c.message {
            push_number(out, n);
        }
        if !c.children.is_empty() {
            out.push(' ');
            write_children(&c.children, out);
        }
        out.push(')');
    }
}

// ---------------------------------------------------------------------------------
// ORDEREDSUBJECT (§2.1, §4)

/// ORDEREDSUBJECT: messages with the same base subject form a thread whose first
/// message (by date) is the parent of the others; threads ordered by that first date.
pub(crate) fn ordered_subject(msgs: &[Msg]) -> Vec<Tree> {
    let bases: Vec<&str> = msgs.iter().map(|m| m.keys.base_subject()).collect();
    let mut order: Vec<usize> = (0..msgs.len()).collect();
    order.sort_by(|&a, &b| {
        bases[a]
            .cmp(bases[b])
            .then(msgs[a].date.cmp(&msgs[b].date))
            .then(msgs[a].number.cmp(&msgs[b].number))
    });
    let mut groups: Vec<Vec<usize>> = Vec::new();
    for i in order {
        match groups.last_mut() {
            Some(g) if bases[g[0]] == bases[i] => g.push(i),
            _ => groups.push(vec![i]),
        }
    }
    groups.sort_by_key(|g| (msgs[g[0]].date, msgs[g[0]].number));
    groups
        .into_iter()
        .map(|g| Tree {
            message: Some(msgs[g[0]].number),
            children: g[1..]
                .iter()
                .map(|&i| Tree {
                    message: Some(msgs[i].number),
                    children: Vec::new(),
                })
                .collect(),
        })
        .collect()
}

// ---------------------------------------------------------------------------------
// REFERENCES and REFS

/// A node of the ID table: a message, or an ID only referred to (a dummy).
#[derive(Default)]
struct Node {
    /// Index into the messages, for a real message.
    msg: Option<usize>,
    parent: Option<usize>,
}

/// Step 1: the ID table, linked.
struct Links<'a> {
    nodes: Vec<Node>,
    by_id: HashMap<&'a str, usize>,
}

impl<'a> Links<'a> {
    fn build(msgs: &[Msg<'a>]) -> Links<'a> {
        // Sized for every message and a reference or two each: no rehashing.
        let mut links = Links {
            nodes: Vec::with_capacity(msgs.len() * 2),
            by_id: HashMap::with_capacity(msgs.len() * 2),
        };
        let mut refs: Vec<usize> = Vec::new();
        for (i, m) in msgs.iter().enumerate() {
            let mut node = match m.keys.message_id.as_deref() {
                Some(id) => links.node(id),
                None => links.fresh(),
            };
            if links.nodes[node].msg.is_some() {
                // The same Message-ID twice: the later message stands alone.
                node = links.fresh();
            }
            links.nodes[node].msg = Some(i);
            refs.clear();
            for r in &m.keys.references {
                refs.push(links.node(r));
            }
            for pair in refs.windows(2) {
                links.link(pair[0], pair[1]);
            }
            let last = refs.last().copied();
            if links.nodes[node].parent.is_some() && links.nodes[node].parent != last {
                links.nodes[node].parent = None;
            }
            if let Some(parent) = last {
                links.link(parent, node);
            }
        }
        links
    }

    fn node(&mut self, id: &'a str) -> usize {
        if let Some(&n) = self.by_id.get(id) {
            return n;
        }
        let n = self.fresh();
        self.by_id.insert(id, n);
        n
    }

    fn fresh(&mut self) -> usize {
        self.nodes.push(Node::default());
        self.nodes.len() - 1
    }

    /// Makes `parent` the parent of `child`, unless that would make a loop or `child`
    /// already has a parent.
    fn link(&mut self, parent: usize, child: usize) {
        let mut at = Some(parent);
        while let Some(n) = at {
            if n == child {
                return;
            }
            at = self.nodes[n].parent;
        }
        if self.nodes[child].parent.is_none() {
            self.nodes[child].parent = Some(parent);
        }
    }
}

/// A thread under construction: a node (real or dummy) with its children as node
/// indexes, and the date and UID it is ordered by.
struct Root {
    node: usize,
    date: i64,
    uid: u32,
    dummy: bool,
}

/// Step 2: roots, and each real node's children (dummies in between dropped).
fn shadows(links: &Links) -> (Vec<usize>, Vec<Vec<usize>>) {
    let mut roots = Vec::new();
    let mut children = vec![Vec::new(); links.nodes.len()];
    for (n, node) in links.nodes.iter().enumerate() {
        match node.parent {
            None => roots.push(n),
            Some(_) if node.msg.is_none() => {}
            Some(mut p) => {
                while links.nodes[p].msg.is_none() {
                    match links.nodes[p].parent {
                        Some(up) => p = up,
                        None => break,
                    }
                }
                children[p].push(n);
            }
        }
    }
    (roots, children)
}

/// REFERENCES (RFC 5256 §4).
pub(crate) fn references(msgs: &[Msg]) -> Vec<Tree> {
    let links = Links::build(msgs);
    let (root_nodes, mut children) = shadows(&links);
    let key = |n: usize| {
        let m = &msgs[links.nodes[n].msg.unwrap_or_default()];
        (m.date, m.uid)
    };
    let sort_children = |children: &mut Vec<Vec<usize>>, n: usize| {
        if children[n].len() > 1 {
            children[n].sort_by_key(|&c| key(c));
        }
    };
    let mut roots = order_roots(&links, &root_nodes, &mut children, msgs);
    if merge_by_subject(&links, &mut roots, &mut children, msgs) {
        roots = roots
            .into_iter()
            .filter_map(|r| refresh_root(r, &mut children, msgs, &links))
            .collect();
        roots.sort_by_key(|r| (r.date, r.uid));
    }
    for n in 0..children.len() {
        sort_children(&mut children, n);
    }
    roots
        .iter()
        .map(|r| tree(&links, &children, msgs, r.node, r.dummy))
        .collect()
}

/// Step 3: roots with their dates; a dummy with one child gives way to it, one with
/// none goes.
fn order_roots(
    links: &Links,
    root_nodes: &[usize],
    children: &mut [Vec<usize>],
    msgs: &[Msg],
) -> Vec<Root> {
    let mut roots: Vec<Root> = root_nodes
        .iter()
        .filter_map(|&n| {
            let root = Root {
                node: n,
                date: 0,
                uid: 0,
                dummy: links.nodes[n].msg.is_none(),
            };
            refresh_root(root, children, msgs, links)
        })
        .collect();
    roots.sort_by_key(|r| (r.date, r.uid));
    roots
}

/// A root's date and UID: its own, or a dummy's oldest child's; `None` for a dummy
/// without children.
fn refresh_root(
    mut root: Root,
    children: &mut [Vec<usize>],
    msgs: &[Msg],
    links: &Links,
) -> Option<Root> {
    let key = |n: usize| {
        let m = &msgs[links.nodes[n].msg.unwrap_or_default()];
        (m.date, m.uid)
    };
    if root.dummy {
        let kids = &mut children[root.node];
        kids.sort_by_key(|&c| key(c));
        match kids.as_slice() {
            [] => return None,
            [only] => {
                root.node = *only;
                root.dummy = false;
            }
            [first, ..] => {
                (root.date, root.uid) = key(*first);
                return Some(root);
            }
        }
    }
    (root.date, root.uid) = key(root.node);
    Some(root)
}

/// Step 4: roots with the same base subject merged. True if anything changed. New
/// dummies are appended to `children` as new nodes.
fn merge_by_subject(
    links: &Links,
    roots: &mut Vec<Root>,
    children: &mut Vec<Vec<usize>>,
    msgs: &[Msg],
) -> bool {
    // For each root: (reply or forward, the root it was merged into, +1; 0 for none).
    let count = roots.len();
    let mut reply = vec![false; count];
    let mut parent = vec![0usize; count];
    let mut table: HashMap<&str, usize> = HashMap::new();
    for i in 0..count {
        let node = if roots[i].dummy {
            children[roots[i].node][0]
        } else {
            roots[i].node
        };
        let Some((base, is_reply)) = &msgs[links.nodes[node].msg.unwrap_or_default()].keys.subject
        else {
            continue;
        };
        let (base, is_reply) = (base.as_str(), *is_reply);
        if base.is_empty() {
            continue;
        }
        match table.get(base).copied() {
            None => {
                table.insert(base, i);
            }
            Some(j) => {
                if !roots[j].dummy && (roots[i].dummy || (reply[j] && !is_reply)) {
                    parent[j] = i + 1;
                    table.insert(base, i);
                } else {
                    parent[i] = j + 1;
                }
            }
        }
        reply[i] = is_reply;
    }
    let mut ignore = vec![false; count];
    let mut changed = false;
    for i in 0..count {
        if parent[i] == 0 || ignore[i] {
            continue;
        }
        changed = true;
        let mut top = i;
        while parent[top] != 0 {
            top = parent[top] - 1;
        }
        let (cur, root) = (roots[i].node, roots[top].node);
        if roots[i].dummy {
            let moved = std::mem::take(&mut children[cur]);
            children[root].extend(moved);
            ignore[i] = true;
        } else if roots[top].dummy || (reply[i] && !reply[top]) {
            children[root].push(cur);
            ignore[i] = true;
        } else {
            children.push(vec![root, cur]);
            roots.push(Root {
                node: children.len() - 1,
                date: 0,
                uid: 0,
                dummy: true,
            });
            reply.push(false);
            parent.push(0);
            ignore.push(false);
            parent[top] = roots.len();
            ignore[top] = true;
            ignore[i] = true;
        }
    }
    let mut i = 0;
    roots.retain(|_| {
        i += 1;
        !ignore[i - 1]
    });
    changed
}

fn tree(links: &Links, children: &[Vec<usize>], msgs: &[Msg], node: usize, dummy: bool) -> Tree {
    let message = if dummy || node >= links.nodes.len() {
        None
    } else {
        links.nodes[node].msg.map(|m| msgs[m].number)
    };
    Tree {
        message,
        children: children[node]
            .iter()
            .map(|&c| tree(links, children, msgs, c, false))
            .collect(),
    }
}

/// REFS (Dovecot's): REFERENCES without merging by subject, threads ordered by their
/// newest message.
pub(crate) fn refs(msgs: &[Msg]) -> Vec<Tree> {
    let links = Links::build(msgs);
    let (root_nodes, mut children) = shadows(&links);
    let key = |n: usize| {
        let m = &msgs[links.nodes[n].msg.unwrap_or_default()];
        (m.date, m.uid)
    };
    for kids in children.iter_mut().filter(|k| k.len() > 1) {
        kids.sort_by_key(|&c| key(c));
    }
    // Each root's newest date, over every message of its thread.
    let mut newest: HashMap<usize, i64> = HashMap::new();
    for (n, node) in links.nodes.iter().enumerate() {
        let Some(m) = node.msg else { continue };
        let mut top = n;
        while let Some(p) = links.nodes[top].parent {
            top = p;
        }
        let e = newest.entry(top).or_insert(0);
        *e = (*e).max(msgs[m].date);
    }
    let mut roots: Vec<(i64, u32, usize)> = root_nodes
        .iter()
        .filter(|&&n| links.nodes[n].msg.is_some() || !children[n].is_empty())
        .map(|&n| {
            let uid = links.nodes[n].msg.map_or(0, |m| msgs[m].uid);
            (newest.get(&n).copied().unwrap_or(0), uid, n)
        })
        .collect();
    roots.sort();
    roots
        .into_iter()
        .map(|(_, _, n)| tree(&links, &children, msgs, n, links.nodes[n].msg.is_none()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::mock::subject::base_subject;

    type Spec<'a> = (u32, i64, Option<&'a str>, &'a [&'a str], &'a str);

    fn keys(&(_, _, id, refs, subject): &Spec) -> HeaderKeys {
        HeaderKeys {
            sent: 0,
            subject: Some(base_subject(subject.as_bytes())),
            message_id: id.map(str::to_owned),
            references: refs.iter().map(|r| (*r).to_owned()).collect(),
            ..HeaderKeys::default()
        }
    }

    fn msg<'a>(&(n, date, ..): &Spec, keys: &'a HeaderKeys) -> Msg<'a> {
        Msg {
            number: n,
            uid: n,
            date,
            keys,
        }
    }

    #[test]
    fn the_writer_follows_dovecot() {
        let leaf = |n| Tree {
            message: Some(n),
            children: vec![],
        };
        let t = vec![
            leaf(2),
            Tree {
                message: Some(3),
                children: vec![Tree {
                    message: Some(6),
                    children: vec![
                        Tree {
                            message: Some(4),
                            children: vec![leaf(23)],
                        },
                        Tree {
                            message: Some(44),
                            children: vec![Tree {
                                message: Some(7),
                                children: vec![leaf(96)],
                            }],
                        },
                    ],
                }],
            },
            Tree {
                message: None,
                children: vec![leaf(8), leaf(9)],
            },
        ];
        assert_eq!(write(&t), "(2)(3 6 (4 23)(44 7 96))((8)(9))");
    }

    #[test]
    fn references_links_merges_and_orders() {
        let specs: [Spec; 8] = [
            (1, 10, Some("a1"), &[], "Lab schedule"),
            (2, 20, Some("a2"), &["a1"], "Re: Lab schedule"),
            (3, 5, Some("a3"), &["a1", "a2"], "RE: Re: Lab schedule"),
            (4, 40, Some("a4"), &[], "Fwd: Lab schedule"),
            (5, 30, Some("b1"), &["gone"], "Other"),
            (6, 50, Some("b2"), &[], "Other"),
            // A loop: l1 refers to l2 and l2 to l1.
            (7, 60, Some("l1"), &["l2"], "Loop"),
            (8, 61, Some("l2"), &["l1"], "Loop two"),
        ];
        let keys: Vec<HeaderKeys> = specs.iter().map(keys).collect();
        let msgs: Vec<Msg> = specs.iter().zip(&keys).map(|(s, k)| msg(s, k)).collect();
        assert_eq!(write(&references(&msgs)), "(1 (2 3)(4))((5)(6))(8 7)");
        assert_eq!(write(&refs(&msgs)), "(1 2 3)(5)(4)(6)(8 7)");
        assert_eq!(write(&ordered_subject(&msgs)), "(3 (1)(2)(4))(5 6)(7)(8)");
    }
}
