//! `--record`: one native transcript per connection, written as the session runs.
//!
//! The file is the transcripts module's native format, so `imap-tutor explain` (and
//! `diff`) read it back. It is written as bytes arrive, never held whole: a 100 MB
//! literal goes to disk in pieces. Each piece goes through the transcripts module's
//! own writer ([`crate::transcript::write`]) as a one-record transcript, so escaping
//! and line marks are that module's, not a second copy of them here; a piece cut in
//! the middle of a line simply ends in `\$` ("no line ending here"), as the format
//! defines for a record cut mid-line.
//!
//! The client's bytes pass through the [`Redactor`] first: passwords and SASL data
//! are masked unless `--show-secrets` was given, and after a gap (bytes the annotator
//! skipped) the client's bytes are left out until the redactor is back in step. The server's bytes are recorded as
//! they came. What the proxy itself did is recorded as `!` notes.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use crate::explain::redact::Redactor;
use crate::transcript::{self, Direction, Record};

/// Why a recording cannot be made or goes on no further.
#[derive(Debug)]
pub enum RecordError {
    /// The folder the recording goes in cannot be made.
    Folder {
        path: PathBuf,
        error: std::io::Error,
    },
    /// The file cannot be created.
    Create {
        path: PathBuf,
        error: std::io::Error,
    },
    /// A write to the file failed (disk full, file system gone).
    Write {
        path: PathBuf,
        error: std::io::Error,
    },
}

impl std::fmt::Display for RecordError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RecordError::Folder { path, error } => {
                write!(f, "cannot create {}: {error}", path.display())
            }
            RecordError::Create { path, error } => {
                write!(f, "cannot create the recording {}: {error}", path.display())
            }
            RecordError::Write { path, error } => {
                write!(f, "cannot write {}: {error}", path.display())
            }
        }
    }
}

impl std::error::Error for RecordError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            RecordError::Folder { error, .. }
            | RecordError::Create { error, .. }
            | RecordError::Write { error, .. } => Some(error),
        }
    }
}

/// Writes one connection's transcript.
pub struct Recorder {
    out: BufWriter<File>,
    /// Stateful, so literal data keeps its `|` mark across the pieces the relay reads.
    writer: transcript::Writer,
    pub(crate) path: PathBuf,
    redactor: Redactor,
    /// The first write error (a [`RecordError::Write`]'s words), after which the
    /// recorder stops writing.
    pub(crate) failed: Option<String>,
    /// Bytes missing since the last gap mark, per direction (client, server).
    gaps: [u64; 2],
}

fn index(direction: Direction) -> usize {
    match direction {
        Direction::Client => 0,
        Direction::Server => 1,
    }
}

/// Where the recording of connection `id` goes. A directory (existing, or written
/// with a trailing `/`) gets one file per connection, named by start time and number,
/// never overwriting one already there;
/// a file name is used as is for connection 1, and numbered for the next ones
/// (`session.txt`, `session-2.txt`, ...).
pub fn path_for(record: &Path, id: u64, started: &str) -> PathBuf {
    let as_dir = record.is_dir() || record.as_os_str().to_string_lossy().ends_with('/');
    if as_dir {
        let stamp: String = started
            .chars()
            .filter(|c| c.is_ascii_digit())
            .take(14)
            .collect();
        // Never overwrite: another proxy run may have used the same second and number.
        let mut path = record.join(format!("imap-{stamp}-{id}.txt"));
        let mut again = 1;
        while path.exists() {
            again += 1;
            path = record.join(format!("imap-{stamp}-{id}-{again}.txt"));
        }
        return path;
    }
    if id == 1 {
        return record.to_path_buf();
    }
    let stem = record
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let name = match record.extension() {
        Some(ext) => format!("{stem}-{id}.{}", ext.to_string_lossy()),
        None => format!("{stem}-{id}"),
    };
    record.with_file_name(name)
}

