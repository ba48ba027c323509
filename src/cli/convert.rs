//! `imap-tutor convert FILE [-o OUT]`: any transcript format into the native one.
//!
//! The reading and writing are `transcript::convert`'s; this file adds the files,
//! and `--set KEY=VALUE` for header fields a capture cannot know by itself (the
//! server's version, where the session comes from).

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use imap_tutor::transcript;

use super::{read_sessions, CliResult};

/// Convert a telnet capture, C:/S: text, a pcap/pcapng capture, a rawlog or a MOZ_LOG into imap-tutor's transcript format.
#[derive(clap::Args)]
#[command(after_help = "Examples:
  imap-tutor convert tests/data/pasted/telnet-walkthrough.txt -o walkthrough.txt
  imap-tutor convert tests/data/dovecot/seed-session.txt   (to stdout)
  imap-tutor convert tests/data/dovecot/seed-session.txt --set server=\"Dovecot 2.3.19.1\" -o seed.txt
  imap-tutor convert tests/data/imports/dovecot-imaplib.pcap -o session.txt
                     (one file per IMAP connection: session.txt, session-2.txt, ...)

A native file comes back in canonical form. The format is detected; see the book's
\"transcript format\" page for what each reader accepts.")]
pub struct ConvertArgs {
    /// The file to read (telnet capture, C:/S: text, native, capture, rawlog, MOZ_LOG; FILE#N picks one session), or - for stdin.
    file: PathBuf,
    /// Where to write; stdout if not given. May be the input file itself.
    #[arg(short, long, value_name = "OUT")]
    output: Option<PathBuf>,
    /// Set a header field (repeatable): `--set server="Dovecot 2.3.19.1"`.
    #[arg(long, value_name = "KEY=VALUE")]
    set: Vec<String>,
}

pub fn run(args: ConvertArgs, _color: bool) -> CliResult {
    let name = args.file.display().to_string();
    let (file, pick) = super::split_pick(&args.file);
    let mut sessions = read_sessions(&file, false)?;
    if let Some(n) = pick {
        if n == 0 || n > sessions.len() {
            return Err(format!(
                "{name}: there is no session {n}: it holds {}",
                sessions.len()
            ));
        }
        sessions = vec![sessions.swap_remove(n - 1)];
    }
    if sessions.len() > 1 && args.output.is_none() {
        return Err(format!(
            "{name} holds {} sessions: give -o FILE (they go to FILE, FILE-2, ...), or pick one with {name}#N",
            sessions.len()
        ));
    }
    for (i, session) in sessions.into_iter().enumerate() {
        let mut t = session.transcript;
        if session.format != "native" {
            t.set_meta("converted-from", session.format);
            if t.meta("tool").is_none() {
                t.set_meta("tool", concat!("imap-tutor ", env!("CARGO_PKG_VERSION")));
            }
        }
        for field in &args.set {
            let (key, value) = field.split_once('=').ok_or_else(|| {
                format!("--set `{field}`: write KEY=VALUE, e.g. --set server=\"Dovecot 2.3.19.1\"")
            })?;
            t.set_meta(key.trim(), value.trim());
        }
        let native = transcript::write(&t);
        match &args.output {
            Some(path) => {
                let path = imap_tutor::net::record::path_for(path, i as u64 + 1, "");
                std::fs::write(&path, native.as_bytes())
                    .map_err(|e| format!("cannot write {}: {e}", path.display()))?
            }
            None => {
                let mut out = std::io::stdout().lock();
                out.write_all(native.as_bytes())
                    .and_then(|_| out.flush())
                    .map_err(|e| format!("cannot write the output: {e}"))?;
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
