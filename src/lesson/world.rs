//! The lesson's world: the in-process mock, the learner's connection to it, a second
//! client for the lesson's events (another client delivers mail, expunges, changes
//! flags), and the explainer over the learner's bytes. The runner (`runner.rs`) decides
//! what to send and judges the replies; this file sends and records.

use std::sync::Arc;

use crate::explain::{Annotation, AnnotationKind, Explainer, Options};
use crate::mock::fixture::Fixture;
use crate::mock::store::{self, Store};
use crate::mock::{Config, Session};
use crate::transcript::{Direction, Record};
use crate::wire::{Frame, Framer};

use super::matcher::Vars;
use super::schema::{Event, StateCheck};
use super::LessonError;

/// Tracks whether the client's stream is inside a literal, and how much is left.
pub(super) struct Mirror {
    pub(super) framer: Framer,
    pub(super) remaining: u64,
}

impl Mirror {
    pub(super) fn new() -> Self {
        Mirror {
            framer: Framer::default(),
            remaining: 0,
        }
    }

    pub(super) fn feed(&mut self, bytes: &[u8]) {
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

    pub(super) fn in_literal(&self) -> bool {
        self.framer.in_literal()
    }

    /// Literal bytes still to come. The framer holds back a partial piece, so what it
    /// buffers counts as sent.
    pub(super) fn to_go(&self) -> u64 {
        self.remaining.saturating_sub(self.framer.pending() as u64)
    }

    pub(super) fn cancel(&mut self) {
        self.framer.cancel_literal();
        self.remaining = 0;
    }
}

/// The mock's world and the learner's connection to it.
pub(super) struct World {
    pub(super) store: Store,
    pub(super) config: Arc<Config>,
    pub(super) session: Session,
    /// The second client, for events; logged in on first use.
    pub(super) other: Option<Session>,
    pub(super) other_tags: usize,
    pub(super) explainer: Explainer,
    pub(super) mirror: Mirror,
    pub(super) records: Vec<Record>,
    pub(super) vars: Vars,
}

/// What sending one line produced.
pub(super) struct Sent {
    pub(super) client: Vec<Annotation>,
    pub(super) server: Vec<Annotation>,
    pub(super) bytes: Vec<u8>,
    pub(super) complete: bool,
    /// The tag `{tag}` stands for in this attempt, if this line began it.
    pub(super) tag: Option<String>,
}

impl World {
    pub(super) fn new(fixture: &Fixture) -> Result<(World, Vec<Annotation>), LessonError> {
        let (store, config) = fixture.build()?;
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

    pub(super) fn record(&mut self, direction: Direction, bytes: Vec<u8>) {
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
    pub(super) fn send(&mut self, line: &str, fresh: bool) -> Sent {
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
    pub(super) fn event(&mut self, event: &Event) -> Result<(String, Vec<u8>), LessonError> {
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
                .ok_or_else(|| LessonError::NoUser(user.clone()))?;
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
    pub(super) fn other_command(&mut self, line: &[u8]) -> Result<(), LessonError> {
        self.other_tags += 1;
        let tag = format!("e{}", self.other_tags);
        let mut bytes = format!("{tag} ").into_bytes();
        bytes.extend_from_slice(line);
        bytes.extend_from_slice(b"\r\n");
        let other = self.other.as_mut().ok_or(LessonError::NoSecondClient)?;
        let out = other.receive(&bytes);
        let text = String::from_utf8_lossy(&out.bytes);
        let ok = format!("{tag} OK");
        if text.lines().any(|l| l.starts_with(&ok)) {
            Ok(())
        } else {
            let command = String::from_utf8_lossy(line)
                .lines()
                .next()
                .unwrap_or("")
                .to_owned();
            Err(LessonError::EventFailed {
                command,
                reply: text.trim_end().replace("\r\n", " / "),
            })
        }
    }

    /// The user the lesson acts for: the learner's, else the fixture's first.
    pub(super) fn user(&self) -> String {
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
    pub(super) fn checks(&self, checks: &[StateCheck]) -> (Vec<String>, Vec<String>) {
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

pub(super) fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

/// Inline text to wire form, as fixtures do: every line break becomes CRLF.
pub(super) fn crlf(text: &str) -> Vec<u8> {
    let mut out = Vec::new();
    for line in text.lines() {
        out.extend_from_slice(line.as_bytes());
        out.extend_from_slice(b"\r\n");
    }
    out
}

pub(super) fn quote(s: &str) -> String {
    if !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "/._-&+".contains(c))
    {
        s.to_owned()
    } else {
        format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
    }
}

pub(super) fn uid_set(uids: &[u32]) -> String {
    uids.iter()
        .map(u32::to_string)
        .collect::<Vec<_>>()
        .join(",")
}
