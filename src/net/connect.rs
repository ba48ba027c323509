//! `imap-tutor connect`: an annotating telnet, so one terminal is enough.
//!
//! The learner types lines (with line editing and history); each is sent with CRLF,
//! explained, and the server's answers are explained as they arrive. Three parts:
//!
//! - [`Typist`], sans-IO: what a typed line becomes on the wire. Its one subtle job
//!   is literals: after a line ending in `{n}` and the server's `+`, the next lines
//!   *are* the literal, and their byte count (CRLFs included) is checked against `n`
//!   before anything is sent, because a wrong count desynchronises the session in a
//!   way a learner cannot see.
//! - the explainer thread: the only owner of the [`Explainer`]; it gets what was sent
//!   and what came back, in order, prints the annotations, and tells the input loop
//!   when the server has answered (a `+` or the tagged completion).
//! - the link: a server over TCP (with TLS or STARTTLS from [`super::upstream`]), or
//!   the mock server's sans-IO session run in-process (`--mock`).

use std::io::Write;
use std::sync::mpsc as std_mpsc;
use std::sync::Arc;
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::sync::mpsc;

use crate::explain::{Annotation, AnnotationKind, Explainer, Options};
use crate::render::{self, TextStyle};
use crate::wire::framer::literal_header;
use crate::wire::Direction;

use super::upstream::{self, Target};

/// How long the prompt waits for the server's answer before showing up anyway (the
/// answer is still printed when it comes).
const ANSWER_WAIT: Duration = Duration::from_secs(5);

/// What happens to a typed line.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(crate) struct Step {
    /// Bytes to send now (may be empty).
    pub(crate) send: Vec<u8>,
    /// Warnings and hints for the learner.
    pub(crate) notes: Vec<String>,
    /// What to wait for before the next prompt.
    pub(crate) wait: Wait,
}

/// What the input loop waits for after sending.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(crate) enum Wait {
    /// Nothing: prompt again at once (inside a literal, or nothing was sent).
    #[default]
    Nothing,
    /// The server's `+` (or a tagged refusal) after a synchronizing literal's line.
    Continuation,
    /// The tagged completion of this tag (or a `+`, for IDLE and AUTHENTICATE).
    Answer(String),
}

/// A literal being typed.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Typing {
    size: u64,
    bytes: Vec<u8>,
    tag: String,
}

/// The sans-IO line discipline of `connect`. See the module documentation.
#[derive(Debug, Default)]
pub(crate) struct Typist {
    /// The tag of the command whose synchronizing literal waits for `+`, and its size.
    awaiting: Option<(String, u64)>,
    typing: Option<Typing>,
    /// The tag of the command being typed (kept across its literals).
    current_tag: Option<String>,
    /// True when connected in plain text: typing STARTTLS would strand the session.
    pub(crate) plain_text: bool,
}

impl Typist {
    /// True while the learner is typing a literal's lines.
    pub(crate) fn in_literal(&self) -> bool {
        self.typing.is_some()
    }

    /// The prompt to show.
    pub(crate) fn prompt(&self) -> String {
        match &self.typing {
            Some(t) => format!("literal {}/{}> ", t.bytes.len(), t.size),
            None => "C: ".to_string(),
        }
    }

