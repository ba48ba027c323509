//! `imap-tutor replay TRANSCRIPT`: sends a recorded session's client side again, to
//! the in-process mock or to a real server, and diffs the answers with the recording.
//!
//! The edge only: `transcript::replay` decides what to send and when; this file moves
//! bytes. `--mock` drives a mock `Session` directly (no socket at all); `--against`
//! uses tokio TCP, with TLS or STARTTLS through `net::upstream`, the proxy's own
//! connector, so certificate problems are explained the same way.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};

use imap_tutor::mock::{self, Session};
use imap_tutor::net::tls;
use imap_tutor::net::upstream::{self, Security, Target};
use imap_tutor::render::{html, ReportFormat};
use imap_tutor::transcript::diff::{diff, Names, Report};
use imap_tutor::transcript::replay::{Action, Options, Patience, Replay};
use imap_tutor::transcript::{self, Transcript};

use super::read_one;
use super::CliResult;
use super::{MockArgs, RuleArgs};

/// Send a recorded session to a server again and compare its answers with the recording.
#[derive(clap::Args)]
#[command(after_help = "Examples:
  imap-tutor replay transcripts/strategos.txt --mock
  imap-tutor replay transcripts/dovecot-select-fetch.txt --mock --fixture scenarios/fixtures/dovecot-lab.yaml --password tryhackme
  imap-tutor replay transcripts/dovecot-select-fetch.txt --against 127.0.0.1:10143 --password tryhackme
  imap-tutor replay transcripts/dovecot-search.txt --against 127.0.0.1:10143 --starttls --ca /tmp/lab/cert.pem --password tryhackme
  imap-tutor replay transcripts/strategos.txt --mock --format html > replay.html

Recordings mask passwords (`********`): give --password (and --user) to log in.
A recording whose header names a `companion` (another transcript) has that session
run on a second connection while it idles: that is how mail arrives during IDLE.
The differences use the same normalisation as `imap-tutor diff` (--keep, --strict,
--ignore). Exit codes: 0 the server answered as recorded, 1 it did not, 2 trouble.")]
pub struct ReplayArgs {
    /// The recorded session (any transcript format).
    transcript: PathBuf,
    /// A server to replay against.
    #[arg(
        long,
        value_name = "HOST:PORT",
        conflicts_with = "mock",
        required_unless_present = "mock"
    )]
    against: Option<String>,
    /// Implicit TLS (IMAPS, usually port 993).
    #[arg(long, requires = "against", conflicts_with = "starttls")]
    tls: bool,
    /// Upgrade with STARTTLS before replaying (usually port 143).
    #[arg(long, requires = "against")]
    starttls: bool,
    /// Trust only this CA (PEM) for the server's certificate: a lab's.
    #[arg(long, value_name = "FILE")]
    ca: Option<PathBuf>,
    /// Do not check the server's certificate: for a lab on this machine only.
    #[arg(long, conflicts_with = "ca")]
    insecure: bool,
    #[command(flatten)]
    mock: MockArgs,
    /// Log in as this user instead of the recorded one.
    #[arg(long)]
    user: Option<String>,
    /// Log in with this password (recordings mask it).
    #[arg(long, env = "IMAP_TUTOR_PASSWORD")]
    password: Option<String>,
    /// The session to run on a second connection during IDLE (default: the header's `companion`).
    #[arg(long, value_name = "FILE")]
    companion: Option<PathBuf>,
    /// Seconds to wait for an answer the server owes (greeting, `+`, tagged completion).
    #[arg(long, default_value_t = 10.0, value_name = "SECS")]
    timeout: f64,
    /// Seconds to wait for updates during IDLE before sending DONE.
    #[arg(long, default_value_t = 2.0, value_name = "SECS")]
    updates_wait: f64,
    /// Write the session as it went, in the transcript format.
    #[arg(long, value_name = "FILE")]
    save: Option<PathBuf>,
    #[command(flatten)]
    rules: RuleArgs,
    /// Output format of the differences (html: one page, side by side).
    #[arg(long, value_enum, default_value_t = ReportFormat::Text)]
    format: ReportFormat,
}

