//! Reading the native format, line by line, with errors that name the line, the
//! column and what to type instead.

use super::*;

/// Reads a native transcript. Errors name the line, the column and what to type instead.
pub fn read_native(text: &str) -> Result<Transcript, ReadError> {
    let mut reader = NativeReader::new(text.as_bytes())?;
    let mut records = Vec::new();
    for record in reader.by_ref() {
        records.push(record?);
    }
    Ok(Transcript {
        meta: reader.meta,
        records,
    })
}

/// A native transcript read line by line from any `BufRead`, one record at a time:
/// `explain` and `diff` of a 200 MB recording hold one line, not the file.
pub struct NativeReader<R> {
    input: R,
    /// The header fields (`server`, `started`...), read by [`NativeReader::new`].
    pub(crate) meta: Vec<(String, String)>,
    number: usize,
    /// The first record after the header, read to find where the header ends.
    first: Option<Record>,
    buf: Vec<u8>,
    failed: bool,
}

impl<R> NativeReader<R> {
    /// The header fields, in the file's order.
    pub fn meta(&self) -> &[(String, String)] {
        &self.meta
    }
}

impl<R: std::io::BufRead> NativeReader<R> {
    /// Reads line 1 and the header.
    pub fn new(input: R) -> Result<Self, ReadError> {
        let mut reader = NativeReader {
            input,
            meta: Vec::new(),
            number: 0,
            first: None,
            buf: Vec::new(),
            failed: false,
        };
        let Some(line) = reader.next_line()? else {
            return Err(ReadError::new(
                NAME,
                1,
                None,
                format!("the file is empty: a native transcript starts with `{MAGIC} {VERSION}`"),
            ));
        };
        check_first_line(&line)
            .map_err(|(column, message)| ReadError::new(NAME, 1, column, message))?;
        while let Some(line) = reader.next_line()? {
            if let Some((key, value)) = header_field(&line) {
                reader.meta.push((key.to_string(), value.to_string()));
                continue;
            }
            reader.first = reader.parse(&line)?;
            break;
        }
        Ok(reader)
    }

    /// The next line without its ending, or `None` at the end.
    fn next_line(&mut self) -> Result<Option<String>, ReadError> {
        self.buf.clear();
        let n = self.input.read_until(b'\n', &mut self.buf).map_err(|e| {
            ReadError::new(NAME, self.number + 1, None, format!("cannot read: {e}"))
        })?;
        if n == 0 {
            return Ok(None);
        }
        self.number += 1;
        let mut line: &[u8] = &self.buf;
        line = line.strip_suffix(b"\n").unwrap_or(line);
        line = line.strip_suffix(b"\r").unwrap_or(line);
        Ok(Some(String::from_utf8_lossy(line).into_owned()))
    }

    /// A record line (after the header); `None` for a blank line.
    fn parse(&self, line: &str) -> Result<Option<Record>, ReadError> {
        let number = self.number;
        if line.trim().is_empty() {
            return Ok(None);
        }
        Ok(Some(match line.as_bytes()[0] {
            b'#' => Record::Other {
                text: free_line(&line[1..]),
                why: "comment in the transcript".to_string(),
                source_line: number,
            },
            b'!' => Record::Note {
                text: free_line(&line[1..]),
                source_line: number,
            },
            _ => bytes_line(line, number)
                .map_err(|(column, message)| ReadError::new(NAME, number, Some(column), message))?,
        }))
    }
}

impl<R: std::io::BufRead> Iterator for NativeReader<R> {
    type Item = Result<Record, ReadError>;

    fn next(&mut self) -> Option<Self::Item> {
        if let Some(record) = self.first.take() {
            return Some(Ok(record));
        }
        while !self.failed {
            let line = match self.next_line() {
                Ok(Some(line)) => line,
                Ok(None) => return None,
                Err(e) => {
                    self.failed = true;
                    return Some(Err(e));
                }
            };
            match self.parse(&line) {
                Ok(Some(record)) => return Some(Ok(record)),
                Ok(None) => {}
                Err(e) => {
                    self.failed = true;
                    return Some(Err(e));
                }
            }
        }
        None
    }
}

/// `C~ 1234`: that many bytes of the client are missing here (see [`Record::Gap`]).
fn gap_line(
    direction: Direction,
    after_mark: &str,
    column: usize,
    number: usize,
) -> Result<Record, (usize, String)> {
    let count = after_mark
        .strip_prefix(' ')
        .unwrap_or(after_mark)
        .trim_end();
    let missing = count.parse::<u64>().map_err(|_| {
        (
            column + 3,
            format!(
                "`{}~` marks a gap and is followed by the number of missing bytes, as in `{}~ 1024`",
                direction.letter(),
                direction.letter()
            ),
        )
    })?;
    Ok(Record::Gap {
        direction,
        missing,
        source_line: number,
    })
}

