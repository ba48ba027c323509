//! The terminal edge of lessons: the menu, the learner's prompt, demo mode.
//!
//! Everything protocol-shaped happens in the sans-IO [`Runner`]; this file reads lines
//! (rustyline when stdin is a terminal, for line editing and history; plain lines
//! otherwise, so lessons can be piped), writes what the runner returns, and saves
//! progress after every step. It is the lesson's equivalent of `net/connect.rs`.

use std::io::{self, BufRead, IsTerminal, Write};
use std::path::PathBuf;
use std::time::Duration;

use super::progress::Progress;
use super::runner::{Runner, Show};
use super::schema::Scenario;
use super::screen;
use super::LessonError;
use crate::render::{self, TextStyle};
use crate::transcript;

/// How to run a lesson.
#[derive(Debug, Clone)]
pub struct Options {
    pub style: TextStyle,
    /// The tutor types each shown command itself.
    pub demo: bool,
    /// In demo mode: wait for Enter before each step and type at a human pace.
    pub pause: bool,
    /// Write the session in the native transcript format.
    pub record: Option<PathBuf>,
    /// Save progress (off for demos, which the learner did not do).
    pub save_progress: bool,
}

/// Where lines come from.
enum Input {
    Editor(Box<rustyline::DefaultEditor>, Option<PathBuf>),
    Plain(io::StdinLock<'static>),
}

impl Input {
    fn open() -> Input {
        if io::stdin().is_terminal() {
            if let Ok(mut editor) = rustyline::DefaultEditor::new() {
                let history = super::progress::data_dir().map(|d| d.join("history"));
                if let Some(h) = &history {
                    let _ = editor.load_history(h);
                }
                return Input::Editor(Box::new(editor), history);
            }
        }
        Input::Plain(io::stdin().lock())
    }

