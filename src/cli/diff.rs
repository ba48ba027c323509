//! `imap-tutor diff EXPECTED ACTUAL`: compares two sessions exchange by exchange.
//!
//! The work is in `transcript::diff` (sans-IO); this file reads the files, builds the
//! normalisation rules from the flags, and prints. Exit codes follow diff(1): 0 the
//! same, 1 different, 2 trouble.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use imap_tutor::render::Format;
use imap_tutor::transcript::diff::{diff, Names};
use imap_tutor::transcript::normalize::{Rules, ALL_RULES};
use imap_tutor::transcript::{self, Transcript};

use super::{read_input, CliResult};

/// Compare two IMAP sessions, exchange by exchange, and say what each difference means.
#[derive(clap::Args)]
#[command(after_help = "Examples:
  imap-tutor diff transcripts/strategos.txt tests/data/dovecot/seed-session.txt
  imap-tutor diff --keep uidvalidity --keep dates transcripts/strategos.txt my-recording.txt
  imap-tutor diff --strict transcripts/strategos.txt my-recording.txt   (no normalisation)
  imap-tutor diff --ignore 'AUTH=[A-Z]+' transcripts/strategos.txt tests/data/dovecot/seed-session.txt
  imap-tutor diff --format json transcripts/strategos.txt my-recording.txt | jq .differences

my-recording.txt is any session of yours: `imap-tutor lesson strategos --demo --no-pause
--record my-recording.txt` makes one.

Normalisation rules (all on by default; --keep NAME turns one off):
  timings       Dovecot's `(0.001 + 0.000 secs)`
  uidvalidity   UIDVALIDITY values (codes, APPENDUID/COPYUID, STATUS)
  dates         INTERNALDATE, APPEND dates, RFC 5322 dates in headers and ENVELOPE
  message-ids   Message-ID/In-Reply-To/References values, Received ids (in literals)
  tags          each exchange's tag becomes <tag>: A1 and a001 do not count
  greeting      the greeting's distribution: Dovecot (Debian) vs (Ubuntu)

Exit codes: 0 the same, 1 different, 2 trouble (as diff(1)).")]
pub struct DiffArgs {
    /// The session you expect (any transcript format), or - for stdin.
    expected: PathBuf,
    /// The session to check against it, or - for stdin.
    actual: PathBuf,
    /// Turn a normalisation rule off (repeatable): timings, uidvalidity, dates, message-ids, tags, greeting.
    #[arg(long, value_name = "RULE")]
    keep: Vec<String>,
    /// Turn every normalisation rule off (--ignore still applies).
    #[arg(long)]
    strict: bool,
    /// Also ignore whatever this regular expression matches, on both sides (repeatable; `(?i-u)` for case-insensitive).
    #[arg(long, value_name = "REGEX")]
    ignore: Vec<String>,
    /// Output format: a coloured unified diff for people, or one JSON document for tools.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
}

/// The rules the flags ask for.
pub fn rules_from(strict: bool, keep: &[String], ignore: &[String]) -> Result<Rules, String> {
    let mut rules = if strict {
        Rules::strict()
    } else {
        Rules::default()
    };
    for name in keep {
        rules.keep(name)?;
    }
    for pattern in ignore {
        rules.ignore(pattern)?;
    }
    debug_assert!(ALL_RULES.iter().all(|r| !r.name().is_empty()));
    Ok(rules)
}

/// Reads a transcript in any format, with the file's name in errors.
pub fn read_transcript(path: &Path) -> Result<Transcript, String> {
    let bytes = read_input(path)?;
    let text = String::from_utf8_lossy(&bytes);
    transcript::read(&text).map_err(|e| format!("{}: {e}", path.display()))
}

pub fn run(args: DiffArgs, color: bool) -> CliResult {
    if args.expected.as_os_str() == "-" && args.actual.as_os_str() == "-" {
        return Err("only one of EXPECTED and ACTUAL can be - (stdin)".into());
    }
    let rules = rules_from(args.strict, &args.keep, &args.ignore)?;
    let expected = read_transcript(&args.expected)?;
    let actual = read_transcript(&args.actual)?;
    let report = diff(&expected, &actual, &rules);
    let names = Names {
        expected: args.expected.display().to_string(),
        actual: args.actual.display().to_string(),
    };
    let text = match args.format {
        Format::Text => report.render(&names, color),
        Format::Json => format!("{}\n", report.to_json(&names)),
    };
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes())
        .and_then(|_| out.flush())
        .map_err(|e| format!("cannot write the output: {e}"))?;
    Ok(if report.is_same() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}
