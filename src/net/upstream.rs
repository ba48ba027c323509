//! Reaching the server: DNS, TCP, implicit TLS or STARTTLS, with errors that say
//! what to check.
//!
//! Shared by the proxy (one upstream per client connection) and `connect`. Every
//! failure becomes an [`UpstreamError`] whose text names the cause (no such host,
//! refused, no answer, which certificate problem) and the next thing to try, because
//! "connection refused (os error 111)" teaches nothing.
//!
//! STARTTLS is done here, by the proxy itself, before any client byte is relayed:
//! read the greeting, send `tutor0 STARTTLS`, wait for its tagged OK, shake hands,
//! then ask `tutor1 CAPABILITY` again, because what a server offers changes once TLS
//! is on (RFC 9051 §6.2.1: a client must forget the capabilities it saw before). The
//! caller gets every line of that exchange, to show the learner what the proxy did.

use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, ReadBuf};
use tokio::net::TcpStream;

use super::tls;
use crate::wire::{Frame, Framer};

/// How long to wait for the TCP handshake and for each line of the STARTTLS exchange.
pub(crate) const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// How the connection to the server is protected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Security {
    /// Plain text (port 143): what is relayed is what the server sends.
    #[default]
    Plain,
    /// Implicit TLS from the first byte (IMAPS, port 993).
    Tls,
    /// Plain text, upgraded by the proxy with STARTTLS before relaying (port 143).
    StartTls,
}

/// Where the server is and how to talk to it.
#[derive(Debug, Clone)]
pub struct Target {
    pub(crate) host: String,
    pub(crate) port: u16,
    pub(crate) security: Security,
    pub trust: tls::Trust,
}

impl Target {
    /// Parses `HOST:PORT` (`[::1]:143` for IPv6).
    pub fn parse(text: &str, security: Security, trust: tls::Trust) -> Result<Target, TargetError> {
        let (host, port) = text
            .rsplit_once(':')
            .ok_or_else(|| TargetError::NoPort(text.to_string()))?;
        let port: u16 = port.parse().map_err(|error| TargetError::BadPort {
            text: text.to_string(),
            port: port.to_string(),
            error,
        })?;
        let host = host
            .trim_start_matches('[')
            .trim_end_matches(']')
            .to_string();
        if host.is_empty() {
            return Err(TargetError::NoHost {
                text: text.to_string(),
                port,
            });
        }
        Ok(Target {
            host,
            port,
            security,
            trust,
        })
    }

    /// `host:port` as typed.
    pub fn label(&self) -> String {
        if self.host.contains(':') {
            format!("[{}]:{}", self.host, self.port)
        } else {
            format!("{}:{}", self.host, self.port)
        }
    }
}

/// Why `HOST:PORT` as typed names no server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TargetError {
    NoPort(String),
    BadPort {
        text: String,
        port: String,
        error: std::num::ParseIntError,
    },
    NoHost {
        text: String,
        port: u16,
    },
}

impl std::fmt::Display for TargetError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            TargetError::NoPort(text) => write!(
                f,
                "`{text}` has no port: write HOST:PORT, e.g. imap.example.org:993 (IMAPS) or 127.0.0.1:143"
            ),
            TargetError::BadPort { text, port, .. } => write!(
                f,
                "`{port}` is not a port number in `{text}`: write HOST:PORT, e.g. 127.0.0.1:143"
            ),
            TargetError::NoHost { text, port } => write!(
                f,
                "`{text}` has no host: write HOST:PORT, e.g. 127.0.0.1:{port}"
            ),
        }
    }
}

impl std::error::Error for TargetError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            TargetError::BadPort { error, .. } => Some(error),
            TargetError::NoPort(_) | TargetError::NoHost { .. } => None,
        }
    }
}

/// Why the server could not be reached, in words that say what to check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UpstreamError {
    /// One word for the kind of failure, for the BYE line and tests: `dns`, `refused`,
    /// `unreachable`, `timeout`, `tls`, `starttls`, `closed`.
    pub(crate) kind: &'static str,
    pub message: String,
}

impl std::fmt::Display for UpstreamError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for UpstreamError {}

fn fail(kind: &'static str, message: String) -> UpstreamError {
    UpstreamError { kind, message }
}

/// Anything a session can run over: TCP, or TLS over TCP.
pub trait Stream: AsyncRead + AsyncWrite + Unpin + Send {}
impl<T: AsyncRead + AsyncWrite + Unpin + Send> Stream for T {}

