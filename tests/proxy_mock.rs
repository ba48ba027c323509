//! The proxy between real sockets: clients → `imap-tutor proxy` → `imap-tutor serve`.
//!
//! Each test is a short session; the client waits for each tagged reply before the
//! next command, so the proxy's explanations come in a fixed order and can be
//! compared with a snapshot.

mod proxy_support;
mod support;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};

use proxy_support::{flat, normalize, Proxy};
use support::{free_port, Imap, MockServer};

fn proxy_to(mock: &MockServer, extra: &[&str]) -> Proxy {
    let upstream = format!("127.0.0.1:{}", mock.port);
    let mut args = vec!["--upstream", upstream.as_str()];
    args.extend_from_slice(extra);
    Proxy::start(&args)
}

#[test]
fn the_seed_session_through_the_proxy_is_explained_line_by_line() {
    let mock = MockServer::start("strategos");
    let proxy = proxy_to(&mock, &[]);
    let mut imap = Imap::connect(proxy.port);
    assert!(
        imap.greeting.starts_with("* OK [CAPABILITY IMAP4rev1"),
        "{}",
        imap.greeting
    );
    imap.ok("A LOGIN strategos tryhackme");
    let select = imap.ok("B SELECT inbox");
    assert!(select.contains("* 4 EXISTS"), "{select}");
    let fetch = imap.ok("C FETCH 3 body[]");
    assert!(fetch.contains("* 3 FETCH (BODY[] {445}"), "{fetch}");
    let bye = imap.command("D LOGOUT");
    assert!(bye.starts_with("* BYE"), "{bye}");
    // Read to the end: the server closes after LOGOUT, then the client does.
    assert!(imap.response().is_empty());
    drop(imap);
    let out = proxy.wait_for("session over", 1);
    proxy.stop();
    assert!(
        !out.contains("tryhackme"),
        "the password must not be shown:\n{out}"
    );
    insta::assert_snapshot!("seed_session_through_the_proxy", normalize(&out));
}

#[test]
fn several_clients_at_once_each_labelled() {
    let mock = MockServer::start("strategos");
    let proxy = proxy_to(&mock, &[]);
    let mut first = Imap::connect(proxy.port);
    let mut second = Imap::connect(proxy.port);
    first.ok("a1 LOGIN strategos tryhackme");
    second.ok("b1 LOGIN strategos tryhackme");
    second.ok("b2 EXAMINE INBOX");
    first.ok("a2 SELECT INBOX");
    first.ok("a3 LOGOUT");
    second.ok("b3 LOGOUT");
    drop((first, second));
    let out = proxy.wait_for("session over", 2);
    proxy.stop();
    assert!(
        out.lines().any(|l| l.starts_with("[1] C: a2 SELECT INBOX")),
        "{out}"
    );
    assert!(
        out.lines()
            .any(|l| l.starts_with("[2] C: b2 EXAMINE INBOX")),
        "{out}"
    );
    assert!(
        out.lines()
            .all(|l| l.starts_with("[1] ") || l.starts_with("[2] ")),
        "{out}"
    );
}

#[test]
fn a_client_that_stops_mid_literal_is_summarised_and_others_go_on() {
    let mock = MockServer::start("strategos");
    let proxy = proxy_to(&mock, &[]);
    let mut steady = Imap::connect(proxy.port);
    steady.ok("s1 LOGIN strategos tryhackme");

    let mut quitter = Imap::connect(proxy.port);
    quitter.ok("q1 LOGIN strategos tryhackme");
    quitter.send(b"q2 APPEND INBOX {1000}\r\n");
    let go_ahead = quitter.response();
    assert!(
        go_ahead.starts_with(b"+"),
        "{}",
        String::from_utf8_lossy(&go_ahead)
    );
    quitter.send(&[b'x'; 500]);
    drop(quitter);

    let out = proxy.wait_for("stopped in the middle of a literal", 1);
    assert!(flat(&out).contains("(500 of 1000 bytes)"), "{out}");
    // The other session is untouched.
    steady.ok("s2 SELECT INBOX");
    steady.ok("s3 LOGOUT");
    drop(steady);
    proxy.wait_for("session over", 2);
    proxy.stop();
}

#[test]
fn an_unreachable_server_gets_a_bye_and_a_reason() {
    let closed = free_port();
    let upstream = format!("127.0.0.1:{closed}");
    let proxy = Proxy::start(&["--upstream", &upstream]);
    let mut client = TcpStream::connect(("127.0.0.1", proxy.port)).unwrap();
    let mut got = String::new();
    client.read_to_string(&mut got).unwrap();
    assert!(
        got.starts_with("* BYE [UNAVAILABLE] imap-tutor proxy: cannot reach"),
        "{got}"
    );
    let out = proxy.wait_for("session over", 1);
    assert!(
        flat(&out).contains("refused the connection") && flat(&out).contains("nothing listens"),
        "{out}"
    );
    // The proxy is still there for the next client.
    let mut again = TcpStream::connect(("127.0.0.1", proxy.port)).unwrap();
    let mut got = String::new();
    again.read_to_string(&mut got).unwrap();
    assert!(got.starts_with("* BYE [UNAVAILABLE]"), "{got}");
    proxy.stop();
}

