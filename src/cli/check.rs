//! `imap-tutor check [PATH...]`: validates lessons and runs them against the mock, for authors and CI.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use imap_tutor::lesson::check;
use imap_tutor::render::{visible_lines, Format};

use super::CliResult;

/// Check lesson scenarios: the YAML is valid and every step's shown command gets the expected reply.
#[derive(clap::Args)]
#[command(after_help = "Examples:
  imap-tutor check                        every lesson in scenarios/
  imap-tutor check scenarios/06-select-examine.yaml
  imap-tutor check --format json scenarios/ > report.json

Exit codes: 0 every scenario passes, 1 some scenario fails, 2 the check could not run.")]
pub struct CheckArgs {
    /// Scenario files or folders (default: scenarios/).
    paths: Vec<PathBuf>,
    /// Output format: `text` for people, `json` for tools (one JSON document, the whole
    /// report).
    // The shared `Format`'s own descriptions speak of messages, which a report has not.
    #[arg(long, value_enum, default_value_t = Format::Text, hide_possible_values = true)]
    format: Format,
    /// For authors: print each step's shown command and the mock's reply, as `expect:` lines.
    #[arg(long)]
    replies: bool,
}

pub fn run(args: CheckArgs) -> CliResult {
    let paths = if args.paths.is_empty() {
        vec![PathBuf::from("scenarios")]
    } else {
        args.paths
    };
    if args.replies {
        for path in &paths {
            for file in imap_tutor::lesson::scenario_files(path)
                .map_err(|e| format!("{}: {e}", path.display()))?
            {
                let scenario = imap_tutor::lesson::schema::load(&file).map_err(|e| {
                    e.iter()
                        .map(ToString::to_string)
                        .collect::<Vec<_>>()
                        .join("\n")
                })?;
                println!("## {}", file.display());
                print!(
                    "{}",
                    visible_lines(&check::replies(&scenario).map_err(|e| e.to_string())?)
                );
            }
        }
        return Ok(ExitCode::SUCCESS);
    }
    let report = check::check_paths(&paths).map_err(|e| e.to_string())?;
    let mut out = std::io::stdout().lock();
    let written = match args.format {
        Format::Text => out.write_all(visible_lines(&report.text()).as_bytes()),
        Format::Json => serde_json::to_writer_pretty(&mut out, &report)
            .map_err(std::io::Error::other)
            .and_then(|_| out.write_all(b"\n")),
    };
    written
        .and_then(|_| out.flush())
        .map_err(|e| format!("cannot write the report: {e}"))?;
    Ok(if report.ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}