    /// A line the learner typed (without its ending).
    pub(crate) fn line(&mut self, text: &str) -> Step {
        if let Some(mut typing) = self.typing.take() {
            return self.literal_line(&mut typing, text);
        }
        let mut step = Step::default();
        let words: Vec<&str> = text.split_whitespace().collect();
        if self.plain_text && words.len() == 2 && words[1].eq_ignore_ascii_case("STARTTLS") {
            step.notes.push(
                "not sent: after STARTTLS the server waits for a TLS handshake, which this plain-text session cannot \
                 do. Reconnect with `imap-tutor connect HOST:PORT --starttls` and imap-tutor does it for you (or --tls \
                 on port 993)"
                    .into(),
            );
            return step;
        }
        // After a literal, the line goes on with the same command (and tag).
        let continuing = self.current_tag.is_some();
        let tag = self
            .current_tag
            .take()
            .or_else(|| words.first().map(|w| w.to_string()))
            .unwrap_or_default();
        step.send = format!("{text}\r\n").into_bytes();
        match literal_header(text.as_bytes()).filter(|h| h.size > 0) {
            Some(header) if header.kind.is_synchronizing() => {
                self.awaiting = Some((tag.clone(), header.size));
                self.current_tag = Some(tag);
                step.wait = Wait::Continuation;
            }
            Some(header) => {
                // {n+}: the literal follows without waiting for the server.
                self.typing = Some(Typing {
                    size: header.size,
                    bytes: Vec::new(),
                    tag: tag.clone(),
                });
                self.current_tag = Some(tag);
                step.notes.push(format!(
                    "non-synchronizing literal: type its {} bytes now (each Enter counts as 2 bytes, CR LF)",
                    header.size
                ));
            }
            None if continuing || words.len() >= 2 => step.wait = Wait::Answer(tag),
            None => {}
        }
        step
    }

    /// A line from the server. Returns a note for the learner when the line changes
    /// what they should type next.
    pub(crate) fn server_line(&mut self, line: &[u8]) -> Option<String> {
        let (tag, size) = self.awaiting.clone()?;
        if line.starts_with(b"+") {
            self.awaiting = None;
            self.typing = Some(Typing {
                size,
                bytes: Vec::new(),
                tag,
            });
            return Some(format!(
                "the server is ready for the literal: type its {size} bytes; each Enter counts as 2 bytes (CR LF), \
                 except the one that ends the literal exactly"
            ));
        }
        if line.starts_with(format!("{tag} ").as_bytes()) {
            self.awaiting = None;
            self.current_tag = None;
            return Some(
                "the server refused the literal before it was sent: type a new command".into(),
            );
        }
        None
    }

    fn literal_line(&mut self, typing: &mut Typing, text: &str) -> Step {
        let mut step = Step::default();
        let size = typing.size as usize;
        let have = typing.bytes.len();
        let with_line = have + text.len();
        if with_line == size {
            // The literal ends exactly at the end of this line: the Enter ends the command.
            step.send = text.as_bytes().to_vec();
            step.send.extend_from_slice(b"\r\n");
            step.wait = Wait::Answer(typing.tag.clone());
            self.current_tag = None;
            return step;
        }
        if with_line + 2 <= size {
            typing.bytes.extend_from_slice(text.as_bytes());
            typing.bytes.extend_from_slice(b"\r\n");
            step.send = format!("{text}\r\n").into_bytes();
            if typing.bytes.len() == size {
                step.notes.push(
                    "the literal is complete: now type the rest of the command (often nothing: just press Enter)".into(),
                );
            } else {
                self.typing = Some(typing.clone());
            }
            return step;
        }
        let left = size - have;
        step.notes.push(format!(
            "not sent: this line is {} bytes (plus 2 for CR LF), but the literal has only {left} byte{} left of the {size} \
             announced. The server counts bytes, not lines: it would take the first {left} as the literal and read the \
             rest as a new command. Type a shorter line (exactly {left} bytes ends the literal{})",
            text.len(),
            if left == 1 { "" } else { "s" },
            if left >= 2 { format!(", or {} bytes and Enter", left - 2) } else { String::new() }
        ));
        self.typing = Some(typing.clone());
        step
    }
}

/// What `connect` talks to.
pub enum Peer {
    Server(Target),
    /// The mock server, in-process, from a fixture name or file.
    Mock {
        fixture: String,
    },
}

/// How `connect` shows things.
#[derive(Debug, Clone, Copy)]
pub struct Look {
    pub style: TextStyle,
    pub show_secrets: bool,
}

/// What the explainer thread hears.
enum Heard {
    Sent(Vec<u8>),
    Received(Vec<u8>),
    Note(String),
    Closed(String),
}

