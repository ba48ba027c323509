//! The relay: bytes from one socket to another, unchanged, with a tap for the annotator.
//!
//! The rule this file exists to keep: **the annotator never slows or alters the
//! relay**. Each direction is a copy loop with one fixed 256 KiB buffer, so a 100 MB
//! literal streams through in pieces and memory stays flat. After every read, a copy
//! of the piece is *offered* to the [`Tap`]; the tap never blocks:
//!
//! - The tap's queue is bounded in **bytes**, not messages ([`TAP_BUDGET`] per
//!   connection). A bounded channel of messages would bound nothing useful (a message
//!   can be 1 byte or 256 KiB) and blocking on it would stall the relay.
//! - When the annotator has fallen so far behind that the budget is spent, the piece
//!   is not copied: the tap counts the bytes it skipped, and the next piece that fits
//!   is preceded by a [`TapEvent::Gap`]. The annotator then says so in a note and
//!   resynchronises at the next line. What the learner loses is explanation, never
//!   traffic.
//!
//! - Literal data the annotator would only count (past the 64 KiB it keeps of a
//!   message in a big FETCH) is not copied at all: the annotator tells the tap where
//!   in the server's stream the literal ends ([`TapReceiver::skip_server_until`]), and
//!   the tap hands over [`TapEvent::Counted`] instead of the bytes. Relaying 200 MB of
//!   mail then copies a few hundred kilobytes, and the queue stays nearly empty. Not
//!   while recording: a recording keeps every byte.
//!
//! The piece is offered right *after* it is written on, so that waking the annotator
//! costs the relay nothing on the path of the bytes. The annotator still sees a command
//! before the response it causes: both copy loops of a connection run in one task
//! (see `proxy::relay_both`), polled one after the other, and the loop that completes
//! a write offers the piece before the task can poll again; the server cannot answer
//! bytes that were not yet written.

use std::io;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Instant;

use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::sync::mpsc;

use crate::wire::Direction;

/// The copy loops' buffer: one per direction, reused for every read. 256 KiB rather
/// than 64 KiB: fewer reads, and fewer copies offered to the tap (with the explainer's
/// literal skipping, this took the bulk FETCH benchmark from 0.81–0.92 of socat's
/// throughput to 1.10–1.19; scripts/bench-proxy.sh).
pub(crate) const BUFFER: usize = 256 * 1024;

/// How many bytes may wait for the annotator, per connection, before the tap skips.
/// Small enough to keep the proxy's memory flat (issue 10's goal: under 12 MB relaying
/// 200 MB of mail), large enough that a terminal that scrolls slowly for a moment loses
/// nothing: a megabyte is some 15,000 lines of protocol text. It fills when the
/// annotator is behind at the start of a big literal, before it has asked for the rest
/// to be counted ([`TapReceiver::skip_server_until`]); what is skipped there is literal
/// data it would only have counted, and the annotator counts it so (no gap is shown).
/// 4 MiB before 2026-12-06: with the tap's copies that was up to 4 MiB more resident.
pub(crate) const TAP_BUDGET: usize = 1024 * 1024;

/// What the tap hands the annotator.
#[derive(Debug)]
pub(crate) enum TapEvent {
    /// Bytes one side sent, and when (seconds since the connection started).
    Bytes {
        direction: Direction,
        bytes: Vec<u8>,
        time: f64,
    },
    /// The annotator fell behind and this many bytes from `direction` were not copied.
    Gap { direction: Direction, skipped: u64 },
    /// This many bytes from `direction`, all literal data the annotator asked not to
    /// be copied ([`TapReceiver::skip_server_until`]), went by.
    Counted { direction: Direction, bytes: u64 },
    /// Something the proxy itself did or saw (an upgrade, a refusal, an error).
    Note { text: String, time: f64 },
    /// From here on the proxy itself terminates the client's TLS (`--client-starttls`):
    /// the STARTTLS that follows does not make the session unreadable.
    ProxyTls,
    /// One direction is over.
    End {
        direction: Direction,
        how: End,
        time: f64,
    },
}

/// How a direction ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum End {
    /// The sender closed its side cleanly.
    Closed,
    /// Reading from the sender failed.
    ReadFailed(String),
    /// Writing to the receiver failed (it went away).
    WriteFailed(String),
    /// The proxy was asked to stop (Ctrl-C) or the other direction failed.
    Stopped,
}

/// The sending end of a connection's tap. Cheap to share between the two directions.
#[derive(Debug, Clone)]
pub(crate) struct Tap {
    inner: Arc<TapInner>,
}

#[derive(Debug)]
struct TapInner {
    tx: mpsc::UnboundedSender<TapEvent>,
    queued: Arc<AtomicUsize>,
    skipped: [AtomicU64; 2],
    /// Bytes offered so far per direction: a position in each stream.
    offered: [AtomicU64; 2],
    /// Below this position of the server's stream, bytes are counted, not copied.
    skip_server_until: Arc<AtomicU64>,
    budget: usize,
    started: Instant,
}

