//! The tokio edges: sockets, TLS and terminals. Everything here drives the sans-IO
//! core (`wire`, `explain`, `mock`) and nothing in the core knows this module exists.
//!
//! - [`proxy`]: `imap-tutor proxy`, the annotating proxy (listener, sessions, Ctrl-C).
//! - [`relay`]: the byte-exact copy loops and the tap that feeds the annotator.
//! - [`annotate`]: one annotator per connection: explains, labels, prints, records.
//! - [`record`]: `--record`, one native transcript per connection, secrets masked.
//! - [`upstream`]: reaching a server (DNS, TCP, TLS, STARTTLS) with actionable errors.
//! - [`tls`]: rustls configurations, certificate problems in words, the listener's certificate.
//! - [`connect`]: `imap-tutor connect`, an annotating telnet.
//! - [`serve`]: `imap-tutor serve`, the mock server on a TCP port.

pub mod annotate;
pub mod connect;
pub mod proxy;
pub mod record;
pub(crate) mod relay;
pub mod serve;
pub mod tls;
pub mod upstream;
