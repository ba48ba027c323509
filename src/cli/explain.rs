//! `imap-tutor explain FILE`: explains every line of a captured session.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use imap_tutor::explain::{Explainer, Options};
use imap_tutor::render::{write_annotations, Format, TextStyle};

use super::{read_input, CliResult};

/// Explain a captured IMAP session line by line (telnet capture, C:/S: text, or a recording).
#[derive(clap::Args)]
#[command(after_help = "Examples:
  imap-tutor explain transcripts/strategos.txt
  imap-tutor explain tests/data/pasted/telnet-walkthrough.txt   (a pasted web page works too)
  imap-tutor explain --format json --full transcripts/dovecot-select-fetch.txt")]
pub struct ExplainArgs {
    /// The transcript to read, or - for stdin.
    file: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
    /// Show literals whole instead of a summary.
    #[arg(long)]
    full: bool,
    /// Show passwords and AUTHENTICATE data instead of masking them.
    #[arg(long)]
    show_secrets: bool,
}

pub fn run(args: ExplainArgs, color: bool) -> CliResult {
    let bytes = read_input(&args.file)?;
    let text = String::from_utf8_lossy(&bytes);
    let transcript =
        imap_tutor::transcript::read(&text).map_err(|e| format!("{}: {e}", args.file.display()))?;
    let annotations = Explainer::explain_transcript(
        &transcript,
        Options {
            show_secrets: args.show_secrets,
        },
    );
    let mut out = std::io::stdout().lock();
    write_annotations(
        &mut out,
        &annotations,
        args.format,
        TextStyle::for_stdout(color, args.full),
    )
    .and_then(|_| out.flush())
    .map_err(|e| format!("cannot write the output: {e}"))?;
    Ok(ExitCode::SUCCESS)
}
