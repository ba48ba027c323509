//! Byte-exactness: whatever goes into the proxy comes out unchanged, both ways at once.
//!
//! The test plays both the client and the server (plain TCP, no IMAP server needed),
//! and sends adversarial traffic in both directions at the same time: random binary,
//! NUL bytes, a 100 MB literal, malformed lines, bare LF, and a line split across many
//! TCP writes. Each side keeps a SHA-256 of what it sent and of what it received; the
//! digests must match pairwise. The proxy's peak memory while 2 × 100 MB stream through
//! must stay flat (far below one literal).

mod proxy_support;

use std::io::{Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};

use proxy_support::{flat, Digest, Proxy};

const LITERAL: usize = 100 * 1024 * 1024;

/// Deterministic noise, NULs and high bytes included.
fn noise(len: usize, seed: u64) -> Vec<u8> {
    let mut x = seed | 1;
    (0..len)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x >> 24) as u8
        })
        .collect()
}

/// Sends the adversarial script of one side, returning the digest of every byte sent.
fn send_script(mut stream: TcpStream, side: &str) -> String {
    let mut digest = Digest::default();
    let mut put = |stream: &mut TcpStream, bytes: &[u8]| {
        stream.write_all(bytes).expect("write");
        digest.update(bytes);
    };
    let (opening, literal_line, closing): (&[u8], &[u8], &[u8]) = if side == "server" {
        (
            b"* OK [CAPABILITY IMAP4rev1] adversarial server ready\r\n",
            b"* 1 FETCH (BODY[] {104857600}\r\n",
            b")\r\n* 2 EXISTS\n",
        )
    } else {
        (
            b"a1 NOOP\r\n",
            b"a2 APPEND INBOX {104857600}\r\n",
            b"\r\na3 NOOP\n",
        )
    };
    put(&mut stream, opening);
    // Malformed lines, NUL bytes, bare LF, and bytes that are not UTF-8.
    put(&mut stream, b"\x00\x00 NUL at the start\r\n");
    put(&mut stream, b"* 1 FETCH (FLAGS (\\Seen\r\n");
    put(&mut stream, b"bare LF line\nanother\n\r\n\r\r\n");
    put(&mut stream, b"\xff\xfe\xc3\x28 not UTF-8 {12x}\r\n");
    put(
        &mut stream,
        &noise(300_000, if side == "server" { 7 } else { 11 }),
    );
    put(&mut stream, b"\r\n");
    // One line, one byte per write.
    for &b in b"x1 NOOP split across many TCP writes, one byte each\r\n".iter() {
        put(&mut stream, &[b]);
    }
    // The 100 MB literal, in pieces of an odd size so nothing lines up with 64 KiB.
    put(&mut stream, literal_line);
    let block = noise(1_000_003, if side == "server" { 13 } else { 17 });
    let mut left = LITERAL;
    while left > 0 {
        let n = left.min(block.len());
        put(&mut stream, &block[..n]);
        left -= n;
    }
    put(&mut stream, closing);
    put(&mut stream, &noise(70_000, 23));
    stream.shutdown(Shutdown::Write).expect("half-close");
    digest.hex()
}

/// Reads to the end, returning the digest and the byte count.
fn receive_all(mut stream: TcpStream) -> (String, u64) {
    let mut digest = Digest::default();
    let mut buf = vec![0u8; 256 * 1024];
    let mut total = 0u64;
    loop {
        match stream.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => {
                digest.update(&buf[..n]);
                total += n as u64;
            }
            Err(e) => panic!("read after {total} bytes: {e}"),
        }
    }
    (digest.hex(), total)
}

#[test]
fn every_byte_passes_unchanged_both_ways_at_once() {
    let upstream = TcpListener::bind("127.0.0.1:0").unwrap();
    let upstream_port = upstream.local_addr().unwrap().port();
    let proxy = Proxy::start(&["--upstream", &format!("127.0.0.1:{upstream_port}")]);

    let client = TcpStream::connect(("127.0.0.1", proxy.port)).unwrap();
    let (server, _) = upstream.accept().unwrap();
    for s in [&client, &server] {
        s.set_nodelay(true).unwrap();
    }

    let client_in = client.try_clone().unwrap();
    let server_in = server.try_clone().unwrap();
    let client_sends = std::thread::spawn(move || send_script(client, "client"));
    let server_sends = std::thread::spawn(move || send_script(server, "server"));
    let client_gets = std::thread::spawn(move || receive_all(client_in));
    let server_gets = std::thread::spawn(move || receive_all(server_in));

    let sent_by_client = client_sends.join().unwrap();
    let sent_by_server = server_sends.join().unwrap();
    let (got_by_server, server_total) = server_gets.join().unwrap();
    let (got_by_client, client_total) = client_gets.join().unwrap();

    assert!(server_total > LITERAL as u64 && client_total > LITERAL as u64);
    assert_eq!(
        got_by_server, sent_by_client,
        "the server did not get exactly what the client sent"
    );
    assert_eq!(
        got_by_client, sent_by_server,
        "the client did not get exactly what the server sent"
    );

    let out = proxy.wait_for("session over", 1);
    let peak = proxy.peak_rss_kib();
    let (_, err) = proxy.stop();
    // The annotator may fall behind (it is never allowed to slow the relay); then it
    // says how much it skipped instead of explaining it.
    let flat_out = flat(&out);
    assert!(
        out.contains("{104857600}") || flat_out.contains("the annotator fell behind and skipped"),
        "the literals are announced in the explanations, or the skip is:\n{out}"
    );
    // Flat memory: two 100 MB literals went through at once; holding either whole would
    // take 100 MB. The bound is generous for a debug build.
    if let Some(kib) = peak {
        assert!(
            kib < 80 * 1024,
            "peak RSS {kib} KiB: the proxy held too much\n{err}"
        );
        eprintln!(
            "proxy peak RSS with 2 × 100 MB in flight: {} MiB",
            kib / 1024
        );
    }
}
