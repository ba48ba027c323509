//! `imap-tutor proxy`: the annotating proxy. Clients connect here; each gets its own
//! connection to the server; every byte is relayed unchanged while a copy is explained.
//!
//! One tokio task per client connection runs its two copy loops ([`relay::pump`]);
//! one blocking thread per connection runs its annotator ([`annotate::run`]). Nothing
//! a connection does can reach another: a failure ends that session with a message
//! and the proxy goes on accepting. Ctrl-C stops accepting, closes the open sessions,
//! lets each annotator finish its summary and recording, then returns.
//!
//! What the proxy itself adds to the stream is limited, and always announced as the
//! proxy's own doing in a note:
//! - with `--starttls`, the proxy's own `tutor0 STARTTLS` / `tutor1 CAPABILITY`
//!   exchange with the server, and the greeting's capability list replaced by the one
//!   the server gives over TLS ([`upstream::greeting_after_starttls`]);
//! - when the server cannot be reached, a `* BYE [UNAVAILABLE]` to the client, so its
//!   user sees a reason instead of a silent close.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use tokio::io::{AsyncWrite, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;
use tokio::task::JoinSet;

use super::annotate::{self, Display};
use super::record::{self, Recorder};
use super::relay::{self, End, Tap};
use super::tls;
use super::upstream::{self, BoxStream, LineReader, Prefixed, Security, Target};
use crate::wire::Direction;

/// After one side closes cleanly, how long the other may take to close too. A server
/// closes at once when its client does; this only bounds a peer that never does.
const CLOSE_GRACE: Duration = Duration::from_secs(10);

/// Everything `imap-tutor proxy` was asked to do.
#[derive(Clone)]
pub struct Config {
    /// Where to listen (`127.0.0.1:1143`).
    pub listen: String,
    pub target: Target,
    /// Set for `--listen-tls`: clients speak IMAPS to the proxy.
    pub listen_tls: Option<Arc<rustls::ServerConfig>>,
    /// Set for `--client-starttls`: the proxy offers STARTTLS to plain-text clients and
    /// answers it itself, with this configuration.
    pub client_starttls: Option<Arc<rustls::ServerConfig>>,
    /// `--record DIR_OR_FILE`.
    pub record: Option<PathBuf>,
    pub display: Display,
}

/// What every connection shares.
struct Shared {
    config: Config,
    upstream_tls: Option<Arc<rustls::ClientConfig>>,
}

/// Why the proxy cannot start.
#[derive(Debug)]
pub enum ProxyError {
    /// The TLS configuration towards the server.
    Tls(tls::TlsError),
    /// The listening address cannot be bound (`hint` says what to try).
    Listen {
        address: String,
        error: std::io::Error,
        hint: &'static str,
    },
}

impl std::fmt::Display for ProxyError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ProxyError::Tls(e) => write!(f, "{e}"),
            ProxyError::Listen {
                address,
                error,
                hint,
            } => write!(f, "cannot listen on {address}: {error}; {hint}"),
        }
    }
}

impl std::error::Error for ProxyError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            ProxyError::Tls(e) => Some(e),
            ProxyError::Listen { error, .. } => Some(error),
        }
    }
}

/// Binds, then serves until Ctrl-C (or SIGTERM). `ready` receives the bound address
/// (useful with port 0).
pub async fn run(config: Config, ready: impl FnOnce(SocketAddr)) -> Result<(), ProxyError> {
    let upstream_tls = match config.target.security {
        Security::Plain => None,
        Security::Tls | Security::StartTls => {
            Some(tls::client_config(&config.target.trust).map_err(ProxyError::Tls)?)
        }
    };
    let cannot_listen = |error: std::io::Error| {
        let hint = if error.kind() == std::io::ErrorKind::AddrInUse {
            "another program (or another proxy) listens there: pick another port with --listen 127.0.0.1:PORT"
        } else {
            "check the address: --listen 127.0.0.1:1143"
        };
        ProxyError::Listen {
            address: config.listen.clone(),
            error,
            hint,
        }
    };
    let listener = TcpListener::bind(&config.listen)
        .await
        .map_err(cannot_listen)?;
    let local = listener.local_addr().map_err(cannot_listen)?;
    ready(local);
    let shared = Arc::new(Shared {
        config,
        upstream_tls,
    });

    let (stop_tx, stop_rx) = watch::channel(false);
    let mut sessions = JoinSet::new();
    let mut next_id = 1u64;
    let stop = stop_signal();
    tokio::pin!(stop);
    loop {
        tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, peer)) => {
                    let id = next_id;
                    next_id += 1;
                    sessions.spawn(connection(id, stream, peer, shared.clone(), stop_rx.clone()));
                }
                Err(e) => {
                    // Out of file descriptors and the like: say so, breathe, go on.
                    eprintln!("imap-tutor proxy: accepting a connection failed: {e}");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
            },
            Some(_) = sessions.join_next(), if !sessions.is_empty() => {}
            _ = &mut stop => break,
        }
    }
    drop(listener);
    if !sessions.is_empty() {
        eprintln!(
            "imap-tutor proxy: stopping; closing {} open connection(s)",
            sessions.len()
        );
    }
    let _ = stop_tx.send(true);
    while sessions.join_next().await.is_some() {}
    eprintln!("imap-tutor proxy: stopped");
    Ok(())
}

