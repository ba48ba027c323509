//! Shared helpers for the tests that run real programs next to the crate: the mock
//! server as a child process (`imap-tutor serve`), a real Dovecot from
//! `scripts/dovecot-lab.sh`, the mail clients installed by `scripts/ci-install.sh`, and
//! a small blocking IMAP client that reads whole responses (literals included).
//!
//! Used by `tests/mock_clients.rs` and `tests/mock_vs_dovecot.rs`, and meant to be
//! reused by the proxy and replay tests (`tests/proxy_*.rs`, `tests/replay_*.rs`):
//! put `mod support;` at the top of a test file and use what it needs.
//!
//! - [`MockServer`]: `imap-tutor serve --fixture F` on a free 127.0.0.1 port; killed
//!   when dropped.
//! - [`DovecotLab`]: a Dovecot of its own in a fresh `/tmp` folder, on free ports,
//!   optionally seeded with the strategos world; stopped and removed when dropped.
//! - [`require_program`] and [`DovecotLab::start`]: when something is missing the
//!   test fails and says to run `scripts/ci-install.sh`. The tests that need real
//!   programs are `#[ignore = "needs ..."]`: plain `cargo test` reports them as ignored,
//!   `cargo test -- --include-ignored` (what `.ci/run` does) runs them.
//! - [`Imap`]: connect, send, and read up to the tagged reply or a continuation.
//!
//! Nothing here talks to anything but 127.0.0.1. Timeouts guard against hangs only;
//! no test asserts on how long something took.
#![allow(dead_code)] // each test file uses a different part

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

/// The crate's root, for scripts and test data.
pub fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Makes sure this process may open `need` files (sockets count): the load tests hold
/// thousands of connections, both ends in this process, and a fresh machine's soft
/// limit is often 1,024. Raises the soft limit to the hard one with `prlimit`
/// (util-linux) when it is lower than `need`, which child processes then inherit; fails
/// saying what to do if the hard limit itself is too low. No `unsafe` needed.
pub fn raise_open_files(need: u64) {
    let limits = std::fs::read_to_string("/proc/self/limits").unwrap_or_default();
    let Some(line) = limits.lines().find(|l| l.starts_with("Max open files")) else {
        return; // not Linux: nothing to read, nothing to raise
    };
    let numbers: Vec<u64> = line
        .split_whitespace()
        .filter_map(|w| w.parse().ok())
        .collect();
    let (soft, hard) = match numbers[..] {
        [soft, hard, ..] => (soft, hard),
        _ => return, // "unlimited"
    };
    if soft >= need {
        return;
    }
    assert!(
        hard >= need,
        "this test needs {need} open files and the hard limit is {hard}: raise it (ulimit -Hn)"
    );
    let pid = std::process::id().to_string();
    let status = Command::new("prlimit")
        .args(["--pid", &pid, &format!("--nofile={hard}:{hard}")])
        .status();
    assert!(
        matches!(status, Ok(s) if s.success()),
        "this test needs {need} open files and the soft limit is {soft}; `prlimit` \
         (util-linux) could not raise it: run `ulimit -n {hard}` first ({status:?})"
    );
}