    /// The next line; `None` at end of input (Ctrl-D).
    fn read(&mut self, prompt: &str) -> Option<String> {
        match self {
            Input::Editor(editor, history) => loop {
                match editor.readline(prompt) {
                    Ok(line) => {
                        if !line.trim().is_empty() {
                            let _ = editor.add_history_entry(line.as_str());
                            if let Some(h) = history {
                                if let Some(dir) = h.parent() {
                                    let _ = std::fs::create_dir_all(dir);
                                }
                                let _ = editor.save_history(h);
                            }
                        }
                        return Some(line);
                    }
                    // Ctrl-C clears the line, as in a shell; Ctrl-D leaves.
                    Err(rustyline::error::ReadlineError::Interrupted) => continue,
                    Err(_) => return None,
                }
            },
            Input::Plain(stdin) => {
                print!("{prompt}");
                let _ = io::stdout().flush();
                let mut line = String::new();
                match stdin.read_line(&mut line) {
                    Ok(0) | Err(_) => None,
                    Ok(_) => Some(line.trim_end_matches(['\r', '\n']).to_owned()),
                }
            }
        }
    }
}

/// Runs one lesson, interactively or as a demo.
pub fn run(scenario: Scenario, options: &Options) -> Result<(), LessonError> {
    let id = scenario.id.clone();
    let steps = scenario.steps.len();
    let mut runner = Runner::new(scenario)?;
    let mut progress = Progress::load();
    let mut out = io::stdout().lock();
    let mut input = Input::open();
    let io_err = |error: io::Error| LessonError::Write {
        what: "to the terminal".into(),
        error,
    };

    let mut shows = runner.begin();
    let saved = progress.get(&id);
    if !options.demo && saved.step > 0 && saved.step < steps && !saved.completed {
        // Show the title, then offer to resume where the learner stopped.
        write_shows(&mut out, &shows[..1], options.style).map_err(io_err)?;
        drop(out);
        let answer = input.read(&format!(
            "You stopped at step {} of {steps}. Resume there? [Y/n] ",
            saved.step + 1
        ));
        out = io::stdout().lock();
        shows = if answer.is_some_and(|a| a.trim().eq_ignore_ascii_case("n")) {
            progress.set_step(&id, 0, steps);
            runner.restart_at(0)
        } else {
            runner.restart_at(saved.step)
        };
    }
    write_shows(&mut out, &shows, options.style).map_err(io_err)?;
    drop(out);

    while !runner.is_finished() {
        let lines: Vec<String> = if options.demo {
            if options.pause
                && input
                    .read(
                        &render::Painter {
                            on: options.style.color,
                        }
                        .dim("[Enter: the tutor types the next command] "),
                    )
                    .is_none()
            {
                break;
            }
            runner.shown()
        } else {
            match input.read(&runner.prompt()) {
                Some(l) => vec![l],
                None => {
                    // End of input (Ctrl-D, or stdin closed): end the prompt's line and
                    // say how to come back.
                    println!();
                    say_saved(&id, options.style);
                    break;
                }
            }
        };
        let mut quit = false;
        for line in lines {
            let mut out = io::stdout().lock();
            if options.demo {
                type_line(&mut out, &runner.prompt(), &line, options.pause).map_err(io_err)?;
            }
            if matches!(line.trim(), ":quit" | ":q") {
                quit = true;
                break;
            }
            let shows = runner.input(&line);
            write_shows(&mut out, &shows, options.style).map_err(io_err)?;
            if options.save_progress {
                note_progress(&mut progress, &id, steps, &shows);
            }
        }
        if quit {
            say_saved(&id, options.style);
            break;
        }
    }
    if let Some(path) = &options.record {
        let text = transcript::write(&runner.transcript());
        std::fs::write(path, text).map_err(|error| LessonError::Write {
            what: path.display().to_string(),
            error,
        })?;
    }
    Ok(())
}

/// Keeps the saved progress in step with what the runner reports (a failed save only
/// loses the resume point, so it does not stop the lesson).
fn note_progress(progress: &mut Progress, id: &str, steps: usize, shows: &[Show]) {
    for s in shows {
        match s {
            Show::StepDone { step, skipped } => {
                progress.step_done(id, *step, steps, *skipped);
                let _ = progress.save();
            }
            Show::Restarted { step } => {
                progress.set_step(id, *step, steps);
                let _ = progress.save();
            }
            _ => {}
        }
    }
}

/// Says how to come back, fitted to the terminal like everything else.
fn say_saved(id: &str, style: TextStyle) {
    let text = format!("Your progress is saved: `imap-tutor lesson {id}` resumes here.");
    println!(
        "{}",
        screen::fit(&screen::markdown(&text, style.color), style.width)
    );
}

/// A demo types its commands: at a human pace when pausing, at once otherwise.
fn type_line(out: &mut impl Write, prompt: &str, line: &str, pace: bool) -> io::Result<()> {
    write!(out, "{prompt}")?;
    if pace {
        for c in line.chars() {
            write!(out, "{c}")?;
            out.flush()?;
            std::thread::sleep(Duration::from_millis(25));
        }
        writeln!(out)
    } else {
        writeln!(out, "{line}")
    }
}

/// The menu: every lesson, its level and the learner's progress.
pub fn write_menu(
    out: &mut impl Write,
    scenarios: &[Scenario],
    progress: &Progress,
    color: bool,
) -> io::Result<()> {
    let paint = render::Painter { on: color };
    writeln!(
        out,
        "{}",
        paint.bold("IMAP lessons, from first contact to expert")
    )?;
    writeln!(out)?;
    for (n, s) in scenarios.iter().enumerate() {
        let p = progress.get(&s.id);
        let mut label = p.label();
        if label == "done" {
            label = paint.server(&label);
        }
        let row = format!(
            "{:>3}  {:<15} {:<14} {:<56} {label}",
            n + 1,
            render::visible(&s.id),
            s.level.name(),
            render::visible(&s.title)
        );
        writeln!(out, "{}", row.trim_end())?;
    }
    writeln!(out)?;
    writeln!(
        out,
        "Start one with `imap-tutor lesson ID`; `--demo` watches the tutor do it first."
    )?;
    if let Some(path) = Progress::path() {
        writeln!(out, "Progress is kept in {}.", path.display())?;
    }
    Ok(())
}

/// The next lesson to take: the first not completed.
pub fn next_lesson<'a>(scenarios: &'a [Scenario], progress: &Progress) -> Option<&'a Scenario> {
    scenarios.iter().find(|s| !progress.get(&s.id).completed)
}

/// Writes what the runner returned, for people: lesson text with its Markdown rendered
/// (or stripped without colour), and every line fitted to the terminal's width.
pub fn write_shows(out: &mut impl Write, shows: &[Show], style: TextStyle) -> io::Result<()> {
    let mut text: Vec<u8> = Vec::new();
    for show in shows {
        write_show(&mut text, show, style)?;
    }
    let text = String::from_utf8_lossy(&text);
    let fitted = screen::fit(text.strip_suffix('\n').unwrap_or(&text), style.width);
    if !fitted.is_empty() || !text.is_empty() {
        writeln!(out, "{fitted}")?;
    }
    out.flush()
}

