//! One module per subcommand: each turns its arguments into calls on the library.
//!
//! Errors here are `String`s on purpose: the CLI is where a typed error from the library
//! ends, printed once to the user. Each message names the file or flag it concerns
//! (`name: cause`) and no caller branches on it, so a type would add nothing. The
//! library itself returns typed errors (enums that keep their sources).

pub mod check;
pub mod completions;
pub mod connect;
pub mod convert;
pub mod diff;
pub mod explain;
pub mod lesson;
pub mod man;
pub mod proxy;
pub mod replay;
pub mod serve;

use imap_tutor::net::tls::Trust;
use imap_tutor::net::upstream::Security;
use imap_tutor::transcript::normalize::{Rule, Rules};

/// `--mock` and `--fixture`, for the subcommands that can talk to the built-in server.
#[derive(clap::Args, Debug)]
pub struct MockArgs {
    /// Use the built-in mock server, in this process (no socket).
    #[arg(long)]
    pub mock: bool,
    /// The mock's world: a built-in fixture name (strategos, default) or a YAML file.
    #[arg(
        long,
        value_name = "NAME|FILE",
        default_value = "strategos",
        requires = "mock"
    )]
    pub fixture: String,
}

/// `--keep`, `--strict` and `--ignore`: how `diff` and `replay` normalise before comparing.
#[derive(clap::Args, Debug)]
pub struct RuleArgs {
    /// Turn a normalisation rule off (repeatable; all are on by default).
    #[arg(long, value_name = "RULE", value_parser = RuleParser)]
    pub keep: Vec<Rule>,
    /// Turn every normalisation rule off (--ignore still applies).
    #[arg(long)]
    pub strict: bool,
    /// Also ignore whatever this regular expression matches, on both sides (repeatable;
    /// `(?i-u)` for case-insensitive).
    #[arg(long, value_name = "REGEX")]
    pub ignore: Vec<String>,
}

/// Reads `--keep RULE` as [`Rule`]'s clap values (any case, aliases too), listing them
/// in `--help`, with the library's own error for a name that is not a rule.
#[derive(Clone)]
struct RuleParser;

impl clap::builder::TypedValueParser for RuleParser {
    type Value = Rule;

    fn parse_ref(
        &self,
        cmd: &clap::Command,
        _arg: Option<&clap::Arg>,
        value: &std::ffi::OsStr,
    ) -> Result<Rule, clap::Error> {
        use clap::ValueEnum;
        let name = value.to_string_lossy();
        Rule::from_str(name.trim(), true).map_err(|_| {
            let mut probe = Rules::default();
            let message = probe
                .keep(&name)
                .err()
                .map(|e| e.to_string())
                .unwrap_or_default();
            clap::Error::raw(clap::error::ErrorKind::InvalidValue, format!("{message}\n"))
                .with_cmd(cmd)
        })
    }

    fn possible_values(
        &self,
    ) -> Option<Box<dyn Iterator<Item = clap::builder::PossibleValue> + '_>> {
        use clap::ValueEnum;
        Some(Box::new(
            Rule::value_variants()
                .iter()
                .filter_map(|r| r.to_possible_value()),
        ))
    }
}

impl RuleArgs {
    /// The rules the flags ask for.
    pub fn rules(&self) -> Result<Rules, String> {
        let mut rules = if self.strict {
            Rules::strict()
        } else {
            Rules::default()
        };
        for rule in &self.keep {
            rules.keep_rule(*rule);
        }
        for pattern in &self.ignore {
            rules.ignore(pattern).map_err(|e| e.to_string())?;
        }
        Ok(rules)
    }
}

/// An error that ends a subcommand, with the message shown to the user (a `String`:
/// the message is the whole point here, see the module comment).
pub type CliResult = Result<std::process::ExitCode, String>;

/// The link to a server that `--tls` and `--starttls` ask for (connect, proxy, replay).
pub fn security(tls: bool, starttls: bool) -> Security {
    match (tls, starttls) {
        (true, _) => Security::Tls,
        (_, true) => Security::StartTls,
        _ => Security::Plain,
    }
}

/// Whose certificates the server's must chain to: `--ca`'s, none with `--insecure`,
/// or the system's.
pub fn trust(ca: Option<&std::path::Path>, insecure: bool) -> Trust {
    match (ca, insecure) {
        (Some(ca), _) => Trust::CaFile(ca.to_path_buf()),
        (None, true) => Trust::Insecure,
        (None, false) => Trust::System,
    }
}

/// Reads a file, or stdin for `-`, with an error that says what to check.
pub fn read_input(path: &std::path::Path) -> Result<Vec<u8>, String> {
    use std::io::Read;
    if path.as_os_str() == "-" {
        let mut buf = Vec::new();
        std::io::stdin()
            .read_to_end(&mut buf)
            .map_err(|e| format!("cannot read stdin: {e}"))?;
        return Ok(buf);
    }
    std::fs::read(path).map_err(|e| {
        format!(
            "cannot read {}: {e} (check the path; use - for stdin)",
            path.display()
        )
    })
}