/// A boxed stream, so plain and TLS sessions share one code path.
pub(crate) type BoxStream = Box<dyn Stream>;

/// What the proxy said to the server on its own, and what the server answered.
#[derive(Debug, Clone, Default)]
pub struct Preamble {
    /// The greeting exactly as the server sent it.
    pub(crate) greeting: Vec<u8>,
    /// The proxy's own lines and the server's answers, in order: (sent by the proxy?, line).
    pub(crate) exchange: Vec<(bool, Vec<u8>)>,
    /// The capabilities the server listed over TLS (`* CAPABILITY ...`), if it was asked.
    pub(crate) capabilities_after_tls: Option<Vec<u8>>,
}

/// A connected server, ready for relaying.
pub struct Connected {
    pub stream: BoxStream,
    pub(crate) peer: SocketAddr,
    /// Set for STARTTLS: the greeting was already read, and what the proxy said.
    pub preamble: Option<Preamble>,
}

/// Resolves and connects, then sets up TLS as asked.
pub async fn connect(
    target: &Target,
    tls_config: Option<Arc<rustls::ClientConfig>>,
) -> Result<Connected, UpstreamError> {
    let tcp = connect_tcp(&target.host, target.port).await?;
    let peer = tcp
        .peer_addr()
        .map_err(|e| fail("closed", format!("{} closed at once: {e}", target.label())))?;
    let _ = tcp.set_nodelay(true);
    match target.security {
        Security::Plain => Ok(Connected {
            stream: Box::new(tcp),
            peer,
            preamble: None,
        }),
        Security::Tls => {
            let config = tls_config.ok_or_else(|| fail("tls", "no TLS configuration".into()))?;
            let stream = handshake(tcp, target, config).await?;
            Ok(Connected {
                stream: Box::new(stream),
                peer,
                preamble: None,
            })
        }
        Security::StartTls => {
            let config = tls_config.ok_or_else(|| fail("tls", "no TLS configuration".into()))?;
            let (stream, preamble) = starttls(tcp, target, config).await?;
            Ok(Connected {
                stream: Box::new(stream),
                peer,
                preamble: Some(preamble),
            })
        }
    }
}

/// DNS then TCP, trying each address in turn.
pub(crate) async fn connect_tcp(host: &str, port: u16) -> Result<TcpStream, UpstreamError> {
    let label = if host.contains(':') {
        format!("[{host}]:{port}")
    } else {
        format!("{host}:{port}")
    };
    let addresses: Vec<SocketAddr> = match tokio::time::timeout(CONNECT_TIMEOUT, tokio::net::lookup_host((host, port))).await {
        Ok(Ok(found)) => found.collect(),
        Ok(Err(e)) => {
            return Err(fail(
                "dns",
                format!(
                    "cannot find the host `{host}` (DNS lookup failed: {e}): check the spelling, or use an IP \
                     address such as 127.0.0.1"
                ),
            ))
        }
        Err(_) => {
            return Err(fail("dns", format!("the DNS lookup of `{host}` took over {} s: check this machine's DNS", CONNECT_TIMEOUT.as_secs())))
        }
    };
    if addresses.is_empty() {
        return Err(fail(
            "dns",
            format!("the host `{host}` has no address: check the spelling"),
        ));
    }
    let mut last = None;
    for address in &addresses {
        match tokio::time::timeout(CONNECT_TIMEOUT, TcpStream::connect(address)).await {
            Ok(Ok(stream)) => return Ok(stream),
            Ok(Err(e)) => last = Some(describe_connect_error(&e, &label, *address)),
            Err(_) => {
                last = Some(fail(
                    "timeout",
                    format!(
                        "no answer from {label} ({address}) within {} s: the host may be down, or a firewall drops \
                         the packets; check the address and port",
                        CONNECT_TIMEOUT.as_secs()
                    ),
                ))
            }
        }
    }
    Err(last.unwrap_or_else(|| fail("unreachable", format!("cannot connect to {label}"))))
}

