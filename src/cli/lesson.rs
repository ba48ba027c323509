//! `imap-tutor lesson [ID]`: the menu of lessons, or one lesson, typed by the learner or shown as a demo.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use imap_tutor::lesson::progress::Progress;
use imap_tutor::lesson::{self, repl, schema, Scenario};
use imap_tutor::render::TextStyle;

use super::CliResult;

/// Learn IMAP by typing it: lessons against the built-in mock server, every reply explained.
#[derive(clap::Args)]
#[command(after_help = "Examples:
  imap-tutor lesson                        the lessons, with your progress
  imap-tutor lesson strategos              your first session, typed by you
  imap-tutor lesson strategos --demo       watch the tutor type it (Enter for each step)
  imap-tutor lesson strategos --demo --no-pause --record out.txt
  imap-tutor lesson my-lesson.yaml         a lesson file of your own (see `imap-tutor check`)

In a lesson: :hint, :show (the command), :skip, :diff (the last miss, line by line),
:explain LINE, :restart (this step), :restart all, :help, :quit.
Progress is saved in $XDG_DATA_HOME/imap-tutor (~/.local/share/imap-tutor).")]
pub struct LessonArgs {
    /// A lesson id (see the menu), or the path of a scenario file. Without it: the menu.
    id: Option<String>,
    /// The tutor types each step's command itself.
    #[arg(long)]
    demo: bool,
    /// With --demo: do not wait for Enter, type at once.
    #[arg(long, requires = "demo")]
    no_pause: bool,
    /// Write the session to FILE in the transcript format (`imap-tutor explain` and `diff` read it).
    #[arg(long, value_name = "FILE")]
    record: Option<PathBuf>,
    /// Take lessons from this folder instead of the built-in catalogue.
    #[arg(long, value_name = "DIR")]
    dir: Option<PathBuf>,
}

pub fn run(args: LessonArgs, color: bool) -> CliResult {
    let scenarios = catalogue(args.dir.as_deref())?;
    let style = TextStyle::for_stdout(color, false);
    let Some(id) = args.id else {
        let progress = Progress::load();
        let mut out = std::io::stdout().lock();
        repl::write_menu(&mut out, &scenarios, &progress, color)
            .map_err(|e| format!("cannot write the menu: {e}"))?;
        if std::io::stdin().is_terminal() {
            if let Some(next) = repl::next_lesson(&scenarios, &progress) {
                writeln!(out, "Next for you: `imap-tutor lesson {}`.", next.id)
                    .map_err(|e| e.to_string())?;
            }
        }
        return Ok(ExitCode::SUCCESS);
    };
    let scenario = find(&scenarios, &id)?;
    let options = repl::Options {
        style,
        demo: args.demo,
        pause: args.demo && !args.no_pause,
        record: args.record,
        save_progress: !args.demo,
    };
    repl::run(scenario, &options).map_err(|e| e.to_string())?;
    Ok(ExitCode::SUCCESS)
}

fn catalogue(dir: Option<&Path>) -> Result<Vec<Scenario>, String> {
    let Some(dir) = dir else {
        return lesson::catalogue().map_err(|errors| {
            let list: Vec<String> = errors.iter().map(ToString::to_string).collect();
            format!(
                "the built-in lessons do not load (a bug):\n{}",
                list.join("\n")
            )
        });
    };
    let files =
        lesson::scenario_files(dir).map_err(|e| format!("cannot read {}: {e}", dir.display()))?;
    let mut out = Vec::new();
    for f in files {
        out.push(load(&f)?);
    }
    Ok(out)
}

fn load(path: &Path) -> Result<Scenario, String> {
    schema::load(path).map_err(|errors| {
        let list: Vec<String> = errors.iter().map(ToString::to_string).collect();
        format!(
            "{}\n(`imap-tutor check {}` says more)",
            list.join("\n"),
            path.display()
        )
    })
}

fn find(scenarios: &[Scenario], id: &str) -> Result<Scenario, String> {
    if let Some(s) = scenarios.iter().find(|s| s.id == id) {
        return Ok(s.clone());
    }
    let path = Path::new(id);
    if path.is_file() {
        return load(path);
    }
    let ids: Vec<&str> = scenarios.iter().map(|s| s.id.as_str()).collect();
    // A name with a folder or a YAML extension was meant as a file: say that it is missing,
    // rather than only that no lesson has that id.
    let as_file = id.contains('/') || id.ends_with(".yaml") || id.ends_with(".yml");
    if as_file {
        return Err(format!(
            "no lesson file {id}: check the path (or give a lesson id: {})",
            ids.join(", ")
        ));
    }
    Err(format!(
        "no lesson {id:?}: the lessons are {}",
        ids.join(", ")
    ))
}
