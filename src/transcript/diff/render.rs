//! A [`Report`] for people (a coloured unified diff per exchange, headed by its
//! meanings) and for tools (one JSON document).
//!
//! The text goes to a terminal: every piece of it that came from a transcript (names,
//! titles, meanings that quote a server's text, the lines themselves) passes through
//! [`visible`], so a server line `* OK \e[2J` is shown, not obeyed.

use super::*;
use crate::render::visible;
/// Names shown in the diff's header.
#[derive(Debug, Clone)]
pub struct Names {
    pub expected: String,
    pub actual: String,
}

impl Report {
    /// True when nothing differs after normalisation.
    pub fn is_same(&self) -> bool {
        self.differences.is_empty()
    }

    /// One line: the verdict, with the rules in force.
    pub(crate) fn summary(&self) -> String {
        let rules = if self.rules.is_empty() {
            "no normalisation (--strict)".to_string()
        } else {
            format!("normalised: {}", self.rules.join(", "))
        };
        if self.is_same() {
            format!(
                "The sessions are the same: {} exchanges ({rules}).",
                self.expected_exchanges
            )
        } else {
            let n = self.differences.len();
            format!(
                "{n} exchange{} differ{} ({} expected, {} actual; {rules}).",
                if n == 1 { "" } else { "s" },
                if n == 1 { "s" } else { "" },
                self.expected_exchanges,
                self.actual_exchanges
            )
        }
    }

    /// The report as text: a unified diff per exchange, each headed by its command and
    /// the meanings, then the summary.
    pub fn render(&self, names: &Names, color: bool) -> String {
        let paint = Painter { on: color };
        let mut out = String::new();
        if !self.is_same() {
            let expected = format!("--- {}", names.expected);
            let actual = format!("+++ {}", names.actual);
            let _ = writeln!(out, "{}", paint.removed(&visible(&expected)));
            let _ = writeln!(out, "{}", paint.server(&visible(&actual)));
        }
        for d in &self.differences {
            let at = |n: Option<usize>, line: Option<usize>| match (n, line) {
                (Some(n), Some(l)) => format!("#{n} line {l}"),
                (Some(n), None) => format!("#{n}"),
                (None, _) => "none".to_string(),
            };
            let header = format!(
                "@@ exchange {} / {}: {} @@",
                at(d.expected, d.expected_line),
                at(d.actual, d.actual_line),
                d.title
            );
            let _ = writeln!(out, "{}", paint.header(&visible(&header)));
            for m in &d.meanings {
                let _ = writeln!(out, "{}", paint.warn(&visible(&format!("# {m}"))));
            }
            for (k, hunk) in d.hunks.iter().enumerate() {
                if k > 0 {
                    let _ = writeln!(out, "{}", paint.header("  ⋮"));
                }
                for line in hunk {
                    let text = format!("{}{}", line.sign, visible(&line.text));
                    let text = match line.sign {
                        '-' => paint.removed(&text),
                        '+' => paint.server(&text),
                        _ => text,
                    };
                    let _ = writeln!(out, "{text}");
                }
            }
        }
        let _ = writeln!(out, "{}", self.summary());
        out
    }

    /// The report for tools: one JSON document.
    pub fn to_json(&self, names: &Names) -> serde_json::Value {
        serde_json::json!({
            "same": self.is_same(),
            "expected": names.expected,
            "actual": names.actual,
            "rules": self.rules,
            "expected_exchanges": self.expected_exchanges,
            "actual_exchanges": self.actual_exchanges,
            "differences": self.differences,
            "summary": self.summary(),
        })
    }
}
