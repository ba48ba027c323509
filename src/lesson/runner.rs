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

use std::sync::Arc;

use crate::explain::{Annotation, AnnotationKind, Explainer, Options};
use crate::mock::fixture::Fixture;
use crate::mock::store::{self, Store};
use crate::mock::{Config, Session};
use crate::transcript::{Direction, Record, Transcript};
use crate::wire::{Frame, Framer};

use super::matcher::{self, Expectation, Judgement, Vars};
use super::schema::{self, Event, Level, Scenario, StateCheck, Step};

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
    /// Not yet: why, and the expected reply against the one that came.
    Miss {
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
pub struct StepRun {
    pub judgement: Judgement,
    pub updates: Option<Judgement>,
    pub reply: Vec<String>,
    pub update_lines: Vec<String>,
    pub failed_checks: Vec<String>,
    pub event_errors: Vec<String>,
    pub tag: String,
}

impl StepRun {
    pub fn ok(&self) -> bool {
        self.judgement.ok
            && self.updates.as_ref().is_none_or(|u| u.ok)
            && self.failed_checks.is_empty()
            && self.event_errors.is_empty()
    }
}

/// Tracks whether the client's stream is inside a literal, and how much is left.
struct Mirror {
    framer: Framer,
    remaining: u64,
}

impl Mirror {
    fn new() -> Self {
        Mirror {
            framer: Framer::default(),
            remaining: 0,
        }
    }

    fn feed(&mut self, bytes: &[u8]) {
        self.framer.feed(bytes);
        while let Some(frame) = self.framer.next_frame() {
            match frame {
                Frame::Line(line) => self.remaining = line.literal.map_or(0, |h| h.size),
                Frame::Literal { bytes, .. } => {
                    self.remaining = self.remaining.saturating_sub(bytes.len() as u64)
                }
                _ => {}
            }
        }
    }

    fn in_literal(&self) -> bool {
        self.framer.in_literal()
    }

    /// Literal bytes still to come. The framer holds back a partial piece, so what it
    /// buffers counts as sent.
    fn to_go(&self) -> u64 {
        self.remaining.saturating_sub(self.framer.pending() as u64)
    }

    fn cancel(&mut self) {
        self.framer.cancel_literal();
        self.remaining = 0;
    }
}

/// The mock's world and the learner's connection to it.
struct World {
    store: Store,
    config: Arc<Config>,
    session: Session,
    /// The second client, for events; logged in on first use.
    other: Option<Session>,
    other_tags: usize,
    explainer: Explainer,
    mirror: Mirror,
    records: Vec<Record>,
    vars: Vars,
}

/// What sending one line produced.
struct Sent {
    client: Vec<Annotation>,
    server: Vec<Annotation>,
    bytes: Vec<u8>,
    complete: bool,
    /// The tag `{tag}` stands for in this attempt, if this line began it.
    tag: Option<String>,
}

impl World {
    fn new(fixture: &Fixture) -> Result<(World, Vec<Annotation>), String> {
        let (store, config) = fixture.build().map_err(|e| e.to_string())?;
        let config = Arc::new(config);
        let (session, greeting) = Session::new(store.clone(), config.clone());
        let mut explainer = Explainer::new(Options::default());
        let annotations = explainer.feed(Direction::Server, &greeting);
        let mut world = World {
            store,
            config,
            session,
            other: None,
            other_tags: 0,
            explainer,
            mirror: Mirror::new(),
            records: Vec::new(),
            vars: Vars::new(),
        };
        world.record(Direction::Server, greeting);
        Ok((world, annotations))
    }

    fn record(&mut self, direction: Direction, bytes: Vec<u8>) {
        if !bytes.is_empty() {
            self.records.push(Record::Bytes {
                direction,
                bytes,
                literal: false,
                time: None,
                source_line: 0,
            });
        }
    }

    /// Sends one line (CRLF added). `fresh` is true on an attempt's first line.
    fn send(&mut self, line: &str, fresh: bool) -> Sent {
        let mut bytes = line.as_bytes().to_vec();
        bytes.extend_from_slice(b"\r\n");
        let context = self.explainer.context();
        let continuation = context
            .idling
            .clone()
            .or_else(|| context.authenticating.as_ref().map(|a| a.tag.clone()));
        let was_in_literal = self.mirror.in_literal();
        self.mirror.feed(&bytes);
        let out = self.session.receive(&bytes);
        let client = self.explainer.feed(Direction::Client, &bytes);
        self.record(Direction::Client, bytes);
        let server = self.explainer.feed(Direction::Server, &out.bytes);
        self.record(Direction::Server, out.bytes.clone());
        let tag = (fresh && !was_in_literal).then(|| {
            continuation.unwrap_or_else(|| {
                client
                    .iter()
                    .find_map(|a| a.tag.clone())
                    .unwrap_or_else(|| line.split(' ').next().unwrap_or("").to_owned())
            })
        });
        let tagged = server.iter().any(|a| a.kind == AnnotationKind::Tagged);
        if tagged && self.mirror.in_literal() {
            // The server refused a synchronizing literal: its bytes will not be sent.
            self.mirror.cancel();
        }
        let complete =
            self.session.is_closed() || (!self.mirror.in_literal() && !out.bytes.is_empty());
        Sent {
            client,
            server,
            bytes: out.bytes,
            complete,
            tag,
        }
    }

    /// Runs one event through the second client; returns what the learner's session
    /// received because of it (only when idling) and a description.
    fn event(&mut self, event: &Event) -> Result<(String, Vec<u8>), String> {
        let user = self.user();
        let lines: Vec<Vec<u8>>;
        let said: String;
        if let Some(d) = &event.deliver {
            let body = crlf(&d.text);
            let flags = if d.flags.is_empty() {
                String::new()
            } else {
                format!("({}) ", d.flags.join(" "))
            };
            let mut l =
                format!("APPEND {} {flags}{{{}}}\r\n", quote(&d.mailbox), body.len()).into_bytes();
            l.extend_from_slice(&body);
            lines = vec![l];
            let subject = d
                .text
                .lines()
                .find_map(|l| l.strip_prefix("Subject: "))
                .unwrap_or("(no subject)");
            said = format!(
                "Another client delivers a message to {}: \"{subject}\".",
                d.mailbox
            );
        } else if let Some(e) = &event.expunge {
            let set = uid_set(&e.uids);
            lines = vec![
                format!("SELECT {}", quote(&e.mailbox)).into_bytes(),
                format!("UID STORE {set} +FLAGS.SILENT (\\Deleted)").into_bytes(),
                b"EXPUNGE".to_vec(),
            ];
            said = format!("Another client expunges UID {set} from {}.", e.mailbox);
        } else if let Some(f) = &event.flags {
            let set = uid_set(&f.uids);
            let mut l = vec![format!("SELECT {}", quote(&f.mailbox)).into_bytes()];
            if !f.add.is_empty() {
                l.push(format!("UID STORE {set} +FLAGS.SILENT ({})", f.add.join(" ")).into_bytes());
            }
            if !f.remove.is_empty() {
                l.push(
                    format!("UID STORE {set} -FLAGS.SILENT ({})", f.remove.join(" ")).into_bytes(),
                );
            }
            lines = l;
            said = format!(
                "Another client changes the flags of UID {set} in {}.",
                f.mailbox
            );
        } else {
            let c = event.commands.clone().unwrap_or_default();
            lines = c.iter().map(|l| l.as_bytes().to_vec()).collect();
            said = format!("Another client sends: {}", c.join(" / "));
        }
        if self.other.is_none() {
            let password = self
                .store
                .lock()
                .account(&user)
                .map(|a| a.password.clone())
                .ok_or_else(|| format!("events: no user {user} in the fixture"))?;
            let (session, _) = Session::new(self.store.clone(), self.config.clone());
            self.other = Some(session);
            self.other_command(format!("LOGIN {} {}", quote(&user), quote(&password)).as_bytes())?;
        }
        for l in lines {
            self.other_command(&l)?;
        }
        self.records.push(Record::Note {
            text: said.clone(),
            source_line: 0,
        });
        let updates = self.session.poll_updates();
        Ok((said, updates))
    }

    /// One command of the second client; an error unless it ends in OK.
    fn other_command(&mut self, line: &[u8]) -> Result<(), String> {
        self.other_tags += 1;
        let tag = format!("e{}", self.other_tags);
        let mut bytes = format!("{tag} ").into_bytes();
        bytes.extend_from_slice(line);
        bytes.extend_from_slice(b"\r\n");
        let other = self.other.as_mut().ok_or("no second client")?;
        let out = other.receive(&bytes);
        let text = String::from_utf8_lossy(&out.bytes);
        let ok = format!("{tag} OK");
        if text.lines().any(|l| l.starts_with(&ok)) {
            Ok(())
        } else {
            let first = String::from_utf8_lossy(line)
                .lines()
                .next()
                .unwrap_or("")
                .to_owned();
            Err(format!(
                "the second client's `{first}` failed: {}",
                text.trim_end().replace("\r\n", " / ")
            ))
        }
    }

    /// The user the lesson acts for: the learner's, else the fixture's first.
    fn user(&self) -> String {
        if let Some(u) = self.session.user() {
            return u.to_owned();
        }
        self.store
            .lock()
            .accounts
            .first()
            .map(|a| a.name.clone())
            .unwrap_or_default()
    }

    /// Runs the state checks; the failures, in words.
    fn checks(&self, checks: &[StateCheck]) -> (Vec<String>, Vec<String>) {
        let mut passed = Vec::new();
        let mut failed = Vec::new();
        let user = self.user();
        let world = self.store.lock();
        for c in checks {
            let user = c.user.clone().unwrap_or_else(|| user.clone());
            let mailbox = world.account(&user).and_then(|a| a.real(&c.mailbox));
            if let Some(exists) = c.exists {
                let says = if exists { "exists" } else { "does not exist" };
                if mailbox.is_some() == exists {
                    passed.push(format!("mailbox {} {says}", c.mailbox));
                } else {
                    failed.push(format!(
                        "mailbox {} should be there: it {}",
                        c.mailbox,
                        if exists { "does not exist" } else { "exists" }
                    ));
                }
            }
            let Some(mb) = mailbox else {
                if c.exists != Some(false) {
                    failed.push(format!("mailbox {} of {user} does not exist", c.mailbox));
                }
                continue;
            };
            if let Some(n) = c.count {
                if mb.messages.len() == n {
                    passed.push(format!("{} holds {n} message{}", c.mailbox, plural(n)));
                } else {
                    failed.push(format!(
                        "{} should hold {n} message{}, it holds {}",
                        c.mailbox,
                        plural(n),
                        mb.messages.len()
                    ));
                }
            }
            if let Some(n) = c.uidnext {
                if mb.uidnext == n {
                    passed.push(format!("{}'s UIDNEXT is {n}", c.mailbox));
                } else {
                    failed.push(format!(
                        "{}'s UIDNEXT should be {n}, it is {}",
                        c.mailbox, mb.uidnext
                    ));
                }
            }
            if c.flags.is_empty() && c.not_flags.is_empty() {
                continue;
            }
            let (what, message) = match (c.message, c.uid) {
                (Some(n), _) => (
                    format!("message {n} of {}", c.mailbox),
                    mb.messages.get((n as usize).wrapping_sub(1)),
                ),
                (None, Some(u)) => (format!("UID {u} of {}", c.mailbox), mb.message(u)),
                (None, None) => continue,
            };
            let Some(m) = message else {
                failed.push(format!("{what} does not exist"));
                continue;
            };
            let has = |f: &str| {
                store::system_flag(f).map_or_else(|| m.flags.has_keyword(f), |b| m.flags.has(b))
            };
            let now = format!("({})", m.flags.render(false));
            for f in &c.flags {
                if has(f) {
                    passed.push(format!("{what} has {f}"));
                } else {
                    failed.push(format!("{what} should have {f}; its flags are {now}"));
                }
            }
            for f in &c.not_flags {
                if has(f) {
                    failed.push(format!("{what} should not have {f}; its flags are {now}"));
                } else {
                    passed.push(format!("{what} does not have {f}"));
                }
            }
        }
        (passed, failed)
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

/// Inline text to wire form, as fixtures do: every line break becomes CRLF.
fn crlf(text: &str) -> Vec<u8> {
    let mut out = Vec::new();
    for line in text.lines() {
        out.extend_from_slice(line.as_bytes());
        out.extend_from_slice(b"\r\n");
    }
    out
}

fn quote(s: &str) -> String {
    if !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "/._-&+".contains(c))
    {
        s.to_owned()
    } else {
        format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
    }
}

fn uid_set(uids: &[u32]) -> String {
    uids.iter()
        .map(u32::to_string)
        .collect::<Vec<_>>()
        .join(",")
}

/// The attempt in progress.
#[derive(Default)]
struct Attempt {
    tag: Option<String>,
    reply: Vec<u8>,
    lines: usize,
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
}

impl Runner {
    pub fn new(scenario: Scenario) -> Result<Runner, String> {
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

    pub fn scenario(&self) -> &Scenario {
        &self.scenario
    }

    /// The step the learner is on (0-based).
    pub fn step_index(&self) -> usize {
        self.step
    }

    pub fn is_finished(&self) -> bool {
        self.finished
    }

    /// What the learner's session sent and received, for `--record`.
    pub fn transcript(&self) -> Transcript {
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
        let mut out = vec![Show::Miss {
            reasons,
            diff: matcher::diff(&judgement.expected, &reply),
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
    pub fn restart_at(&mut self, step: usize) -> Vec<Show> {
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
    pub fn run_shown_step(&mut self) -> Option<StepRun> {
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
                Err(e) => event_errors.push(e),
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
    pub fn setup_error(&self) -> Option<&str> {
        self.setup_failed.as_deref()
    }
}

pub const HELP: &str = "Commands: :hint (a hint), :show (the command), :skip (type it for me), \
:explain LINE (explain a line without sending it), :restart (this step, on a fresh mock), \
:restart all (the lesson from the start), :quit.";
