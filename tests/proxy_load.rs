//! The proxy under load, with faulty sessions beside it: 200 sessions at once through
//! `imap-tutor proxy` get exactly the bytes `imap-tutor serve` sends a client that
//! talks to it directly, while other clients misbehave next to them (close at once,
//! vanish in the middle of a literal, send binary noise or a megabyte line with no
//! end, never read what they asked for, half-close, dribble, idle). Afterwards the
//! proxy still serves a new session, byte for byte.
//!
//! Loopback only; bounded in count; every wait has a hang guard, and nothing asserts
//! how long anything took.

mod proxy_support;
mod support;

use std::io::{Read, Write};
use std::net::{Shutdown, TcpStream};
use std::sync::{Arc, Barrier};
use std::time::Duration;

use proxy_support::{Proxy, GUARD};
use support::MockServer;

const SESSIONS: usize = 200;
/// Each kind of fault, this many times.
const FAULTY_EACH: usize = 5;

/// One whole session, pipelined: read-only, so every session gets the same answers.
const SCRIPT: &[u8] = b"a1 LOGIN strategos tryhackme\r\n\
a2 EXAMINE INBOX\r\n\
a3 FETCH 1:* (UID FLAGS RFC822.SIZE BODY.PEEK[])\r\n\
a4 UID SEARCH ALL\r\n\
a5 LIST \"\" *\r\n\
a6 STATUS INBOX (MESSAGES UIDNEXT UNSEEN)\r\n\
a7 LOGOUT\r\n";

/// Connects to `port` and reads everything until the server closes.
fn session(port: u16, script: &[u8]) -> Vec<u8> {
    let mut s = TcpStream::connect(("127.0.0.1", port)).expect("connect");
    s.set_read_timeout(Some(GUARD)).unwrap();
    s.write_all(script).expect("send the script");
    let mut got = Vec::new();
    s.read_to_end(&mut got)
        .expect("read to the end (hang guard)");
    got
}

/// A message of `size` bytes, stored up front so that each session fetches a big literal.
fn store_big_message(port: u16, size: usize) {
    let mut body = b"From: load@example.org\r\nSubject: big\r\n\r\n".to_vec();
    while body.len() < size {
        body.extend_from_slice(
            b"0123456789abcdefghijklmnopqrstuvwxyz0123456789abcdefghijklmnopqrstuv\r\n",
        );
    }
    let mut script = format!(
        "a1 LOGIN strategos tryhackme\r\na2 APPEND INBOX {{{}+}}\r\n",
        body.len()
    )
    .into_bytes();
    script.extend_from_slice(&body);
    script.extend_from_slice(b"\r\na3 LOGOUT\r\n");
    let got = String::from_utf8_lossy(&session(port, &script)).into_owned();
    assert!(got.contains("a2 OK [APPENDUID"), "{got}");
}

/// One faulty client of kind `kind`; returns when it is done misbehaving.
fn faulty(port: u16, kind: usize) {
    let Ok(mut s) = TcpStream::connect(("127.0.0.1", port)) else {
        return;
    };
    s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    let mut buf = [0u8; 4096];
    let _ = s.read(&mut buf); // the greeting, mostly
    let _ = match kind {
        // Gone at once.
        0 => Ok(()),
        // Vanishes in the middle of a literal it announced.
        1 => {
            s.write_all(b"a1 LOGIN strategos tryhackme\r\na2 APPEND INBOX {100000+}\r\nFrom: x\r\n")
        }
        // Binary noise, NULs included.
        2 => {
            let noise: Vec<u8> = (0u32..50_000)
                .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
                .collect();
            s.write_all(&noise)
        }
        // A megabyte line with no end.
        3 => s.write_all(&vec![b'x'; 1 << 20]),
        // Asks for much more than its buffers hold and never reads it.
        4 => {
            // EXAMINE: a SELECT would take the \Recent flags the good sessions see.
            let mut ask = b"a1 LOGIN strategos tryhackme\r\na2 EXAMINE INBOX\r\n".to_vec();
            for n in 0..40 {
                ask.extend_from_slice(format!("f{n} FETCH 5 BODY.PEEK[]\r\n").as_bytes());
            }
            s.write_all(&ask)
        }
        // Half-closes after LOGOUT and reads the rest.
        5 => s.write_all(b"a1 LOGOUT\r\n").and_then(|_| {
            s.shutdown(Shutdown::Write)?;
            s.read_to_end(&mut Vec::new()).map(|_| ())
        }),
        // Dribbles a command a few bytes at a time.
        6 => b"a1 LOGIN strategos tryhackme\r\na2 NOOP\r\n"
            .chunks(3)
            .try_for_each(|piece| {
                std::thread::sleep(Duration::from_millis(5));
                s.write_all(piece)
            }),
        // Idles a while, saying nothing.
        _ => {
            std::thread::sleep(Duration::from_millis(500));
            Ok(())
        }
    };
    // Dropped without a goodbye: a close, or a reset if unread bytes remain.
}

#[test]
fn two_hundred_proxied_sessions_are_byte_identical_to_direct_beside_faulty_ones() {
    // 200 good and 40 faulty clients, each a socket here and two in the proxy.
    support::raise_open_files(4096);
    let mock = MockServer::start("default");
    store_big_message(mock.port, 300_000);
    let direct = session(mock.port, SCRIPT);
    assert!(
        direct.len() > 300_000
            && String::from_utf8_lossy(&direct).contains("\r\na7 OK Logout completed"),
        "{}",
        String::from_utf8_lossy(&direct[direct.len().saturating_sub(300)..])
    );
    assert_eq!(
        session(mock.port, SCRIPT),
        direct,
        "the mock is not deterministic"
    );

    let upstream = format!("127.0.0.1:{}", mock.port);
    let proxy = Proxy::start(&["--upstream", &upstream, "--quiet"]);
    let port = proxy.port;
    let start = Arc::new(Barrier::new(SESSIONS + 8 * FAULTY_EACH));
    let mut good = Vec::new();
    for _ in 0..SESSIONS {
        let start = start.clone();
        good.push(std::thread::spawn(move || {
            start.wait();
            session(port, SCRIPT)
        }));
    }
    let mut bad = Vec::new();
    for kind in 0..8 {
        for _ in 0..FAULTY_EACH {
            let start = start.clone();
            bad.push(std::thread::spawn(move || {
                start.wait();
                faulty(port, kind);
            }));
        }
    }
    for (i, handle) in good.into_iter().enumerate() {
        let got = handle.join().expect("a good session");
        if got != direct {
            let at = got
                .iter()
                .zip(&direct)
                .position(|(a, b)| a != b)
                .unwrap_or(got.len().min(direct.len()));
            let around = |b: &[u8]| {
                String::from_utf8_lossy(&b[at.saturating_sub(80)..(at + 80).min(b.len())])
                    .into_owned()
            };
            panic!(
                "session {i}: {} bytes through the proxy, {} direct; first difference at byte {at}:\n{}\n---\n{}",
                got.len(),
                direct.len(),
                around(&got),
                around(&direct)
            );
        }
    }
    for handle in bad {
        handle.join().expect("a faulty session");
    }
    // Still there, still exact.
    assert_eq!(session(port, SCRIPT), direct, "a session after the storm");
    let (_, stderr) = proxy.stop();
    assert!(!stderr.contains("panicked"), "{stderr}");
}
