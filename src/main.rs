//! The `imap-tutor` command: parses arguments and calls one function per subcommand.
//!
//! Every subcommand lives in `src/cli/`; this file only dispatches, so `--help` and
//! the exit codes are in one place.

#![forbid(unsafe_code)]

use std::process::ExitCode;

use clap::{CommandFactory, Parser, Subcommand};

use imap_tutor::render::ColorChoice;

mod cli;

const EXAMPLES: &str = "\
Examples:
  imap-tutor explain transcripts/strategos.txt     explain a captured session, line by line
  imap-tutor explain --format json session.txt     the same, as JSON lines for tools
  cat capture.txt | imap-tutor explain -           read the session from stdin
  imap-tutor proxy --upstream imap.example.org:993 --tls   relay a client to a server, explaining every line
  imap-tutor connect 127.0.0.1:143                 type IMAP yourself; every answer explained
  imap-tutor diff expected.txt actual.txt          compare two sessions; each difference explained
  imap-tutor convert capture.txt -o session.txt    a telnet capture or C:/S: text, in the transcript format
  imap-tutor replay session.txt --mock             send a recording again; diff the answers with it
  imap-tutor lesson strategos                      learn IMAP by typing it: a lesson against the built-in mock
  imap-tutor check scenarios/                      validate lessons and run them against the mock (CI)
  imap-tutor serve --fixture strategos             the built-in mock server on 127.0.0.1:1143
  imap-tutor explain --format html capture.pcap > page.html   a tcpdump capture, as one page to share
  imap-tutor completions bash > ~/.local/share/bash-completion/completions/imap-tutor
  imap-tutor man --dir ~/.local/share/man/man1     install the manual pages (then: man imap-tutor)

Exit codes: 0 success, 1 the work found problems, 2 the command could not run.";

/// imap-tutor teaches IMAP and debugs it: every line of the protocol explains itself.
#[derive(Parser)]
#[command(name = "imap-tutor", version, about, after_help = EXAMPLES)]
struct Args {
    /// When to use colour (NO_COLOR in the environment turns `auto` off).
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto, global = true)]
    color: ColorChoice,

    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    Explain(cli::explain::ExplainArgs),
    Proxy(cli::proxy::ProxyArgs),
    Connect(cli::connect::ConnectArgs),
    Diff(cli::diff::DiffArgs),
    Convert(cli::convert::ConvertArgs),
    Replay(cli::replay::ReplayArgs),
    Serve(cli::serve::ServeArgs),
    Lesson(cli::lesson::LessonArgs),
    Check(cli::check::CheckArgs),
    Completions(cli::completions::CompletionsArgs),
    Man(cli::man::ManArgs),
}

fn main() -> ExitCode {
    let args = Args::parse();
    let color = args.color.resolve();
    let result = match args.command {
        Command::Explain(a) => cli::explain::run(a, color),
        Command::Proxy(a) => cli::proxy::run(a, color),
        Command::Connect(a) => cli::connect::run(a, color),
        Command::Diff(a) => cli::diff::run(a, color),
        Command::Convert(a) => cli::convert::run(a, color),
        Command::Replay(a) => cli::replay::run(a, color),
        Command::Serve(a) => cli::serve::run(a),
        Command::Lesson(a) => cli::lesson::run(a, color),
        Command::Check(a) => cli::check::run(a),
        Command::Completions(a) => cli::completions::run(a, Args::command()),
        Command::Man(a) => cli::man::run(a, Args::command()),
    };
    match result {
        Ok(code) => code,
        Err(error) => {
            // Errors quote files and servers: shown, never obeyed by the terminal.
            eprintln!("imap-tutor: {}", imap_tutor::render::visible_lines(&error));
            ExitCode::from(2)
        }
    }
}
