//! The lesson runner, sans-IO: learner lines in, things to show and verdicts out.
//!
//! It drives a mock [`Session`] in-process and an [`Explainer`] over the same bytes,
//! so every reply the learner sees is the mock's (Dovecot's) and is explained. It never
//! reads a terminal: `repl` does that, `check` drives it with each step's `show:`, and
//! tests drive it directly.
//!
//! A step's *attempt* is everything the learner sends until the reply is complete: one
//! line usually; the line announcing a literal and the literal's lines (the mock
//! answers `+ OK` between them for a synchronizing one); a continuation (IDLE's DONE,
//! AUTHENTICATE's base64) is an attempt of its own, whose `{tag}` is the command's that
//! asked for it. The reply is complete when the client is not inside a literal and the
//! server has said something: in-process the mock always answers in one go.
//!
//! Replays: `:restart`, resuming saved progress and `:skip` all need the mock's world
//! as it would be after the earlier steps. The runner rebuilds it from the fixture and
//! sends the earlier steps' shown commands, silently: the mock is deterministic, so the
//! learner gets the world the lesson was written against, whatever they typed before.

use crate::explain::{Annotation, Explainer, Options};
use crate::mock::fixture::Fixture;
use crate::transcript::{Direction, Transcript};

use super::matcher::{self, Expectation, Judgement};
use super::miss;
use super::schema::{self, Level, Scenario, Step};
use super::world::World;
use super::LessonError;

/// Something for the front end to show, in order.
#[derive(Debug, Clone)]
pub enum Show {
    Title {
        id: String,
        title: String,
        level: Level,
        summary: String,
    },
    /// Commands sent for the learner before the first step.
    Setup(Vec<String>),
    Step {
        number: usize,
        total: usize,
        narrative: String,
        goal: String,
    },
    /// Something another client did.
    Event(String),
    /// A line the tutor typed (demo, `:skip`).
    Typed(String),
    /// A message on the wire, explained (boxed: it is much larger than the others).
    Annotated(Box<Annotation>),
    /// The step's goal is reached.
    Success {
        explanation: String,
        checks: Vec<String>,
    },
    /// Not yet: why in one sentence, what the matcher and the checks found, and the
    /// expected reply against the one that came (the screen shows it on `:diff`).
    Miss {
        sentence: String,
        reasons: Vec<String>,
        diff: Vec<String>,
    },
    /// `:diff`: the last miss's reasons and diff in full.
    Diff {
        reasons: Vec<String>,
        diff: Vec<String>,
    },
    Hint {
        number: usize,
        total: usize,
        text: String,
    },
    /// `:show`: the command the lesson expects.
    Reveal(String),
    Info(String),
    /// A step is over (progress can be saved).
    StepDone {
        step: usize,
        skipped: bool,
    },
    /// A fresh mock, the steps before `step` replayed: the learner is at `step` (0-based).
    Restarted {
        step: usize,
    },
    Finished {
        title: String,
    },
}

/// The result of one step run with its shown command (for `check` and replays).
#[derive(Debug, Clone)]
pub(crate) struct StepRun {
    pub(crate) judgement: Judgement,
    pub(crate) updates: Option<Judgement>,
    pub(crate) reply: Vec<String>,
    pub(crate) update_lines: Vec<String>,
    pub(crate) failed_checks: Vec<String>,
    pub(crate) event_errors: Vec<String>,
    pub(crate) tag: String,
}

impl StepRun {
    pub(crate) fn ok(&self) -> bool {
        self.judgement.ok
            && self.updates.as_ref().is_none_or(|u| u.ok)
            && self.failed_checks.is_empty()
            && self.event_errors.is_empty()
    }
}

/// The attempt in progress.
#[derive(Default)]
struct Attempt {
    tag: Option<String>,
    reply: Vec<u8>,
    lines: usize,
    /// The attempt's messages, explained, for the sentence a miss gets.
    annotations: Vec<Annotation>,
}

