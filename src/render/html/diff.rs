//! The side-by-side view of a `diff` (or of each session a `replay` compared): each
//! differing exchange with what the difference means, then the expected lines on
//! the left and the actual ones on the right.
//!
//! The report is `transcript::diff`'s, unchanged: the same exchanges, meanings and
//! hunks the text output prints, so both say the same thing.

use std::io::{self, Write};

use super::{esc, write_page};
use crate::transcript::diff::{DiffLine, Difference, Names, Report};

/// Writes one page with every report given (one for `diff`; one per session, with
/// its companion's, for `replay`).
pub fn write_reports(
    out: &mut impl Write,
    title: &str,
    reports: &[(Names, Report)],
) -> io::Result<()> {
    let same = reports.iter().all(|(_, r)| r.is_same());
    let mut body = format!(
        "<header><h1>{}</h1><p class=\"verdict {}\">{}</p></header>\n<main>\n",
        esc(title),
        if same { "same" } else { "differ" },
        if same {
            "No difference."
        } else {
            "The sessions differ."
        }
    );
    for (i, (names, report)) in reports.iter().enumerate() {
        body.push_str(&report_section(i + 1, names, report));
    }
    body.push_str("</main>\n");
    write_page(out, title, &body)
}

fn report_section(index: usize, names: &Names, report: &Report) -> String {
    let mut h = format!(
        "<section class=\"report\" id=\"r{index}\">\n<h2>{} <span class=\"vs\">vs</span> {}</h2>\n",
        esc(&names.expected),
        esc(&names.actual)
    );
    h.push_str(&format!(
        "<dl class=\"summary\"><div><dt>expected exchanges</dt><dd>{}</dd></div>\
         <div><dt>actual exchanges</dt><dd>{}</dd></div>\
         <div><dt>differences</dt><dd>{}</dd></div>\
         <div class=\"states\"><dt>normalised</dt><dd>{}</dd></div></dl>\n",
        report.expected_exchanges,
        report.actual_exchanges,
        report.differences.len(),
        if report.rules.is_empty() {
            "nothing (--strict)".to_string()
        } else {
            esc(&report.rules.join(", "))
        }
    ));
    h.push_str(&format!(
        "<p class=\"verdict\">{}</p>\n",
        esc(&report.summary())
    ));
    for (k, d) in report.differences.iter().enumerate() {
        h.push_str(&difference(index, k + 1, d, names));
    }
    h.push_str("</section>\n");
    h
}

fn difference(report: usize, index: usize, d: &Difference, names: &Names) -> String {
    let at = |n: Option<usize>, line: Option<usize>| match (n, line) {
        (Some(n), Some(l)) => format!("exchange #{n}, line {l}"),
        (Some(n), None) => format!("exchange #{n}"),
        (None, _) => "missing".to_string(),
    };
    let mut h = format!(
        "<article class=\"difference msg problem\" id=\"r{report}d{index}\" tabindex=\"0\">\n\
         <h3><code>{}</code></h3>\n<p class=\"where\">{}: {} · {}: {}</p>\n",
        esc(&d.title),
        esc(&names.expected),
        esc(&at(d.expected, d.expected_line)),
        esc(&names.actual),
        esc(&at(d.actual, d.actual_line))
    );
    if !d.meanings.is_empty() {
        h.push_str("<ul class=\"meanings\">");
        for m in &d.meanings {
            h.push_str(&format!("<li>{}</li>", esc(m)));
        }
        h.push_str("</ul>\n");
    }
    h.push_str(
        "<table class=\"sbs\"><thead><tr><th scope=\"col\">expected</th>\
         <th scope=\"col\">actual</th></tr></thead>\n",
    );
    for (k, hunk) in d.hunks.iter().enumerate() {
        h.push_str("<tbody>");
        if k > 0 {
            h.push_str("<tr class=\"gap\"><td>⋮</td><td>⋮</td></tr>");
        }
        for (left, right) in side_by_side(hunk) {
            h.push_str("<tr>");
            h.push_str(&cell(left));
            h.push_str(&cell(right));
            h.push_str("</tr>\n");
        }
        h.push_str("</tbody>\n");
    }
    h.push_str("</table>\n</article>\n");
    h
}

fn cell(line: Option<&DiffLine>) -> String {
    match line {
        None => "<td class=\"none\"></td>".to_string(),
        Some(l) => {
            let class = match l.sign {
                '-' => "del",
                '+' => "ins",
                _ => "same",
            };
            format!("<td class=\"{class}\"><code>{}</code></td>", esc(&l.text))
        }
    }
}

/// Pairs a unified hunk into rows: context lines on both sides; each run of removed
/// lines beside the run of added lines that follows it.
fn side_by_side(hunk: &[DiffLine]) -> Vec<(Option<&DiffLine>, Option<&DiffLine>)> {
    let mut rows = Vec::new();
    let mut i = 0;
    while i < hunk.len() {
        if hunk[i].sign == ' ' {
            rows.push((Some(&hunk[i]), Some(&hunk[i])));
            i += 1;
            continue;
        }
        let dels: Vec<&DiffLine> = hunk[i..].iter().take_while(|l| l.sign == '-').collect();
        i += dels.len();
        let ins: Vec<&DiffLine> = hunk[i..].iter().take_while(|l| l.sign == '+').collect();
        i += ins.len();
        for k in 0..dels.len().max(ins.len()) {
            rows.push((dels.get(k).copied(), ins.get(k).copied()));
        }
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(sign: char, text: &str) -> DiffLine {
        DiffLine {
            sign,
            text: text.to_string(),
        }
    }

    #[test]
    fn removed_and_added_runs_sit_side_by_side() {
        let hunk = vec![
            line(' ', "C: a SELECT INBOX"),
            line('-', "S: * 4 EXISTS"),
            line('-', "S: * 0 RECENT"),
            line('+', "S: * 5 EXISTS"),
            line(' ', "S: a OK"),
        ];
        let rows = side_by_side(&hunk);
        let texts: Vec<(Option<&str>, Option<&str>)> = rows
            .iter()
            .map(|(l, r)| (l.map(|l| l.text.as_str()), r.map(|r| r.text.as_str())))
            .collect();
        assert_eq!(
            texts,
            vec![
                (Some("C: a SELECT INBOX"), Some("C: a SELECT INBOX")),
                (Some("S: * 4 EXISTS"), Some("S: * 5 EXISTS")),
                (Some("S: * 0 RECENT"), None),
                (Some("S: a OK"), Some("S: a OK")),
            ]
        );
    }
}
