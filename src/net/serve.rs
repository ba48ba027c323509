//! `imap-tutor serve`: the mock server on a TCP port, for real mail clients.
//!
//! This is only the edge: every byte is answered by a sans-IO
//! [`crate::mock::Session`]; this file moves bytes between sockets and sessions and
//! does what a session cannot do for itself:
//! - **wake idling clients** when another session changes the store: after each
//!   command it compares the store's change counter and, if it moved, publishes it on
//!   a `watch` channel; every connection listens and lets an idling session report;
//! - **push NOTIFY's events** (RFC 5465 §1: "updates between commands"): a change
//!   wakes a connection whose session has NOTIFY set, which asks the session for its
//!   events [`NOTIFY_DELAY`] later, if the client is then between commands
//!   ([`Session::poll_notify`]); a command that comes first gets them with its answer;
//! - **keep time**: a one-second ticker calls `Session::tick`, which sends IDLE
//!   keepalives, the inactivity BYE and the login deadline's;
//! - **stream replies**: sessions run with [`Session::set_streaming`], so a FETCH of
//!   a 20 MB message is its protocol text plus a reference to the stored message,
//!   written to the socket in 64 KiB pieces ([`WRITE_PIECE`]), never copied whole;
//! - **bound every wait**: each piece must be taken by the client within the write
//!   timeout, or the connection is closed. While output waits, nothing else runs for
//!   that connection, so a client that never reads holds neither a connection nor
//!   memory for longer than that;
//! - **limit and stop**: a semaphore caps connections (one over the cap gets a BYE and
//!   is closed), the listen backlog takes a burst of clients without SYN retries
//!   ([`BACKLOG`]), and the shutdown future (Ctrl-C from the CLI) makes every
//!   connection say `* BYE Server shutting down.` and close before `serve` returns.
//!
//! Every limit and its default is in the README ("Limits") and `mock::config::Limits`.
//! A real server would add TLS, authentication back-ends and logging; the mock needs
//! none of them to be faithful on the wire.

use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpSocket, TcpStream};
use tokio::sync::{watch, Semaphore};
use tokio::task::JoinSet;

use crate::mock::{wording, Config, Session, Store};

/// What a connection is told when the server stops (Dovecot's text).
const SHUTDOWN_BYE: &[u8] = b"* BYE Server shutting down.\r\n";

/// How long `serve` waits for connections to finish after shutdown.
const DRAIN: Duration = Duration::from_secs(5);

/// Pending connections the kernel queues before `accept`. The default of 128 made a
/// cold burst of 500 clients wait a second for a SYN retry; the kernel caps this at
/// `net.core.somaxconn` (4096 on current Linux).
pub const BACKLOG: u32 = 4096;

/// Output goes to the socket in pieces of this size, each within the write timeout.
pub(crate) const WRITE_PIECE: usize = 64 * 1024;

/// How long after a change NOTIFY's events are sent between commands. Dovecot 2.3.19
/// sends them half a second after the change (measured: 487 to 501 ms, for STATUS,
/// LIST, EXISTS and FETCH alike), and changes made meanwhile come in the same look;
/// waiting as long keeps the mock's answers the same as Dovecot's when the client
/// sends a command in that half second.
pub(crate) const NOTIFY_DELAY: Duration = Duration::from_millis(500);

/// Each connection's read buffer: input is framed as it comes, so it need not be big.
const READ_BUFFER: usize = 16 * 1024;

/// Binds `listen` with a backlog of [`BACKLOG`], as `TcpListener::bind` would with 128.
pub fn bind(listen: SocketAddr) -> io::Result<TcpListener> {
    let socket = if listen.is_ipv4() {
        TcpSocket::new_v4()?
    } else {
        TcpSocket::new_v6()?
    };
    socket.set_reuseaddr(true)?;
    socket.bind(listen)?;
    socket.listen(BACKLOG)
}

