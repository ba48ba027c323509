//! `serve` under load and under hostile clients: loopback only, bounded in count and in
//! time (every wait has a hang guard; nothing asserts how long anything took).
//!
//! - 500 clients at once, each a whole session;
//! - 1,000 idle connections, then a new client is still served;
//! - a client sending a byte every 200 ms before login is cut off by the login
//!   deadline; a client that never reads is cut off by the write timeout;
//! - replies streamed from the store are byte-exact (FETCH of a 3 MB message, its
//!   parts and partials), and APPEND stops at the store's limit.

mod support;

use std::sync::Arc;
use std::time::Duration;

use imap_tutor::mock::{fixture, Config, Store};
use imap_tutor::net::serve::{bind, serve_on};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// A hang guard, not a measurement.
const GUARD: Duration = Duration::from_secs(120);

/// A server on a free loopback port, with `tune` applied to its limits.
async fn start(tune: impl FnOnce(&mut Config)) -> (std::net::SocketAddr, Store) {
    let (store, mut config) = fixture::load("default").unwrap();
    tune(&mut config);
    let listener = bind("127.0.0.1:0".parse().unwrap()).unwrap();
    let addr = listener.local_addr().unwrap();
    let served = store.clone();
    tokio::spawn(serve_on(
        listener,
        served,
        Arc::new(config),
        std::future::pending(),
    ));
    (addr, store)
}

/// Reads until `done` accepts what came, or the connection closes.
async fn read_until(socket: &mut TcpStream, mut done: impl FnMut(&[u8]) -> bool) -> Vec<u8> {
    let mut got = Vec::new();
    let mut buf = vec![0u8; 64 * 1024];
    tokio::time::timeout(GUARD, async {
        while !done(&got) {
            match socket.read(&mut buf).await {
                Ok(0) | Err(_) => break,
                Ok(n) => got.extend_from_slice(&buf[..n]),
            }
        }
    })
    .await
    .expect("hang guard");
    got
}

fn ends_with_tagged(tag: &'static str) -> impl FnMut(&[u8]) -> bool {
    let needle = format!("\r\n{tag} ");
    move |got: &[u8]| {
        let text = format!("\r\n{}", String::from_utf8_lossy(got));
        text.rfind(&needle)
            .is_some_and(|at| text[at + 2..].contains("\r\n"))
    }
}