/// One learner's run through one lesson.
pub struct Runner {
    scenario: Scenario,
    fixture: Fixture,
    world: World,
    step: usize,
    attempt: Attempt,
    /// Hints shown in this step.
    hints: usize,
    finished: bool,
    /// The greeting's annotations, shown by [`Runner::begin`].
    greeting: Vec<Annotation>,
    setup_failed: Option<String>,
    /// The last miss's reasons and diff, for `:diff`.
    last_miss: Option<(Vec<String>, Vec<String>)>,
}

impl Runner {
    pub fn new(scenario: Scenario) -> Result<Runner, LessonError> {
        let fixture = schema::resolve_fixture(&scenario)?;
        let (world, greeting) = World::new(&fixture)?;
        let mut runner = Runner {
            scenario,
            fixture,
            world,
            step: 0,
            attempt: Attempt::default(),
            hints: 0,
            finished: false,
            greeting,
            setup_failed: None,
            last_miss: None,
        };
        runner.setup();
        Ok(runner)
    }

    fn setup(&mut self) {
        for line in self.scenario.setup.clone() {
            let sent = self.world.send(&line, true);
            let tag = sent.tag.unwrap_or_default();
            let ok = matcher::reply_lines(&sent.bytes).iter().any(|l| {
                l.strip_prefix(tag.as_str())
                    .is_some_and(|r| r.starts_with(" OK"))
            });
            if !ok {
                self.setup_failed = Some(format!(
                    "setup `{line}` failed: {}",
                    String::from_utf8_lossy(&sent.bytes).trim_end()
                ));
            }
        }
    }

    /// The step the learner is on (0-based).
    pub fn step_index(&self) -> usize {
        self.step
    }

    pub fn is_finished(&self) -> bool {
        self.finished
    }

    /// What the learner's session sent and received, for `--record`.
    pub(crate) fn transcript(&self) -> Transcript {
        Transcript {
            meta: vec![
                ("server".into(), "imap-tutor mock".into()),
                (
                    "client".into(),
                    format!("imap-tutor lesson {}", self.scenario.id),
                ),
                (
                    "tool".into(),
                    format!("imap-tutor {}", env!("CARGO_PKG_VERSION")),
                ),
            ],
            records: self.world.records.clone(),
        }
    }

    /// The lesson's opening: title, greeting, setup, then the first step.
    pub fn begin(&mut self) -> Vec<Show> {
        let s = &self.scenario;
        let mut out = vec![Show::Title {
            id: s.id.clone(),
            title: s.title.clone(),
            level: s.level,
            summary: s.summary.clone(),
        }];
        out.extend(
            self.greeting
                .drain(..)
                .map(|a| Show::Annotated(Box::new(a))),
        );
        if !s.setup.is_empty() {
            out.push(Show::Setup(s.setup.clone()));
        }
        if let Some(e) = &self.setup_failed {
            out.push(Show::Info(e.clone()));
        }
        out.extend(self.enter_step());
        out
    }

    fn current(&self) -> Option<&Step> {
        self.scenario.steps.get(self.step)
    }

    /// Announces the current step and runs its events.
    fn enter_step(&mut self) -> Vec<Show> {
        let total = self.scenario.steps.len();
        let Some(step) = self.current().cloned() else {
            self.finished = true;
            return vec![Show::Finished {
                title: self.scenario.title.clone(),
            }];
        };
        self.hints = 0;
        self.attempt = Attempt::default();
        self.last_miss = None;
        let mut out = vec![Show::Step {
            number: self.step + 1,
            total,
            narrative: step.narrative.clone(),
            goal: step.goal.clone(),
        }];
        for event in &step.before {
            match self.world.event(event) {
                Ok((said, updates)) => {
                    out.push(Show::Event(said));
                    let annotations = self.world.explainer.feed(Direction::Server, &updates);
                    self.world.record(Direction::Server, updates);
                    out.extend(
                        annotations
                            .into_iter()
                            .map(|a| Show::Annotated(Box::new(a))),
                    );
                }
                Err(e) => out.push(Show::Info(format!("(the lesson's event failed: {e})"))),
            }
        }
        out
    }

    /// What the prompt should say: the step, or that a literal or continuation is awaited.
    pub fn prompt(&self) -> String {
        if self.finished {
            return "done> ".into();
        }
        if self.world.session.is_closed() {
            return "closed> ".into();
        }
        if self.world.mirror.in_literal() {
            return format!("literal, {} bytes to go> ", self.world.mirror.to_go());
        }
        if self.world.explainer.context().idling.is_some() {
            return "idling (DONE ends it)> ".into();
        }
        format!("step {}/{}> ", self.step + 1, self.scenario.steps.len())
    }

