//! `imap-tutor proxy --upstream HOST:PORT`: the annotating proxy.

use std::path::PathBuf;
use std::process::ExitCode;

use imap_tutor::net::annotate::Display;
use imap_tutor::net::proxy::{self, Config};
use imap_tutor::net::tls;
use imap_tutor::net::upstream::{Security, Target};
use imap_tutor::render::{Format, TextStyle};

use super::CliResult;

/// Relay an IMAP client to a server, byte for byte, explaining every line as it passes.
#[derive(clap::Args)]
#[command(after_help = "Examples:
  imap-tutor proxy --upstream imap.example.org:993 --tls     then: telnet 127.0.0.1 1143
  imap-tutor proxy --upstream 127.0.0.1:143 --starttls --ca lab/cert.pem
  imap-tutor proxy --upstream 127.0.0.1:10143 --record sessions/ --quiet
  imap-tutor proxy --upstream imap.example.org:993 --tls --listen-tls   (for clients that insist on TLS)
  imap-tutor proxy --upstream imap.example.org:993 --tls --client-starttls   (for clients that insist on STARTTLS)

The relay never changes a byte of what client and server say to each other. What the
proxy adds itself (its own STARTTLS with --starttls, a BYE when the server cannot be
reached) is shown as the proxy's doing. Passwords and AUTHENTICATE data are masked on
screen and in recordings unless --show-secrets is given; the server always gets them.")]
pub struct ProxyArgs {
    /// The IMAP server to relay to.
    #[arg(long, value_name = "HOST:PORT")]
    upstream: String,
    /// Implicit TLS to the server (IMAPS, usually port 993).
    #[arg(long, conflicts_with = "starttls")]
    tls: bool,
    /// The proxy upgrades its link to the server with STARTTLS (usually port 143); your client still speaks plain text to the proxy.
    #[arg(long)]
    starttls: bool,
    /// Where clients connect. Loopback by default: anyone who can connect uses your server through you.
    #[arg(long, value_name = "ADDR:PORT", default_value = "127.0.0.1:1143")]
    listen: String,
    /// Clients speak IMAPS to the proxy, with a certificate made on first use (or --cert/--key).
    #[arg(long)]
    listen_tls: bool,
    /// Offer STARTTLS to plain-text clients: the proxy adds it to the capabilities and answers it itself, with its own certificate (for clients that insist on STARTTLS).
    #[arg(long, conflicts_with = "listen_tls")]
    client_starttls: bool,
    /// The listener's certificate (PEM), with --listen-tls or --client-starttls.
    #[arg(long, requires = "key", value_name = "FILE")]
    cert: Option<PathBuf>,
    /// The listener's private key (PEM), with --listen-tls or --client-starttls.
    #[arg(long, requires = "cert", value_name = "FILE")]
    key: Option<PathBuf>,
    /// Record each connection as a transcript: into a directory (one file per connection), or a file.
    #[arg(long, value_name = "DIR_OR_FILE")]
    record: Option<PathBuf>,
    /// Output format of the explanations.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
    /// Print only one line per connection when it ends (use with --record).
    #[arg(long)]
    quiet: bool,
    /// Trust only this CA (PEM) for the server's certificate: a lab or company CA.
    #[arg(long, value_name = "FILE", conflicts_with = "insecure")]
    ca: Option<PathBuf>,
    /// Do not check the server's certificate at all. For a lab on this machine only.
    #[arg(long)]
    insecure: bool,
    /// Show passwords and AUTHENTICATE data, on screen and in recordings.
    #[arg(long)]
    show_secrets: bool,
    /// Show literals whole instead of a summary.
    #[arg(long)]
    full: bool,
}

pub fn run(args: ProxyArgs, color: bool) -> CliResult {
    let security = super::security(args.tls, args.starttls);
    if security == Security::Plain && (args.ca.is_some() || args.insecure) {
        return Err("--ca and --insecure are about the server's TLS certificate: add --tls (port 993) or --starttls (port 143)".into());
    }
    if (args.cert.is_some() || args.key.is_some()) && !args.listen_tls {
        return Err(
            "--cert and --key are for the proxy's own TLS listener: add --listen-tls".into(),
        );
    }
    let trust = super::trust(args.ca.as_deref(), args.insecure);
    let target = Target::parse(&args.upstream, security, trust).map_err(|e| e.to_string())?;
    let own_tls = if args.listen_tls || args.client_starttls {
        let pair = args.cert.as_deref().zip(args.key.as_deref());
        let (config, cert_path) = tls::server_config(pair).map_err(|e| e.to_string())?;
        let how = if args.listen_tls {
            "speak IMAPS to the proxy"
        } else {
            "may ask the proxy for STARTTLS"
        };
        eprintln!(
            "imap-tutor proxy: clients {how}; the proxy's certificate is {} (tell the client to trust it)",
            cert_path.display()
        );
        Some(config)
    } else {
        None
    };
    let (listen_tls, client_starttls) = if args.listen_tls {
        (own_tls, None)
    } else {
        (None, own_tls)
    };
    if args.insecure {
        eprintln!("imap-tutor proxy: {}", tls::INSECURE_WARNING);
    }
    let config = Config {
        listen: args.listen.clone(),
        target,
        listen_tls,
        client_starttls,
        record: args.record.clone(),
        display: Display {
            format: args.format,
            style: TextStyle::for_stdout(color, args.full),
            quiet: args.quiet,
            show_secrets: args.show_secrets,
        },
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the async runtime: {e}"))?;
    let upstream = config.target.label();
    let listen_tls = config.listen_tls.is_some();
    runtime.block_on(proxy::run(config, |local| {
        let scheme = if listen_tls { "IMAPS" } else { "plain text" };
        eprintln!(
            "imap-tutor proxy: listening on {local} ({scheme}), relaying to {upstream}. Point your client at {local}, \
             e.g. `{}`. Ctrl-C stops.",
            if listen_tls {
                format!("openssl s_client -connect {local}")
            } else {
                format!("telnet {} {}", local.ip(), local.port())
            }
        );
        if !local.ip().is_loopback() {
            eprintln!(
                "imap-tutor proxy: WARNING: {local} is not a loopback address: other machines can connect, and use \
                 your server through this proxy"
            );
        }
    }))
    .map_err(|e| e.to_string())?;
    Ok(ExitCode::SUCCESS)
}