/// The receiving end: the annotator calls [`TapReceiver::taken`] after each piece of
/// bytes it has processed, which frees budget for the relay.
#[derive(Debug)]
pub(crate) struct TapReceiver {
    rx: mpsc::UnboundedReceiver<TapEvent>,
    queued: Arc<AtomicUsize>,
    skip_server_until: Arc<AtomicU64>,
}

impl TapReceiver {
    /// The server's bytes before `position` (counted from the start of its stream) are
    /// literal data the annotator will only count: the tap then sends
    /// [`TapEvent::Counted`] for them instead of copies. Bytes already offered stay
    /// copied; a position never moves back.
    pub(crate) fn skip_server_until(&self, position: u64) {
        self.skip_server_until.fetch_max(position, Ordering::AcqRel);
    }

    /// The next event, waiting for it (for a blocking thread).
    pub(crate) fn blocking_next(&mut self) -> Option<TapEvent> {
        let event = self.rx.blocking_recv();
        self.account(&event);
        event
    }

    /// The next event (for a task).
    #[cfg(test)]
    pub(crate) async fn next(&mut self) -> Option<TapEvent> {
        let event = self.rx.recv().await;
        self.account(&event);
        event
    }

    /// The next event if one is waiting, without waiting.
    pub(crate) fn try_next(&mut self) -> Option<TapEvent> {
        let event = self.rx.try_recv().ok();
        self.account(&event);
        event
    }

    fn account(&self, event: &Option<TapEvent>) {
        if let Some(TapEvent::Bytes { bytes, .. }) = event {
            self.queued.fetch_sub(bytes.len(), Ordering::AcqRel);
        }
    }
}

fn index(direction: Direction) -> usize {
    match direction {
        Direction::Client => 0,
        Direction::Server => 1,
    }
}

/// A tap with the default budget, started now.
pub(crate) fn tap() -> (Tap, TapReceiver) {
    tap_with_budget(TAP_BUDGET)
}

/// A tap that holds at most `budget` bytes waiting for the annotator.
pub(crate) fn tap_with_budget(budget: usize) -> (Tap, TapReceiver) {
    let (tx, rx) = mpsc::unbounded_channel();
    let queued = Arc::new(AtomicUsize::new(0));
    let skip_server_until = Arc::new(AtomicU64::new(0));
    let inner = TapInner {
        tx,
        queued: queued.clone(),
        skipped: [AtomicU64::new(0), AtomicU64::new(0)],
        offered: [AtomicU64::new(0), AtomicU64::new(0)],
        skip_server_until: skip_server_until.clone(),
        budget,
        started: Instant::now(),
    };
    (
        Tap {
            inner: Arc::new(inner),
        },
        TapReceiver {
            rx,
            queued,
            skip_server_until,
        },
    )
}

impl Tap {
    /// Seconds since the connection started.
    pub(crate) fn elapsed(&self) -> f64 {
        self.inner.started.elapsed().as_secs_f64()
    }

    /// Offers a copy of `bytes`; never waits. Returns false if they were skipped.
    /// Literal data the annotator asked to skip is only counted (and is not "skipped").
    pub(crate) fn offer(&self, direction: Direction, bytes: &[u8]) -> bool {
        let t = &self.inner;
        let i = index(direction);
        let at = t.offered[i].fetch_add(bytes.len() as u64, Ordering::AcqRel);
        let mut bytes = bytes;
        if direction == Direction::Server {
            let until = t.skip_server_until.load(Ordering::Acquire);
            let counted = until.saturating_sub(at).min(bytes.len() as u64);
            if counted > 0 {
                self.flush_gap(direction);
                let _ = t.tx.send(TapEvent::Counted {
                    direction,
                    bytes: counted,
                });
                bytes = &bytes[counted as usize..];
                if bytes.is_empty() {
                    return true;
                }
            }
        }
        if t.queued.load(Ordering::Acquire) + bytes.len() > t.budget {
            t.skipped[i].fetch_add(bytes.len() as u64, Ordering::AcqRel);
            return false;
        }
        self.flush_gap(direction);
        t.queued.fetch_add(bytes.len(), Ordering::AcqRel);
        let event = TapEvent::Bytes {
            direction,
            bytes: bytes.to_vec(),
            time: self.elapsed(),
        };
        if t.tx.send(event).is_err() {
            // The annotator is gone (its output failed): the relay carries on regardless.
            t.queued.fetch_sub(bytes.len(), Ordering::AcqRel);
        }
        true
    }

    /// Tells the annotator something the proxy did.
    pub(crate) fn note(&self, text: impl Into<String>) {
        let _ = self.inner.tx.send(TapEvent::Note {
            text: text.into(),
            time: self.elapsed(),
        });
    }