    /// The command the current step shows, with captured variables filled in (one
    /// line per element).
    pub fn shown(&self) -> Vec<String> {
        self.current()
            .map(|s| {
                matcher::substitute(&s.show, &self.world.vars)
                    .lines()
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default()
    }

    /// One line from the learner: a `:command` or a line for the server.
    pub fn input(&mut self, line: &str) -> Vec<Show> {
        let trimmed = line.trim();
        if let Some(cmd) = trimmed.strip_prefix(':') {
            return self.meta(cmd);
        }
        if self.finished {
            return vec![Show::Info(
                "The lesson is over. :restart all to take it again, :quit to leave.".into(),
            )];
        }
        if self.world.session.is_closed() {
            return vec![Show::Info("The server has closed the connection. :restart starts this step again on a new one.".into())];
        }
        let line = line.trim_end_matches(['\r', '\n']);
        if line.trim().is_empty() && !self.world.mirror.in_literal() {
            // An empty line is no command; inside a literal it is data (a header's end).
            return Vec::new();
        }
        self.send_learner(line)
    }

    fn send_learner(&mut self, line: &str) -> Vec<Show> {
        let fresh = self.attempt.lines == 0;
        let sent = self.world.send(line, fresh);
        self.attempt.lines += 1;
        if let Some(tag) = sent.tag {
            self.attempt.tag = Some(tag);
        }
        self.attempt.reply.extend_from_slice(&sent.bytes);
        self.attempt
            .annotations
            .extend(sent.client.iter().chain(&sent.server).cloned());
        let mut out: Vec<Show> = sent
            .client
            .into_iter()
            .chain(sent.server)
            .map(|a| Show::Annotated(Box::new(a)))
            .collect();
        if sent.complete {
            out.extend(self.judge());
        }
        out
    }

    /// Judges the attempt just completed.
    fn judge(&mut self) -> Vec<Show> {
        let attempt = std::mem::take(&mut self.attempt);
        let Some(step) = self.current().cloned() else {
            return Vec::new();
        };
        let tag = attempt.tag.unwrap_or_default();
        let reply = matcher::reply_lines(&attempt.reply);
        let (judgement, failed, passed) = self.judge_reply(&step, &reply, &tag);
        if judgement.ok && failed.is_empty() {
            self.world.vars = judgement.vars;
            let mut out = vec![Show::Success {
                explanation: step.explanation.clone(),
                checks: passed,
            }];
            out.extend(self.advance(false));
            return out;
        }
        let mut reasons = Vec::new();
        if !judgement.ok {
            if let Some(u) = &judgement.unmatched {
                reasons.push(format!(
                    "The reply differs from what this step expects (expected line: {u})."
                ));
            } else if !judgement.extra.is_empty() {
                reasons.push("The reply has more lines than this step expects.".into());
            }
            for (pattern, line) in &judgement.forbidden {
                reasons.push(format!(
                    "This line should not be there: {line} (the lesson forbids {pattern})."
                ));
            }
        }
        reasons.extend(failed);
        let attempted = miss::Attempted {
            tag: &tag,
            annotations: &attempt.annotations,
        };
        let sentence = miss::sentence(&step, &attempted, &judgement);
        let diff = matcher::diff(&judgement.expected, &reply);
        self.last_miss = Some((reasons.clone(), diff.clone()));
        let mut out = vec![Show::Miss {
            sentence,
            reasons,
            diff,
        }];
        out.extend(self.hint(true));
        out
    }

    fn judge_reply(
        &self,
        step: &Step,
        reply: &[String],
        tag: &str,
    ) -> (Judgement, Vec<String>, Vec<String>) {
        let judgement = match Expectation::compile(&step.expect, &step.absent) {
            Ok(e) => e.judge(reply, tag, &self.world.vars),
            Err(e) => Judgement {
                unmatched: Some(format!("{} ({})", e.pattern, e.reason)),
                ..Default::default()
            },
        };
        let (passed, failed) = self.world.checks(&step.check);
        (judgement, failed, passed)
    }

    fn hint(&mut self, auto: bool) -> Vec<Show> {
        let Some(step) = self.current() else {
            return Vec::new();
        };
        let total = step.hints.len();
        if self.hints < total {
            let text = step.hints[self.hints].clone();
            self.hints += 1;
            return vec![Show::Hint {
                number: self.hints,
                total,
                text,
            }];
        }
        let tail = if auto {
            "Type :show to see the command, or :skip to have it typed for you."
        } else {
            "No more hints. :show reveals the command."
        };
        vec![Show::Info(tail.into())]
    }

    fn advance(&mut self, skipped: bool) -> Vec<Show> {
        let mut out = vec![Show::StepDone {
            step: self.step,
            skipped,
        }];
        self.step += 1;
        out.extend(self.enter_step());
        out
    }

    fn meta(&mut self, cmd: &str) -> Vec<Show> {
        let (word, arg) = cmd
            .split_once(' ')
            .map_or((cmd, ""), |(w, a)| (w, a.trim()));
        match word {
            "hint" | "h" => self.hint(false),
            "show" => match self.shown() {
                lines if lines.is_empty() => vec![Show::Info("There is no step to show.".into())],
                lines => vec![Show::Reveal(lines.join("\n"))],
            },
            "skip" => self.skip(),
            "diff" | "d" => match &self.last_miss {
                Some((reasons, diff)) => vec![Show::Diff {
                    reasons: reasons.clone(),
                    diff: diff.clone(),
                }],
                None => vec![Show::Info(NO_DIFF.into())],
            },
            "explain" | "e" => self.explain(arg),
            "restart" if arg == "all" => self.restart_at(0),
            "restart" => self.restart_at(self.step),
            "help" | "?" => vec![Show::Info(HELP.into())],
            "quit" | "q" => Vec::new(),
            other => vec![Show::Info(format!("Unknown command :{other}. {HELP}"))],
        }
    }

    /// Types the shown command for the learner and moves on.
    fn skip(&mut self) -> Vec<Show> {
        if self.finished {
            return Vec::new();
        }
        if self.attempt.lines > 0
            || self.world.session.is_closed()
            || self.world.mirror.in_literal()
        {
            // Mid-attempt the shown command would land in the wrong place: start clean.
            let mut out = self.restart_at(self.step);
            out.retain(|s| !matches!(s, Show::Step { .. } | Show::Event(_) | Show::Annotated(_)));
            out.extend(self.skip());
            return out;
        }
        let mut out = Vec::new();
        let step = self.current().cloned();
        let mut reply = Vec::new();
        let mut tag = String::new();
        for (i, line) in self.shown().iter().enumerate() {
            out.push(Show::Typed(line.clone()));
            let sent = self.world.send(line, i == 0);
            if let Some(t) = sent.tag {
                tag = t;
            }
            reply.extend_from_slice(&sent.bytes);
            out.extend(
                sent.client
                    .into_iter()
                    .chain(sent.server)
                    .map(|a| Show::Annotated(Box::new(a))),
            );
        }
        if let Some(step) = step {
            let (j, _, _) = self.judge_reply(&step, &matcher::reply_lines(&reply), &tag);
            if j.ok {
                self.world.vars = j.vars;
            }
            out.push(Show::Success {
                explanation: step.explanation.clone(),
                checks: Vec::new(),
            });
        }
        out.extend(self.advance(true));
        out
    }

    /// `:explain LINE`: a line explained without sending it, by a fresh explainer (so
    /// nothing the learner's session knows changes). Server lines are told apart from
    /// commands by their first words: `*`, `+`, or a status after the tag.
    fn explain(&mut self, text: &str) -> Vec<Show> {
        if text.is_empty() {
            return vec![Show::Info(
                "Give a line: :explain * 4 EXISTS, or :explain a1 FETCH 1 FLAGS".into(),
            )];
        }
        let mut explainer = Explainer::new(Options::default());
        let mut bytes = text.as_bytes().to_vec();
        bytes.extend_from_slice(b"\r\n");
        let first = text.split(' ').next().unwrap_or("");
        let second = text.split(' ').nth(1).unwrap_or("").to_ascii_uppercase();
        let server = first == "*"
            || first == "+"
            || matches!(second.as_str(), "OK" | "NO" | "BAD" | "BYE" | "PREAUTH");
        if server {
            // A tagged status is only understood as one if its command was seen.
            if first != "*" && first != "+" {
                explainer.feed(Direction::Client, format!("{first} NOOP\r\n").as_bytes());
            }
            explainer.feed(Direction::Server, b"* OK ready\r\n");
            explainer
                .feed(Direction::Server, &bytes)
                .into_iter()
                .map(|a| Show::Annotated(Box::new(a)))
                .collect()
        } else {
            explainer.feed(Direction::Server, b"* OK ready\r\n");
            explainer
                .feed(Direction::Client, &bytes)
                .into_iter()
                .map(|a| Show::Annotated(Box::new(a)))
                .collect()
        }
    }

    /// Rebuilds the world and replays the steps before `step` silently.
    pub(crate) fn restart_at(&mut self, step: usize) -> Vec<Show> {
        let step = step.min(self.scenario.steps.len());
        let (world, _) = match World::new(&self.fixture) {
            Ok(w) => w,
            Err(e) => return vec![Show::Info(format!("cannot rebuild the mock: {e}"))],
        };
        self.world = world;
        self.finished = false;
        self.attempt = Attempt::default();
        self.setup();
        for k in 0..step {
            self.step = k;
            let _ = self.run_shown_step();
        }
        self.step = step;
        let mut out = vec![Show::Restarted { step }];
        out.extend(self.enter_step());
        out
    }

    /// Runs the current step's events and shown command, judges them, and moves to the
    /// next step without showing anything: what `check` and replays do.
    pub(crate) fn run_shown_step(&mut self) -> Option<StepRun> {
        let step = self.current()?.clone();
        let mut event_errors = Vec::new();
        let mut updates = Vec::new();
        for event in &step.before {
            match self.world.event(event) {
                Ok((_, u)) => {
                    self.world.explainer.feed(Direction::Server, &u);
                    self.world.record(Direction::Server, u.clone());
                    updates.extend(u);
                }
                Err(e) => event_errors.push(e.to_string()),
            }
        }
        let update_lines = matcher::reply_lines(&updates);
        let updates_judgement = (!step.updates.is_empty() || !update_lines.is_empty()).then(|| {
            match Expectation::compile(&step.updates, &[]) {
                Ok(e) => e.judge(&update_lines, "", &self.world.vars),
                Err(e) => Judgement {
                    unmatched: Some(e.reason),
                    ..Default::default()
                },
            }
        });
        if let Some(u) = &updates_judgement {
            if u.ok {
                self.world.vars = u.vars.clone();
            }
        }
        let mut reply = Vec::new();
        let mut tag = String::new();
        for (i, line) in self.shown().iter().enumerate() {
            let sent = self.world.send(line, i == 0);
            if let Some(t) = sent.tag {
                tag = t;
            }
            reply.extend_from_slice(&sent.bytes);
        }
        let reply = matcher::reply_lines(&reply);
        let (judgement, failed_checks, _) = self.judge_reply(&step, &reply, &tag);
        if judgement.ok {
            self.world.vars = judgement.vars.clone();
        }
        self.step += 1;
        if self.step >= self.scenario.steps.len() {
            self.finished = true;
        }
        Some(StepRun {
            judgement,
            updates: updates_judgement,
            reply,
            update_lines,
            failed_checks,
            event_errors,
            tag,
        })
    }

    /// The setup's failure, if a setup command was not answered OK.
    pub(crate) fn setup_error(&self) -> Option<&str> {
        self.setup_failed.as_deref()
    }
}

pub(crate) const HELP: &str =
    "Commands: :hint (a hint), :show (the command), :skip (type it for me), \
:diff (the expected reply against the last one), :explain LINE (explain a line without sending \
it), :restart (this step, on a fresh mock), :restart all (the lesson from the start), :quit.";

/// `:diff` before any wrong answer in this step.
const NO_DIFF: &str =
    "No wrong answer in this step yet: :diff compares the expected reply with a reply that missed.";
