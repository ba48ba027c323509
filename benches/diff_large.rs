//! `diff` of two 100,000-line transcripts that differ in 1% of their exchanges: time
//! and peak memory. Run with `cargo bench --bench diff_large`; it prints its figures
//! (no harness: one run of something this size says enough, and the peak memory
//! figure, VmHWM from /proc/self/status, only means something for one run per process).
//!
//! Each exchange is a FETCH of flags and a small literal, as a mail client's sync
//! produces them; every hundredth one differs in the actual session (a flag lost).

use std::time::Instant;

use imap_tutor::transcript::diff::{diff, Names};
use imap_tutor::transcript::normalize::Rules;
use imap_tutor::transcript::read;

const LINES: usize = 100_000;

/// A session of about `LINES` lines; `changed` exchanges (every hundredth) lose \Seen.
fn session(changed: bool) -> (String, usize) {
    let mut out = String::from(
        "# imap-tutor transcript 1\n\nS: * OK [CAPABILITY IMAP4rev1] Dovecot (Debian) ready.\n",
    );
    let mut lines = 1;
    let mut n = 0usize;
    while lines < LINES {
        n += 1;
        let flags = if changed && n % 100 == 0 {
            ""
        } else {
            "\\Seen"
        };
        let body = format!(
            "Subject: message {n}\r\nMessage-ID: <{n}.{}@bench>\r\n\r\nHello {n}.\r\n",
            if changed { 7 } else { 3 }
        );
        out.push_str(&format!("C: a{n} FETCH {n} (FLAGS BODY[])\n"));
        out.push_str(&format!(
            "S: * {n} FETCH (FLAGS ({flags}) BODY[] {{{}}}\n",
            body.len()
        ));
        for line in body.split("\r\n").take(4) {
            out.push_str(if line.is_empty() { "S|\n" } else { "S| " });
            if !line.is_empty() {
                out.push_str(line);
                out.push('\n');
            }
        }
        out.push_str("S: )\n");
        out.push_str(&format!(
            "S: a{n} OK Fetch completed (0.00{} + 0.000 secs).\n",
            n % 10
        ));
        lines += 8;
    }
    (out, n)
}

fn peak_memory_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

fn main() {
    let (expected_text, exchanges) = session(false);
    let (actual_text, _) = session(true);
    let before = peak_memory_kib().unwrap_or(0);
    let start = Instant::now();
    let expected = read(&expected_text).expect("a valid transcript");
    let actual = read(&actual_text).expect("a valid transcript");
    let read_time = start.elapsed();
    let start = Instant::now();
    let report = diff(&expected, &actual, &Rules::default());
    let diff_time = start.elapsed();
    let start = Instant::now();
    let names = Names {
        expected: "expected".into(),
        actual: "actual".into(),
    };
    let text = report.render(&names, false);
    let render_time = start.elapsed();
    let after = peak_memory_kib().unwrap_or(0);
    let lines = |t: &str| t.lines().count();
    println!(
        "diff_large: {} + {} lines, {exchanges} exchanges each, {} differ",
        lines(&expected_text),
        lines(&actual_text),
        report.differences.len()
    );
    println!(
        "  read both (native reader):  {:>8.1} ms",
        read_time.as_secs_f64() * 1e3
    );
    println!(
        "  diff (split, normalise, align, compare, explain): {:>8.1} ms",
        diff_time.as_secs_f64() * 1e3
    );
    println!(
        "  render ({} lines of output): {:>8.1} ms",
        lines(&text),
        render_time.as_secs_f64() * 1e3
    );
    println!("  peak memory (VmHWM): {:.1} MiB (before reading: {:.1} MiB; the two input texts: {:.1} MiB)",
        after as f64 / 1024.0, before as f64 / 1024.0, (expected_text.len() + actual_text.len()) as f64 / 1048576.0);
    assert_eq!(
        report.differences.len(),
        exchanges / 100,
        "every hundredth exchange differs"
    );
    assert!(
        report.differences[0]
            .meanings
            .iter()
            .any(|m| m == "message 100 lost \\Seen"),
        "{:?}",
        report.differences[0].meanings
    );
}
