//! Findings: what a parser tolerated or noticed (named quirks, notes and warnings),
//! kept with the input where it happened until the front door knows the columns.

use super::*;

/// What the parsers tolerated or noticed on the way: named quirks, notes and warnings.
///
/// A nom parser can only succeed or fail, but a tutor also wants to say "accepted, but
/// this is a quirk of some servers". Parsers that tolerate something record it here,
/// with the input where it happened; the front door turns the records into
/// [`Diagnostic`]s with columns.
#[derive(Debug, Default)]
pub(crate) struct Findings {
    /// (bytes of input left at the finding, the diagnostic without its column)
    hits: RefCell<Vec<(usize, Diagnostic)>>,
}

impl Findings {
    /// Records a finding at `at` (a suffix of the message being parsed).
    pub(crate) fn note(
        &self,
        at: &[u8],
        severity: Severity,
        code: &'static str,
        rule: &'static str,
        message: impl Into<String>,
    ) {
        self.hits
            .borrow_mut()
            .push((at.len(), Diagnostic::new(severity, code, 0, rule, message)));
    }

    /// Records a tolerated quirk (a note whose code starts with `quirk-`).
    pub(crate) fn quirk(&self, at: &[u8], code: &'static str, rule: &'static str, message: &str) {
        self.note(at, Severity::Note, code, rule, message);
    }

    #[cfg(test)]
    pub(crate) fn is_empty(&self) -> bool {
        self.hits.borrow().is_empty()
    }

    /// The findings as diagnostics, with columns computed against `whole`.
    pub(crate) fn into_diagnostics(self, whole: &[u8]) -> Vec<Diagnostic> {
        let mut seen = std::collections::HashSet::new();
        let mut out: Vec<Diagnostic> = Vec::new();
        for (left, mut d) in self.hits.into_inner() {
            d.column = whole.len().saturating_sub(left) + 1;
            if seen.insert((d.code, d.column)) {
                out.push(d);
            }
        }
        out
    }
}