/// Binds `listen` and serves until `shutdown` completes.
pub async fn serve(
    listen: SocketAddr,
    store: Store,
    config: Arc<Config>,
    shutdown: impl Future<Output = ()>,
) -> io::Result<()> {
    let listener = bind(listen)?;
    serve_on(listener, store, config, shutdown).await
}

/// Serves on a listener already bound (tests bind port 0 and read the address).
pub async fn serve_on(
    listener: TcpListener,
    store: Store,
    config: Arc<Config>,
    shutdown: impl Future<Output = ()>,
) -> io::Result<()> {
    let (changed_tx, _) = watch::channel(store.version());
    let changed_tx = Arc::new(changed_tx);
    let (stop_tx, stop_rx) = watch::channel(false);
    let permits = Arc::new(Semaphore::new(config.limits.max_connections.max(1)));
    let mut connections = JoinSet::new();
    tokio::pin!(shutdown);
    loop {
        tokio::select! {
            _ = &mut shutdown => break,
            accepted = listener.accept() => {
                let (socket, _) = match accepted {
                    Ok(pair) => pair,
                    // A failed accept (too many open files, a reset) concerns one client.
                    Err(_) => continue,
                };
                let Ok(permit) = permits.clone().try_acquire_owned() else {
                    connections.spawn(refuse(socket, config.limits.write_timeout));
                    continue;
                };
                let connection = Connection {
                    store: store.clone(),
                    config: config.clone(),
                    changed_tx: changed_tx.clone(),
                    changed_rx: changed_tx.subscribe(),
                    stop_rx: stop_rx.clone(),
                };
                connections.spawn(async move {
                    let _permit = permit;
                    // An I/O error ends this connection only.
                    let _ = connection.run(socket).await;
                });
            }
            // Reap finished connections so the set does not grow without bound.
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
        }
    }
    let _ = stop_tx.send(true);
    let _ = tokio::time::timeout(DRAIN, async {
        while connections.join_next().await.is_some() {}
    })
    .await;
    connections.abort_all();
    Ok(())
}

async fn refuse(mut socket: TcpStream, deadline: Duration) {
    let line = format!("* BYE {}\r\n", wording::TOO_MANY_CONNECTIONS);
    let _ = tokio::time::timeout(deadline, async {
        let _ = socket.write_all(line.as_bytes()).await;
        let _ = socket.shutdown().await;
    })
    .await;
}

/// Writes `bytes` in pieces of [`WRITE_PIECE`], each within `deadline`.
async fn write_within(socket: &mut TcpStream, bytes: &[u8], deadline: Duration) -> io::Result<()> {
    for piece in bytes.chunks(WRITE_PIECE) {
        tokio::time::timeout(deadline, socket.write_all(piece))
            .await
            .map_err(|_| {
                io::Error::new(
                    io::ErrorKind::TimedOut,
                    "the client took nothing for the write timeout",
                )
            })??;
    }
    Ok(())
}

/// One client: a socket and a session.
struct Connection {
    store: Store,
    config: Arc<Config>,
    changed_tx: Arc<watch::Sender<u64>>,
    changed_rx: watch::Receiver<u64>,
    stop_rx: watch::Receiver<bool>,
}

