//! The annotator: one per connection, on its own thread, reading the relay's tap.
//!
//! It feeds the copies to the sans-IO [`Explainer`], renders each annotation with
//! the connection's label (`[1]`, `[2]`...) so several sessions can share a terminal,
//! writes the recording, and at the end prints a summary of the session. It runs on a
//! blocking thread because rendering and writing files are blocking work, and the
//! relay must never wait for them (see [`super::relay`] for how it keeps up, or skips).

use std::io::Write;
use std::path::PathBuf;

use crate::explain::{Annotation, AnnotationKind, Explainer, Options};
use crate::render::{self, Format, TextStyle};
use crate::wire::Direction;

use super::record::Recorder;
use super::relay::{End, TapEvent, TapReceiver};

/// How a connection's annotations are shown and kept.
#[derive(Debug, Clone)]
pub struct Display {
    pub format: Format,
    pub style: TextStyle,
    /// Print nothing but each connection's first and last note.
    pub quiet: bool,
    pub show_secrets: bool,
}

/// How much of each literal the annotator keeps when not showing literals whole:
/// enough for an email's header fields and first lines.
const LITERAL_RETAIN: usize = 64 * 1024;

/// How many milliseconds the annotator looks for new events before it blocks.
const IDLE_POLLS: u32 = 20;

/// What the annotator learned, for the proxy's log.
#[derive(Debug, Clone, Default)]
pub(crate) struct Summary {
    pub(crate) recording: Option<PathBuf>,
    pub(crate) recording_error: Option<String>,
}

/// Per-direction bookkeeping.
#[derive(Debug, Default, Clone)]
struct Side {
    bytes: u64,
    skipped: u64,
    end: Option<End>,
}

/// Runs until the tap closes. `recorder` is the connection's recording, if any.
pub(crate) fn run(
    mut rx: TapReceiver,
    id: u64,
    display: Display,
    recorder: Option<Recorder>,
) -> Summary {
    let mut annotator = Annotator::new(id, display, recorder);
    while let Some(event) = next_event(&mut rx, &mut annotator.printer) {
        annotator.event(event);
        if let Some(position) = annotator.server_skip_until() {
            rx.skip_server_until(position);
        }
    }
    annotator.finish()
}

/// The next event of the tap, or None once it is closed. When nothing waits, it shows
/// what is pending, then looks again every millisecond for a while before blocking:
/// while a session is busy, the relay then never has to wake this thread (a futex and
/// a context switch per message, on cores the client and server need); an idle session
/// still costs nothing after IDLE_POLLS milliseconds.
fn next_event(rx: &mut TapReceiver, printer: &mut Printer) -> Option<TapEvent> {
    if let Some(event) = rx.try_next() {
        return Some(event);
    }
    printer.flush();
    for _ in 0..IDLE_POLLS {
        std::thread::sleep(std::time::Duration::from_millis(1));
        if let Some(event) = rx.try_next() {
            return Some(event);
        }
    }
    rx.blocking_next()
}

/// One connection's explainer, its counts, its printer and its recording.
struct Annotator {
    explainer: Explainer,
    sides: [Side; 2],
    printer: Printer,
    recorder: Option<Recorder>,
    /// Once client and server switch to TLS between themselves, the bytes are opaque.
    encrypted: bool,
    /// Set when the proxy answers STARTTLS itself: then TLS does not hide anything.
    proxy_tls: bool,
    commands: u64,
    last_time: f64,
    first_end: Option<(Direction, End)>,
}

impl Annotator {
    fn new(id: u64, display: Display, recorder: Option<Recorder>) -> Annotator {
        let mut explainer = Explainer::new(Options {
            show_secrets: display.show_secrets,
        });
        // A summary needs a literal's header and first lines; `--full` shows it whole.
        if !display.style.full {
            explainer.retain_literals(LITERAL_RETAIN);
        }
        Annotator {
            explainer,
            sides: [Side::default(), Side::default()],
            printer: Printer {
                id,
                display,
                pending: Vec::new(),
            },
            recorder,
            encrypted: false,
            proxy_tls: false,
            commands: 0,
            last_time: 0.0,
            first_end: None,
        }
    }

