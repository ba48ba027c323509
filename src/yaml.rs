//! Limits on YAML from outside (lessons and fixtures), checked before it is parsed.
//!
//! Two kinds of YAML cost far more than their size, and libyaml with serde pays it
//! before any of our checks could run:
//!
//! - **Aliases.** `*name` copies the node anchored with `&name` each time it appears,
//!   so 1,000 aliases of a 1 MB string make a 1 GB document out of a 1 MB file, and
//!   anchors that alias earlier anchors grow exponentially ("billion laughs").
//! - **Nesting.** 100,000 levels of `[` or `- ` in 200 KB took libyaml 39 s to reject.
//!
//! So a linear pre-scan of the text refuses, with the line to blame, a document whose
//! aliases would add more than [`Limits::max_alias_expansion`] bytes (or the document's
//! own size, if larger), and one nested deeper than [`Limits::max_depth`]. The scan
//! knows just enough YAML to be sure: quoted scalars, comments, block scalars (`|`,
//! `>`), flow collections, and where a node may start (so the `*` of `LIST "" *` in a
//! plain scalar is text, not an alias). An alias of an anchor it has not seen is left
//! to the parser, which rejects it.

use std::collections::HashMap;
use std::fmt;

/// The caps.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Limits {
    /// The deepest nesting of collections (serde's own limit is 128).
    pub(crate) max_depth: usize,
    /// How many bytes aliases may add, beyond the document's own size.
    pub(crate) max_alias_expansion: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_depth: 64,
            max_alias_expansion: 1024 * 1024,
        }
    }
}

/// Why a document was refused, and the 1-based line to blame.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LimitError {
    pub(crate) line: usize,
    pub(crate) message: String,
}

impl fmt::Display for LimitError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}: {}", self.line, self.message)
    }
}

impl std::error::Error for LimitError {}

/// Checks `text` against the default limits.
pub(crate) fn check(text: &str) -> Result<(), LimitError> {
    check_with(text, Limits::default())
}

/// Checks `text` against `limits`.
pub(crate) fn check_with(text: &str, limits: Limits) -> Result<(), LimitError> {
    let mut scan = Scan::new(text, limits);
    scan.run()
}

/// An anchor whose node is still being read: where it started, and the size of the
/// aliases met inside it.
struct Open {
    name: String,
    start: usize,
    /// Block nodes end at the first line indented no deeper than this; flow and
    /// same-line nodes at the end of their flow collection or line.
    indent: usize,
    flow_depth: usize,
    inner: u64,
    block: bool,
}

struct Scan<'a> {
    text: &'a str,
    limits: Limits,
    /// Expanded size of each finished anchor.
    anchors: HashMap<String, u64>,
    open: Vec<Open>,
    added: u64,
    flow: usize,
    /// Indentation of the enclosing block collections.
    indents: Vec<usize>,
}

impl<'a> Scan<'a> {
    fn new(text: &'a str, limits: Limits) -> Self {
        Scan {
            text,
            limits,
            anchors: HashMap::new(),
            open: Vec::new(),
            added: 0,
            flow: 0,
            indents: Vec::new(),
        }
    }