fn describe_connect_error(e: &io::Error, label: &str, address: SocketAddr) -> UpstreamError {
    match e.kind() {
        io::ErrorKind::ConnectionRefused => fail(
            "refused",
            format!(
                "{label} refused the connection ({address}): nothing listens on that port. Check the port (IMAP is \
                 143, IMAPS 993) and that the server is running"
            ),
        ),
        io::ErrorKind::NetworkUnreachable | io::ErrorKind::HostUnreachable => fail(
            "unreachable",
            format!("{label} is unreachable ({address}): no route to it from this machine; check the address and the network"),
        ),
        io::ErrorKind::TimedOut => fail("timeout", format!("connecting to {label} ({address}) timed out: the host may be down")),
        _ => fail("unreachable", format!("cannot connect to {label} ({address}): {e}")),
    }
}

async fn handshake<S>(
    stream: S,
    target: &Target,
    config: Arc<rustls::ClientConfig>,
) -> Result<tokio_rustls::client::TlsStream<S>, UpstreamError>
where
    S: AsyncRead + AsyncWrite + Unpin,
{
    let name = tls::server_name(&target.host).map_err(|e| fail("tls", e.to_string()))?;
    let connector = tokio_rustls::TlsConnector::from(config);
    match tokio::time::timeout(CONNECT_TIMEOUT, connector.connect(name, stream)).await {
        Ok(Ok(stream)) => Ok(stream),
        Ok(Err(e)) => Err(fail("tls", tls::describe_handshake_error(&e, &target.host, target.port))),
        Err(_) => Err(fail(
            "tls",
            format!(
                "no TLS answer from {} within {} s: is it a TLS port? (a plaintext server waits for a command, \
                 and says nothing to a TLS hello; use --starttls or no TLS option there)",
                target.label(),
                CONNECT_TIMEOUT.as_secs()
            ),
        )),
    }
}

/// Reads whole lines from a stream without reading past the last one it returns:
/// leftover bytes stay in the reader, for the caller to pass on.
pub(crate) struct LineReader<S> {
    pub(crate) stream: S,
    framer: Framer,
    /// Bytes read but not yet handed out as a line.
    pub(crate) leftover: Vec<u8>,
}

impl<S: AsyncRead + Unpin> LineReader<S> {
    pub(crate) fn new(stream: S) -> Self {
        LineReader {
            stream,
            framer: Framer::default(),
            leftover: Vec::new(),
        }
    }

    /// The next line, its ending included; `None` at the end of the stream.
    pub(crate) async fn line(&mut self) -> io::Result<Option<Vec<u8>>> {
        loop {
            if let Some(frame) = self.framer.next_frame() {
                let bytes = frame.bytes().to_vec();
                self.leftover.drain(..bytes.len().min(self.leftover.len()));
                if let Frame::Line(_) = frame {
                    // A server line that announces a literal (rare before login) is
                    // returned without its literal: the framer must not swallow lines.
                    self.framer.cancel_literal();
                }
                return Ok(Some(bytes));
            }
            let mut buf = [0u8; 4096];
            let n = self.stream.read(&mut buf).await?;
            if n == 0 {
                return Ok(None);
            }
            self.framer.feed(&buf[..n]);
            self.leftover.extend_from_slice(&buf[..n]);
        }
    }
}

async fn line_within<S: AsyncRead + Unpin>(
    reader: &mut LineReader<S>,
    target: &Target,
    waiting_for: &str,
) -> Result<Vec<u8>, UpstreamError> {
    match tokio::time::timeout(CONNECT_TIMEOUT, reader.line()).await {
        Ok(Ok(Some(line))) => Ok(line),
        Ok(Ok(None)) => Err(fail(
            "closed",
            format!(
                "{} closed the connection while the proxy waited for {waiting_for}",
                target.label()
            ),
        )),
        Ok(Err(e)) => Err(fail(
            "closed",
            format!("reading {waiting_for} from {} failed: {e}", target.label()),
        )),
        Err(_) => Err(fail(
            "timeout",
            format!(
                "{} sent no {waiting_for} within {} s: is it an IMAP server?",
                target.label(),
                CONNECT_TIMEOUT.as_secs()
            ),
        )),
    }
}

/// A greeting that allows STARTTLS: OK, not BYE or PREAUTH.
fn check_greeting(greeting: &[u8], target: &Target) -> Result<(), UpstreamError> {
    let text = String::from_utf8_lossy(greeting).trim_end().to_string();
    if text.starts_with("* BYE") {
        return Err(fail(
            "closed",
            format!("{} refused the session at once: {text}", target.label()),
        ));
    }
    if text.starts_with("* PREAUTH") {
        return Err(fail(
            "starttls",
            format!("{} greets with PREAUTH (already logged in), and STARTTLS is only allowed before login: use --tls or no TLS option", target.label()),
        ));
    }
    if !text.starts_with("* OK") {
        return Err(fail(
            "starttls",
            format!(
                "{} did not greet like an IMAP server: `{text}`",
                target.label()
            ),
        ));
    }
    Ok(())
}

