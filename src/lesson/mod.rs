//! Lessons: YAML scenarios run against the in-process mock, judged and explained.
//!
//! - [`schema`]: the scenario format (serde), with file:line:column errors.
//! - [`matcher`]: the pattern language of expected replies (`{tag}`, `{*}`, `$name`,
//!   `/regex/`, `...`, unordered blocks, absent lines) and the diff a learner sees.
//! - [`runner`]: sans-IO: learner lines in, annotated replies and verdicts out.
//! - [`check`]: validates scenarios and runs each step's shown command: `imap-tutor check`.
//! - [`progress`]: what the learner has done, under the XDG data directory.
//! - [`repl`]: the terminal edge: line editing, the menu, demo mode.
//!
//! The catalogue in `scenarios/` is compiled in ([`BUILT_IN`]), so `imap-tutor lesson`
//! works from any directory; a test checks the list matches the folder.

pub mod check;
pub(crate) mod matcher;
pub(crate) mod miss;
pub mod progress;
pub mod repl;
pub(crate) mod runner;
pub mod schema;
pub(crate) mod screen;
mod world;

use std::path::{Path, PathBuf};

pub use runner::{Runner, Show};
pub use schema::{Scenario, ScenarioError};

use crate::mock::fixture::FixtureError;

/// Why a lesson cannot start or go on, or `check` cannot look at one. (A lesson's own
/// mistakes, at a line of its YAML, are [`ScenarioError`]s.)
#[derive(Debug)]
pub enum LessonError {
    /// The lesson's fixture cannot be found, read or built.
    Fixture(FixtureError),
    /// An event acts for a user the fixture does not have.
    NoUser(String),
    /// The second client that plays an event is missing (an event ran before it logged in).
    NoSecondClient,
    /// A command of an event failed: its first line, and the reply, lines joined by ` / `.
    EventFailed { command: String, reply: String },
    /// The terminal or a file cannot be written (`what` names it).
    Write { what: String, error: std::io::Error },
    /// A path given to `check` cannot be read.
    Read {
        path: PathBuf,
        error: std::io::Error,
    },
    /// A path given to `check` holds no scenario.
    NoScenarios(PathBuf),
}

impl std::fmt::Display for LessonError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            LessonError::Fixture(e) => write!(f, "{e}"),
            LessonError::NoUser(user) => write!(f, "events: no user {user} in the fixture"),
            LessonError::NoSecondClient => f.write_str("no second client"),
            LessonError::EventFailed { command, reply } => {
                write!(f, "the second client's `{command}` failed: {reply}")
            }
            LessonError::Write { what, error } => write!(f, "cannot write {what}: {error}"),
            LessonError::Read { path, error } => {
                write!(f, "cannot read {}: {error}", path.display())
            }
            LessonError::NoScenarios(path) => {
                write!(f, "no scenario files (*.yaml) in {}", path.display())
            }
        }
    }
}

impl std::error::Error for LessonError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            LessonError::Fixture(e) => Some(e),
            LessonError::Write { error, .. } | LessonError::Read { error, .. } => Some(error),
            LessonError::NoUser(_)
            | LessonError::NoSecondClient
            | LessonError::EventFailed { .. }
            | LessonError::NoScenarios(_) => None,
        }
    }
}

impl From<FixtureError> for LessonError {
    fn from(e: FixtureError) -> Self {
        LessonError::Fixture(e)
    }
}

/// The catalogue, in teaching order: (file name, text).
pub const BUILT_IN: &[(&str, &str)] = &[
    (
        "01-strategos.yaml",
        include_str!("../../scenarios/01-strategos.yaml"),
    ),
    (
        "02-anatomy.yaml",
        include_str!("../../scenarios/02-anatomy.yaml"),
    ),
    (
        "03-errors.yaml",
        include_str!("../../scenarios/03-errors.yaml"),
    ),
    (
        "04-login-auth.yaml",
        include_str!("../../scenarios/04-login-auth.yaml"),
    ),
    ("05-list.yaml", include_str!("../../scenarios/05-list.yaml")),
    (
        "06-select-examine.yaml",
        include_str!("../../scenarios/06-select-examine.yaml"),
    ),
    (
        "07-fetch-anatomy.yaml",
        include_str!("../../scenarios/07-fetch-anatomy.yaml"),
    ),
    (
        "08-peek-seen.yaml",
        include_str!("../../scenarios/08-peek-seen.yaml"),
    ),
    (
        "09-literals.yaml",
        include_str!("../../scenarios/09-literals.yaml"),
    ),
    (
        "10-flags-store.yaml",
        include_str!("../../scenarios/10-flags-store.yaml"),
    ),
    (
        "11-expunge.yaml",
        include_str!("../../scenarios/11-expunge.yaml"),
    ),
    (
        "12-copy-move.yaml",
        include_str!("../../scenarios/12-copy-move.yaml"),
    ),
    (
        "13-status.yaml",
        include_str!("../../scenarios/13-status.yaml"),
    ),
    (
        "14-search.yaml",
        include_str!("../../scenarios/14-search.yaml"),
    ),
    ("15-uids.yaml", include_str!("../../scenarios/15-uids.yaml")),
    ("16-idle.yaml", include_str!("../../scenarios/16-idle.yaml")),
    ("17-tls.yaml", include_str!("../../scenarios/17-tls.yaml")),
    (
        "18-namespace-special-use.yaml",
        include_str!("../../scenarios/18-namespace-special-use.yaml"),
    ),
    (
        "19-sasl-by-hand.yaml",
        include_str!("../../scenarios/19-sasl-by-hand.yaml"),
    ),
    (
        "20-real-client.yaml",
        include_str!("../../scenarios/20-real-client.yaml"),
    ),
    (
        "21-condstore-qresync.yaml",
        include_str!("../../scenarios/21-condstore-qresync.yaml"),
    ),
    (
        "22-binary-partial.yaml",
        include_str!("../../scenarios/22-binary-partial.yaml"),
    ),
    (
        "23-sort-thread.yaml",
        include_str!("../../scenarios/23-sort-thread.yaml"),
    ),
    (
        "24-idle-two-sessions.yaml",
        include_str!("../../scenarios/24-idle-two-sessions.yaml"),
    ),
    (
        "25-esearch-searchres.yaml",
        include_str!("../../scenarios/25-esearch-searchres.yaml"),
    ),
];

/// The built-in catalogue, parsed. A broken built-in lesson is a bug the test suite
/// catches, so it is reported, not hidden.
pub fn catalogue() -> Result<Vec<Scenario>, Vec<ScenarioError>> {
    let mut out = Vec::new();
    let mut errors = Vec::new();
    for (name, text) in BUILT_IN {
        match schema::parse(text, &Path::new("scenarios").join(name)) {
            Ok(s) => out.push(s),
            Err(e) => errors.extend(e),
        }
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(errors)
    }
}

/// The scenario files under `dir` (or `dir` itself if it is a file), sorted by name.
/// `fixtures/` is the mock's, not lessons.
pub fn scenario_files(path: &Path) -> std::io::Result<Vec<PathBuf>> {
    if path.is_file() {
        return Ok(vec![path.to_path_buf()]);
    }
    let mut files: Vec<PathBuf> = std::fs::read_dir(path)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_file() && p.extension().is_some_and(|x| x == "yaml" || x == "yml"))
        .collect();
    files.sort();
    Ok(files)
}