impl Recorder {
    /// Creates the file and writes the header fields.
    pub fn create(
        path: PathBuf,
        meta: Vec<(String, String)>,
        show_secrets: bool,
    ) -> Result<Recorder, RecordError> {
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent).map_err(|error| RecordError::Folder {
                path: parent.to_path_buf(),
                error,
            })?;
        }
        let file = match File::create(&path) {
            Ok(file) => file,
            Err(error) => return Err(RecordError::Create { path, error }),
        };
        let mut recorder = Recorder {
            out: BufWriter::new(file),
            writer: transcript::Writer::new(),
            path,
            redactor: Redactor::new(show_secrets),
            failed: None,
            gaps: [0, 0],
        };
        let header = transcript::Writer::header(&meta);
        recorder.put(header.as_bytes());
        Ok(recorder)
    }

    /// Records bytes one side sent, `time` seconds into the connection.
    pub fn bytes(&mut self, direction: Direction, bytes: &[u8], time: f64) {
        let bytes = match direction {
            Direction::Client => self.redactor.client(bytes),
            // After a gap, from the next line that starts a response.
            Direction::Server => self.redactor.server(bytes).into_owned(),
        };
        let withheld = self.redactor.resumed();
        if let Some(withheld) = withheld {
            self.note(&format!(
                "back in step after the gap: the server answered a command sent after it; the {withheld} bytes the client sent in between are not recorded (they could have held a password)"
            ));
            self.gaps[0] += withheld;
        }
        if bytes.is_empty() {
            return;
        }
        self.close_gap(direction);
        self.record(Record::Bytes {
            direction,
            bytes,
            literal: false,
            time: Some(time),
            source_line: 0,
        });
    }

    /// `skipped` bytes from `direction` were not tapped: the recording marks the gap
    /// (a `C~`/`S~` record, once the bytes that follow are known), and the client's
    /// bytes are withheld until the redactor is sure of its framing again.
    pub fn gap(&mut self, direction: Direction, skipped: u64) {
        self.redactor.gap(direction);
        self.gaps[index(direction)] += skipped.max(1);
    }

    /// Writes the gap mark of `direction`, if one is open.
    fn close_gap(&mut self, direction: Direction) {
        let missing = std::mem::take(&mut self.gaps[index(direction)]);
        if missing > 0 {
            self.record(Record::Gap {
                direction,
                missing,
                source_line: 0,
            });
        }
    }

    /// Records a note: something the proxy did, or a gap in the recording.
    pub(crate) fn note(&mut self, text: &str) {
        self.record(Record::Note {
            text: text.to_string(),
            source_line: 0,
        });
    }

    /// Writes what remains (an unfinished client line, masked if need be) and flushes.
    pub fn finish(&mut self, time: f64) {
        let rest = self.redactor.finish_client();
        if !rest.is_empty() {
            self.close_gap(Direction::Client);
        }
        self.record(Record::Bytes {
            direction: Direction::Client,
            bytes: rest,
            literal: false,
            time: Some(time),
            source_line: 0,
        });
        self.close_gap(Direction::Client);
        self.close_gap(Direction::Server);
        if self.failed.is_none() {
            if let Err(error) = self.out.flush() {
                self.fail(error);
            }
        }
    }

    fn record(&mut self, record: Record) {
        if matches!(&record, Record::Bytes { bytes, .. } if bytes.is_empty()) {
            return;
        }
        let text = self.writer.record(&record);
        self.put(text.as_bytes());
    }

    fn put(&mut self, bytes: &[u8]) {
        if self.failed.is_some() {
            return;
        }
        if let Err(error) = self.out.write_all(bytes) {
            self.fail(error);
        }
    }

    fn fail(&mut self, error: std::io::Error) {
        let path = self.path.clone();
        self.failed = Some(RecordError::Write { path, error }.to_string());
    }
}

/// Now, as RFC 3339 UTC (`2026-11-26T00:12:34Z`), for the `started` header field.
pub(crate) fn now_rfc3339() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs()) as i64;
    format!("{}Z", crate::transcript::capture::utc_seconds(secs))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literal_data_keeps_its_mark_across_the_relay_s_pieces() {
        let dir =
            std::env::temp_dir().join(format!("imap-tutor-record-lit-{}", std::process::id()));
        let path = dir.join("session.txt");
        let mut r = Recorder::create(path.clone(), Vec::new(), false).unwrap();
        r.bytes(Direction::Server, b"* 1 FETCH (BODY[] {12}\r\nHello", 0.1);
        r.bytes(Direction::Server, b", world)\r\n", 0.2);
        r.finish(0.3);
        let text = std::fs::read_to_string(&path).unwrap();
        let _ = std::fs::remove_dir_all(&dir);
        assert!(text.contains("S| Hello\\$"), "{text}");
        assert!(text.contains("S| , world\\$"), "{text}");
        let back = crate::transcript::read(&text).unwrap();
        assert_eq!(
            back.bytes_of(Direction::Server),
            b"* 1 FETCH (BODY[] {12}\r\nHello, world)\r\n"
        );
    }

    #[test]
    fn recordings_read_back_with_the_password_masked() {
        let dir = std::env::temp_dir().join(format!("imap-tutor-record-{}", std::process::id()));
        let path = dir.join("session.txt");
        let meta = vec![("server".to_string(), "127.0.0.1:143".to_string())];
        let mut r = Recorder::create(path.clone(), meta, false).unwrap();
        r.bytes(Direction::Server, b"* OK ready\r\n", 0.001);
        r.bytes(Direction::Client, b"a1 LOGIN strategos try", 0.5);
        r.bytes(Direction::Client, b"hackme\r\n", 0.6);
        r.bytes(
            Direction::Server,
            b"a1 OK Logged in\r\n* 1 FETCH (BODY[] {5}\r\nHel",
            0.7,
        );
        r.note("the proxy did something");
        r.bytes(Direction::Server, b"lo)\r\n", 0.8);
        r.finish(0.9);
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(!text.contains("tryhackme"), "{text}");
        let t = transcript::read(&text).unwrap();
        assert_eq!(t.meta("server"), Some("127.0.0.1:143"));
        assert_eq!(
            t.bytes_of(Direction::Client),
            b"a1 LOGIN strategos \"********\"\r\n"
        );
        assert_eq!(
            t.bytes_of(Direction::Server),
            b"* OK ready\r\na1 OK Logged in\r\n* 1 FETCH (BODY[] {5}\r\nHello)\r\n"
        );
        assert_eq!(
            t.notes().collect::<Vec<_>>(),
            vec!["the proxy did something"]
        );
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn one_file_per_connection() {
        assert_eq!(
            path_for(Path::new("s.txt"), 1, "2026-11-26T00:00:00Z"),
            PathBuf::from("s.txt")
        );
        assert_eq!(
            path_for(Path::new("d/s.txt"), 2, "x"),
            PathBuf::from("d/s-2.txt")
        );
        assert_eq!(
            path_for(Path::new("rec/"), 3, "2026-11-26T01:02:03Z"),
            PathBuf::from("rec/imap-20261126010203-3.txt")
        );
    }

    #[test]
    fn dates_are_rfc3339() {
        let now = now_rfc3339();
        assert_eq!(now.len(), 20, "{now}");
        assert!(now.starts_with("20") && now.ends_with('Z'));
    }
}