/// The greeting, `tutor0 STARTTLS`, the handshake, then `tutor1 CAPABILITY` over TLS.
async fn starttls(
    tcp: TcpStream,
    target: &Target,
    config: Arc<rustls::ClientConfig>,
) -> Result<(tokio_rustls::client::TlsStream<TcpStream>, Preamble), UpstreamError> {
    let mut preamble = Preamble::default();
    let mut reader = LineReader::new(tcp);
    let greeting = line_within(&mut reader, target, "the greeting").await?;
    preamble.greeting = greeting.clone();
    check_greeting(&greeting, target)?;

    let command = b"tutor0 STARTTLS\r\n";
    preamble.exchange.push((true, command.to_vec()));
    reader.stream.write_all(command).await.map_err(|e| {
        fail(
            "closed",
            format!("sending STARTTLS to {} failed: {e}", target.label()),
        )
    })?;
    loop {
        let line = line_within(&mut reader, target, "the answer to STARTTLS").await?;
        preamble.exchange.push((false, line.clone()));
        if line.starts_with(b"tutor0 ") {
            let answer = String::from_utf8_lossy(&line).trim_end().to_string();
            if !answer.starts_with("tutor0 OK") {
                return Err(fail(
                    "starttls",
                    format!(
                        "{} refused STARTTLS (`{answer}`): it offers no TLS on this port; try --tls on its IMAPS \
                         port (993), or no TLS option",
                        target.label()
                    ),
                ));
            }
            break;
        }
    }
    if !reader.leftover.is_empty() {
        return Err(fail(
            "starttls",
            format!("{} sent bytes after its STARTTLS OK, before the handshake: refusing to go on (RFC 9051 §6.2.1 forbids it; it may be an attack)", target.label()),
        ));
    }
    let mut tls = handshake(reader.stream, target, config).await?;

    let command = b"tutor1 CAPABILITY\r\n";
    preamble.exchange.push((true, command.to_vec()));
    let sent = match tls.write_all(command).await {
        Ok(()) => tls.flush().await,
        Err(e) => Err(e),
    };
    sent.map_err(|e| {
        fail(
            "closed",
            format!("sending CAPABILITY to {} failed: {e}", target.label()),
        )
    })?;
    let mut reader = LineReader::new(tls);
    loop {
        let line = line_within(&mut reader, target, "the answer to CAPABILITY").await?;
        preamble.exchange.push((false, line.clone()));
        if line.len() > 13 && line[..13].eq_ignore_ascii_case(b"* CAPABILITY ") {
            preamble.capabilities_after_tls = Some(line.clone());
        }
        if line.starts_with(b"tutor1 ") {
            break;
        }
    }
    if !reader.leftover.is_empty() {
        return Err(fail(
            "starttls",
            format!(
                "{} sent unexpected bytes after answering CAPABILITY",
                target.label()
            ),
        ));
    }
    Ok((reader.stream, preamble))
}

