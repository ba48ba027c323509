//! `imap-tutor connect HOST:PORT` and `connect --mock`: type IMAP, see it explained.

use std::process::ExitCode;

use imap_tutor::net::connect::{self, Look, Peer};
use imap_tutor::net::tls;
use imap_tutor::net::upstream::Target;
use imap_tutor::render::TextStyle;

use super::{CliResult, MockArgs};

/// An annotating telnet: type IMAP commands, read every answer explained.
#[derive(clap::Args)]
#[command(after_help = "Examples:
  imap-tutor connect --mock                              the built-in server (fixture strategos), offline
  imap-tutor connect 127.0.0.1:143
  imap-tutor connect imap.example.org:993 --tls
  imap-tutor connect 127.0.0.1:10143 --starttls --ca /tmp/lab/cert.pem

Each line is sent with CR LF. After a line that ends in a literal's count, such as
`{12}` (and the server's `+`; at once for `{12+}`), the next lines are the literal:
imap-tutor counts their bytes (CR LF included) and refuses a line that would overrun
the count. Ctrl-D or .quit ends the session.")]
pub struct ConnectArgs {
    /// The server to talk to (not with --mock).
    #[arg(
        value_name = "HOST:PORT",
        required_unless_present = "mock",
        conflicts_with = "mock"
    )]
    server: Option<String>,
    /// Implicit TLS (IMAPS, usually port 993).
    #[arg(long, conflicts_with_all = ["starttls", "mock"])]
    tls: bool,
    /// Upgrade with STARTTLS before the session starts (usually port 143).
    #[arg(long, conflicts_with = "mock")]
    starttls: bool,
    /// Trust only this CA (PEM) for the server's certificate.
    #[arg(long, value_name = "FILE", conflicts_with = "insecure")]
    ca: Option<std::path::PathBuf>,
    /// Do not check the server's certificate. For a lab on this machine only.
    #[arg(long)]
    insecure: bool,
    #[command(flatten)]
    mock: MockArgs,
    /// Show passwords and AUTHENTICATE data in the explanations.
    #[arg(long)]
    show_secrets: bool,
    /// Show literals whole instead of a summary.
    #[arg(long)]
    full: bool,
}

pub fn run(args: ConnectArgs, color: bool) -> CliResult {
    let peer = if args.mock.mock {
        Peer::Mock {
            fixture: args.mock.fixture.clone(),
        }
    } else {
        let security = super::security(args.tls, args.starttls);
        let trust = super::trust(args.ca.as_deref(), args.insecure);
        if args.insecure {
            eprintln!("imap-tutor connect: {}", tls::INSECURE_WARNING);
        }
        Peer::Server(
            Target::parse(args.server.as_deref().unwrap_or_default(), security, trust)
                .map_err(|e| e.to_string())?,
        )
    };
    let look = Look {
        style: TextStyle::for_stdout(color, args.full),
        show_secrets: args.show_secrets,
    };
    connect::run(peer, look).map_err(|e| e.to_string())?;
    Ok(ExitCode::SUCCESS)
}