/// A native transcript file, opened to be read line by line (`explain` and `diff` of
/// a large recording then hold one line at a time); `None` for anything else (stdin,
/// a folder, `FILE#N`, another format), which is read whole.
pub fn native_stream(
    path: &std::path::Path,
) -> Result<
    Option<imap_tutor::transcript::native::NativeReader<std::io::BufReader<std::fs::File>>>,
    String,
> {
    use std::io::BufRead;
    if path.as_os_str() == "-" || !path.is_file() {
        return Ok(None);
    }
    let file = std::fs::File::open(path).map_err(|e| {
        format!(
            "cannot read {}: {e} (check the path; use - for stdin)",
            path.display()
        )
    })?;
    let mut input = std::io::BufReader::with_capacity(64 * 1024, file);
    let head = input
        .fill_buf()
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let magic = imap_tutor::transcript::native::MAGIC.as_bytes();
    let head = head.strip_prefix(b"\xef\xbb\xbf").unwrap_or(head);
    if !head.starts_with(magic) {
        return Ok(None);
    }
    imap_tutor::transcript::native::NativeReader::new(input)
        .map(Some)
        .map_err(|e| format!("{}: {e}", path.display()))
}

/// Every session a file holds (captures and client logs hold one per connection).
/// `path` may be `-` (stdin), a file in any format `transcript::import` reads, or a
/// folder of Dovecot rawlogs (each `.in` file with its `.out`).
pub fn read_sessions(
    path: &std::path::Path,
    show_secrets: bool,
) -> Result<Vec<imap_tutor::transcript::import::Session>, String> {
    use imap_tutor::transcript::import::{self, Input};
    if path.is_dir() {
        let mut halves: Vec<std::path::PathBuf> = std::fs::read_dir(path)
            .map_err(|e| format!("cannot list {}: {e}", path.display()))?
            .filter_map(|entry| entry.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "in"))
            .collect();
        halves.sort();
        if halves.is_empty() {
            return Err(format!(
                "{} is a folder without Dovecot rawlogs (NAME.in and NAME.out): give a file",
                path.display()
            ));
        }
        let mut all = Vec::new();
        for half in halves {
            all.extend(read_sessions(&half, show_secrets)?);
        }
        return Ok(all);
    }
    let bytes = read_input(path)?;
    let name = path.display().to_string();
    let sibling = |extension: &str| std::fs::read(path.with_extension(extension)).ok();
    import::read_sessions(
        &Input {
            bytes: &bytes,
            name: &name,
            sibling: &sibling,
        },
        show_secrets,
    )
    .map_err(|e| format!("{name}: {e}"))
}

/// The one session `diff` and `replay` compare: the file's only one, or `FILE#N`
/// for the Nth of a capture or log that holds several.
pub fn read_one(path: &std::path::Path) -> Result<imap_tutor::transcript::Transcript, String> {
    let (file, pick) = split_pick(path);
    let mut sessions = read_sessions(&file, false)?;
    let count = sessions.len();
    match pick {
        Some(n) if n >= 1 && n <= count => Ok(sessions.swap_remove(n - 1).transcript),
        Some(n) => Err(format!(
            "{}: there is no session {n}: it holds {count}",
            file.display()
        )),
        None if count == 1 => Ok(sessions.swap_remove(0).transcript),
        None => {
            let names: Vec<String> = sessions
                .iter()
                .enumerate()
                .map(|(i, s)| format!("  {}#{}  {}", file.display(), i + 1, s.name))
                .collect();
            Err(format!(
                "{} holds {count} sessions: pick one with FILE#N:\n{}",
                file.display(),
                names.join("\n")
            ))
        }
    }
}

/// `capture.pcap#2` is session 2 of capture.pcap, unless a file is called that.
pub fn split_pick(path: &std::path::Path) -> (std::path::PathBuf, Option<usize>) {
    let text = path.to_string_lossy();
    if !path.exists() {
        if let Some((file, n)) = text.rsplit_once('#') {
            if let Ok(n) = n.parse::<usize>() {
                return (std::path::PathBuf::from(file), Some(n));
            }
        }
    }
    (path.to_path_buf(), None)
}

/// Exit status of `diff` and `replay` after their report is written: 0 when the sessions
/// are the same, 1 when they differ (as diff(1) does), an error when stdout failed.
pub fn verdict(
    written: std::io::Result<()>,
    out: &mut impl std::io::Write,
    same: bool,
) -> CliResult {
    written
        .and_then(|_| out.flush())
        .map_err(|e| format!("cannot write the output: {e}"))?;
    Ok(if same {
        std::process::ExitCode::SUCCESS
    } else {
        std::process::ExitCode::from(1)
    })
}