    fn event(&mut self, event: TapEvent) {
        match event {
            TapEvent::Bytes {
                direction,
                bytes,
                time,
            } => self.bytes(direction, &bytes, time),
            TapEvent::Counted { direction, bytes } => {
                self.sides[index(direction)].bytes += bytes;
                if !self.explainer.skip_server_literal(bytes) {
                    // Cannot happen while the positions agree; if they ever do not,
                    // what the explainer missed is a gap, never a guess.
                    self.explainer.gap(direction);
                }
            }
            TapEvent::ProxyTls => self.proxy_tls = true,
            TapEvent::Gap { direction, skipped } => {
                if !self.counted_gap(direction, skipped) {
                    self.gap(direction, skipped);
                }
            }
            TapEvent::Note { text, time } => {
                self.last_time = time;
                self.note(&text, Some(time));
            }
            TapEvent::End {
                direction,
                how,
                time,
                ..
            } => {
                self.last_time = time;
                if self.first_end.is_none() {
                    self.first_end = Some((direction, how.clone()));
                }
                self.sides[index(direction)].end = Some(how);
            }
        }
    }

    /// Where in the server's stream the literal it is sending ends, when the rest of it
    /// need not be copied for us: the explainer would only count it, and there is no
    /// recording (a recording keeps every byte) and no TLS between the two ends.
    fn server_skip_until(&self) -> Option<u64> {
        let skip = self.explainer.server_literal_to_skip();
        (skip > 0 && self.recorder.is_none() && !self.encrypted)
            .then(|| self.sides[index(Direction::Server)].bytes + skip)
    }

    /// A note on the screen and in the recording.
    fn note(&mut self, text: &str, time: Option<f64>) {
        self.printer.note(text, time);
        if let Some(r) = self.recorder.as_mut() {
            r.note(text);
        }
    }

    fn bytes(&mut self, direction: Direction, bytes: &[u8], time: f64) {
        self.last_time = time;
        self.sides[index(direction)].bytes += bytes.len() as u64;
        if let Some(r) = self.recorder.as_mut() {
            r.bytes(direction, bytes, time);
        }
        if self.encrypted {
            return;
        }
        for mut a in self.explainer.feed(direction, bytes) {
            a.time = Some(time);
            if a.kind == AnnotationKind::Command {
                self.commands += 1;
            }
            let upgraded = !self.proxy_tls
                && a.kind == AnnotationKind::Tagged
                && a.command.as_deref() == Some("STARTTLS")
                && a.display
                    .split(' ')
                    .nth(1)
                    .is_some_and(|w| w.eq_ignore_ascii_case("OK"));
            self.printer.annotation(&a);
            if upgraded {
                self.encrypted = true;
                let text = "the client and the server now speak TLS to each other, through the proxy: it \
                            relays the encrypted bytes unchanged but cannot read them, so the explanations stop \
                            here. To see inside, run the proxy with --starttls (it then does TLS with the server \
                            itself) and tell the client not to use STARTTLS";
                self.note(text, Some(time));
            }
        }
    }

    /// A gap that lies wholly in server literal data the explainer would only count
    /// (past what it keeps of the literal) lost nothing it explains: the tap skipped
    /// those bytes because the annotator had not yet asked for them to be counted
    /// (it was behind, [`super::relay::TAP_BUDGET`]). They are counted then, and
    /// framing goes on. Not with a recording (it keeps every byte, so its gap is real)
    /// nor once the session is encrypted.
    fn counted_gap(&mut self, direction: Direction, skipped: u64) -> bool {
        if direction != Direction::Server || self.recorder.is_some() || self.encrypted {
            return false;
        }
        if !self.explainer.skip_server_literal(skipped) {
            return false;
        }
        self.sides[index(direction)].bytes += skipped;
        true
    }