    fn run(&mut self) -> Result<(), LimitError> {
        let budget = self.limits.max_alias_expansion.max(self.text.len() as u64);
        let mut block_scalar = BlockScalar::None;
        let mut quote: Option<u8> = None;
        let mut offset = 0;
        for (index, raw_line) in self.text.split_inclusive('\n').enumerate() {
            let number = index + 1;
            let start = offset;
            offset += raw_line.len();
            let line = raw_line.trim_end_matches(['\n', '\r']);
            let indent = line.len() - line.trim_start_matches(' ').len();
            let blank = line.trim().is_empty();
            if block_scalar.holds(blank, indent) {
                continue;
            }
            block_scalar = BlockScalar::None;
            let comment = line.trim_start().starts_with('#');
            if quote.is_none() && self.flow == 0 && !blank && !comment {
                self.close_blocks(indent, start);
                while self.indents.last().is_some_and(|&i| i >= indent) {
                    self.indents.pop();
                }
                self.indents.push(indent);
                self.depth_check(self.indents.len(), number)?;
            }
            let bytes = line.as_bytes();
            let mut i = if quote.is_none() { indent } else { 0 };
            // Where a node may start: the line's first token, and after `- `, `? `,
            // `: `, `[`, `{`, `,` and an anchor.
            let mut node_start = quote.is_none();
            let mut line_depth = self.indents.len();
            while i < bytes.len() {
                let b = bytes[i];
                if let Some(q) = quote {
                    match b {
                        b'\\' if q == b'"' => i += 1,
                        b'\'' if q == b'\'' && bytes.get(i + 1) == Some(&b'\'') => i += 1,
                        _ if b == q => quote = None,
                        _ => {}
                    }
                    i += 1;
                    continue;
                }
                let indicator = bytes.get(i + 1).is_none_or(|&n| n == b' ');
                let mut next_start = false;
                match b {
                    b' ' | b'\t' => next_start = node_start,
                    b'#' if i == 0 || bytes[i - 1] == b' ' => break,
                    b'"' | b'\'' if node_start => quote = Some(b),
                    b'[' | b'{' if node_start => {
                        self.flow += 1;
                        self.depth_check(line_depth + self.flow, number)?;
                        next_start = true;
                    }
                    b']' | b'}' if self.flow > 0 => {
                        self.flow -= 1;
                        let flow = self.flow;
                        self.close_where(start + i + 1, |o| !o.block && o.flow_depth >= flow);
                    }
                    b',' if self.flow > 0 => {
                        let flow = self.flow;
                        self.close_where(start + i, |o| !o.block && o.flow_depth == flow);
                        next_start = true;
                    }
                    b'-' | b'?' if node_start && indicator => {
                        line_depth += 1;
                        self.depth_check(line_depth + self.flow, number)?;
                        next_start = true;
                    }
                    b':' if indicator => next_start = true,
                    b'|' | b'>' if node_start && self.flow == 0 => {
                        block_scalar = BlockScalar::Pending(indent);
                        break;
                    }
                    b'&' if node_start => {
                        i += self.anchor(&line[i + 1..], start + i, indent);
                        next_start = true;
                    }
                    b'*' if node_start => {
                        let name = token(&bytes[i + 1..]);
                        self.alias(name, number, budget)?;
                        i += name.len();
                    }
                    _ => {}
                }
                node_start = next_start;
                i += 1;
            }
            if quote.is_none() && self.flow == 0 {
                // A scalar anchored on this line ends with it.
                self.close_where(start + line.len(), |o| !o.block && o.flow_depth == 0);
            }
        }
        self.close_blocks(0, self.text.len());
        Ok(())
    }

    /// `&name` at byte `at` of the text, `after` being the line after the `&`: opens
    /// the anchor, a block node if nothing follows it on the line. Returns the name's
    /// length.
    fn anchor(&mut self, after: &str, at: usize, indent: usize) -> usize {
        let name = token(after.as_bytes());
        let rest = after[name.len()..].trim();
        self.open.push(Open {
            name: name.to_owned(),
            start: at,
            indent,
            flow_depth: self.flow,
            inner: 0,
            block: self.flow == 0 && (rest.is_empty() || rest.starts_with('#')),
        });
        name.len()
    }

    /// `*name` on line `line`: adds the anchored node's size to the total copied, and
    /// to every anchor still open around it.
    fn alias(&mut self, name: &str, line: usize, budget: u64) -> Result<(), LimitError> {
        let Some(&size) = self.anchors.get(name) else {
            return Ok(());
        };
        self.added = self.added.saturating_add(size);
        for open in &mut self.open {
            open.inner = open.inner.saturating_add(size);
        }
        if self.added > budget {
            return Err(LimitError {
                line,
                message: format!(
                    "the aliases (*{name} and the ones before it) would copy more than {budget} bytes: YAML copies the anchored node (&{name}) at every alias. Write the text out, or use fewer aliases"
                ),
            });
        }
        Ok(())
    }

    fn depth_check(&self, depth: usize, line: usize) -> Result<(), LimitError> {
        if depth > self.limits.max_depth {
            return Err(LimitError {
                line,
                message: format!(
                    "nested deeper than {} levels: a lesson or a fixture needs only a few; this looks like a file made to exhaust the parser",
                    self.limits.max_depth
                ),
            });
        }
        Ok(())
    }

