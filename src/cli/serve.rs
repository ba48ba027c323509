//! `imap-tutor serve`: runs the built-in mock IMAP server for real mail clients.

use std::net::SocketAddr;
use std::process::ExitCode;
use std::sync::Arc;

use imap_tutor::mock::fixture;
use imap_tutor::net::serve::serve;

use super::CliResult;

/// Run the built-in mock IMAP server (Dovecot's wording, in memory, nothing saved).
#[derive(clap::Args)]
#[command(after_help = "Examples:
  imap-tutor serve                                   the default world on 127.0.0.1:1143
  imap-tutor serve --fixture strategos               the seed walkthrough's world
  imap-tutor serve --fixture my-world.yaml --listen 127.0.0.1:2143
  curl 'imap://127.0.0.1:1143/INBOX;UID=3' -u strategos:tryhackme   (in another terminal)

Fixtures are documented in book/src/reference/fixtures.md. Stop with Ctrl-C.")]
pub struct ServeArgs {
    /// Address to listen on. Loopback by default: the mock has no TLS and no real passwords.
    #[arg(long, default_value = "127.0.0.1:1143")]
    listen: SocketAddr,
    /// A built-in fixture (strategos, default) or a YAML file, such as
    /// scenarios/fixtures/dovecot-lab.yaml.
    #[arg(long, default_value = "default")]
    fixture: String,
}

pub fn run(args: ServeArgs) -> CliResult {
    let (store, config) =
        fixture::load(&args.fixture).map_err(|e| format!("fixture {}: {e}", args.fixture))?;
    if !args.listen.ip().is_loopback() {
        eprintln!(
            "imap-tutor: warning: listening on {} — beyond this machine; the mock has no TLS",
            args.listen
        );
    }
    let runtime =
        tokio::runtime::Runtime::new().map_err(|e| format!("cannot start the runtime: {e}"))?;
    eprintln!(
        "imap-tutor: mock IMAP server ({}) on {}; Ctrl-C stops it",
        args.fixture, args.listen
    );
    let shutdown = async {
        let _ = tokio::signal::ctrl_c().await;
        eprintln!("imap-tutor: shutting down");
    };
    runtime
        .block_on(serve(args.listen, store, Arc::new(config), shutdown))
        .map_err(|e| match e.kind() {
            std::io::ErrorKind::AddrInUse => {
                format!("{} is already in use: stop the other server or pass --listen 127.0.0.1:OTHERPORT", args.listen)
            }
            _ => format!("cannot listen on {}: {e}", args.listen),
        })?;
    Ok(ExitCode::SUCCESS)
}