#[test]
fn a_misspelt_server_name_is_a_dns_failure() {
    let proxy = Proxy::start(&["--upstream", "no-such-host.invalid:143"]);
    let mut client = TcpStream::connect(("127.0.0.1", proxy.port)).unwrap();
    let mut got = String::new();
    client.read_to_string(&mut got).unwrap();
    assert!(got.contains("(dns)"), "{got}");
    let out = proxy.wait_for("session over", 1);
    assert!(
        flat(&out).contains("cannot find the host `no-such-host.invalid`"),
        "{out}"
    );
    proxy.stop();
}

#[test]
fn ctrl_c_closes_open_sessions_and_summarises_them() {
    let mock = MockServer::start("strategos");
    let proxy = proxy_to(&mock, &[]);
    let mut imap = Imap::connect(proxy.port);
    imap.ok("a1 LOGIN strategos tryhackme");
    proxy.wait_for("a1 OK", 1);
    let (out, err) = proxy.stop();
    assert!(flat(&out).contains("the proxy is stopping"), "{out}");
    assert!(
        flat(&out).contains("session over: the proxy ended the session"),
        "{out}"
    );
    assert!(err.contains("imap-tutor proxy: stopped"), "{err}");
    // The client sees the connection closed.
    assert!(imap.response().is_empty());
}

#[test]
fn recordings_read_back_with_explain() {
    let mock = MockServer::start("strategos");
    let dir = support::fresh_dir("proxy-record");
    let record = format!("{}/", dir.display());
    let proxy = proxy_to(&mock, &["--record", &record, "--quiet"]);
    let mut imap = Imap::connect(proxy.port);
    imap.ok("A LOGIN strategos tryhackme");
    imap.ok("B SELECT inbox");
    imap.ok("C FETCH 3 body[]");
    imap.command("D LOGOUT");
    drop(imap);
    proxy.wait_for("session over", 1);
    let (out, err) = proxy.stop();
    assert!(
        out.starts_with("[1] !! session over") && !out.contains(" C: "),
        "--quiet prints only the summary of each connection:\n{out}"
    );
    let files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(files.len(), 1, "{files:?}\n{err}");
    let text = std::fs::read_to_string(&files[0]).unwrap();
    assert!(text.starts_with("# imap-tutor transcript 1\n"), "{text}");
    assert!(
        text.contains("# connection: 1") && text.contains("# started: "),
        "{text}"
    );
    assert!(text.contains("C: A LOGIN strategos \"********\""), "{text}");
    assert!(!text.contains("tryhackme"), "{text}");

    let explained = Command::new(env!("CARGO_BIN_EXE_imap-tutor"))
        .args(["--color", "never", "explain"])
        .arg(&files[0])
        .output()
        .unwrap();
    assert!(
        explained.status.success(),
        "{}",
        String::from_utf8_lossy(&explained.stderr)
    );
    let explained = String::from_utf8_lossy(&explained.stdout);
    assert!(
        explained.contains("S: * 3 FETCH (BODY[] {445}"),
        "{explained}"
    );
    assert!(!explained.contains("tryhackme"), "{explained}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn connect_mock_explains_what_the_learner_types() {
    let history = support::fresh_dir("connect-history");
    let mut child = Command::new(env!("CARGO_BIN_EXE_imap-tutor"))
        .args(["--color", "never", "connect", "--mock"])
        .env("XDG_DATA_HOME", &history)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let script = "A LOGIN strategos tryhackme\r\nB SELECT inbox\r\nC APPEND INBOX {13}\r\nHello\r\nworld!!\r\nworld!\r\nD LOGOUT\r\n";
    // The learner types CRLF or LF; `connect` sends CRLF either way.
    child
        .stdin
        .take()
        .unwrap()
        .write_all(script.replace("\r\n", "\n").as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{text}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(text.contains("C: A LOGIN strategos ********"), "{text}");
    assert!(text.contains("INBOX holds 4 messages"), "{text}");
    assert!(
        text.contains("not sent: this line is 7 bytes"),
        "the overlong literal line is refused:\n{text}"
    );
    assert!(text.contains("C OK [APPENDUID"), "{text}");
    assert!(text.contains("S: * BYE"), "{text}");
    let _ = std::fs::remove_dir_all(&history);
}
