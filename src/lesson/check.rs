//! `imap-tutor check`: validates scenarios and runs them against the mock, for authors and CI.
//!
//! Two passes per file. The schema pass reports YAML and field errors with
//! file:line:column. The run pass plays every step's `show:` against a fresh mock and
//! judges it with the step's own `expect:`, `updates:`, `absent:` and `check:`; a step
//! that fails names the expected line that never matched (with its line in the file),
//! and shows what the mock did answer. A run stops at a scenario's first failing step:
//! later steps start from a world the author did not plan for, and their errors would
//! only be echoes.

use std::path::{Path, PathBuf};

use serde::Serialize;

use super::matcher;
use super::runner::{Runner, StepRun};
use super::schema::{self, Locator, Scenario, ScenarioError, Step};
use super::LessonError;

/// The outcome for one file.
#[derive(Debug, Clone, Serialize)]
pub struct FileReport {
    pub(crate) path: String,
    pub(crate) id: Option<String>,
    pub(crate) steps: usize,
    /// Steps whose shown command produced the expected reply.
    pub(crate) passed: usize,
    pub errors: Vec<ScenarioError>,
}

impl FileReport {
    pub(crate) fn ok(&self) -> bool {
        self.errors.is_empty()
    }
}

/// The outcome for a whole check.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub ok: bool,
    pub files: Vec<FileReport>,
}

impl Report {
    /// Human-readable, one block per file; errors as `file:line:column: reason`.
    pub fn text(&self) -> String {
        let mut out = String::new();
        for f in &self.files {
            let name =
                f.id.as_deref()
                    .map(|i| format!(" ({i})"))
                    .unwrap_or_default();
            if f.ok() {
                out.push_str(&format!(
                    "ok    {}{name}: {} step{} pass\n",
                    f.path,
                    f.steps,
                    if f.steps == 1 { "" } else { "s" }
                ));
            } else {
                out.push_str(&format!(
                    "FAIL  {}{name}: {}/{} steps pass\n",
                    f.path, f.passed, f.steps
                ));
                for e in &f.errors {
                    out.push_str(&format!("{e}\n"));
                }
            }
        }
        let failed = self.files.iter().filter(|f| !f.ok()).count();
        out.push_str(&format!(
            "{} scenario{} checked, {failed} failed\n",
            self.files.len(),
            if self.files.len() == 1 { "" } else { "s" }
        ));
        out
    }
}

/// Checks every scenario file under the given paths (files or folders).
pub fn check_paths(paths: &[PathBuf]) -> Result<Report, LessonError> {
    let mut files = Vec::new();
    for p in paths {
        let found = super::scenario_files(p).map_err(|error| LessonError::Read {
            path: p.clone(),
            error,
        })?;
        if found.is_empty() {
            return Err(LessonError::NoScenarios(p.clone()));
        }
        files.extend(found);
    }
    let mut reports = Vec::new();
    let mut parsed: Vec<(usize, Scenario)> = Vec::new();
    for path in &files {
        let text = match std::fs::read_to_string(path) {
            Ok(t) => t,
            Err(e) => {
                reports.push(FileReport {
                    path: path.display().to_string(),
                    id: None,
                    steps: 0,
                    passed: 0,
                    errors: vec![ScenarioError::at(
                        path,
                        0,
                        0,
                        format!("cannot read the file: {e}"),
                    )],
                });
                continue;
            }
        };
        let (report, scenario) = check_one(&text, path);
        if let Some(s) = scenario {
            parsed.push((reports.len(), s));
        }
        reports.push(report);
    }
    cross_check(&parsed, &mut reports);
    Ok(Report {
        ok: reports.iter().all(FileReport::ok),
        files: reports,
    })
}

/// Ids must be unique; prerequisites must name a known lesson.
fn cross_check(parsed: &[(usize, Scenario)], reports: &mut [FileReport]) {
    let mut known: Vec<String> = parsed.iter().map(|(_, s)| s.id.clone()).collect();
    if let Ok(built_in) = super::catalogue() {
        known.extend(built_in.into_iter().map(|s| s.id));
    }
    for (i, (n, s)) in parsed.iter().enumerate() {
        let locator = Locator::new(&s.source.text);
        if let Some((_, other)) = parsed[..i].iter().find(|(_, o)| o.id == s.id) {
            let line = locator.key_line("id", 0).unwrap_or(1);
            reports[*n].errors.push(ScenarioError::at(
                &s.source.path,
                line,
                1,
                format!(
                    "id {:?} is also the id of {}",
                    s.id,
                    other.source.path.display()
                ),
            ));
        }
        for p in &s.prerequisites {
            if !known.contains(p) {
                let line = locator.key_line("prerequisites", 0).unwrap_or(1);
                reports[*n].errors.push(ScenarioError::at(
                    &s.source.path,
                    line,
                    1,
                    format!("prerequisite {p:?} is not a known lesson id"),
                ));
            }
        }
    }
}

/// Checks one scenario's text: schema, then a run of every step.
pub fn check_one(text: &str, path: &Path) -> (FileReport, Option<Scenario>) {
    let mut report = FileReport {
        path: path.display().to_string(),
        id: None,
        steps: 0,
        passed: 0,
        errors: Vec::new(),
    };
    let scenario = match schema::parse(text, path) {
        Ok(s) => s,
        Err(errors) => {
            report.errors = errors;
            return (report, None);
        }
    };
    report.id = Some(scenario.id.clone());
    report.steps = scenario.steps.len();
    report.errors = run(&scenario, &mut report.passed);
    (report, Some(scenario))
}