/// What the explainer thread tells the input loop.
#[derive(Debug)]
enum Answer {
    /// A server line: `+ ...`, or a tagged completion.
    Line(Vec<u8>),
    Closed,
}

/// Why `connect` cannot start or go on.
#[derive(Debug)]
pub enum ConnectError {
    /// The terminal cannot be opened.
    Terminal(rustyline::error::ReadlineError),
    /// Reading a line from the terminal failed.
    Read(rustyline::error::ReadlineError),
    /// tokio's runtime does not start.
    Runtime(std::io::Error),
    Tls(super::tls::TlsError),
    Upstream(upstream::UpstreamError),
    Fixture(crate::mock::fixture::FixtureError),
    /// A line was typed after the connection closed.
    Closed,
}

impl std::fmt::Display for ConnectError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ConnectError::Terminal(e) => write!(f, "cannot open the terminal: {e}"),
            ConnectError::Read(e) => write!(f, "reading the terminal failed: {e}"),
            ConnectError::Runtime(e) => write!(f, "cannot start the async runtime: {e}"),
            ConnectError::Tls(e) => write!(f, "{e}"),
            ConnectError::Upstream(e) => write!(f, "{e}"),
            ConnectError::Fixture(e) => write!(f, "{e}"),
            ConnectError::Closed => f.write_str("the connection is closed"),
        }
    }
}

impl std::error::Error for ConnectError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            ConnectError::Terminal(e) | ConnectError::Read(e) => Some(e),
            ConnectError::Runtime(e) => Some(e),
            ConnectError::Tls(e) => Some(e),
            ConnectError::Upstream(e) => Some(e),
            ConnectError::Fixture(e) => Some(e),
            ConnectError::Closed => None,
        }
    }
}

/// Runs the session until the learner quits (Ctrl-D, `.quit`) or the server closes.
pub fn run(peer: Peer, look: Look) -> Result<(), ConnectError> {
    let (heard_tx, heard_rx) = std_mpsc::channel::<Heard>();
    let (answer_tx, answer_rx) = std_mpsc::channel::<Answer>();
    let mut editor = rustyline::DefaultEditor::new().map_err(ConnectError::Terminal)?;
    let history = super::tls::data_dir().join("connect-history.txt");
    let _ = editor.load_history(&history);
    let printer = editor.create_external_printer().ok();
    let explainer_thread =
        std::thread::spawn(move || explain_loop(heard_rx, answer_tx, look, printer));

    let mut link = match peer {
        Peer::Server(target) => Link::connect(target, heard_tx.clone())?,
        Peer::Mock { fixture } => Link::mock(&fixture, heard_tx.clone())?,
    };
    let mut typist = Typist {
        plain_text: link.plain_text,
        ..Typist::default()
    };
    let _ = heard_tx.send(Heard::Note(
        "type IMAP commands, each starting with a tag (a1 CAPABILITY); Ctrl-D or .quit ends the session".into(),
    ));
    // The greeting arrives by itself; give it a moment so the first prompt comes after it.
    wait_for(
        &answer_rx,
        &mut typist,
        &Wait::Answer("*".into()),
        Duration::from_millis(500),
        &heard_tx,
    );

    let result = loop {
        if link.closed() {
            break Ok(());
        }
        let line = match editor.readline(&typist.prompt()) {
            Ok(line) => line,
            Err(rustyline::error::ReadlineError::Interrupted) if typist.in_literal() => {
                let _ = heard_tx.send(Heard::Note(
                    "the server waits for the literal's bytes; finish it, or Ctrl-D to quit".into(),
                ));
                continue;
            }
            Err(
                rustyline::error::ReadlineError::Interrupted | rustyline::error::ReadlineError::Eof,
            ) => break Ok(()),
            Err(e) => break Err(ConnectError::Read(e)),
        };
        if !typist.in_literal() && line.trim() == ".quit" {
            break Ok(());
        }
        if !typist.in_literal() {
            let _ = editor.add_history_entry(line.as_str());
        }
        let step = typist.line(&line);
        for note in &step.notes {
            let _ = heard_tx.send(Heard::Note(note.clone()));
        }
        if !step.send.is_empty() {
            let _ = heard_tx.send(Heard::Sent(step.send.clone()));
            if let Err(e) = link.send(&step.send) {
                let _ = heard_tx.send(Heard::Closed(e.to_string()));
                break Ok(());
            }
        }
        wait_for(&answer_rx, &mut typist, &step.wait, ANSWER_WAIT, &heard_tx);
    };
    if let Some(parent) = history.parent() {
        let _ = std::fs::create_dir_all(parent);
    }
    let _ = editor.save_history(&history);
    link.close();
    // The link holds a sender too: the explainer thread ends when every sender is gone.
    drop(link);
    drop(heard_tx);
    let _ = explainer_thread.join();
    result
}

