//! `imap-tutor explain FILE`: explains every line of a captured session.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use imap_tutor::explain::{Explainer, Options};
use imap_tutor::render::html::{self, SessionView};
use imap_tutor::render::{write_annotations, AnnotationWriter, ReportFormat, TextStyle};

use super::{native_stream, read_sessions, CliResult};

/// Explain a captured IMAP session line by line (telnet capture, C:/S: text, a
/// recording, a pcap/pcapng capture, a Dovecot or imaptest rawlog, Thunderbird's MOZ_LOG).
#[derive(clap::Args)]
#[command(after_help = "Examples:
  imap-tutor explain transcripts/strategos.txt
  imap-tutor explain tests/data/pasted/telnet-walkthrough.txt   (a pasted web page works too)
  imap-tutor explain --format json --full transcripts/dovecot-select-fetch.txt
  imap-tutor explain --format html transcripts/strategos.txt > strategos.html   (one page, offline)
  imap-tutor explain tests/data/imports/dovecot-imaplib.pcap   (tcpdump, Wireshark: pcap, pcapng)
  imap-tutor explain tests/data/imports/rawlog/   (Dovecot rawlog_dir: each .in with its .out)
  imap-tutor explain tests/data/imports/thunderbird-moz-log.txt   (MOZ_LOG=timestamp,IMAP:5)

Captures and logs hold passwords: they are masked as in the proxy's recordings
unless --show-secrets. TLS in a capture is reported as encrypted, never guessed at.")]
pub struct ExplainArgs {
    /// The transcript, capture or log to read, or - for stdin.
    file: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value_t = ReportFormat::Text)]
    format: ReportFormat,
    /// Show literals whole instead of a summary.
    #[arg(long)]
    full: bool,
    /// Show passwords and AUTHENTICATE data instead of masking them.
    #[arg(long)]
    show_secrets: bool,
}

pub fn run(args: ExplainArgs, color: bool) -> CliResult {
    let options = Options {
        show_secrets: args.show_secrets,
    };
    if let Some(reader) = native_stream(&args.file)? {
        return match args.format.stream() {
            Some(format) => explain_streaming(reader, &args, options, format, color),
            None => page_streaming(reader, &args, options),
        };
    }
    let sessions = read_sessions(&args.file, args.show_secrets)?;
    let mut out = std::io::stdout().lock();
    let written = match args.format.stream() {
        Some(format) => {
            let style = TextStyle::for_stdout(color, args.full);
            let several = sessions.len() > 1;
            sessions.iter().enumerate().try_for_each(|(i, s)| {
                if several {
                    match format {
                        imap_tutor::render::Format::Json => writeln!(
                            out,
                            "{}",
                            serde_json::json!({ "session": i + 1, "name": s.name })
                        )?,
                        imap_tutor::render::Format::Text => writeln!(
                            out,
                            "== session {}: {}",
                            i + 1,
                            imap_tutor::render::visible_lines(&s.name)
                        )?,
                    }
                }
                let annotations = Explainer::explain_transcript(&s.transcript, options);
                write_annotations(&mut out, &annotations, format, style)
            })
        }
        None => {
            let views: Vec<SessionView> = sessions
                .iter()
                .map(|s| {
                    let mut view = SessionView::new(&s.name, &s.transcript.meta);
                    Explainer::explain_each(&s.transcript, options, |a, context| {
                        view.push(&a, context)
                    });
                    view
                })
                .collect();
            let title = format!("imap-tutor explain {}", args.file.display());
            html::write_sessions(&mut out, &title, &views)
        }
    };
    written
        .and_then(|_| out.flush())
        .map_err(|e| format!("cannot write the output: {e}"))?;
    Ok(ExitCode::SUCCESS)
}

/// A native transcript's page, built as the file is read: the page keeps its bounded
/// share of each message (16 KiB of a literal), so memory follows the page, not the file.
fn page_streaming(
    reader: imap_tutor::transcript::native::NativeReader<std::io::BufReader<std::fs::File>>,
    args: &ExplainArgs,
    options: Options,
) -> CliResult {
    let name = args.file.display().to_string();
    let mut view = SessionView::new(&name, reader.meta());
    let mut failed = None;
    let records = reader.map_while(|r| r.map_err(|e| failed = Some(e)).ok());
    Explainer::explain_records(records, options, |a, context| view.push(&a, context));
    if let Some(e) = failed {
        return Err(format!("{name}: {e}"));
    }
    let mut out = std::io::stdout().lock();
    let title = format!("imap-tutor explain {name}");
    html::write_sessions(&mut out, &title, &[view])
        .and_then(|_| out.flush())
        .map_err(|e| format!("cannot write the output: {e}"))?;
    Ok(ExitCode::SUCCESS)
}

/// A native transcript, explained as it is read: each annotation is written as soon as
/// its message is whole, so memory holds one message, not the session.
fn explain_streaming(
    reader: impl Iterator<
        Item = Result<imap_tutor::transcript::Record, imap_tutor::transcript::ReadError>,
    >,
    args: &ExplainArgs,
    options: Options,
    format: imap_tutor::render::Format,
    color: bool,
) -> CliResult {
    let mut out = std::io::stdout().lock();
    let mut writer =
        AnnotationWriter::new(&mut out, format, TextStyle::for_stdout(color, args.full));
    let mut failed = None;
    let mut written = Ok(());
    let records = reader.map_while(|r| r.map_err(|e| failed = Some(e)).ok());
    Explainer::explain_records(records, options, |a, _| {
        if written.is_ok() {
            written = writer.write(&a);
        }
    });
    written
        .and_then(|_| out.flush())
        .map_err(|e| format!("cannot write the output: {e}"))?;
    match failed {
        Some(e) => Err(format!("{}: {e}", args.file.display())),
        None => Ok(ExitCode::SUCCESS),
    }
}