async fn connect(addr: std::net::SocketAddr) -> TcpStream {
    let mut socket = TcpStream::connect(addr).await.unwrap();
    let greeting = read_until(&mut socket, |g| g.ends_with(b"\r\n")).await;
    assert!(greeting.starts_with(b"* OK"), "{greeting:?}");
    socket
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn five_hundred_clients_at_once() {
    support::raise_open_files(8192);
    let (addr, _) = start(|_| {}).await;
    let mut clients = tokio::task::JoinSet::new();
    for _ in 0..500 {
        clients.spawn(async move {
            let mut s = connect(addr).await;
            s.write_all(b"a LOGIN strategos tryhackme\r\nb SELECT INBOX\r\nc FETCH 1:* (FLAGS)\r\nd LOGOUT\r\n")
                .await
                .unwrap();
            let got = read_until(&mut s, ends_with_tagged("d")).await;
            String::from_utf8_lossy(&got).into_owned()
        });
    }
    let mut served = 0;
    while let Some(done) = clients.join_next().await {
        let text = done.unwrap();
        assert!(
            text.contains("* 4 EXISTS") && text.contains("d OK Logout completed"),
            "{text}"
        );
        served += 1;
    }
    assert_eq!(served, 500);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_thousand_idle_connections_and_a_new_client_is_served() {
    // Both ends of 1,001 connections live in this process, beside the other tests'.
    support::raise_open_files(8192);
    let (addr, _) = start(|c| c.limits.max_connections = 1100).await;
    let mut idle = Vec::new();
    for _ in 0..1000 {
        idle.push(connect(addr).await);
    }
    let mut late = connect(addr).await;
    late.write_all(b"a LOGIN strategos tryhackme\r\n")
        .await
        .unwrap();
    let got = read_until(&mut late, ends_with_tagged("a")).await;
    assert!(String::from_utf8_lossy(&got).contains("a OK"), "{got:?}");
    // Every idle one is still there.
    let mut last = idle.pop().unwrap();
    last.write_all(b"z NOOP\r\n").await.unwrap();
    let got = read_until(&mut last, ends_with_tagged("z")).await;
    assert!(String::from_utf8_lossy(&got).contains("z OK"), "{got:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_dripping_bytes_before_login_meets_the_login_deadline() {
    let (addr, _) = start(|c| c.limits.login_timeout = Duration::from_secs(2)).await;
    let mut s = connect(addr).await;
    let mut got = Vec::new();
    // A byte every 200 ms, for at most 60 s: the deadline must come first.
    for _ in 0..300 {
        if s.write_all(b"a").await.is_err() {
            break;
        }
        let mut buf = [0u8; 256];
        match tokio::time::timeout(Duration::from_millis(200), s.read(&mut buf)).await {
            Ok(Ok(0)) | Ok(Err(_)) => break,
            Ok(Ok(n)) => got.extend_from_slice(&buf[..n]),
            Err(_) => {}
        }
    }
    assert_eq!(
        String::from_utf8_lossy(&got),
        "* BYE Disconnected for inactivity.\r\n"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_that_never_reads_is_cut_off() {
    let (addr, store) = start(|c| c.limits.write_timeout = Duration::from_secs(1)).await;
    put_big_message(&store, 1 << 20);
    let mut s = connect(addr).await;
    s.write_all(b"a LOGIN strategos tryhackme\r\nb SELECT INBOX\r\n")
        .await
        .unwrap();
    read_until(&mut s, ends_with_tagged("b")).await;
    // Ask for the 1 MB message again and again, and never read the answers.
    let mut refused = false;
    for n in 0..2000 {
        let ask = format!("f{n} FETCH 5 BODY.PEEK[]\r\n");
        let sent = tokio::time::timeout(Duration::from_secs(5), s.write_all(ask.as_bytes())).await;
        if !matches!(sent, Ok(Ok(()))) {
            refused = true;
            break;
        }
    }
    // The server gave up on us: what it sent before ends, then the connection does.
    // Not reading for a while longer than the write timeout: the server gives up.
    tokio::time::sleep(Duration::from_secs(4)).await;
    let rest = read_until(&mut s, |_| false).await;
    assert!(
        rest.len() < 64 << 20,
        "the server kept sending: {} bytes",
        rest.len()
    );
    assert!(refused || !rest.is_empty());
    let mut buf = [0u8; 16];
    let end = tokio::time::timeout(GUARD, s.read(&mut buf)).await.unwrap();
    assert!(matches!(end, Ok(0) | Err(_)), "{end:?}");
}

/// Appends a generated message of about `size` bytes to strategos' INBOX (as UID 5).
fn put_big_message(store: &Store, size: usize) -> Vec<u8> {
    let mut raw =
        b"From: big@example.org\r\nSubject: big\r\nContent-Type: text/plain\r\n\r\n".to_vec();
    let mut n = 0u64;
    while raw.len() < size {
        raw.extend_from_slice(
            format!("line {n:08} of a big message, to be streamed\r\n").as_bytes(),
        );
        n += 1;
    }
    let mut world = store.lock();
    let account = world
        .accounts
        .iter_mut()
        .find(|a| a.name == "strategos")
        .unwrap();
    let inbox = account
        .mailboxes
        .iter_mut()
        .find(|m| m.name == "INBOX")
        .unwrap();
    inbox.append(Arc::from(raw.clone()), Default::default(), 1_719_824_692);
    world.version += 1;
    raw
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn streamed_replies_are_byte_exact() {
    let (addr, store) = start(|_| {}).await;
    let raw = put_big_message(&store, 3 << 20);
    let mut s = connect(addr).await;
    s.write_all(b"a LOGIN strategos tryhackme\r\nb SELECT INBOX\r\n")
        .await
        .unwrap();
    read_until(&mut s, ends_with_tagged("b")).await;
    let header_end = raw.windows(4).position(|w| w == b"\r\n\r\n").unwrap() + 4;
    let asks: [(&str, &[u8]); 5] = [
        ("BODY.PEEK[]", &raw),
        ("BODY.PEEK[TEXT]", &raw[header_end..]),
        ("BODY.PEEK[]<100.2000000>", &raw[100..2_000_100]),
        ("RFC822.HEADER", &raw[..header_end]),
        ("BINARY.PEEK[1]", &raw[header_end..]),
    ];
    for (i, (item, want)) in asks.iter().enumerate() {
        let tag = format!("f{i}");
        s.write_all(format!("{tag} FETCH 5 {item}\r\n").as_bytes())
            .await
            .unwrap();
        let needle = format!("{tag} OK");
        let got = read_until(&mut s, |g| {
            g.ends_with(b"\r\n")
                && String::from_utf8_lossy(&g[g.len().saturating_sub(200)..]).contains(&needle)
        })
        .await;
        let open = got.iter().position(|&b| b == b'{').unwrap();
        let close = open + got[open..].iter().position(|&b| b == b'}').unwrap();
        let size: usize = std::str::from_utf8(&got[open + 1..close])
            .unwrap()
            .parse()
            .unwrap();
        let data = &got[close + 3..close + 3 + size];
        assert_eq!(size, want.len(), "{item}");
        assert!(data == *want, "{item}: the bytes differ");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn append_stops_at_the_store_limit() {
    let (store, _) = fixture::load("default").unwrap();
    let held = store.lock().bytes_held();
    let (addr, _) = start(move |c| c.limits.max_store = held + 100_000).await;
    let mut s = connect(addr).await;
    s.write_all(b"a LOGIN strategos tryhackme\r\nb APPEND INBOX {200000}\r\n")
        .await
        .unwrap();
    let got = read_until(&mut s, ends_with_tagged("b")).await;
    assert!(
        String::from_utf8_lossy(&got).contains("b NO [OVERQUOTA] Quota exceeded"),
        "{}",
        String::from_utf8_lossy(&got)
    );
    s.write_all(b"c APPEND INBOX {50000}\r\n").await.unwrap();
    let go = read_until(&mut s, |g| g.ends_with(b"+ OK\r\n")).await;
    assert!(go.ends_with(b"+ OK\r\n"), "{go:?}");
    let mut message = b"Subject: fits\r\n\r\n".to_vec();
    message.resize(50_000, b'x');
    message.extend_from_slice(b"\r\n");
    s.write_all(&message).await.unwrap();
    let got = read_until(&mut s, ends_with_tagged("c")).await;
    assert!(
        String::from_utf8_lossy(&got).contains("c OK [APPENDUID"),
        "{got:?}"
    );
    // And the next one would pass the limit.
    s.write_all(b"d APPEND INBOX {60000}\r\n").await.unwrap();
    let got = read_until(&mut s, ends_with_tagged("d")).await;
    assert!(
        String::from_utf8_lossy(&got).contains("d NO [OVERQUOTA]"),
        "{got:?}"
    );
}

#[test]
#[ignore = "needs ss (iproute2): sudo bash scripts/ci-install.sh, then cargo test -- --include-ignored"]
fn the_listen_backlog_takes_a_burst() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let _guard = rt.enter();
    let listener = bind("127.0.0.1:0".parse().unwrap()).unwrap();
    let port = listener.local_addr().unwrap().port();
    let out = std::process::Command::new("ss")
        .args(["-ltnH", &format!("sport = :{port}")])
        .output()
        .expect("ss (iproute2): sudo bash scripts/ci-install.sh");
    // For a listening socket, ss's Send-Q column is the backlog (the kernel caps it
    // at net.core.somaxconn).
    let text = String::from_utf8_lossy(&out.stdout);
    let backlog: u32 = text.split_whitespace().nth(2).unwrap().parse().unwrap();
    let somaxconn: u32 = std::fs::read_to_string("/proc/sys/net/core/somaxconn")
        .map_or(4096, |s| s.trim().parse().unwrap_or(4096));
    assert_eq!(
        backlog,
        imap_tutor::net::serve::BACKLOG.min(somaxconn),
        "{text}"
    );
    assert!(backlog > 128, "{text}");
}
