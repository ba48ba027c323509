//! Helpers for the proxy tests: `imap-tutor proxy` as a child process, its output
//! collected as it comes, and SHA-256 digests of streams for the byte-exactness tests.
//!
//! The proxy is started on port 0 and its banner (on stderr) names the port. It is
//! stopped with SIGTERM, which it handles like Ctrl-C: sessions are closed and
//! summarised, recordings flushed. Waits are hang guards only; no test asserts on how
//! long anything took.
#![allow(dead_code)] // each test file uses a different part

use std::io::{BufRead, BufReader, Read};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How long to wait for output before declaring a hang.
pub const GUARD: Duration = Duration::from_secs(120);

/// A running `imap-tutor proxy`.
pub struct Proxy {
    child: Child,
    pub port: u16,
    stdout: Arc<Mutex<String>>,
    stderr: Arc<Mutex<String>>,
    readers: Vec<std::thread::JoinHandle<()>>,
}

impl Proxy {
    /// `imap-tutor --color never proxy --listen 127.0.0.1:0 ARGS...`
    pub fn start(args: &[&str]) -> Proxy {
        Self::start_with_env(args, &[])
    }

    pub fn start_with_env(args: &[&str], env: &[(&str, &str)]) -> Proxy {
        let mut command = Command::new(env!("CARGO_BIN_EXE_imap-tutor"));
        command
            .args(["--color", "never", "proxy", "--listen", "127.0.0.1:0"])
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        for (k, v) in env {
            command.env(k, v);
        }
        let mut child = command.spawn().expect("start imap-tutor proxy");
        let stdout = Arc::new(Mutex::new(String::new()));
        let stderr = Arc::new(Mutex::new(String::new()));
        let (port_tx, port_rx) = std::sync::mpsc::channel();
        let err_pipe = child.stderr.take().expect("stderr");
        let err_buf = stderr.clone();
        let err_reader = std::thread::spawn(move || {
            let mut port_tx = Some(port_tx);
            for line in BufReader::new(err_pipe).lines() {
                let Ok(line) = line else { break };
                if let Some(tx) = port_tx.as_ref() {
                    if let Some(port) = banner_port(&line) {
                        let _ = tx.send(port);
                        port_tx = None;
                    }
                }
                err_buf.lock().unwrap().push_str(&line);
                err_buf.lock().unwrap().push('\n');
            }
        });
        let out_pipe = child.stdout.take().expect("stdout");
        let out_buf = stdout.clone();
        let out_reader = std::thread::spawn(move || {
            let mut reader = BufReader::new(out_pipe);
            let mut chunk = [0u8; 8192];
            loop {
                match reader.read(&mut chunk) {
                    Ok(0) | Err(_) => break,
                    Ok(n) => out_buf
                        .lock()
                        .unwrap()
                        .push_str(&String::from_utf8_lossy(&chunk[..n])),
                }
            }
        });
        let port = match port_rx.recv_timeout(Duration::from_secs(30)) {
            Ok(port) => port,
            Err(_) => {
                let _ = child.kill();
                let _ = child.wait();
                panic!("the proxy did not start:\n{}", stderr.lock().unwrap());
            }
        };
        Proxy {
            child,
            port,
            stdout,
            stderr,
            readers: vec![err_reader, out_reader],
        }
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Everything the proxy printed on stdout so far.
    pub fn stdout(&self) -> String {
        self.stdout.lock().unwrap().clone()
    }

    pub fn stderr(&self) -> String {
        self.stderr.lock().unwrap().clone()
    }

    /// Waits until stdout contains `needle` at least `times` times (wherever lines were
    /// wrapped: see [`flat`]); returns stdout.
    pub fn wait_for(&self, needle: &str, times: usize) -> String {
        let deadline = Instant::now() + GUARD;
        loop {
            let out = self.stdout();
            if flat(&out).matches(needle).count() >= times {
                return out;
            }
            assert!(
                Instant::now() < deadline,
                "waited for {times}× `{needle}` in the proxy's output:\n{out}\nstderr:\n{}",
                self.stderr()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Waits for stderr to contain `needle`.
    pub fn wait_for_stderr(&self, needle: &str) -> String {
        let deadline = Instant::now() + GUARD;
        loop {
            let err = self.stderr();
            if err.contains(needle) {
                return err;
            }
            assert!(
                Instant::now() < deadline,
                "waited for `{needle}` on the proxy's stderr:\n{err}"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// The proxy's peak resident memory so far, in KiB (`VmHWM`), on Linux.
    pub fn peak_rss_kib(&self) -> Option<u64> {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id())).ok()?;
        let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
        line.split_whitespace().nth(1)?.parse().ok()
    }

    /// SIGTERM (handled like Ctrl-C), then waits; returns (stdout, stderr).
    pub fn stop(mut self) -> (String, String) {
        let _ = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status();
        let deadline = Instant::now() + GUARD;
        loop {
            if let Ok(Some(_)) = self.child.try_wait() {
                break;
            }
            if Instant::now() > deadline {
                let _ = self.child.kill();
                let _ = self.child.wait();
                panic!("the proxy did not stop on SIGTERM:\n{}", self.stderr());
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        for reader in self.readers.drain(..) {
            let _ = reader.join();
        }
        (self.stdout(), self.stderr())
    }
}

impl Drop for Proxy {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// `imap-tutor proxy: listening on 127.0.0.1:PORT (` → PORT.
fn banner_port(line: &str) -> Option<u16> {
    let rest = line.split("listening on ").nth(1)?;
    let addr = rest.split(' ').next()?;
    addr.rsplit(':').next()?.parse().ok()
}

/// Replaces what changes from run to run (client ports, durations) so output can be
/// compared with a snapshot.
pub fn normalize(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for line in text.lines() {
        let line = replace_number_after(line, "127.0.0.1:", "PORT");
        let line = replace_seconds(&line);
        out.push_str(&line);
        out.push('\n');
    }
    out
}

/// `prefix` followed by digits: the digits become `with`.
fn replace_number_after(line: &str, prefix: &str, with: &str) -> String {
    let mut out = String::new();
    let mut rest = line;
    while let Some(i) = rest.find(prefix) {
        let after = &rest[i + prefix.len()..];
        let digits = after.chars().take_while(char::is_ascii_digit).count();
        out.push_str(&rest[..i + prefix.len()]);
        if digits > 0 {
            out.push_str(with);
        }
        rest = &after[digits..];
    }
    out.push_str(rest);
    out
}

/// `in 0.3 s` (a session's duration) becomes `in T s`.
fn replace_seconds(line: &str) -> String {
    let words: Vec<&str> = line.split(' ').collect();
    let mut out: Vec<&str> = Vec::with_capacity(words.len());
    for (i, word) in words.iter().enumerate() {
        let is_time = i > 0
            && words[i - 1] == "in"
            && words
                .get(i + 1)
                .is_some_and(|w| *w == "s" || w.starts_with("s;"))
            && word.parse::<f64>().is_ok();
        out.push(if is_time { "T" } else { word });
    }
    out.join(" ")
}

/// The text without labels and wrapping: every line's `[n] ` and indentation removed,
/// joined with spaces, so a test can look for a phrase wherever it was wrapped.
pub fn flat(text: &str) -> String {
    let mut words = Vec::new();
    for line in text.lines() {
        let line = match line.split_once("] ") {
            Some((label, rest)) if label.starts_with('[') => rest,
            _ => line,
        };
        words.extend(line.split_whitespace());
    }
    words.join(" ")
}

/// A streaming SHA-256, as hex.
pub struct Digest(ring::digest::Context);

impl Default for Digest {
    fn default() -> Self {
        Digest(ring::digest::Context::new(&ring::digest::SHA256))
    }
}

impl Digest {
    pub fn update(&mut self, bytes: &[u8]) {
        self.0.update(bytes);
    }

    pub fn hex(self) -> String {
        self.0
            .finish()
            .as_ref()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    }
}

/// Runs `python3 -c SCRIPT ARGS...` and returns its stdout; panics with its stderr on failure.
pub fn python(script: &str, args: &[&str]) -> String {
    let out = Command::new("python3")
        .arg("-c")
        .arg(script)
        .args(args)
        .stdin(Stdio::null())
        .output()
        .expect("run python3");
    assert!(
        out.status.success(),
        "python3 failed:\nstdout:\n{}\nstderr:\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}
