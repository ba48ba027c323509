//! `imap-tutor diff EXPECTED ACTUAL`: compares two sessions exchange by exchange.
//!
//! The work is in `transcript::diff` (sans-IO); this file reads the files, builds the
//! normalisation rules from the flags, and prints. Exit codes follow diff(1): 0 the
//! same, 1 different, 2 trouble.

use std::io::Write;
use std::path::{Path, PathBuf};

use imap_tutor::render::{html, ReportFormat};
use imap_tutor::transcript::diff::{diff, diff_streams, Names};

use super::{native_stream, read_one, CliResult, RuleArgs};

/// Compare two IMAP sessions, exchange by exchange, and say what each difference means.
#[derive(clap::Args)]
#[command(after_help = "Examples:
  imap-tutor diff transcripts/strategos.txt tests/data/dovecot/seed-session.txt
  imap-tutor diff --keep uidvalidity --keep dates transcripts/strategos.txt my-recording.txt
  imap-tutor diff --strict transcripts/strategos.txt my-recording.txt   (no normalisation)
  imap-tutor diff --ignore 'AUTH=[A-Z]+' transcripts/strategos.txt tests/data/dovecot/seed-session.txt
  imap-tutor diff --format json transcripts/strategos.txt my-recording.txt | jq .differences
  imap-tutor diff --format html transcripts/strategos.txt my-recording.txt > diff.html
  imap-tutor diff tests/data/imports/dovecot-imaplib.txt tests/data/imports/dovecot-imaplib.pcap
                  (a proxy recording against a capture of the same session)

my-recording.txt is any session of yours: `imap-tutor lesson strategos --demo --no-pause
--record my-recording.txt` makes one. FILE#N picks session N of a capture or log
that holds several (capture.pcap#2).

Every normalisation rule is on by default; --keep RULE turns one off (the rules are
listed under --keep in --help).

Exit codes: 0 the same, 1 different, 2 trouble (as diff(1)).")]
pub struct DiffArgs {
    /// The session you expect (any transcript format, capture or log; FILE#N picks one of several), or - for stdin.
    expected: PathBuf,
    /// The session to check against it, or - for stdin.
    actual: PathBuf,
    #[command(flatten)]
    rules: RuleArgs,
    /// Output format: a coloured unified diff for people, one JSON document for tools, or an HTML page.
    #[arg(long, value_enum, default_value_t = ReportFormat::Text)]
    format: ReportFormat,
}

pub fn run(args: DiffArgs, color: bool) -> CliResult {
    if args.expected.as_os_str() == "-" && args.actual.as_os_str() == "-" {
        return Err("only one of EXPECTED and ACTUAL can be - (stdin)".into());
    }
    let rules = args.rules.rules()?;
    let streams = (native_stream(&args.expected)?, native_stream(&args.actual)?);
    let report = if let (Some(_), Some(_)) = streams {
        // Two native files: read line by line, twice (diff_streams), never whole.
        let failed = std::cell::RefCell::new(None);
        let open = |path: &Path| {
            let reader = native_stream(path).ok().flatten();
            let name = path.display().to_string();
            let failed = &failed;
            reader.into_iter().flatten().map_while(move |r| {
                r.map_err(|e| *failed.borrow_mut() = Some(format!("{name}: {e}")))
                    .ok()
            })
        };
        let report = diff_streams(|| open(&args.expected), || open(&args.actual), &rules);
        if let Some(e) = failed.into_inner() {
            return Err(e);
        }
        report
    } else {
        let expected = read_one(&args.expected)?;
        let actual = read_one(&args.actual)?;
        diff(&expected, &actual, &rules)
    };
    let names = Names {
        expected: args.expected.display().to_string(),
        actual: args.actual.display().to_string(),
    };
    let mut out = std::io::stdout().lock();
    let same = report.is_same();
    let written = match args.format {
        ReportFormat::Text => out.write_all(report.render(&names, color).as_bytes()),
        ReportFormat::Json => out.write_all(format!("{}\n", report.to_json(&names)).as_bytes()),
        ReportFormat::Html => {
            let title = format!("imap-tutor diff {} {}", names.expected, names.actual);
            html::write_reports(&mut out, &title, &[(names, report)])
        }
    };
    super::verdict(written, &mut out, same)
}