/// One thing to show, before fitting.
fn write_show(out: &mut Vec<u8>, show: &Show, style: TextStyle) -> io::Result<()> {
    let c = style.color;
    let paint = render::Painter { on: c };
    let md = |s: &str| screen::markdown(s, c);
    match show {
        Show::Title {
            id,
            title,
            level,
            summary,
        } => {
            let heading = md(&format!("Lesson {id}: {title}"));
            writeln!(out, "{}", paint.bold(&heading))?;
            writeln!(out, "{} · {}", level.name(), md(summary))?;
            let keys = ":hint :show :skip :diff :explain LINE :restart :quit  (:help for more)";
            writeln!(out, "{}\n", paint.dim(keys))?;
        }
        Show::Setup(lines) => {
            writeln!(
                out,
                "{}",
                paint.dim("Already sent for you, so this lesson starts where it should:")
            )?;
            for l in lines {
                writeln!(out, "   {}", paint.dim(&render::visible(l)))?;
            }
        }
        Show::Step {
            number,
            total,
            narrative,
            goal,
        } => write_step(out, (*number, *total), narrative, goal, c)?,
        Show::Event(text) => writeln!(out, "{} {}", paint.event("»"), md(text))?,
        Show::Typed(line) => writeln!(
            out,
            "{} {}",
            paint.dim("(typed for you)"),
            render::visible(line)
        )?,
        Show::Annotated(a) => render::write_text(out, a, style)?,
        Show::Success {
            explanation,
            checks,
        } => write_success(out, explanation, checks, c)?,
        Show::Miss { sentence, .. } => {
            writeln!(out, "{} {}", paint.error("✗ Not yet:"), md(sentence))?;
            writeln!(
                out,
                "  {}",
                paint.dim("(:diff shows the expected reply against this one)")
            )?;
        }
        Show::Diff { reasons, diff } => write_diff(out, reasons, diff, c)?,
        Show::Hint {
            number,
            total,
            text,
        } => writeln!(
            out,
            "{} {}",
            paint.warn(&format!("Hint {number}/{total}:")),
            md(text)
        )?,
        Show::Reveal(command) => {
            writeln!(out, "The command this step shows:")?;
            for l in command.lines() {
                writeln!(out, "   {}", paint.bold(&render::visible(l)))?;
            }
        }
        Show::Info(text) => writeln!(out, "{}", paint.dim(&md(text)))?,
        Show::StepDone { .. } => {}
        Show::Restarted { step: 0 } => writeln!(
            out,
            "{}",
            paint.dim("A fresh connection to a fresh mock: from the start.")
        )?,
        Show::Restarted { step } => writeln!(
            out,
            "{}",
            paint.dim(&format!(
                "A fresh mock, with steps 1 to {step} replayed: you are at step {} again.",
                step + 1
            ))
        )?,
        Show::Finished { title } => {
            writeln!(out)?;
            writeln!(
                out,
                "{}",
                paint.success(&format!("Lesson complete: {title}."))
            )?;
        }
    }
    Ok(())
}

/// A step's heading, its narrative and its goal.
fn write_step(
    out: &mut Vec<u8>,
    (number, total): (usize, usize),
    narrative: &str,
    goal: &str,
    color: bool,
) -> io::Result<()> {
    let paint = render::Painter { on: color };
    writeln!(out)?;
    writeln!(
        out,
        "{}",
        paint.bold(&format!("── Step {number} of {total} ──"))
    )?;
    write_paragraphs(out, narrative, "  ", color)?;
    writeln!(out)?;
    writeln!(
        out,
        "{} {}",
        paint.heading("Goal:"),
        screen::markdown(goal, color)
    )
}

/// The goal reached: what the checks confirmed, and the step's explanation.
fn write_success(
    out: &mut Vec<u8>,
    explanation: &str,
    checks: &[String],
    color: bool,
) -> io::Result<()> {
    let paint = render::Painter { on: color };
    writeln!(out, "{}", paint.success("✓ Goal reached."))?;
    for ch in checks {
        writeln!(out, "  {} {}", paint.server("✓"), render::visible(ch))?;
    }
    write_paragraphs(out, explanation, "  ", color)
}

/// Why the reply missed, then the expected reply (-) against the one that came (+).
fn write_diff(
    out: &mut Vec<u8>,
    reasons: &[String],
    diff: &[String],
    color: bool,
) -> io::Result<()> {
    let paint = render::Painter { on: color };
    for r in reasons {
        writeln!(out, "  {}", screen::markdown(r, color))?;
    }
    if diff.is_empty() {
        return Ok(());
    }
    writeln!(out, "  Expected reply (-) against the one that came (+):")?;
    for d in diff {
        // Reply lines: the fixture's mail may hold any byte.
        let d = &render::visible(d);
        let line = match d.chars().next() {
            Some('-') => paint.removed(d),
            Some('+') => paint.server(d),
            _ => paint.dim(d),
        };
        writeln!(out, "  {line}")?;
    }
    Ok(())
}

/// Lesson prose: paragraphs of Markdown, each line indented; empty lines kept. The
/// lines are joined into paragraphs first, so fitting re-flows them to the width.
fn write_paragraphs(out: &mut Vec<u8>, text: &str, indent: &str, color: bool) -> io::Result<()> {
    for paragraph in paragraphs(text.trim_end()) {
        if paragraph.is_empty() {
            writeln!(out)?;
        } else {
            writeln!(out, "{indent}{}", screen::markdown(&paragraph, color))?;
        }
    }
    Ok(())
}

/// Lines joined into paragraphs; a blank line stays a separator, and a list item (`- `)
/// starts a paragraph of its own.
fn paragraphs(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut open = false;
    for line in text.lines() {
        let trimmed = line.trim();
        if trimmed.is_empty() {
            out.push(String::new());
            open = false;
        } else if open && !trimmed.starts_with("- ") && !line.starts_with("    ") {
            if let Some(last) = out.last_mut() {
                last.push(' ');
                last.push_str(trimmed);
            }
        } else {
            out.push(line.trim_end().to_owned());
            open = true;
        }
    }
    out
}