/// Ctrl-C, or SIGTERM on Unix (what `kill` and service managers send).
async fn stop_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => {}
                    _ = term.recv() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}

/// One client connection, from accept to summary.
async fn connection(
    id: u64,
    client: TcpStream,
    peer: SocketAddr,
    shared: Arc<Shared>,
    stop: watch::Receiver<bool>,
) {
    let config = &shared.config;
    let (tap, rx) = relay::tap();
    let started = record::now_rfc3339();
    let mut recorder_error = None;
    let recorder = config.record.as_ref().and_then(|path| {
        let path = record::path_for(path, id, &started);
        let meta = vec![
            (
                "tool".to_string(),
                format!("imap-tutor {} proxy", env!("CARGO_PKG_VERSION")),
            ),
            ("started".to_string(), started.clone()),
            ("connection".to_string(), id.to_string()),
            ("client".to_string(), peer.to_string()),
            (
                "server".to_string(),
                format!(
                    "{}{}",
                    config.target.label(),
                    security_label(config.target.security)
                ),
            ),
            (
                "secrets".to_string(),
                if config.display.show_secrets {
                    "shown (--show-secrets)".to_string()
                } else {
                    "masked: passwords and AUTHENTICATE data are replaced by ********".to_string()
                },
            ),
        ];
        Recorder::create(path, meta, config.display.show_secrets)
            .map_err(|e| recorder_error = Some(e))
            .ok()
    });
    let display = config.display.clone();
    let annotator = tokio::task::spawn_blocking(move || annotate::run(rx, id, display, recorder));
    if let Some(e) = recorder_error {
        tap.note(format!("not recording this connection: {e}"));
    }

    session(id, client, peer, &shared, &tap, stop).await;
    drop(tap);
    match annotator.await {
        Ok(summary) => {
            if let Some(e) = summary.recording_error {
                eprintln!("imap-tutor proxy: [{id}] the recording failed: {e}");
            } else if let Some(path) = summary.recording {
                eprintln!("imap-tutor proxy: [{id}] recorded to {}", path.display());
            }
        }
        Err(e) => eprintln!("imap-tutor proxy: [{id}] the annotator stopped: {e}"),
    }
}

fn security_label(security: Security) -> &'static str {
    match security {
        Security::Plain => " (plain text)",
        Security::Tls => " (TLS)",
        Security::StartTls => " (STARTTLS by the proxy)",
    }
}

async fn session(
    id: u64,
    client: TcpStream,
    peer: SocketAddr,
    shared: &Shared,
    tap: &Tap,
    mut stop: watch::Receiver<bool>,
) {
    let config = &shared.config;
    let target = &config.target;
    let _ = client.set_nodelay(true);
    tap.note(format!(
        "connection {id} from {peer}{}; connecting to {}{}",
        if config.listen_tls.is_some() {
            " (IMAPS)"
        } else {
            ""
        },
        target.label(),
        security_label(target.security)
    ));

    let Some(mut client) = accept(client, config, tap).await else {
        return;
    };

    let connected = tokio::select! {
        result = upstream::connect(target, shared.upstream_tls.clone()) => result,
        _ = stop.changed() => return,
    };
    let connected = match connected {
        Ok(c) => c,
        Err(e) => return refuse(&mut client, target, &e, tap).await,
    };
    let server = connected.stream;
    if target.security == Security::Tls {
        tap.note(format!("TLS is up between the proxy and {} ({}); the client's side is plain text on this machine", target.label(), trust_label(&target.trust)));
    }
    if let Some(preamble) = &connected.preamble {
        if !starttls_done(preamble, &mut client, target, tap).await {
            return;
        }
    }
    let (client, server) = match &config.client_starttls {
        Some(tls) if config.listen_tls.is_none() => {
            match offer_starttls(client, server, tls.clone(), tap).await {
                Some(pair) => pair,
                None => return,
            }
        }
        _ => (client, server),
    };
    relay_both(client, server, tap, &mut stop).await;
}