/// A session to replay: its recording, where it came from, and its companion.
struct Job {
    name: String,
    recorded: Transcript,
    companion: Option<Box<Job>>,
}

fn load_job(path: &Path, companion: Option<&Path>) -> Result<Job, String> {
    let recorded = read_one(path)?;
    let companion_path = match companion {
        Some(p) => Some(p.to_path_buf()),
        None => recorded
            .meta("companion")
            .map(|c| path.parent().unwrap_or(Path::new(".")).join(c.trim())),
    };
    let companion = match companion_path {
        Some(p) => Some(Box::new(Job {
            name: p.display().to_string(),
            recorded: read_one(&p)?,
            companion: None,
        })),
        None => None,
    };
    Ok(Job {
        name: path.display().to_string(),
        recorded,
        companion,
    })
}

/// What a replay gave: the session as it went, and its companion's.
struct Outcome {
    actual: Transcript,
    companion: Option<Box<Outcome>>,
}

pub fn run(args: ReplayArgs, color: bool) -> CliResult {
    let rules = args.rules.rules()?;
    let options = Options {
        user: args.user.clone(),
        password: args.password.clone(),
    };
    let job = load_job(&args.transcript, args.companion.as_deref())?;
    let (outcome, server) = if args.mock.mock {
        let outcome = replay_mock(&job, &options, &args.mock.fixture)?;
        (outcome, format!("the mock (fixture {})", args.mock.fixture))
    } else {
        let against = args.against.clone().unwrap_or_default();
        let security = super::security(args.tls, args.starttls);
        if security == Security::Plain && (args.ca.is_some() || args.insecure) {
            return Err("--ca and --insecure are about the server's TLS certificate: add --tls or --starttls".into());
        }
        if args.ca.is_none() && args.insecure {
            eprintln!("imap-tutor replay: {}", tls::INSECURE_WARNING);
        }
        let trust = super::trust(args.ca.as_deref(), args.insecure);
        let target = Target::parse(&against, security, trust).map_err(|e| e.to_string())?;
        let tls_config = match security {
            Security::Plain => None,
            _ => Some(tls::client_config(&target.trust).map_err(|e| e.to_string())?),
        };
        let waits = Waits {
            answer: Duration::from_secs_f64(args.timeout.max(0.1)),
            updates: Duration::from_secs_f64(args.updates_wait.max(0.0)),
        };
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| format!("cannot start the async runtime: {e}"))?;
        let outcome = runtime.block_on(replay_tcp(&job, &options, &target, tls_config, waits))?;
        (outcome, format!("the server at {}", target.label()))
    };
    if let Some(path) = &args.save {
        let mut actual = outcome.actual.clone();
        actual.set_meta("server", server.clone());
        actual.set_meta("source", format!("imap-tutor replay {}", job.name));
        std::fs::write(path, transcript::write(&actual))
            .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    }
    let mut reports: Vec<(Names, Report)> = Vec::new();
    let mut pair = (Some(&job), Some(&outcome));
    while let (Some(j), Some(o)) = pair {
        let names = Names {
            expected: j.name.clone(),
            actual: format!("{server}, replaying {}", j.name),
        };
        reports.push((names, diff(&j.recorded, &o.actual, &rules)));
        pair = (j.companion.as_deref(), o.companion.as_deref());
    }
    let same = reports.iter().all(|(_, r)| r.is_same());
    let mut text = String::new();
    match args.format {
        ReportFormat::Html => {
            let mut page = Vec::new();
            let title = format!("imap-tutor replay {} against {server}", job.name);
            html::write_reports(&mut page, &title, &reports)
                .map_err(|e| format!("cannot write the output: {e}"))?;
            text = String::from_utf8_lossy(&page).into_owned();
        }
        ReportFormat::Text => {
            for (names, report) in &reports {
                if reports.len() > 1 {
                    text.push_str(&format!("== {}\n", names.expected));
                }
                text.push_str(&report.render(names, color));
            }
        }
        ReportFormat::Json => {
            let all: Vec<serde_json::Value> = reports.iter().map(|(n, r)| r.to_json(n)).collect();
            text = format!("{}\n", serde_json::json!({ "same": same, "sessions": all }));
        }
    }
    let mut out = std::io::stdout().lock();
    let written = out.write_all(text.as_bytes());
    super::verdict(written, &mut out, same)
}