impl Connection {
    async fn run(mut self, mut socket: TcpStream) -> io::Result<()> {
        let _ = socket.set_nodelay(true);
        let (mut session, greeting) = Session::new(self.store.clone(), self.config.clone());
        session.set_streaming(true);
        let deadline = self.config.limits.write_timeout;
        write_within(&mut socket, &greeting, deadline).await?;
        let mut buf = vec![0u8; READ_BUFFER];
        let mut ticker = tokio::time::interval(Duration::from_secs(1));
        ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        // When NOTIFY's events are next due: a change arms it, later ones do not move it.
        let mut notify_due: Option<tokio::time::Instant> = None;
        loop {
            tokio::select! {
                read = socket.read(&mut buf) => {
                    let n = read?;
                    if n == 0 {
                        let _ = session.end_of_input();
                        break;
                    }
                    let out = session.receive(&buf[..n]);
                    for chunk in out.chunks() {
                        write_within(&mut socket, chunk, deadline).await?;
                    }
                    self.publish();
                    if out.is_closed() {
                        break;
                    }
                }
                changed = self.changed_rx.changed() => {
                    if changed.is_err() {
                        break;
                    }
                    if session.is_idling() {
                        let bytes = session.poll_updates();
                        write_within(&mut socket, &bytes, deadline).await?;
                    } else if session.has_notify() && notify_due.is_none() {
                        notify_due = Some(tokio::time::Instant::now() + NOTIFY_DELAY);
                    }
                }
                // The future is made even when the branch is off, hence the stand-in.
                _ = tokio::time::sleep_until(notify_due.unwrap_or_else(tokio::time::Instant::now)),
                    if notify_due.is_some() => {
                    notify_due = None;
                    let bytes = session.poll_notify();
                    write_within(&mut socket, &bytes, deadline).await?;
                    if session.is_closed() {
                        break;
                    }
                }
                _ = ticker.tick() => {
                    let out = session.tick(Instant::now());
                    write_within(&mut socket, &out.bytes, deadline).await?;
                    if out.is_closed() {
                        break;
                    }
                }
                _ = self.stop_rx.changed() => {
                    write_within(&mut socket, SHUTDOWN_BYE, deadline).await?;
                    break;
                }
            }
        }
        let _ = tokio::time::timeout(deadline, socket.shutdown()).await;
        Ok(())
    }

    /// Tells the other connections that the store changed, if it did.
    ///
    /// Our own receiver is not marked as seen: the version may include another
    /// connection's change made after our command ran but before it published, and
    /// an idling session must still be woken for that one. Waking ourselves for our
    /// own change costs one empty poll.
    fn publish(&mut self) {
        let version = self.store.version();
        if *self.changed_tx.borrow() != version {
            self.changed_tx.send_replace(version);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mock::fixture;

    async fn read_until(socket: &mut TcpStream, needle: &str) -> String {
        let mut got = Vec::new();
        let mut buf = [0u8; 4096];
        while !String::from_utf8_lossy(&got).contains(needle) {
            let n = tokio::time::timeout(Duration::from_secs(5), socket.read(&mut buf))
                .await
                .expect("timely")
                .expect("read");
            assert!(
                n > 0,
                "closed before {needle:?}: {}",
                String::from_utf8_lossy(&got)
            );
            got.extend_from_slice(&buf[..n]);
        }
        String::from_utf8_lossy(&got).into_owned()
    }

    #[tokio::test]
    async fn serves_many_clients_wakes_idlers_and_shuts_down() {
        let (store, config) = fixture::load("strategos").unwrap();
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
        let server = tokio::spawn(serve_on(listener, store, Arc::new(config), async {
            let _ = stop_rx.await;
        }));
        let mut a = TcpStream::connect(addr).await.unwrap();
        assert!(read_until(&mut a, "\r\n")
            .await
            .starts_with("* OK [CAPABILITY IMAP4rev1"));
        a.write_all(b"a LOGIN strategos tryhackme\r\nb SELECT INBOX\r\nc IDLE\r\n")
            .await
            .unwrap();
        read_until(&mut a, "+ idling\r\n").await;
        let mut b = TcpStream::connect(addr).await.unwrap();
        read_until(&mut b, "\r\n").await;
        b.write_all(b"a LOGIN strategos tryhackme\r\nb APPEND INBOX {6+}\r\nHello!\r\n")
            .await
            .unwrap();
        read_until(&mut b, "b OK [APPENDUID").await;
        let woken = read_until(&mut a, "RECENT\r\n").await;
        assert!(woken.contains("* 5 EXISTS\r\n"), "{woken}");
        stop_tx.send(()).unwrap();
        read_until(&mut a, "* BYE Server shutting down.").await;
        tokio::time::timeout(Duration::from_secs(10), server)
            .await
            .unwrap()
            .unwrap()
            .unwrap();
    }
}