/// The client's side of the connection: TLS first with `--listen-tls`. None if the
/// handshake failed (said in a note).
async fn accept(client: TcpStream, config: &Config, tap: &Tap) -> Option<BoxStream> {
    let Some(server_config) = &config.listen_tls else {
        return Some(Box::new(client));
    };
    let acceptor = tokio_rustls::TlsAcceptor::from(server_config.clone());
    match tokio::time::timeout(upstream::CONNECT_TIMEOUT, acceptor.accept(client)).await {
        Ok(Ok(stream)) => Some(Box::new(stream)),
        Ok(Err(e)) => {
            tap.note(format!(
                "the client's TLS handshake failed: {e}. A client that does not trust the proxy's certificate \
                 must be told to (or to accept it once); a client speaking plain text needs the proxy without --listen-tls"
            ));
            None
        }
        Err(_) => {
            tap.note("the client did not start TLS within 10 s: is it set for plain text? Then drop --listen-tls");
            None
        }
    }
}

/// The server cannot be reached: the proxy answers the client itself with BYE.
async fn refuse(client: &mut BoxStream, target: &Target, e: &upstream::UpstreamError, tap: &Tap) {
    tap.note(format!("cannot reach the server: {e}"));
    let bye = format!(
        "* BYE [UNAVAILABLE] imap-tutor proxy: cannot reach {} ({})\r\n",
        target.label(),
        e.kind
    );
    let _ = client.write_all(bye.as_bytes()).await;
    let _ = client.shutdown().await;
    tap.note(format!(
        "the proxy answered the client itself with `{}` and closed: the server never saw this connection",
        bye.trim_end()
    ));
}

/// With `--starttls`, the proxy did STARTTLS with the server itself: says what it sent
/// and what came back, then gives the client the greeting. False if the client went away.
async fn starttls_done(
    preamble: &upstream::Preamble,
    client: &mut BoxStream,
    target: &Target,
    tap: &Tap,
) -> bool {
    for (by_proxy, line) in &preamble.exchange {
        let text = String::from_utf8_lossy(line).trim_end().to_string();
        tap.note(if *by_proxy {
            format!(
                "proxy → server: {text}   (the proxy's own command, not the client's: --starttls)"
            )
        } else {
            format!("server → proxy: {text}")
        });
    }
    tap.note(format!(
        "TLS is up between the proxy and {} ({}); the client's side is plain text on this machine",
        target.label(),
        trust_label(&target.trust)
    ));
    let (greeting, changed) = upstream::greeting_after_starttls(preamble);
    if let Some(why) = changed {
        tap.note(why);
    }
    tap.offer(Direction::Server, &greeting);
    if let Err(e) = client.write_all(&greeting).await {
        tap.note(format!(
            "the client went away before the greeting: {}",
            relay::describe_io(&e)
        ));
        return false;
    }
    true
}

fn trust_label(trust: &tls::Trust) -> String {
    match trust {
        tls::Trust::System => "certificate verified against the system's roots".into(),
        tls::Trust::CaFile(path) => format!("certificate verified against {}", path.display()),
        tls::Trust::Insecure => "certificate NOT verified: --insecure".into(),
    }
}

/// Commands a client may send before STARTTLS; any other ends the offer (RFC 9051
/// §6.2.1 allows STARTTLS only before login, and clients ask for it first thing).
const BEFORE_STARTTLS: [&str; 4] = ["CAPABILITY", "NOOP", "ID", "STARTTLS"];

