//! `imap-tutor convert FILE [-o OUT]`: any transcript format into the native one.
//!
//! The reading and writing are `transcript::convert`'s; this file adds the files,
//! and `--set KEY=VALUE` for header fields a capture cannot know by itself (the
//! server's version, where the session comes from).

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use imap_tutor::transcript;

use super::{read_input, CliResult};

/// Convert a telnet capture or C:/S: text into imap-tutor's transcript format.
#[derive(clap::Args)]
#[command(after_help = "Examples:
  imap-tutor convert tests/data/pasted/telnet-walkthrough.txt -o walkthrough.txt
  imap-tutor convert tests/data/dovecot/seed-session.txt   (to stdout)
  imap-tutor convert tests/data/dovecot/seed-session.txt --set server=\"Dovecot 2.3.19.1\" -o seed.txt

A native file comes back in canonical form. The format is detected; see the book's
\"transcript format\" page for what each reader accepts.")]
pub struct ConvertArgs {
    /// The file to read (telnet capture, C:/S: text, or native), or - for stdin.
    file: PathBuf,
    /// Where to write; stdout if not given. May be the input file itself.
    #[arg(short, long, value_name = "OUT")]
    output: Option<PathBuf>,
    /// Set a header field (repeatable): `--set server="Dovecot 2.3.19.1"`.
    #[arg(long, value_name = "KEY=VALUE")]
    set: Vec<String>,
}

pub fn run(args: ConvertArgs, _color: bool) -> CliResult {
    let bytes = read_input(&args.file)?;
    let text = String::from_utf8_lossy(&bytes);
    let name = args.file.display();
    let mut native = transcript::convert(&text).map_err(|e| format!("{name}: {e}"))?;
    if !args.set.is_empty() {
        let mut t = transcript::read_native(&native).map_err(|e| format!("{name}: {e}"))?;
        for field in &args.set {
            let (key, value) = field.split_once('=').ok_or_else(|| {
                format!("--set `{field}`: write KEY=VALUE, e.g. --set server=\"Dovecot 2.3.19.1\"")
            })?;
            t.set_meta(key.trim(), value.trim());
        }
        native = transcript::write(&t);
    }
    match &args.output {
        Some(path) => std::fs::write(path, native.as_bytes())
            .map_err(|e| format!("cannot write {}: {e}", path.display()))?,
        None => {
            let mut out = std::io::stdout().lock();
            out.write_all(native.as_bytes())
                .and_then(|_| out.flush())
                .map_err(|e| format!("cannot write the output: {e}"))?;
        }
    }
    Ok(ExitCode::SUCCESS)
}