    fn gap(&mut self, direction: Direction, skipped: u64) {
        let side = &mut self.sides[index(direction)];
        side.skipped += skipped;
        side.bytes += skipped;
        self.explainer.gap(direction);
        if let Some(r) = self.recorder.as_mut() {
            r.gap(direction, skipped);
        }
        let who = if direction == Direction::Client {
            "client"
        } else {
            "server"
        };
        let text = format!(
            "the annotator fell behind and skipped {skipped} bytes from the {who} (they were relayed \
             unchanged; only the explanation and the recording miss them); explaining again from the next line that starts a command or a response, and hiding what the client sends until the server answers a command sent after the gap (until then a password could pass for something else)"
        );
        self.note(&text, None);
    }

    /// Shows what the session left unfinished and the closing summary; closes the
    /// recording.
    fn finish(mut self) -> Summary {
        let unfinished: Vec<Annotation> = if self.encrypted {
            Vec::new()
        } else {
            self.explainer.finish()
        };
        let mut cut_literal = None;
        for a in &unfinished {
            for lit in &a.literals {
                if lit.received < lit.size {
                    cut_literal = Some((a.direction, lit.received, lit.size));
                }
            }
            self.printer.annotation(a);
        }
        let sides = &self.sides;
        let mut summary = Summary::default();
        let text = summarize(
            sides,
            self.first_end.as_ref(),
            &self.explainer,
            self.commands,
            cut_literal,
            self.last_time,
        );
        self.printer.closing(&text, self.last_time);
        if let Some(mut r) = self.recorder {
            r.note(&text);
            r.finish(self.last_time);
            summary.recording_error = r.failed.clone();
            summary.recording = Some(r.path.clone());
        }
        summary
    }
}

fn index(direction: Direction) -> usize {
    match direction {
        Direction::Client => 0,
        Direction::Server => 1,
    }
}

fn summarize(
    sides: &[Side; 2],
    first_end: Option<&(Direction, End)>,
    explainer: &Explainer,
    commands: u64,
    cut: Option<(Option<Direction>, u64, u64)>,
    time: f64,
) -> String {
    let first = match first_end {
        Some((direction, how)) => {
            let who = if *direction == Direction::Client {
                "client"
            } else {
                "server"
            };
            match how {
                End::Closed => format!("the {who} closed the connection"),
                End::ReadFailed(e) => format!("reading from the {who} failed: {e}"),
                End::WriteFailed(e) => format!(
                    "the {} stopped receiving: {e}",
                    if who == "client" { "server" } else { "client" }
                ),
                End::Stopped => "the proxy ended the session".to_string(),
            }
        }
        None => "the proxy ended the session".to_string(),
    };
    let ctx = explainer.context();
    let mut parts = vec![format!(
        "session over: {first}; {} bytes from the client, {} from the server, {commands} command{} in {time:.1} s",
        sides[0].bytes,
        sides[1].bytes,
        if commands == 1 { "" } else { "s" }
    )];
    match (&ctx.user, &ctx.selected, ctx.state) {
        (Some(user), _, _) if ctx.logged_out => parts.push(format!("{user} logged out")),
        (Some(user), _, crate::grammar::State::Logout) => {
            parts.push(format!("the server ended {user}'s session with BYE"))
        }
        (Some(user), Some(selected), _) => {
            parts.push(format!("logged in as {user}, {} selected", selected.name))
        }
        (Some(user), None, _) => parts.push(format!("logged in as {user}")),
        _ => {}
    }
    if let Some((direction, received, size)) = cut {
        let who = if direction == Some(Direction::Client) {
            "client"
        } else {
            "server"
        };
        parts.push(format!(
            "the {who} stopped in the middle of a literal ({received} of {size} bytes); the proxy closed the other side cleanly"
        ));
    }
    let skipped = sides[0].skipped + sides[1].skipped;
    if skipped > 0 {
        parts.push(format!(
            "{skipped} bytes relayed but not explained (the annotator fell behind)"
        ));
    }
    parts.join("; ")
}

/// Writes annotations with the connection's label, one locked write each, so lines of
/// several connections never interleave within an annotation.
struct Printer {
    id: u64,
    display: Display,
    /// Rendered text not yet written: flushed when no more events wait, so a burst
    /// of messages costs one write, not one per message.
    pending: Vec<u8>,
}