/// Waits until the server answers what `wait` asks for, or `patience` runs out.
fn wait_for(
    answers: &std_mpsc::Receiver<Answer>,
    typist: &mut Typist,
    wait: &Wait,
    patience: Duration,
    notes: &std_mpsc::Sender<Heard>,
) {
    let hear = |typist: &mut Typist, line: &[u8]| {
        if let Some(note) = typist.server_line(line) {
            let _ = notes.send(Heard::Note(note));
        }
    };
    if *wait == Wait::Nothing {
        // Still take note of any `+` that came meanwhile.
        while let Ok(Answer::Line(line)) = answers.try_recv() {
            hear(typist, &line);
        }
        return;
    }
    let deadline = std::time::Instant::now() + patience;
    loop {
        let left = deadline.saturating_duration_since(std::time::Instant::now());
        match answers.recv_timeout(left) {
            Ok(Answer::Line(line)) => {
                hear(typist, &line);
                let done = match wait {
                    Wait::Continuation => line.starts_with(b"+") || !typist.awaiting_anything(),
                    Wait::Answer(tag) if tag == "*" => true,
                    Wait::Answer(tag) => {
                        line.starts_with(b"+") || line.starts_with(format!("{tag} ").as_bytes())
                    }
                    Wait::Nothing => true,
                };
                if done {
                    return;
                }
            }
            Ok(Answer::Closed) | Err(_) => return,
        }
    }
}

impl Typist {
    fn awaiting_anything(&self) -> bool {
        self.awaiting.is_some()
    }
}

fn explain_loop(
    heard: std_mpsc::Receiver<Heard>,
    answers: std_mpsc::Sender<Answer>,
    look: Look,
    printer: Option<impl rustyline::ExternalPrinter>,
) {
    let mut explainer = Explainer::new(Options {
        show_secrets: look.show_secrets,
    });
    let mut printer = printer;
    let mut print = |text: String| match printer.as_mut() {
        Some(p) => {
            let _ = p.print(text);
        }
        None => {
            let mut out = std::io::stdout().lock();
            let _ = out.write_all(text.as_bytes()).and_then(|_| out.flush());
        }
    };
    let render = |a: &Annotation| {
        let mut buf = Vec::new();
        let _ = render::write_text(&mut buf, a, look.style);
        String::from_utf8_lossy(&buf).into_owned()
    };
    while let Ok(event) = heard.recv() {
        match event {
            Heard::Sent(bytes) => {
                for a in explainer.feed(Direction::Client, &bytes) {
                    // The learner sees what they typed; the explanation is what is new.
                    print(render(&a));
                }
            }
            Heard::Received(bytes) => {
                for a in explainer.feed(Direction::Server, &bytes) {
                    print(render(&a));
                    if matches!(
                        a.kind,
                        AnnotationKind::Continuation
                            | AnnotationKind::Tagged
                            | AnnotationKind::Greeting
                    ) {
                        let first = if a.kind == AnnotationKind::Greeting {
                            b"* greeting".to_vec()
                        } else {
                            a.raw.clone()
                        };
                        let _ = answers.send(Answer::Line(first));
                    }
                }
            }
            Heard::Note(text) => print(render(&super::annotate::note(&text, None))),
            Heard::Closed(why) => {
                for a in explainer.finish() {
                    print(render(&a));
                }
                print(render(&super::annotate::note(&why, None)));
                let _ = answers.send(Answer::Closed);
            }
        }
    }
}