    /// Tells the annotator that the proxy terminates the client's TLS itself.
    pub(crate) fn proxy_tls(&self) {
        let _ = self.inner.tx.send(TapEvent::ProxyTls);
    }

    /// Sends the gap of the bytes skipped so far from `direction`, if any: it comes
    /// before whatever is sent next from that direction.
    fn flush_gap(&self, direction: Direction) {
        let skipped = self.inner.skipped[index(direction)].swap(0, Ordering::AcqRel);
        if skipped > 0 {
            let _ = self.inner.tx.send(TapEvent::Gap { direction, skipped });
        }
    }

    /// Tells the annotator that a direction ended, with any skipped bytes first.
    pub(crate) fn end(&self, direction: Direction, how: End) {
        self.flush_gap(direction);
        let _ = self.inner.tx.send(TapEvent::End {
            direction,
            how,
            time: self.elapsed(),
        });
    }
}

/// Copies `from` to `to` until `from` ends, offering every piece to the tap. On a
/// clean end of `from` it shuts down the write side of `to`, so the peer sees the
/// close too (a half-close is passed on, not turned into a reset).
pub(crate) async fn pump<R, W>(
    mut from: R,
    mut to: W,
    direction: Direction,
    tap: &Tap,
) -> (End, u64)
where
    R: AsyncRead + Unpin,
    W: AsyncWrite + Unpin,
{
    let mut buffer = vec![0u8; BUFFER];
    let mut total = 0u64;
    loop {
        let n = match from.read(&mut buffer).await {
            Ok(0) => {
                let _ = to.shutdown().await;
                return (End::Closed, total);
            }
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => {
                let _ = to.shutdown().await;
                return (End::ReadFailed(describe_io(&e)), total);
            }
        };
        // TLS streams buffer records until flushed; plain TCP ignores the flush.
        let written = async {
            to.write_all(&buffer[..n]).await?;
            to.flush().await
        }
        .await;
        // Offered after the write, so waking the annotator is not on the path of the
        // bytes. The order still holds (see the module documentation).
        tap.offer(direction, &buffer[..n]);
        if let Err(e) = written {
            return (End::WriteFailed(describe_io(&e)), total);
        }
        total += n as u64;
    }
}

/// An I/O error in words a learner can act on.
pub(crate) fn describe_io(error: &io::Error) -> String {
    match error.kind() {
        io::ErrorKind::ConnectionReset => {
            "the connection was reset (the peer closed it abruptly)".into()
        }
        io::ErrorKind::BrokenPipe => "the peer had already closed the connection".into(),
        io::ErrorKind::UnexpectedEof => "the connection ended in the middle of a TLS record".into(),
        io::ErrorKind::TimedOut => "the connection timed out".into(),
        _ => error.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_tap_skips_instead_of_waiting_and_says_how_much() {
        let (tap, mut rx) = tap_with_budget(10);
        assert!(tap.offer(Direction::Server, b"0123456789"));
        assert!(
            !tap.offer(Direction::Server, b"abc"),
            "over budget: skipped"
        );
        assert!(!tap.offer(Direction::Server, b"de"));
        let first = rx.rx.try_recv().unwrap();
        rx.account(&Some(first));
        assert!(tap.offer(Direction::Server, b"xyz"));
        assert!(matches!(
            rx.rx.try_recv().unwrap(),
            TapEvent::Gap {
                direction: Direction::Server,
                skipped: 5
            }
        ));
        assert!(
            matches!(rx.rx.try_recv().unwrap(), TapEvent::Bytes { bytes, .. } if bytes == b"xyz")
        );
    }

    #[tokio::test]
    async fn pump_copies_every_byte_and_passes_the_close_on() {
        let (tap, mut rx) = tap();
        let (mut client, proxy_side) = tokio::io::duplex(1024);
        let (proxy_out, mut server) = tokio::io::duplex(1024);
        let data: Vec<u8> = (0..200_000u32).map(|i| (i * 7 % 251) as u8).collect();
        let sent = data.clone();
        let writer = tokio::spawn(async move {
            client.write_all(&sent).await.unwrap();
            client.shutdown().await.unwrap();
            client
        });
        let reader = tokio::spawn(async move {
            let mut got = Vec::new();
            server.read_to_end(&mut got).await.unwrap();
            got
        });
        let (end, total) = pump(proxy_side, proxy_out, Direction::Client, &tap).await;
        assert_eq!((end, total), (End::Closed, data.len() as u64));
        assert_eq!(reader.await.unwrap(), data);
        drop(writer.await.unwrap());
        drop(tap);
        let mut tapped = Vec::new();
        while let Some(TapEvent::Bytes { bytes, .. }) = rx.next().await {
            tapped.extend(bytes);
        }
        assert_eq!(tapped, data);
    }
}