    fn finish(&mut self, open: Open, end: usize) {
        let size = (end.saturating_sub(open.start) as u64).saturating_add(open.inner);
        if let Some(parent) = self.open.last_mut() {
            // The parent's own span already counts these bytes; only aliases add.
            parent.inner = parent.inner.saturating_add(open.inner);
        }
        self.anchors.insert(open.name, size);
    }

    fn close_where(&mut self, end: usize, done: impl Fn(&Open) -> bool) {
        while self.open.last().is_some_and(&done) {
            if let Some(open) = self.open.pop() {
                self.finish(open, end);
            }
        }
    }

    fn close_blocks(&mut self, indent: usize, end: usize) {
        self.close_where(end, |o| o.block && o.indent >= indent);
    }
}

/// Where a block scalar (`|`, `>`) stands: its lines are text, not YAML.
#[derive(Clone, Copy)]
enum BlockScalar {
    None,
    /// Announced on a line indented this much; its first line is still to come.
    Pending(usize),
    /// Its lines are indented at least this much.
    Content(usize),
}

impl BlockScalar {
    /// True if a line (`blank`, or indented `indent`) belongs to the block scalar;
    /// the first such line sets the scalar's indentation.
    fn holds(&mut self, blank: bool, indent: usize) -> bool {
        match *self {
            BlockScalar::None => false,
            _ if blank => true,
            BlockScalar::Pending(parent) if indent > parent => {
                *self = BlockScalar::Content(indent);
                true
            }
            BlockScalar::Content(at) => indent >= at,
            BlockScalar::Pending(_) => false,
        }
    }
}

/// An anchor or alias name: up to white space or a flow indicator.
fn token(bytes: &[u8]) -> &str {
    let len = bytes
        .iter()
        .position(|&b| matches!(b, b' ' | b'\t' | b',' | b'[' | b']' | b'{' | b'}'))
        .unwrap_or(bytes.len());
    std::str::from_utf8(&bytes[..len]).unwrap_or("")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ordinary_yaml_passes() {
        let text = "id: x\nsteps:\n  - show: a1 LIST \"\" *\n    expect: '* LIST'\n  - text: |\n      - - - [[[ *not an alias\n    flags: ['\\Seen']\nbase: &base {a: 1}\nother: *base\n";
        assert_eq!(check(text), Ok(()));
    }

    #[test]
    fn many_aliases_of_a_big_string_are_refused_with_a_line() {
        let mut text = format!("big: &big \"{}\"\nlist:\n", "x".repeat(100_000));
        for _ in 0..20 {
            text.push_str("  - *big\n");
        }
        let e = check(&text).unwrap_err();
        assert_eq!(e.line, 13, "{e}");
        assert!(e.message.contains("*big"), "{e}");
    }

    #[test]
    fn a_billion_laughs_is_refused() {
        let mut text = String::from("a: &a [\"lol\", \"lol\", \"lol\", \"lol\"]\n");
        let names = ["a", "b", "c", "d", "e", "f", "g", "h", "i", "j"];
        for pair in names.windows(2) {
            let (prev, next) = (pair[0], pair[1]);
            text.push_str(&format!(
                "{next}: &{next} [*{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}]\n"
            ));
        }
        assert!(check(&text).is_err(), "{text}");
        // A block anchor that aliases another is measured too.
        let block = "a: &a\n  k: [1, 2, 3]\nb: &b\n  - *a\n  - *a\nc: [*b, *b]\n";
        assert_eq!(check(block), Ok(()));
    }

    #[test]
    fn deep_nesting_is_refused_quickly_in_every_form() {
        let flow = format!("x: {}{}\n", "[".repeat(100_000), "]".repeat(100_000));
        assert!(check(&flow).unwrap_err().message.contains("nested deeper"));
        let dashes = format!("x:\n  {}a\n", "- ".repeat(1000));
        assert!(check(&dashes).is_err());
        let mut blocks = String::new();
        for depth in 0..1000 {
            blocks.push_str(&format!("{}k{depth}:\n", " ".repeat(depth)));
        }
        assert_eq!(check(&blocks).unwrap_err().line, 65);
    }
}