/// The other end: a socket driven by a small tokio runtime, or the in-process mock.
struct Link {
    kind: LinkKind,
    plain_text: bool,
    closed: Arc<std::sync::atomic::AtomicBool>,
}

enum LinkKind {
    Net {
        tx: mpsc::UnboundedSender<Vec<u8>>,
        runtime: Option<tokio::runtime::Runtime>,
    },
    Mock {
        session: Box<crate::mock::Session>,
        heard: std_mpsc::Sender<Heard>,
    },
}

impl Link {
    fn connect(target: Target, heard: std_mpsc::Sender<Heard>) -> Result<Link, ConnectError> {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .map_err(ConnectError::Runtime)?;
        let tls = match target.security {
            upstream::Security::Plain => None,
            _ => Some(super::tls::client_config(&target.trust).map_err(ConnectError::Tls)?),
        };
        let connected = runtime
            .block_on(upstream::connect(&target, tls))
            .map_err(ConnectError::Upstream)?;
        let plain_text = target.security == upstream::Security::Plain;
        let _ = heard.send(Heard::Note(format!(
            "connected to {} ({})",
            target.label(),
            connected.peer
        )));
        if let Some(preamble) = &connected.preamble {
            for (by_us, line) in &preamble.exchange {
                let text = String::from_utf8_lossy(line).trim_end().to_string();
                let who = if *by_us {
                    "imap-tutor → server"
                } else {
                    "server → imap-tutor"
                };
                let _ = heard.send(Heard::Note(format!(
                    "{who}: {text}   (--starttls: done for you before your session)"
                )));
            }
            let (greeting, changed) = upstream::greeting_after_starttls(preamble);
            if let Some(why) = changed {
                let _ = heard.send(Heard::Note(why));
            }
            let _ = heard.send(Heard::Received(greeting));
        }
        let closed = Arc::new(std::sync::atomic::AtomicBool::new(false));
        let (tx, mut rx) = mpsc::unbounded_channel::<Vec<u8>>();
        let (mut read, mut write) = tokio::io::split(connected.stream);
        let reader_closed = closed.clone();
        runtime.spawn(async move {
            let mut buf = vec![0u8; 64 * 1024];
            let why = loop {
                match read.read(&mut buf).await {
                    Ok(0) => break "the server closed the connection".to_string(),
                    Ok(n) => {
                        let _ = heard.send(Heard::Received(buf[..n].to_vec()));
                    }
                    Err(e) => {
                        break format!(
                            "reading from the server failed: {}",
                            super::relay::describe_io(&e)
                        )
                    }
                }
            };
            reader_closed.store(true, std::sync::atomic::Ordering::Release);
            let _ = heard.send(Heard::Closed(why));
        });
        runtime.spawn(async move {
            while let Some(bytes) = rx.recv().await {
                if write.write_all(&bytes).await.is_err() || write.flush().await.is_err() {
                    break;
                }
            }
            let _ = write.shutdown().await;
        });
        Ok(Link {
            kind: LinkKind::Net {
                tx,
                runtime: Some(runtime),
            },
            plain_text,
            closed,
        })
    }

    fn mock(fixture: &str, heard: std_mpsc::Sender<Heard>) -> Result<Link, ConnectError> {
        let (store, config) = crate::mock::fixture::load(fixture).map_err(ConnectError::Fixture)?;
        let (session, greeting) = crate::mock::Session::new(store, Arc::new(config));
        let _ = heard.send(Heard::Note(format!(
            "the built-in mock server, in this process (fixture {fixture}): nothing leaves this machine"
        )));
        let _ = heard.send(Heard::Received(greeting));
        let closed = Arc::new(std::sync::atomic::AtomicBool::new(false));
        Ok(Link {
            kind: LinkKind::Mock {
                session: Box::new(session),
                heard,
            },
            plain_text: false,
            closed,
        })
    }

