//! One module per subcommand: each turns its arguments into calls on the library.

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

/// An error that ends a subcommand, with the message shown to the user.
pub type CliResult = Result<std::process::ExitCode, String>;

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
