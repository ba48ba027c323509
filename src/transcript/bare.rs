//! The bare reader: protocol lines with no greeting, no `C:`/`S:` prefixes and nothing
//! else, as a learner types them into a file or pastes a few from somewhere: a list of
//! commands (`a1 LOGIN user pass`), a server's answer (`* 4 EXISTS`, `a2 OK ...`), or
//! both. Each line's side is told by its shape, and a note at the top says which side
//! was assumed, so nobody reads a guess as a fact:
//!
//! - `* ...`, `+ ...` and `tag OK|NO|BAD|PREAUTH|BYE ...` are the server's;
//! - every other line, a command or something meant as one (`c1LOGIN ...`, `LOGIN ...`),
//!   is the client's.
//!
//! A capture that starts with a greeting, has telnet's own lines or announces literals
//! is the telnet reader's: it knows how to pair commands with answers and repair
//! literal counts. Each line gets CR LF, as a client or server sends it.

use super::telnet::{command_of, looks_like_imap, status_of};
use super::{split_lines, Direction, Format, ReadError, Record, Transcript};
use crate::grammar::vocabulary::COMMANDS;
use crate::say;
use crate::wire::framer::literal_header;

pub(crate) const FORMAT: Format = Format {
    name: "bare",
    description: "protocol lines alone (commands, responses or both), no greeting or prefixes",
    sniff,
    read: read_bare,
};

const NAME: &str = "bare";

/// Which side sent a bare line.
fn side_of(text: &str) -> Direction {
    let server = text == "*"
        || text.starts_with("* ")
        || text == "+"
        || text.starts_with("+ ")
        || status_of(text).is_some()
        || text
            .split(' ')
            .nth(1)
            .is_some_and(|w| w.eq_ignore_ascii_case("PREAUTH") || w.eq_ignore_ascii_case("BYE"));
    if server {
        Direction::Server
    } else {
        Direction::Client
    }
}

/// A line a client meant as a command: a tag and a command, a tag glued to one, or a
/// command without its tag.
fn looks_like_command(text: &str) -> bool {
    command_of(text).is_some()
        || text
            .split(' ')
            .next()
            .is_some_and(|w| COMMANDS.iter().any(|c| c.eq_ignore_ascii_case(w)))
}

/// A greeting opens a capture: then it is telnet's.
fn is_greeting(text: &str) -> bool {
    let mut words = text.split(' ');
    words.next() == Some("*")
        && words.next().is_some_and(|w| {
            ["OK", "PREAUTH", "BYE"]
                .iter()
                .any(|g| g.eq_ignore_ascii_case(w))
        })
}

/// Every line is a protocol line, none announces a literal, and the first is no greeting.
fn sniff(text: &str) -> u32 {
    let lines: Vec<&str> = text
        .lines()
        .map(|l| l.trim_end_matches('\r'))
        .filter(|l| !l.trim().is_empty())
        .collect();
    let Some(first) = lines.first() else {
        return 0;
    };
    let protocol = |l: &&str| looks_like_imap(l) || looks_like_command(l);
    let literal = |l: &&str| literal_header(l.as_bytes()).is_some();
    if is_greeting(first) || !lines.iter().all(protocol) || lines.iter().any(literal) {
        return 0;
    }
    // Above telnet's fallback, below a reader that recognises its own marks.
    5
}

/// Reads bare protocol lines; see the module documentation.
pub(crate) fn read_bare(text: &str) -> Result<Transcript, ReadError> {
    super::refuse_binary(NAME, text)?;
    let lines = split_lines(text);
    let mut records = Vec::new();
    let (mut client, mut server) = (0usize, 0usize);
    for (i, (line, _cr)) in lines.iter().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let direction = side_of(line);
        match direction {
            Direction::Client => client += 1,
            Direction::Server => server += 1,
        }
        records.push(Record::Bytes {
            direction,
            bytes: format!("{line}\r\n").into_bytes(),
            literal: false,
            time: None,
            source_line: i + 1,
        });
    }
    if records.is_empty() {
        return Err(ReadError::new(NAME, 1, None, say!("reader.bare.empty")));
    }
    let key = match (client, server) {
        (_, 0) => "reader.bare.client",
        (0, _) => "reader.bare.server",
        _ => "reader.bare.both",
    };
    records.insert(
        0,
        Record::Note {
            text: say!(key),
            source_line: 1,
        },
    );
    Ok(Transcript {
        meta: Vec::new(),
        records,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sides_by_shape() {
        assert_eq!(side_of("a1 LOGIN u p"), Direction::Client);
        assert_eq!(side_of("c1LOGIN u p"), Direction::Client);
        assert_eq!(side_of("LOGIN u p"), Direction::Client);
        assert_eq!(side_of("* 4 EXISTS"), Direction::Server);
        assert_eq!(side_of("+ idling"), Direction::Server);
        assert_eq!(side_of("a2 OK done"), Direction::Server);
        assert_eq!(side_of("a2 no such"), Direction::Server);
    }

    #[test]
    fn sniffs_only_bare_protocol() {
        assert_eq!(sniff("a1 LOGIN u p\na2 SELECT INBOX\n"), 5);
        assert_eq!(sniff("* 4 EXISTS\na2 OK done\n"), 5);
        assert_eq!(
            sniff("* OK ready\na1 LOGIN u p\n"),
            0,
            "a greeting: telnet's"
        );
        assert_eq!(sniff("Trying 10.0.0.1...\na1 LOGIN u p\n"), 0);
        assert_eq!(
            sniff("a1 APPEND INBOX {5}\nHello\n"),
            0,
            "a literal: telnet's"
        );
        assert_eq!(sniff("C: a1 LOGIN u p\n"), 0);
        assert_eq!(sniff("\n\n"), 0);
    }
}