/// The greeting the client gets after the proxy's STARTTLS: the server's own, with
/// the capability list it sent before TLS replaced by the one it sent after. Returns
/// the new greeting and, when it differs, a sentence saying what changed and why.
pub fn greeting_after_starttls(preamble: &Preamble) -> (Vec<u8>, Option<String>) {
    let greeting = &preamble.greeting;
    let Some(after) = &preamble.capabilities_after_tls else {
        return (greeting.clone(), None);
    };
    let upper = greeting.to_ascii_uppercase();
    let Some(open) = find(&upper, b"[CAPABILITY ") else {
        return (greeting.clone(), None);
    };
    let Some(close) = upper[open..]
        .iter()
        .position(|&b| b == b']')
        .map(|i| i + open)
    else {
        return (greeting.clone(), None);
    };
    let after_text = String::from_utf8_lossy(&after[13..]).trim_end().to_string();
    let before_text = String::from_utf8_lossy(&greeting[open + 12..close]).to_string();
    let mut out = greeting[..open + 12].to_vec();
    out.extend_from_slice(after_text.as_bytes());
    out.extend_from_slice(&greeting[close..]);
    if out == *greeting {
        return (out, None);
    }
    let before: Vec<&str> = before_text.split(' ').collect();
    let now: Vec<&str> = after_text.split(' ').collect();
    let removed: Vec<&str> = before
        .iter()
        .filter(|c| !now.iter().any(|n| n.eq_ignore_ascii_case(c)))
        .copied()
        .collect();
    let added: Vec<&str> = now
        .iter()
        .filter(|c| !before.iter().any(|b| b.eq_ignore_ascii_case(c)))
        .copied()
        .collect();
    let mut what = Vec::new();
    if !removed.is_empty() {
        what.push(format!("removed {}", removed.join(" ")));
    }
    if !added.is_empty() {
        what.push(format!("added {}", added.join(" ")));
    }
    let note = format!(
        "the proxy changed the greeting's capability list ({}): it lists what the server offers after TLS, \
         which the proxy asked for with tutor1 CAPABILITY. The server's own greeting was: {}",
        what.join(", "),
        String::from_utf8_lossy(greeting).trim_end()
    );
    (out, Some(note))
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// A stream that first yields `prefix`, then reads from `inner`: bytes that were read
/// ahead while looking for a line are not lost.
pub(crate) struct Prefixed<S> {
    prefix: Vec<u8>,
    offset: usize,
    inner: S,
}

impl<S> Prefixed<S> {
    pub(crate) fn new(prefix: Vec<u8>, inner: S) -> Self {
        Prefixed {
            prefix,
            offset: 0,
            inner,
        }
    }
}

impl<S: AsyncRead + Unpin> AsyncRead for Prefixed<S> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        if self.offset < self.prefix.len() {
            let n = (self.prefix.len() - self.offset).min(buf.remaining());
            let start = self.offset;
            buf.put_slice(&self.prefix[start..start + n]);
            self.offset += n;
            if self.offset == self.prefix.len() {
                self.prefix = Vec::new();
                self.offset = 0;
            }
            return Poll::Ready(Ok(()));
        }
        Pin::new(&mut self.inner).poll_read(cx, buf)
    }
}

impl<S: AsyncWrite + Unpin> AsyncWrite for Prefixed<S> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.inner).poll_write(cx, buf)
    }
    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }
    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_parse_with_helpful_errors() {
        let t = Target::parse("127.0.0.1:143", Security::Plain, tls::Trust::System).unwrap();
        assert_eq!((t.host.as_str(), t.port), ("127.0.0.1", 143));
        let t = Target::parse("[::1]:993", Security::Tls, tls::Trust::System).unwrap();
        assert_eq!(
            (t.host.as_str(), t.label()),
            ("::1", "[::1]:993".to_string())
        );
        assert!(
            Target::parse("imap.example.org", Security::Plain, tls::Trust::System)
                .unwrap_err()
                .to_string()
                .contains("no port")
        );
        assert!(Target::parse("h:imap", Security::Plain, tls::Trust::System)
            .unwrap_err()
            .to_string()
            .contains("not a port"));
    }

    #[test]
    fn the_greeting_gets_the_capabilities_seen_over_tls() {
        let preamble = Preamble {
            greeting:
                b"* OK [CAPABILITY IMAP4rev1 STARTTLS AUTH=PLAIN LOGINDISABLED] Dovecot ready.\r\n"
                    .to_vec(),
            exchange: Vec::new(),
            capabilities_after_tls: Some(
                b"* CAPABILITY IMAP4rev1 AUTH=PLAIN AUTH=LOGIN\r\n".to_vec(),
            ),
        };
        let (greeting, note) = greeting_after_starttls(&preamble);
        assert_eq!(
            greeting,
            b"* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN AUTH=LOGIN] Dovecot ready.\r\n"
        );
        let note = note.unwrap();
        assert!(
            note.contains("removed STARTTLS LOGINDISABLED, added AUTH=LOGIN"),
            "{note}"
        );
    }

    #[tokio::test]
    async fn connection_refused_says_what_to_check() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        drop(listener);
        let e = connect_tcp("127.0.0.1", port).await.unwrap_err();
        assert_eq!(e.kind, "refused");
        assert!(e.message.contains("nothing listens"), "{e}");
    }

    #[tokio::test]
    async fn a_misspelt_host_is_a_dns_failure() {
        let e = connect_tcp("no-such-host.invalid", 143).await.unwrap_err();
        assert_eq!(e.kind, "dns", "{e}");
        assert!(e.message.contains("check the spelling"), "{e}");
    }
}
