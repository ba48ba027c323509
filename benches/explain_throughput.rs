//! Throughput of the protocol core on a large synthetic session: framing alone, then
//! framing + parsing + explaining, on literal-heavy traffic (a mix of short lines and
//! literals of 1 KB to 10 MB, as a mailbox download looks on the wire).
//!
//! Run: `cargo bench --bench explain_throughput`. The target (issue 2): the explainer
//! never slows the proxy, so at least 125 MB/s (1 Gbit/s) on this traffic.

use std::time::Instant;

use imap_tutor::explain::Explainer;
use imap_tutor::transcript::Direction;
use imap_tutor::wire::{Frame, Framer};

/// The server side of a session that fetches `n` messages of varied sizes.
fn synthetic_server_stream(total_target: usize) -> (Vec<u8>, Vec<u8>, usize) {
    let sizes = [1_024, 4_096, 20_000, 75_000, 300_000, 1_000_000, 10_000_000];
    let body_line = b"Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod.\r\n";
    let mut server = b"* OK [CAPABILITY IMAP4rev1 LITERAL+] ready.\r\n".to_vec();
    let mut client = Vec::new();
    let mut messages = 0;
    let mut i = 0;
    while server.len() < total_target {
        let size = sizes[i % sizes.len()];
        i += 1;
        messages += 1;
        client.extend_from_slice(format!("a{i} FETCH {i} (FLAGS BODY.PEEK[])\r\n").as_bytes());
        server.extend_from_slice(
            format!("* {i} EXISTS\r\n* {i} FETCH (FLAGS (\\Seen) BODY[] {{{size}}}\r\n").as_bytes(),
        );
        let header =
            format!("From: a{i}@example.org\r\nTo: b@example.org\r\nSubject: message {i}\r\n\r\n");
        let mut literal = header.into_bytes();
        while literal.len() < size {
            literal.extend_from_slice(body_line);
        }
        literal.truncate(size);
        server.extend_from_slice(&literal);
        server.extend_from_slice(
            format!(")\r\na{i} OK Fetch completed (0.001 + 0.000 secs).\r\n").as_bytes(),
        );
    }
    (client, server, messages)
}

/// A line-heavy session: flag updates and searches, no literals. The worst case per byte.
fn short_lines_stream(lines: usize) -> (Vec<u8>, Vec<u8>) {
    let mut client = Vec::new();
    let mut server = b"* OK ready.\r\n".to_vec();
    for i in 0..lines {
        client
            .extend_from_slice(format!("a{i} UID STORE {i} +FLAGS.SILENT (\\Seen)\r\n").as_bytes());
        server.extend_from_slice(
            format!("* {i} FETCH (UID {i} FLAGS (\\Seen \\Answered))\r\n").as_bytes(),
        );
        server.extend_from_slice(
            format!("a{i} OK Store completed (0.001 + 0.000 secs).\r\n").as_bytes(),
        );
    }
    (client, server)
}

fn explain_both(client: &[u8], server: &[u8], chunk: usize) -> (usize, f64) {
    let start = Instant::now();
    let mut explainer = Explainer::default();
    let mut annotations = 0usize;
    let mut client_chunks = client.chunks(chunk);
    for piece in server.chunks(chunk) {
        if let Some(c) = client_chunks.next() {
            annotations += explainer.feed(Direction::Client, c).len();
        }
        annotations += explainer.feed(Direction::Server, piece).len();
    }
    for c in client_chunks {
        annotations += explainer.feed(Direction::Client, c).len();
    }
    annotations += explainer.finish().len();
    (annotations, start.elapsed().as_secs_f64())
}

fn mb_per_s(bytes: usize, secs: f64) -> f64 {
    bytes as f64 / 1e6 / secs
}

fn main() {
    let (client, server, messages) = synthetic_server_stream(300_000_000);
    let total = client.len() + server.len();
    println!(
        "synthetic session: {messages} messages, {:.1} MB",
        total as f64 / 1e6
    );
    let chunk = 16 * 1024;

    for round in 0..3 {
        let start = Instant::now();
        let mut framer = Framer::default();
        let mut frames = 0usize;
        for piece in server.chunks(chunk) {
            framer.feed(piece);
            while let Some(frame) = framer.next_frame() {
                if let Frame::Line(_) = frame {
                    frames += 1;
                }
            }
        }
        let framing = start.elapsed().as_secs_f64();

        let (annotations, explaining) = explain_both(&client, &server, chunk);
        println!(
            "round {round}: framing {:.0} MB/s ({frames} lines) | frame+parse+explain {:.0} MB/s ({annotations} annotations, {:.2} s)",
            mb_per_s(server.len(), framing),
            mb_per_s(total, explaining),
            explaining
        );
    }

    let (client, server) = short_lines_stream(100_000);
    let total = client.len() + server.len();
    let (annotations, secs) = explain_both(&client, &server, chunk);
    println!(
        "short lines only: {:.1} MB, {annotations} messages: {:.0} MB/s, {:.0} messages/s",
        total as f64 / 1e6,
        mb_per_s(total, secs),
        annotations as f64 / secs
    );
}