/// The bytes of `tests/data/strategos/N.eml` (CRLF, as APPENDed to the lab's Dovecot).
pub fn strategos_eml(n: u32) -> Vec<u8> {
    let path = repo().join(format!("tests/data/strategos/{n}.eml"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// A port nobody listens on right now. Another process may take it before we bind
/// it; callers that start servers retry with a new port when that happens.
pub fn free_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
    listener.local_addr().expect("local address").port()
}

/// A fresh, empty folder under /tmp (Dovecot's users must be able to traverse it).
pub fn fresh_dir(label: &str) -> PathBuf {
    static COUNTER: AtomicU32 = AtomicU32::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    let n = COUNTER.fetch_add(1, Ordering::SeqCst);
    let dir = PathBuf::from(format!(
        "/tmp/imap-tutor-{label}-{}-{n}-{nanos}",
        std::process::id()
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    dir
}

/// Fails the test, saying what to install, if `program` is not on PATH. The tests that
/// call it are `#[ignore]`d, so they run only when asked for (`--include-ignored`), and
/// then a missing program is an error, never a silent skip.
pub fn require_program(program: &str, package: &str) {
    assert!(
        on_path(program),
        "`{program}` is not installed (Debian package {package}). Run `sudo bash scripts/ci-install.sh`"
    );
}

pub fn on_path(program: &str) -> bool {
    std::env::var_os("PATH")
        .is_some_and(|paths| std::env::split_paths(&paths).any(|dir| dir.join(program).is_file()))
}

/// Runs a command to completion with no standard input, and panics with its output if
/// it could not start.
pub fn run(command: &mut Command) -> std::process::Output {
    command.stdin(Stdio::null());
    command
        .output()
        .unwrap_or_else(|e| panic!("cannot run {command:?}: {e}"))
}

/// The same for a command that leaves a daemon behind (`dovecot-lab.sh start`): its
/// output goes through files, because a daemon that inherits a pipe keeps it open and
/// `output()` would wait for it forever.
pub fn run_detached(command: &mut Command, scratch: &Path) -> std::process::Output {
    let (out_path, err_path) = (scratch.join("stdout"), scratch.join("stderr"));
    let file =
        |p: &Path| std::fs::File::create(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
    command
        .stdin(Stdio::null())
        .stdout(file(&out_path))
        .stderr(file(&err_path));
    let status = command
        .status()
        .unwrap_or_else(|e| panic!("cannot run {command:?}: {e}"));
    let stdout = std::fs::read(&out_path).unwrap_or_default();
    let stderr = std::fs::read(&err_path).unwrap_or_default();
    std::process::Output {
        status,
        stdout,
        stderr,
    }
}

// ------------------------------------------------------------------ the mock server

/// `imap-tutor serve --fixture FIXTURE` on a free port of 127.0.0.1, as a child process.
pub struct MockServer {
    child: Child,
    pub port: u16,
}

impl MockServer {
    /// Starts the server and waits until it accepts connections. `fixture` is a
    /// built-in name (`strategos`, `default`, `dovecot-lab`) or a YAML file.
    pub fn start(fixture: &str) -> MockServer {
        Self::start_with(env!("CARGO_BIN_EXE_imap-tutor"), fixture)
    }

    /// The same with another build of the binary (the benchmark uses the release one).
    pub fn start_with(binary: &str, fixture: &str) -> MockServer {
        for _ in 0..5 {
            let port = free_port();
            let mut child = Command::new(binary)
                .args([
                    "serve",
                    "--listen",
                    &format!("127.0.0.1:{port}"),
                    "--fixture",
                    fixture,
                ])
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap_or_else(|e| panic!("cannot start {binary}: {e}"));
            let deadline = Instant::now() + Duration::from_secs(20);
            while Instant::now() < deadline {
                if let Ok(Some(_)) = child.try_wait() {
                    break; // the port was taken meanwhile, or the fixture is bad
                }
                if TcpStream::connect(("127.0.0.1", port)).is_ok() {
                    return MockServer { child, port };
                }
                std::thread::sleep(Duration::from_millis(20));
            }
            let _ = child.kill();
            let _ = child.wait();
            let mut err = String::new();
            if let Some(mut stderr) = child.stderr.take() {
                let _ = stderr.read_to_string(&mut err);
            }
            if !err.contains("already in use") {
                panic!("imap-tutor serve --fixture {fixture} did not start:\n{err}");
            }
        }
        panic!("imap-tutor serve: no free port after 5 tries");
    }

    pub fn connect(&self) -> Imap {
        Imap::connect(self.port)
    }
}

impl Drop for MockServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

// ------------------------------------------------------------------ Dovecot

/// A running Dovecot of its own (`scripts/dovecot-lab.sh start DIR`), on free ports,
/// in a fresh folder under /tmp. Dropping it stops Dovecot (about 3 s) and removes
/// the folder.
pub struct DovecotLab {
    pub dir: PathBuf,
    /// The plaintext port (it offers STARTTLS).
    pub port: u16,
    /// The implicit-TLS port.
    pub tls_port: u16,
    /// The lab's self-signed certificate, which is also the CA to trust.
    pub ca: PathBuf,
}

impl DovecotLab {
    /// Starts Dovecot with `scripts/dovecot-lab.sh start DIR --plain-port N --tls-port M
    /// OPTIONS` (options as in the script: `--special-use`, `--auth-mechanisms plain`...).
    ///
    /// Fails the test with a message to run `scripts/ci-install.sh` when Dovecot is
    /// missing or we are not root (the tests that start it are `#[ignore]`d).
    pub fn start(options: &[&str]) -> DovecotLab {
        let missing = if !on_path("dovecot") && !Path::new("/usr/sbin/dovecot").exists() {
            Some("Dovecot is not installed (Debian package dovecot-imapd)")
        } else if !is_root() {
            Some("the Dovecot lab must run as root (Dovecot's master drops privileges itself)")
        } else {
            None
        };
        if let Some(why) = missing {
            panic!("{why}. Run `sudo bash scripts/ci-install.sh`");
        }
        let script = repo().join("scripts/dovecot-lab.sh");
        let mut last_error = String::new();
        for _ in 0..4 {
            let dir = fresh_dir("dovecot");
            let (port, tls_port) = (free_port(), free_port());
            if port == tls_port {
                continue;
            }
            let scratch = fresh_dir("dovecot-out");
            let out = run_detached(
                Command::new("bash")
                    .arg(&script)
                    .arg("start")
                    .arg(&dir)
                    .args(["--plain-port", &port.to_string()])
                    .args(["--tls-port", &tls_port.to_string()])
                    .args(options),
                &scratch,
            );
            let _ = std::fs::remove_dir_all(&scratch);
            if out.status.success() {
                return DovecotLab {
                    ca: dir.join("cert.pem"),
                    dir,
                    port,
                    tls_port,
                };
            }
            last_error = String::from_utf8_lossy(&out.stderr).into_owned();
            let _ = run(Command::new("bash").arg(&script).arg("stop").arg(&dir));
            let _ = std::fs::remove_dir_all(&dir);
            if !last_error.contains("already in use") && !last_error.contains("did not answer") {
                break;
            }
        }
        panic!("scripts/dovecot-lab.sh start failed:\n{last_error}");
    }

    /// `scripts/dovecot-lab.sh seed-strategos DIR`: strategos's INBOX holds the four
    /// messages of tests/data/strategos/, 1 and 3 \Seen, nothing \Recent, UIDVALIDITY
    /// 1719824692. Also empties it again if called a second time.
    pub fn seed_strategos(&self) {
        self.seed("seed-strategos");
    }

    /// `scripts/dovecot-lab.sh seed-lab DIR`: every user gets the world of
    /// `scenarios/fixtures/dovecot-lab.yaml`, the fixture the mock plays in the
    /// differential test (strategos's INBOX as [`Self::seed_strategos`] leaves it,
    /// learner's empty INBOX, reader's corpus). Empties every user's mail first, so
    /// it also resets the lab between batteries.
    pub fn seed_lab(&self) {
        self.seed("seed-lab");
    }

    /// `scripts/dovecot-lab.sh SUBCOMMAND DIR`, which must succeed.
    fn seed(&self, subcommand: &str) {
        let out = run(Command::new("bash")
            .arg(repo().join("scripts/dovecot-lab.sh"))
            .arg(subcommand)
            .arg(&self.dir));
        assert!(
            out.status.success(),
            "{subcommand} failed:\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }

    /// `doveadm -c DIR/dovecot.conf ARGS...`.
    pub fn doveadm(&self, args: &[&str]) -> std::process::Output {
        run(Command::new("doveadm")
            .arg("-c")
            .arg(self.dir.join("dovecot.conf"))
            .args(args))
    }

    pub fn connect(&self) -> Imap {
        Imap::connect(self.port)
    }
}

impl Drop for DovecotLab {
    fn drop(&mut self) {
        let _ = run(Command::new("bash")
            .arg(repo().join("scripts/dovecot-lab.sh"))
            .arg("stop")
            .arg(&self.dir));
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|out| String::from_utf8_lossy(&out.stdout).trim() == "0")
}

// ------------------------------------------------------------------ a small client

/// A blocking IMAP client that knows just enough grammar to find where a response
/// ends: a line, plus the bytes of every `{N}` literal it announces.
pub struct Imap {
    reader: BufReader<TcpStream>,
    writer: TcpStream,
    /// The greeting, as received.
    pub greeting: String,
}

/// How long a read may wait before the test gives up (a hang guard, not a measurement).
const READ_GUARD: Duration = Duration::from_secs(30);

impl Imap {
    pub fn connect(port: u16) -> Imap {
        let stream = TcpStream::connect(("127.0.0.1", port))
            .unwrap_or_else(|e| panic!("connect 127.0.0.1:{port}: {e}"));
        stream
            .set_read_timeout(Some(READ_GUARD))
            .expect("read timeout");
        let _ = stream.set_nodelay(true);
        let writer = stream.try_clone().expect("clone socket");
        let mut imap = Imap {
            reader: BufReader::new(stream),
            writer,
            greeting: String::new(),
        };
        imap.greeting = String::from_utf8_lossy(&imap.response()).into_owned();
        imap
    }

    pub fn send(&mut self, bytes: &[u8]) {
        self.writer.write_all(bytes).expect("send");
    }

    /// One response: a line and the literals it announces, CRLFs included. Empty at
    /// end of stream. Panics if nothing comes within the read guard.
    pub fn response(&mut self) -> Vec<u8> {
        self.try_response().unwrap_or_else(|(e, so_far)| {
            panic!("read: {e}; so far: {}", String::from_utf8_lossy(&so_far))
        })
    }

    /// The same, returning the error and what was read before it instead of panicking.
    pub fn try_response(&mut self) -> Result<Vec<u8>, (std::io::Error, Vec<u8>)> {
        let mut out = Vec::new();
        loop {
            let start = out.len();
            match self.reader.read_until(b'\n', &mut out) {
                Ok(0) => return Ok(out),
                Ok(_) => {}
                Err(e) => return Err((e, out)),
            }
            match literal_size(&out[start..]) {
                Some(n) => {
                    let mut literal = vec![0; n];
                    if let Err(e) = self.reader.read_exact(&mut literal) {
                        return Err((e, out));
                    }
                    out.extend(literal);
                }
                None => return Ok(out),
            }
        }
    }

    /// How long a read may wait before it fails (30 s unless changed).
    pub fn set_read_guard(&mut self, guard: Duration) {
        self.reader
            .get_ref()
            .set_read_timeout(Some(guard))
            .expect("read timeout");
    }

    /// Responses up to and including the first one `done` accepts (or the end of the
    /// stream).
    pub fn until(&mut self, mut done: impl FnMut(&[u8]) -> bool) -> Vec<u8> {
        let mut out = Vec::new();
        loop {
            let response = self.response();
            if response.is_empty() {
                return out;
            }
            out.extend_from_slice(&response);
            if done(&response) {
                return out;
            }
        }
    }

    /// Responses up to the tagged one for `tag`.
    pub fn until_tagged(&mut self, tag: &str) -> Vec<u8> {
        let prefix = format!("{tag} ");
        self.until(|r| r.starts_with(prefix.as_bytes()))
    }

    /// Sends `line` + CRLF and reads up to the reply tagged with its first word.
    pub fn command(&mut self, line: &str) -> String {
        self.send(format!("{line}\r\n").as_bytes());
        let tag = line.split(' ').next().unwrap_or("");
        String::from_utf8_lossy(&self.until_tagged(tag)).into_owned()
    }

    /// Sends `line` + CRLF and reads up to the tagged reply, asserting it is OK.
    pub fn ok(&mut self, line: &str) -> String {
        let reply = self.command(line);
        let tag = line.split(' ').next().unwrap_or("");
        let last = reply.lines().last().unwrap_or("");
        assert!(
            last.starts_with(&format!("{tag} OK")),
            "C: {line}\nS: {reply}"
        );
        reply
    }
}

/// `Some(n)` if `line` ends with a literal announcement `{n}` or `{n+}` and CRLF.
pub fn literal_size(line: &[u8]) -> Option<usize> {
    let line = line
        .strip_suffix(b"\r\n")
        .or_else(|| line.strip_suffix(b"\n"))?;
    let line = line.strip_suffix(b"}")?;
    let open = line.iter().rposition(|&b| b == b'{')?;
    let digits = &line[open + 1..];
    let digits = digits
        .strip_suffix(b"+")
        .or_else(|| digits.strip_suffix(b"-"))
        .unwrap_or(digits);
    if digits.is_empty() || !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    std::str::from_utf8(digits).ok()?.parse().ok()
}

// ------------------------------------------------------------------ packet captures

/// `tcpdump -i lo -w FILE tcp port PORT`, ready once it says it is listening.
pub struct Tcpdump {
    child: Child,
    /// What tcpdump writes to stderr after "listening on": at its end, its counts.
    report: std::thread::JoinHandle<String>,
}

/// What tcpdump said of its capture when it stopped.
#[derive(Debug)]
pub struct TcpdumpReport {
    /// "N packets dropped by kernel": packets the kernel had no room for before
    /// tcpdump read them (a busy machine), which no reader of the file can get back.
    pub dropped_by_kernel: u64,
    pub text: String,
}

impl Tcpdump {
    /// Stops once the file holds the server's answer to LOGOUT: tcpdump drops what is
    /// still in the kernel's buffer when it stops (the wait is a hang guard only).
    pub fn stop_after_logout(self, file: &Path) -> TcpdumpReport {
        let deadline = Instant::now() + Duration::from_secs(60);
        while !captured_to_the_end(file) {
            assert!(
                Instant::now() < deadline,
                "tcpdump never wrote the end of the session"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        self.stop()
    }

    pub fn start(file: &Path, port: u16) -> Tcpdump {
        // -B: a 256 MiB ring, so a burst on loopback waits there while tcpdump writes
        // (libpcap takes less if the kernel refuses that much); -U: each packet is in
        // the file at once, which stop_after_logout watches.
        let mut child = Command::new("tcpdump")
            .args(["-i", "lo", "-U", "-s", "0", "-B", "262144", "-w"])
            .arg(file)
            .arg(format!("tcp port {port}"))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start tcpdump");
        let stderr = child.stderr.take().expect("tcpdump's stderr");
        let mut lines = BufReader::new(stderr).lines();
        let ready = lines
            .by_ref()
            .map_while(Result::ok)
            .any(|l| l.contains("listening on"));
        assert!(ready, "tcpdump did not start listening");
        // Keep draining its stderr so it never blocks on a full pipe, and keep it for
        // the counts tcpdump prints when it stops.
        let report =
            std::thread::spawn(move || lines.map_while(Result::ok).collect::<Vec<_>>().join("\n"));
        Tcpdump { child, report }
    }

    /// SIGINT makes tcpdump flush and close its file, then print its counts.
    pub fn stop(mut self) -> TcpdumpReport {
        let _ = Command::new("kill")
            .args(["-INT", &self.child.id().to_string()])
            .status();
        let _ = self.child.wait();
        let text = self.report.join().unwrap_or_default();
        let dropped_by_kernel = text
            .lines()
            .find_map(|l| l.strip_suffix(" packets dropped by kernel"))
            .and_then(|n| n.trim().parse().ok())
            .unwrap_or(0);
        TcpdumpReport {
            dropped_by_kernel,
            text,
        }
    }
}

/// True once the capture holds the server's last words (LOGOUT's completion).
fn captured_to_the_end(capture: &Path) -> bool {
    let Ok(bytes) = std::fs::read(capture) else {
        return false;
    };
    // The last bytes a server sends to LOGOUT, wherever the capture ends.
    bytes.windows(16).any(|w| w == b"Logout completed")
}

/// Every session `imap-tutor` reads in a file (a capture, a rawlog with its other
/// half beside it, a log, a transcript), secrets masked.
pub fn import_sessions(path: &Path) -> Vec<imap_tutor::transcript::import::Session> {
    use imap_tutor::transcript::import::{read_sessions, Input};
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let sibling = |ext: &str| std::fs::read(path.with_extension(ext)).ok();
    read_sessions(
        &Input {
            bytes: &bytes,
            name: &path.display().to_string(),
            sibling: &sibling,
        },
        false,
    )
    .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// `scripts/imports/imaplib_session.py 127.0.0.1 PORT MODE BIG`: python imaplib's
/// session (`big` APPENDs and FETCHes a message of BIG bytes); panics if it fails.
pub fn imaplib_session(port: u16, mode: &str, big: usize) {
    let session = Command::new("python3")
        .arg(repo().join("scripts/imports/imaplib_session.py"))
        .args(["127.0.0.1", &port.to_string(), mode, &big.to_string()])
        .stdin(Stdio::null())
        .output()
        .expect("run python3");
    assert!(
        session.status.success(),
        "imaplib_session.py {mode}: {}",
        String::from_utf8_lossy(&session.stderr)
    );
}

/// `imap-tutor ARGS` run from the repository, without colour.
pub fn tutor(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_imap-tutor"))
        .args(args)
        .current_dir(repo())
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .output()
        .expect("run imap-tutor")
}

/// `imap-tutor diff EXPECTED ACTUAL`, which must find no difference; returns its verdict.
pub fn assert_same_sessions(expected: &str, actual: &str) -> String {
    let out = tutor(&["diff", expected, actual]);
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{text}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(text.starts_with("The sessions are the same"), "{text}");
    text
}