/// Replays against mock sessions over one store, in this process: every answer is
/// there as soon as the command is, so a wait with nothing to read has timed out.
fn replay_mock(job: &Job, options: &Options, fixture: &str) -> Result<Outcome, String> {
    let (store, config) = mock::fixture::load(fixture).map_err(|e| format!("--fixture: {e}"))?;
    let config = Arc::new(config);
    replay_mock_on(job, options, &store, &config)
}

fn replay_mock_on(
    job: &Job,
    options: &Options,
    store: &mock::Store,
    config: &Arc<mock::Config>,
) -> Result<Outcome, String> {
    let mut replay = Replay::new(&job.recorded, options, job.companion.is_some())
        .map_err(|e| format!("{}: {e}", job.name))?;
    let (mut session, greeting) = Session::new(store.clone(), config.clone());
    replay.receive(&greeting);
    let mut companion = None;
    loop {
        match replay.next_action() {
            Action::Send(bytes) => {
                let out = session.receive(&bytes);
                replay.receive(&out.bytes);
                if out.is_closed() {
                    replay.closed();
                }
            }
            Action::Wait(_) => {
                let updates = session.poll_updates();
                if updates.is_empty() {
                    replay.timeout();
                } else {
                    replay.receive(&updates);
                }
            }
            Action::Companion => {
                if let Some(c) = &job.companion {
                    companion = Some(Box::new(replay_mock_on(c, options, store, config)?));
                }
                replay.companion_done();
            }
            Action::Finished => break,
        }
    }
    Ok(Outcome {
        actual: replay.transcript(),
        companion,
    })
}

#[derive(Clone, Copy)]
struct Waits {
    answer: Duration,
    updates: Duration,
}

/// Replays over TCP (and TLS): one connection, plus one for the companion.
async fn replay_tcp(
    job: &Job,
    options: &Options,
    target: &Target,
    tls_config: Option<Arc<rustls::ClientConfig>>,
    waits: Waits,
) -> Result<Outcome, String> {
    let mut replay = Replay::new(&job.recorded, options, job.companion.is_some())
        .map_err(|e| format!("{}: {e}", job.name))?;
    let connected = upstream::connect(target, tls_config.clone())
        .await
        .map_err(|e| e.message)?;
    let mut stream = connected.stream;
    if let Some(preamble) = &connected.preamble {
        // STARTTLS was done before replaying: the greeting the client sees lists
        // what the server offers over TLS, as through the proxy.
        let (greeting, _) = upstream::greeting_after_starttls(preamble);
        replay.receive(&greeting);
    }
    let mut companion = None;
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        match replay.next_action() {
            Action::Send(bytes) => {
                if let Err(e) = async {
                    stream.write_all(&bytes).await?;
                    stream.flush().await
                }
                .await
                {
                    eprintln!(
                        "imap-tutor replay: sending to {} failed: {e}",
                        target.label()
                    );
                    replay.closed();
                }
            }
            Action::Wait(patience) => {
                let wait = match patience {
                    Patience::Answer => waits.answer,
                    Patience::Updates => waits.updates,
                };
                match tokio::time::timeout(wait, stream.read(&mut buf)).await {
                    Ok(Ok(0)) => replay.closed(),
                    Ok(Ok(n)) => replay.receive(&buf[..n]),
                    Ok(Err(e)) => {
                        eprintln!(
                            "imap-tutor replay: reading from {} failed: {e}",
                            target.label()
                        );
                        replay.closed();
                    }
                    Err(_) => replay.timeout(),
                }
            }
            Action::Companion => {
                if let Some(c) = &job.companion {
                    let run = Box::pin(replay_tcp(c, options, target, tls_config.clone(), waits));
                    companion = Some(Box::new(run.await?));
                }
                replay.companion_done();
            }
            Action::Finished => break,
        }
    }
    let _ = stream.shutdown().await;
    Ok(Outcome {
        actual: replay.transcript(),
        companion,
    })
}