fn free_line(rest: &str) -> String {
    rest.strip_prefix(' ')
        .unwrap_or(rest)
        .trim_end()
        .to_string()
}

fn check_first_line(line: &str) -> Result<(), (Option<usize>, String)> {
    let Some(rest) = line.strip_prefix(MAGIC) else {
        return Err((
            Some(1),
            format!("line 1 must be `{MAGIC} {VERSION}`; to read a telnet capture or `C:`/`S:` text, let imap-tutor detect the format"),
        ));
    };
    let version = rest.trim();
    match version.parse::<u32>() {
        Ok(VERSION) => Ok(()),
        Ok(v) if v > VERSION => Err((
            Some(MAGIC.len() + 2),
            format!("this transcript is version {v}; this imap-tutor reads version {VERSION}: upgrade imap-tutor"),
        )),
        _ => Err((Some(MAGIC.len() + 2), format!("expected the version number `{VERSION}` after `{MAGIC}`, found `{version}`"))),
    }
}

/// `# key: value` right after line 1. Keys are tokens, so prose comments are not headers.
fn header_field(line: &str) -> Option<(&str, &str)> {
    let rest = line.strip_prefix("# ")?;
    let colon = rest.find(':')?;
    let key = &rest[..colon];
    let valid = key.starts_with(|c: char| c.is_ascii_alphanumeric())
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'));
    let value = &rest[colon + 1..];
    if !valid || !(value.is_empty() || value.starts_with(' ')) {
        return None;
    }
    Some((key, value.trim()))
}

/// `[@seconds ]C: text`, `S: text`, `C| text`, `S| text`.
fn bytes_line(line: &str, number: usize) -> Result<Record, (usize, String)> {
    let mut rest = line;
    let mut column = 0; // characters consumed so far (all ASCII until the text)
    let mut time = None;
    if let Some(after) = rest.strip_prefix('@') {
        let end = after.find(' ').ok_or((
            1,
            "a timestamp is `@seconds` then a space then `C: ` or `S: `, as in `@12.345 S: * OK`"
                .to_string(),
        ))?;
        let number_text = &after[..end];
        let valid = !number_text.is_empty()
            && number_text.chars().all(|c| c.is_ascii_digit() || c == '.')
            && number_text.matches('.').count() <= 1
            && !number_text.starts_with('.')
            && !number_text.ends_with('.');
        if !valid {
            return Err((2, format!("`{number_text}` is not a time: write seconds since the session started, as in `@12.345`")));
        }
        time = Some(
            number_text
                .parse::<f64>()
                .map_err(|e| (2, format!("`{number_text}` is not a time: {e}")))?,
        );
        rest = &after[end + 1..];
        column = end + 2;
    }
    let mut chars = rest.chars();
    let (direction, mark) = (chars.next(), chars.next());
    let direction = match direction {
        Some('C') => Direction::Client,
        Some('S') => Direction::Server,
        Some('c' | 's') if matches!(mark, Some(':' | '|')) => {
            return Err((
                column + 1,
                "the direction is an upper-case `C` (client) or `S` (server)".to_string(),
            ))
        }
        _ => {
            let what = if time.is_some() {
                "after a timestamp comes"
            } else {
                "a line is"
            };
            return Err((
                column + 1,
                format!(
                    "`{}` is not a transcript line: {what} `C: ` or `S: ` (protocol), `C| ` or `S| ` (literal data), `# ` (comment) or `! ` (note); to keep free text, start it with `# `",
                    shorten(line)
                ),
            ));
        }
    };
    let literal = match mark {
        Some(':') => false,
        Some('|') => true,
        Some('~') => return gap_line(direction, &rest[2..], column, number),
        _ => {
            return Err((
                column + 2,
                format!(
                "after `{}` comes `:` (a protocol line) or `|` (literal data), as in `{}: a1 NOOP`",
                direction.letter(),
                direction.letter()
            ),
            ))
        }
    };
    let after_mark = &rest[2..];
    let text = match after_mark.strip_prefix(' ') {
        Some(text) => text,
        None if after_mark.is_empty() => "",
        None => {
            return Err((
                column + 3,
                format!(
                    "put one space after `{}{}`: the text starts after it",
                    direction.letter(),
                    if literal { '|' } else { ':' }
                ),
            ))
        }
    };
    let (bytes, no_ending) = unescape(text, column + 3)?;
    let mut bytes = bytes;
    if !no_ending {
        bytes.extend_from_slice(b"\r\n");
    }
    Ok(Record::Bytes {
        direction,
        bytes,
        literal,
        time,
        source_line: number,
    })
}

fn shorten(line: &str) -> String {
    if line.chars().count() > 40 {
        let cut: String = line.chars().take(37).collect();
        format!("{cut}...")
    } else {
        line.to_string()
    }
}