impl Printer {
    fn annotation(&mut self, a: &Annotation) {
        if self.display.quiet {
            return;
        }
        self.write(a);
    }

    fn note(&mut self, text: &str, time: Option<f64>) {
        if self.display.quiet {
            return;
        }
        self.write(&note(text, time));
    }

    /// The last note of a session is shown even with `--quiet`.
    fn closing(&mut self, text: &str, time: f64) {
        self.write(&note(text, Some(time)));
        self.flush();
    }

    fn write(&mut self, a: &Annotation) {
        let mut buf = Vec::new();
        match self.display.format {
            Format::Json => {
                let mut value = serde_json::to_value(a).unwrap_or_default();
                if let Some(map) = value.as_object_mut() {
                    map.insert("connection".into(), self.id.into());
                }
                let _ = serde_json::to_writer(&mut buf, &value);
                buf.push(b'\n');
            }
            Format::Text => {
                let mut text = Vec::new();
                let _ = render::write_text(&mut text, a, self.display.style);
                let label = format!("[{}] ", self.id);
                for line in String::from_utf8_lossy(&text).lines() {
                    buf.extend_from_slice(label.as_bytes());
                    buf.extend_from_slice(line.as_bytes());
                    buf.push(b'\n');
                }
            }
        }
        self.pending.extend_from_slice(&buf);
        if self.pending.len() > 64 * 1024 {
            self.flush();
        }
    }

    /// Writes what was rendered, in one locked write (so connections never interleave
    /// inside an annotation).
    fn flush(&mut self) {
        if self.pending.is_empty() {
            return;
        }
        let mut out = std::io::stdout().lock();
        let _ = out.write_all(&self.pending).and_then(|_| out.flush());
        self.pending.clear();
    }
}