    fn closed(&self) -> bool {
        self.closed.load(std::sync::atomic::Ordering::Acquire)
    }

    fn send(&mut self, bytes: &[u8]) -> Result<(), ConnectError> {
        match &mut self.kind {
            LinkKind::Net { tx, .. } => tx.send(bytes.to_vec()).map_err(|_| ConnectError::Closed),
            LinkKind::Mock { session, heard } => {
                let output = session.receive(bytes);
                if !output.bytes.is_empty() {
                    let _ = heard.send(Heard::Received(output.bytes.clone()));
                }
                if output.is_closed() {
                    self.closed
                        .store(true, std::sync::atomic::Ordering::Release);
                    let _ = heard.send(Heard::Closed(
                        "the mock server closed the connection".into(),
                    ));
                }
                Ok(())
            }
        }
    }

    fn close(&mut self) {
        match &mut self.kind {
            LinkKind::Net { tx, runtime } => {
                let (closed, _) = mpsc::unbounded_channel();
                *tx = closed;
                if let Some(runtime) = runtime.take() {
                    runtime.shutdown_timeout(Duration::from_secs(1));
                }
            }
            LinkKind::Mock { session, heard } => {
                if !self.closed.load(std::sync::atomic::Ordering::Acquire) {
                    let output = session.end_of_input();
                    if !output.bytes.is_empty() {
                        let _ = heard.send(Heard::Received(output.bytes));
                    }
                    let _ = heard.send(Heard::Closed("you closed the session".into()));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_plain_line_is_sent_with_crlf_and_waits_for_its_tag() {
        let mut t = Typist::default();
        let step = t.line("a1 NOOP");
        assert_eq!(step.send, b"a1 NOOP\r\n");
        assert_eq!(step.wait, Wait::Answer("a1".into()));
    }

    #[test]
    fn a_literal_is_counted_before_it_is_sent() {
        // C: a1 APPEND INBOX {13}   S: + OK   C: Hello   C: world!
        let mut t = Typist::default();
        assert_eq!(t.line("a1 APPEND INBOX {13}").wait, Wait::Continuation);
        assert!(t.server_line(b"+ OK\r\n").is_some());
        assert_eq!(t.prompt(), "literal 0/13> ");
        assert_eq!(t.line("Hello").send, b"Hello\r\n");
        assert_eq!(t.prompt(), "literal 7/13> ");
        let too_long = t.line("world!!");
        assert!(
            too_long.send.is_empty() && too_long.notes[0].contains("6 bytes left"),
            "{too_long:?}"
        );
        let last = t.line("world!");
        assert_eq!(last.send, b"world!\r\n");
        assert_eq!(last.wait, Wait::Answer("a1".into()));
        assert!(!t.in_literal());
    }

    #[test]
    fn a_literal_that_ends_with_crlf_asks_for_the_rest_of_the_command() {
        let mut t = Typist::default();
        t.line("a2 LOGIN strategos {11}");
        t.server_line(b"+ OK\r\n");
        let step = t.line("tryhackme");
        assert!(step.notes[0].contains("rest of the command"), "{step:?}");
        assert_eq!(t.line("").send, b"\r\n");
    }

    #[test]
    fn a_refused_literal_ends_literal_mode() {
        let mut t = Typist::default();
        t.line("a3 APPEND Nowhere {5}");
        assert!(t
            .server_line(b"a3 NO [TRYCREATE] Mailbox doesn't exist: Nowhere\r\n")
            .is_some());
        assert!(!t.in_literal());
        assert_eq!(t.line("a4 NOOP").send, b"a4 NOOP\r\n");
    }

    #[test]
    fn starttls_in_plain_text_is_explained_not_sent() {
        let mut t = Typist {
            plain_text: true,
            ..Typist::default()
        };
        let step = t.line("a1 STARTTLS");
        assert!(step.send.is_empty() && step.notes[0].contains("--starttls"));
    }
}