/// `--client-starttls`: until the client logs in (or asks for TLS), lines are relayed
/// one at a time, so that the proxy can add STARTTLS to the capabilities it relays and
/// answer the client's STARTTLS itself. Every other byte still passes unchanged, and
/// each change is announced. Returns the two streams for the byte relay, with any bytes
/// read ahead put back in front; `None` if the session is over.
async fn offer_starttls(
    client: BoxStream,
    server: BoxStream,
    tls: Arc<rustls::ServerConfig>,
    tap: &Tap,
) -> Option<(BoxStream, BoxStream)> {
    let (client_read, mut client_write) = tokio::io::split(client);
    let (server_read, mut server_write) = tokio::io::split(server);
    let mut from_client = LineReader::new(client_read);
    let mut from_server = LineReader::new(server_read);
    let mut announced = false;
    loop {
        tokio::select! {
            line = from_client.line() => {
                let Ok(Some(line)) = line else { break };
                let text = String::from_utf8_lossy(&line).into_owned();
                let mut words = text.split_whitespace();
                let tag = words.next().unwrap_or("").to_string();
                let command = words.next().unwrap_or("").to_ascii_uppercase();
                tap.offer(Direction::Client, &line);
                if command == "STARTTLS" && words.next().is_none() {
                    let reply = format!("{tag} OK Begin TLS negotiation now (imap-tutor proxy)\r\n");
                    // Before the OK reaches the annotator: this TLS is the proxy's, so
                    // the session stays readable.
                    tap.proxy_tls();
                    tap.note(
                        "the proxy answers the client's STARTTLS itself (--client-starttls): the server never \
                         sees it. TLS now runs between the client and the proxy, with the proxy's certificate",
                    );
                    tap.offer(Direction::Server, reply.as_bytes());
                    if send(&mut client_write, reply.as_bytes()).await.is_err() {
                        return None;
                    }
                    if !from_client.leftover.is_empty() {
                        tap.note("the client sent bytes after STARTTLS without waiting for the handshake: closing");
                        return None;
                    }
                    let client = from_client.stream.unsplit(client_write);
                    let acceptor = tokio_rustls::TlsAcceptor::from(tls);
                    let client = match tokio::time::timeout(upstream::CONNECT_TIMEOUT, acceptor.accept(client)).await {
                        Ok(Ok(stream)) => stream,
                        Ok(Err(e)) => {
                            tap.note(format!(
                                "the client's TLS handshake with the proxy failed: {e}. The client must trust the \
                                 proxy's certificate (see the proxy's startup message for where it is)"
                            ));
                            return None;
                        }
                        Err(_) => {
                            tap.note("the client did not start TLS within 10 s after STARTTLS");
                            return None;
                        }
                    };
                    tap.note("TLS is up between the client and the proxy; the proxy still reads, explains and relays every line");
                    let server = Prefixed::new(std::mem::take(&mut from_server.leftover), from_server.stream.unsplit(server_write));
                    return Some((Box::new(client), Box::new(server)));
                }
                if send(&mut server_write, &line).await.is_err() {
                    return None;
                }
                if !BEFORE_STARTTLS.contains(&command.as_str()) {
                    break;
                }
            }
            line = from_server.line() => {
                let Ok(Some(line)) = line else { break };
                let (bytes, added) = add_starttls(&line);
                if added && !announced {
                    announced = true;
                    tap.note(
                        "the proxy added STARTTLS to the capabilities the server listed (--client-starttls): \
                         it offers TLS to your client itself, with its own certificate, and answers STARTTLS \
                         without passing it on",
                    );
                }
                tap.offer(Direction::Server, &bytes);
                if send(&mut client_write, &bytes).await.is_err() {
                    return None;
                }
            }
        }
    }
    let client = Prefixed::new(
        std::mem::take(&mut from_client.leftover),
        from_client.stream.unsplit(client_write),
    );
    let server = Prefixed::new(
        std::mem::take(&mut from_server.leftover),
        from_server.stream.unsplit(server_write),
    );
    Some((Box::new(client), Box::new(server)))
}

async fn send<W: AsyncWrite + Unpin>(to: &mut W, bytes: &[u8]) -> std::io::Result<()> {
    to.write_all(bytes).await?;
    to.flush().await
}