/// Plays every step's shown command and judges it.
pub(crate) fn run(scenario: &Scenario, passed: &mut usize) -> Vec<ScenarioError> {
    let path = &scenario.source.path;
    let locator = Locator::new(&scenario.source.text);
    let mut runner = match Runner::new(scenario.clone()) {
        Ok(r) => r,
        Err(e) => {
            let line = locator.key_line("fixture", 0).unwrap_or(1);
            return vec![ScenarioError::at(
                path,
                line,
                1,
                format!("the fixture does not build: {e}"),
            )];
        }
    };
    if let Some(e) = runner.setup_error() {
        let line = locator.key_line("setup", 0).unwrap_or(1);
        return vec![ScenarioError::at(path, line, 1, e.to_owned())];
    }
    let mut errors = Vec::new();
    for (k, step) in scenario.steps.iter().enumerate() {
        let step_line = scenario.source.step_lines.get(k).copied().unwrap_or(1);
        let Some(run) = runner.run_shown_step() else {
            break;
        };
        if run.ok() {
            *passed += 1;
            continue;
        }
        errors.extend(step_errors(scenario, &locator, (k, step), &run));
        if k + 1 < scenario.steps.len() {
            errors.push(ScenarioError::at(
                path,
                step_line,
                1,
                format!(
                    "steps {} to {} not run: they depend on step {}",
                    k + 2,
                    scenario.steps.len(),
                    k + 1
                ),
            ));
        }
        break;
    }
    errors
}

/// Why step `k` (from 0) failed, each error at the line of the YAML it concerns.
fn step_errors(
    scenario: &Scenario,
    locator: &Locator,
    (k, step): (usize, &Step),
    run: &StepRun,
) -> Vec<ScenarioError> {
    let path = &scenario.source.path;
    let step_line = scenario.source.step_lines.get(k).copied().unwrap_or(1);
    let mut errors = Vec::new();
    let at_col = |line: usize, column: usize, message: String| {
        ScenarioError::at(path, line, column, format!("step {}: {message}", k + 1))
    };
    let at = |line: usize, message: String| at_col(line, 1, message);
    for e in &run.event_errors {
        errors.push(at(
            locator.expect_line(step_line, "before", ""),
            format!("an event failed: {e}"),
        ));
    }
    if let Some(u) = run.updates.as_ref().filter(|u| !u.ok) {
        let (line, what) = match &u.unmatched {
            Some(p) => (
                locator.expect_line(step_line, "updates", p),
                format!("this update never came: {p}"),
            ),
            None => (
                locator.expect_line(step_line, "updates", ""),
                "the session received updates the step does not expect".to_string(),
            ),
        };
        errors.push(at(
            line,
            format!(
                "{what}{}",
                answered(
                    "while idle the session received",
                    &run.update_lines,
                    &u.expected
                )
            ),
        ));
    }
    let j = &run.judgement;
    if !j.ok {
        let shown = step.show.lines().next().unwrap_or("");
        if let Some(p) = &j.unmatched {
            let (line, column) = locator.position(locator.expect_line(step_line, "expect", p), p);
            errors.push(at_col(
                line,
                column,
                format!(
                    "this expected line never matched: {p}{}",
                    answered(&format!("`{shown}` got"), &run.reply, &j.expected)
                ),
            ));
        } else if !j.extra.is_empty() {
            let line = locator.expect_line(step_line, "expect", "");
            errors.push(at(
                line,
                format!(
                    "the reply has lines no expected line accounts for (add them, or `...`){}",
                    answered(&format!("`{shown}` got"), &run.reply, &j.expected)
                ),
            ));
        }
        for (pattern, l) in &j.forbidden {
            errors.push(at(
                locator.expect_line(step_line, "absent", pattern),
                format!("an absent line appeared: {l}"),
            ));
        }
    }
    for c in &run.failed_checks {
        errors.push(at(
            locator.expect_line(step_line, "check", ""),
            format!("check failed: {c}"),
        ));
    }
    errors
}

/// What the mock answered, as a diff against what was expected, indented under an error.
fn answered(what: &str, reply: &[String], expected: &[String]) -> String {
    let mut out = format!("\n    {what} (- expected, + the mock's reply):");
    for l in matcher::diff(expected, reply) {
        out.push_str("\n    ");
        out.push_str(&l);
    }
    out
}

/// Every step's shown command and the mock's reply (and what arrived while idle), whether
/// or not it matches: what an author copies into `expect:` (`check --replies`).
pub fn replies(scenario: &Scenario) -> Result<String, LessonError> {
    let mut runner = Runner::new(scenario.clone())?;
    let mut out = String::new();
    for k in 0..scenario.steps.len() {
        let shown = runner.shown();
        let Some(run) = runner.run_shown_step() else {
            break;
        };
        out.push_str(&format!(
            "# step {} {}\n",
            k + 1,
            if run.ok() { "(passes)" } else { "(fails)" }
        ));
        if !run.update_lines.is_empty() {
            out.push_str("    updates:\n");
            for l in &run.update_lines {
                out.push_str(&format!("      - {}\n", yaml_quote(l)));
            }
        }
        for l in &shown {
            out.push_str(&format!("    # C: {l}\n"));
        }
        out.push_str("    expect:\n");
        for l in &run.reply {
            let l = match l.strip_prefix(&format!("{} ", run.tag)) {
                Some(rest) if !run.tag.is_empty() => format!("{{tag}} {rest}"),
                _ => l.clone(),
            };
            out.push_str(&format!("      - {}\n", yaml_quote(&l)));
        }
    }
    Ok(out)
}

/// A line as a double-quoted YAML string.
fn yaml_quote(s: &str) -> String {
    format!(
        "\"{}\"",
        s.replace('\\', "\\\\")
            .replace('"', "\\\"")
            .replace('\t', "\\t")
    )
}