/// An annotation for something the proxy did or saw.
pub(crate) fn note(text: &str, time: Option<f64>) -> Annotation {
    Annotation::note(text, time)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::net::relay;
    use crate::render::{Format, TextStyle};

    fn annotator() -> Annotator {
        let style = TextStyle {
            color: false,
            width: 100,
            full: false,
        };
        let display = Display {
            format: Format::Text,
            style,
            quiet: false,
            show_secrets: false,
        };
        Annotator::new(1, display, None)
    }

    fn bytes(a: &mut Annotator, direction: Direction, bytes: &[u8]) {
        a.event(TapEvent::Bytes {
            direction,
            bytes: bytes.to_vec(),
            time: 0.0,
        });
    }

    /// A FETCH of a 1 MB message, with `skipped` bytes of its literal lost at `at`.
    fn fetch_with_gap(at: usize, skipped: usize) -> String {
        const SIZE: usize = 1_000_000;
        let mut a = annotator();
        bytes(&mut a, Direction::Server, b"* OK ready\r\n");
        bytes(&mut a, Direction::Client, b"a1 FETCH 1 BODY[]\r\n");
        bytes(
            &mut a,
            Direction::Server,
            b"* 1 FETCH (BODY[] {1000000}\r\n",
        );
        // Short lines: the summary shows the first few, and the test's output stays small.
        let text: Vec<u8> = b"a line of the body\r\n"
            .iter()
            .copied()
            .cycle()
            .take(SIZE)
            .collect();
        bytes(&mut a, Direction::Server, &text[..at]);
        a.event(TapEvent::Gap {
            direction: Direction::Server,
            skipped: skipped as u64,
        });
        bytes(&mut a, Direction::Server, &text[at + skipped..]);
        bytes(
            &mut a,
            Direction::Server,
            b")\r\na1 OK Fetch completed.\r\n",
        );
        String::from_utf8(std::mem::take(&mut a.printer.pending)).unwrap()
    }

    /// The second leak of issue 10, through the proxy's own parts: a tap whose budget
    /// the client's APPEND literal overflows (the annotator has not read a byte yet, as
    /// when it falls behind), then LOGIN and AUTHENTICATE PLAIN. The tap's real
    /// overflow makes the gap; neither the screen nor the recording may show a secret.
    #[test]
    fn after_the_tap_overflows_no_secret_reaches_the_screen_or_the_recording() {
        const PASSWORD: &str = "s3cr3t-pw";
        // "\0strategos\0s3cr3t-pw" in base64: AUTHENTICATE PLAIN's response.
        const PLAIN: &str = "AHN0cmF0ZWdvcwBzM2NyM3QtcHc=";
        let (tap, mut rx) = relay::tap_with_budget(4096);
        let offer = |direction, bytes: &[u8]| tap.offer(direction, bytes);
        assert!(offer(Direction::Server, b"* OK ready\r\n"));
        assert!(offer(Direction::Client, b"a1 APPEND INBOX {300000}\r\n"));
        assert!(offer(Direction::Server, b"+ OK\r\n"));
        let literal = vec![b'x'; 300_000];
        let offered: Vec<bool> = literal
            .chunks(relay::BUFFER)
            .map(|piece| offer(Direction::Client, piece))
            .collect();
        assert!(offered.iter().all(|taken| !taken), "the budget overflowed");
        // The literal's last bytes and everything after fit again.
        for (direction, bytes) in [
            (Direction::Client, b"\r\n".as_slice()),
            (Direction::Server, b"a1 OK Append completed.\r\n"),
            (Direction::Client, b"a2 LOGIN strategos s3cr3t-pw\r\n"),
            (Direction::Server, b"a2 OK Logged in\r\n"),
            (Direction::Client, b"a3 AUTHENTICATE PLAIN\r\n"),
            (Direction::Server, b"+ \r\n"),
            (Direction::Client, b"AHN0cmF0ZWdvcwBzM2NyM3QtcHc=\r\n"),
            (Direction::Server, b"a3 OK Logged in\r\n"),
            (Direction::Client, b"a4 LOGOUT\r\n"),
            (
                Direction::Server,
                b"* BYE Logging out\r\na4 OK Logout completed.\r\n",
            ),
        ] {
            assert!(
                offer(direction, bytes),
                "{}",
                String::from_utf8_lossy(bytes)
            );
        }
        drop(tap);

        let dir = std::env::temp_dir().join(format!("imap-tutor-tap-gap-{}", std::process::id()));
        let path = dir.join("gap.txt");
        let recorder = Recorder::create(path.clone(), Vec::new(), false).unwrap();
        let mut a = annotator();
        a.recorder = Some(recorder);
        let mut gaps = 0;
        while let Some(event) = rx.try_next() {
            gaps += usize::from(matches!(event, TapEvent::Gap { .. }));
            a.event(event);
        }
        assert_eq!(gaps, 1, "the tap's overflow is one gap");
        let screen = String::from_utf8(std::mem::take(&mut a.printer.pending)).unwrap();
        a.finish();
        let recording = std::fs::read_to_string(&path).unwrap();
        let _ = std::fs::remove_dir_all(&dir);
        for (what, text) in [("screen", &screen), ("recording", &recording)] {
            assert!(
                !text.contains(PASSWORD),
                "{what} shows the password:\n{text}"
            );
            assert!(
                !text.contains(PLAIN),
                "{what} shows AUTHENTICATE data:\n{text}"
            );
            assert!(text.contains("a4 OK Logout completed."), "{what}:\n{text}");
        }
        assert!(screen.contains("fell behind"), "{screen}");
        assert!(
            recording.contains("back in step after the gap"),
            "{recording}"
        );
    }

    #[test]
    fn a_gap_in_literal_data_that_is_only_counted_loses_nothing() {
        // Past the 64 KiB kept: as if counted, the reply is explained to its end.
        let shown = fetch_with_gap(LITERAL_RETAIN + 10, 500_000);
        assert!(!shown.contains("fell behind"), "{shown}");
        assert!(shown.contains("a1 OK Fetch completed."), "{shown}");
        // Inside what is kept, the loss is real: said so, framing restarts.
        let shown = fetch_with_gap(1_000, 500_000);
        assert!(
            shown.contains("fell behind and skipped 500000 bytes"),
            "{shown}"
        );
    }
}