/// A capability list (`* CAPABILITY ...`, or a `[CAPABILITY ...]` code) with STARTTLS
/// added if it is missing; true if it was added.
fn add_starttls(line: &[u8]) -> (Vec<u8>, bool) {
    let upper = line.to_ascii_uppercase();
    let has = upper
        .split(|&b| b == b' ' || b == b']' || b == b'\r')
        .any(|w| w == b"STARTTLS");
    let end = if upper.starts_with(b"* CAPABILITY ") {
        line.len()
            - line
                .iter()
                .rev()
                .take_while(|&&b| b == b'\r' || b == b'\n')
                .count()
    } else if let Some(open) = upper.windows(12).position(|w| w == b"[CAPABILITY ") {
        match upper[open..].iter().position(|&b| b == b']') {
            Some(close) => open + close,
            None => return (line.to_vec(), false),
        }
    } else {
        return (line.to_vec(), false);
    };
    if has {
        return (line.to_vec(), false);
    }
    let mut out = line[..end].to_vec();
    out.extend_from_slice(b" STARTTLS");
    out.extend_from_slice(&line[end..]);
    (out, true)
}

/// Records how one direction's copy loop ended, telling the tap at once (so the summary
/// knows which side closed first); true when it closed cleanly.
fn side_ended(
    tap: &Tap,
    direction: Direction,
    result: (End, u64),
    slot: &mut Option<(End, u64)>,
) -> bool {
    let clean = result.0 == End::Closed;
    tap.end(direction, result.0.clone());
    *slot = Some(result);
    clean
}

/// Runs both copy loops until both sides are done, one fails, or the proxy stops.
async fn relay_both(
    client: BoxStream,
    server: BoxStream,
    tap: &Tap,
    stop: &mut watch::Receiver<bool>,
) {
    let (client_read, client_write) = tokio::io::split(client);
    let (server_read, server_write) = tokio::io::split(server);
    let upward = relay::pump(client_read, server_write, Direction::Client, tap);
    let downward = relay::pump(server_read, client_write, Direction::Server, tap);
    tokio::pin!(upward);
    tokio::pin!(downward);
    let mut up: Option<(End, u64)> = None;
    let mut down: Option<(End, u64)> = None;
    // Armed when one side closes cleanly; until then, far away.
    let grace = tokio::time::sleep(Duration::from_secs(365 * 24 * 3600));
    tokio::pin!(grace);
    let mut stopped = false;
    while up.is_none() || down.is_none() {
        tokio::select! {
            result = &mut upward, if up.is_none() => {
                if !side_ended(tap, Direction::Client, result, &mut up) { break; }
                grace.as_mut().reset(tokio::time::Instant::now() + CLOSE_GRACE);
            }
            result = &mut downward, if down.is_none() => {
                if !side_ended(tap, Direction::Server, result, &mut down) { break; }
                grace.as_mut().reset(tokio::time::Instant::now() + CLOSE_GRACE);
            }
            _ = &mut grace => break,
            _ = stop.changed() => { stopped = true; break; }
        }
    }
    if stopped {
        tap.note("the proxy is stopping (Ctrl-C): this session is closed");
    }
    if up.is_none() {
        tap.end(Direction::Client, End::Stopped);
    }
    if down.is_none() {
        tap.end(Direction::Server, End::Stopped);
    }
}

#[cfg(test)]
mod tests {
    use super::add_starttls;

    #[test]
    fn starttls_is_added_to_capability_lists_that_lack_it() {
        let (line, added) = add_starttls(b"* CAPABILITY IMAP4rev1 AUTH=PLAIN\r\n");
        assert_eq!(
            (line.as_slice(), added),
            (&b"* CAPABILITY IMAP4rev1 AUTH=PLAIN STARTTLS\r\n"[..], true)
        );
        let (line, _) = add_starttls(b"* OK [CAPABILITY IMAP4rev1 SASL-IR] Dovecot ready.\r\n");
        assert_eq!(
            line,
            b"* OK [CAPABILITY IMAP4rev1 SASL-IR STARTTLS] Dovecot ready.\r\n"
        );
        assert!(!add_starttls(b"* OK [CAPABILITY IMAP4rev1 STARTTLS] ready\r\n").1);
        assert!(!add_starttls(b"* 1 FETCH (FLAGS ())\r\n").1);
    }
}
