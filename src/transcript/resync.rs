//! Where does a literal end? Resynchronisation for pasted transcripts.
//!
//! A literal announces its size (`{445}`) and its bytes follow, uncounted by anything
//! but that number. A transcript pasted from a web page has lost bytes the number
//! counted: CRs (every line end became a bare LF) and TABs (a folded `Received:`
//! header's TAB became 8 spaces). Trusting the number then swallows the lines after
//! the literal, possibly the rest of the session. Both text readers (`telnet`, `rfc`)
//! use [`fit`], which tries, in order:
//!
//! 1. the lines as given, each ending in CR LF (restored, if the paste lost it);
//! 2. the same with each folded header line's leading 8 spaces turned back into a TAB;
//! 3. the structure: the literal ends where the response visibly closes (a `)` line
//!    followed by the next response), and the caller rewrites the `{n}` to the real size
//!    so the byte stream stays self-consistent for every later stage.
//!
//! 1 and 2 must land exactly on the count, at a line end or where the rest of the line
//! plausibly continues the response (`Hello)` for `{5}`). 3 always succeeds, and says so
//! in a note: the reader never hides a repair.

use super::{Direction, Record};
use crate::wire::framer::{literal_header, refuses_literal};

/// What a line of the source could be, seen from inside a literal. The reader decides;
/// [`fit`] only needs these four answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Look {
    /// Any text: may be literal data.
    Data,
    /// `)`, `) ...` or ` ITEM ...`: may be the rest of a FETCH response after its literal.
    Closing,
    /// Looks like the start of the next command or response.
    Message,
    /// Cannot be inside this literal (telnet's own line, the tagged completion of a
    /// command seen earlier, a comment): the literal ends before it at the latest.
    Stop,
}

/// One line after the literal's header, as a candidate for literal data.
#[derive(Debug, Clone)]
pub(crate) struct Candidate {
    /// The line as literal data would be: prefix removed, ending excluded.
    pub(crate) text: String,
    /// The line ending the literal would contain: CR LF (real or restored), or a real bare LF.
    pub(crate) ending: &'static [u8],
    pub(crate) look: Look,
    /// 1-based line in the source file, for notes.
    pub(crate) number: usize,
}

/// Where the literal ends, and what the reader must emit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Fit {
    /// The literal's bytes, cut by candidate line: (candidate index, bytes).
    pub(crate) pieces: Vec<(usize, Vec<u8>)>,
    /// Candidate lines the literal used, the one it ends inside included.
    pub(crate) consumed: usize,
    /// `Some((text, ending))`: the literal ended inside the last consumed line, and the
    /// rest of that line continues the protocol line. `None`: it ended at a line end,
    /// and the candidate at index `consumed`, if any, continues the protocol line.
    pub(crate) rest: Option<(Vec<u8>, Vec<u8>)>,
    /// The literal's real size: the announced one unless the structure had to decide.
    pub(crate) size: u64,
    /// What was repaired, for a `Record::Note`.
    pub(crate) note: Option<String>,
}

impl Fit {
    /// True when the header's `{n}` must be rewritten to [`Fit::size`].
    pub(crate) fn resized(&self, announced: u64) -> bool {
        self.size != announced
    }
}

/// True for a line that can only be the rest of a FETCH response after a literal:
/// `)`, `) ...`, or a space then an upper-case item name (` UID 3)`, ` FLAGS (\Seen))`).
pub(crate) fn closes_fetch(text: &str) -> bool {
    let b = text.as_bytes();
    b.first() == Some(&b')') || (b.first() == Some(&b' ') && item_at(&b[1..]))
}

/// A FETCH item name as servers send it: upper case, at least two characters.
fn item_at(b: &[u8]) -> bool {
    let word: &[u8] = match b
        .iter()
        .position(|c| matches!(c, b' ' | b'[' | b'(' | b'<' | b')'))
    {
        Some(end) => &b[..end],
        None => b,
    };
    word.len() >= 2
        && word[0].is_ascii_uppercase()
        && word.iter().all(|c| {
            c.is_ascii_uppercase() || c.is_ascii_digit() || matches!(c, b'.' | b'-' | b'_')
        })
}

/// Can `rest`, found right after the literal's last byte on the same line, be the rest
/// of the protocol line?
fn rest_continues(side: Direction, rest: &[u8]) -> bool {
    match side {
        Direction::Client => rest.is_empty() || rest[0] == b' ',
        Direction::Server => {
            rest.is_empty()
                || rest[0] == b')'
                || (rest[0] == b' ' && (rest.get(1) == Some(&b'(') || item_at(&rest[1..])))
        }
    }
}

/// Can this line, right after a literal that ended at a line end, be the rest of the
/// protocol line?
fn line_continues(side: Direction, line: Option<&Candidate>) -> bool {
    match (side, line) {
        (_, None) => false,
        (Direction::Server, Some(l)) => l.look == Look::Closing,
        (Direction::Client, Some(l)) => matches!(l.look, Look::Data | Look::Closing),
    }
}

/// Counts `announced` bytes over `texts` (each plus its ending), up to `stop`.
fn count(
    announced: u64,
    side: Direction,
    lines: &[Candidate],
    texts: &[String],
    stop: usize,
) -> Option<Fit> {
    let mut pieces = Vec::new();
    let mut total: u64 = 0;
    if announced == 0 {
        return line_continues(side, lines.first()).then_some(Fit {
            pieces,
            consumed: 0,
            rest: None,
            size: 0,
            note: None,
        });
    }
    for i in 0..stop {
        let text = texts[i].as_bytes();
        let ending = lines[i].ending;
        let len = (text.len() + ending.len()) as u64;
        if total + len == announced {
            pieces.push((i, [text, ending].concat()));
            let next = if i + 1 < stop { lines.get(i + 1) } else { None };
            return line_continues(side, next).then_some(Fit {
                pieces,
                consumed: i + 1,
                rest: None,
                size: announced,
                note: None,
            });
        }
        if total + len > announced {
            let cut = (announced - total) as usize;
            if cut > text.len() {
                // The literal would end between CR and LF: no paste does that on purpose.
                return None;
            }
            let rest = &text[cut..];
            if !rest_continues(side, rest) {
                return None;
            }
            pieces.push((i, text[..cut].to_vec()));
            let rest = (rest.to_vec(), ending.to_vec());
            return Some(Fit {
                pieces,
                consumed: i + 1,
                rest: Some(rest),
                size: announced,
                note: None,
            });
        }
        pieces.push((i, [text, ending].concat()));
        total += len;
    }
    None
}

/// The paste turned each folding TAB of the message header into 8 spaces: turn the
/// first 8 leading spaces of header lines (before the first empty line) back into a TAB.
fn restore_tabs(lines: &[Candidate], stop: usize) -> Option<(Vec<String>, Vec<usize>)> {
    let mut texts: Vec<String> = lines.iter().map(|l| l.text.clone()).collect();
    let mut folded = Vec::new();
    for (i, text) in texts.iter_mut().enumerate().take(stop) {
        if text.is_empty() {
            break;
        }
        if let Some(rest) = text.strip_prefix("        ") {
            *text = format!("\t{rest}");
            folded.push(lines[i].number);
        }
    }
    (!folded.is_empty()).then_some((texts, folded))
}

fn line_list(numbers: &[usize]) -> String {
    match numbers {
        [one] => format!("line {one}"),
        [first, .., last] => format!("lines {first}-{last}"),
        [] => String::new(),
    }
}

/// Decides where a literal of `announced` bytes ends among `lines` (the lines after its
/// header). Never fails and never runs past a [`Look::Stop`] line.
pub(crate) fn fit(announced: u64, side: Direction, lines: &[Candidate]) -> Fit {
    let stop = lines
        .iter()
        .position(|l| l.look == Look::Stop)
        .unwrap_or(lines.len());
    let texts: Vec<String> = lines.iter().map(|l| l.text.clone()).collect();
    if let Some(fit) = count(announced, side, lines, &texts, stop) {
        return fit;
    }
    let restored = restore_tabs(lines, stop);
    if let Some((restored, folded)) = &restored {
        if let Some(mut fit) = count(announced, side, lines, restored, stop) {
            let s = if folded.len() == 1 { "" } else { "s" };
            fit.note = Some(format!(
                "literal of {announced} bytes: the paste had turned TABs into 8 spaces; with the folded header line{s} ({}) starting with a TAB again, the text is exactly {announced} bytes",
                line_list(folded)
            ));
            return fit;
        }
    }
    // The count is off for another reason too (a line lost, an edit). Header lines
    // folded with exactly 8 spaces are still the mark of a TAB a web page expanded:
    // no mail software folds that way. So the TABs come back here as well.
    match &restored {
        Some((restored, folded)) => {
            let mut fit = structural(announced, side, lines, restored, stop);
            if let Some(note) = &mut fit.note {
                note.push_str(&format!(
                    "; the folded header {} start with a TAB again (the paste had turned it into 8 spaces)",
                    line_list(folded)
                ));
            }
            fit
        }
        None => structural(announced, side, lines, &texts, stop),
    }
}

/// Step 3: end the literal where the response visibly closes.
fn structural(
    announced: u64,
    side: Direction,
    lines: &[Candidate],
    texts: &[String],
    stop: usize,
) -> Fit {
    let len = |i: usize| (texts[i].len() + lines[i].ending.len()) as u64;
    let mut prefix = vec![0u64; stop + 1];
    for i in 0..stop {
        prefix[i + 1] = prefix[i] + len(i);
    }
    // Strong: the literal ends before a closing line that is followed by the next
    // message. Weak: at the end of the last line before the next message, without that
    // line's ending (the protocol line ends there). The first of either wins: a literal
    // may hold lines that look like responses, but trusting a later one would swallow
    // the session, which is worse.
    let mut strong: Option<(usize, u64)> = None;
    let mut weak: Option<(usize, u64)> = None;
    for k in 0..=stop {
        let at_end = k == stop || lines[k].look == Look::Message;
        if !at_end {
            continue;
        }
        if side == Direction::Server && k >= 1 && lines[k - 1].look == Look::Closing {
            strong = Some((k - 1, prefix[k - 1]));
            break;
        } else if weak.is_none() {
            let size = if k == 0 {
                0
            } else {
                prefix[k] - lines[k - 1].ending.len() as u64
            };
            weak = Some((k, size));
        }
    }
    let pieces_up_to = |n: usize| -> Vec<(usize, Vec<u8>)> {
        (0..n)
            .map(|i| (i, [texts[i].as_bytes(), lines[i].ending].concat()))
            .collect()
    };
    let (mut fit, whereabouts) = match (strong, weak) {
        (Some((closing, size)), _) => (
            Fit {
                pieces: pieces_up_to(closing),
                consumed: closing,
                rest: None,
                size,
                note: None,
            },
            format!(
                "before the `)` that closes the response (line {})",
                lines[closing].number
            ),
        ),
        (None, Some((k, size))) => {
            let mut pieces = pieces_up_to(k.saturating_sub(1));
            let (rest, whereabouts) = if k == 0 {
                (
                    (Vec::new(), b"\r\n".to_vec()),
                    "right after its header: no data follows it".to_string(),
                )
            } else {
                pieces.push((k - 1, texts[k - 1].as_bytes().to_vec()));
                let after = match lines.get(k) {
                    Some(next) => format!("before line {}", next.number),
                    None => "at the end of the text".to_string(),
                };
                (
                    (Vec::new(), lines[k - 1].ending.to_vec()),
                    format!("at the end of line {}, {after}", lines[k - 1].number),
                )
            };
            (
                Fit {
                    pieces,
                    consumed: k,
                    rest: Some(rest),
                    size,
                    note: None,
                },
                whereabouts,
            )
        }
        (None, None) => unreachable!("k == stop is always a candidate"),
    };
    fit.note = Some(format!(
        "literal announced {announced} bytes, the pasted text has {}; the literal was ended {whereabouts} and its header rewritten to {{{}}} so the bytes stay self-consistent",
        fit.size, fit.size
    ));
    fit
}

/// Rewrites the size in a literal header at the end of `line` (`{445}`, `{445+}`,
/// `~{445}`), keeping everything else.
pub(crate) fn rewrite_header(line: &[u8], size: u64) -> Vec<u8> {
    let Some(open) = line.iter().rposition(|&b| b == b'{') else {
        return line.to_vec();
    };
    let inner = &line[open + 1..line.len().saturating_sub(1)];
    let marker: Vec<u8> = inner
        .iter()
        .copied()
        .skip_while(u8::is_ascii_digit)
        .collect();
    let mut out = line[..open].to_vec();
    out.extend_from_slice(format!("{{{size}").as_bytes());
    out.extend_from_slice(&marker);
    out.push(b'}');
    out
}

/// What a text reader knows about its lines, for [`read_message`].
pub(crate) trait Lines {
    fn count(&self) -> usize;
    /// 1-based line in the file.
    fn number(&self, i: usize) -> usize;
    /// Line `i` as the start of a command or response: its text and line ending.
    fn protocol(&self, i: usize) -> (Vec<u8>, Vec<u8>);
    /// Line `i` as literal data sent by `side`, or as the rest of a protocol line after
    /// a literal, and what it looks like from inside such a literal.
    fn candidate(&self, i: usize, side: Direction) -> Candidate;
    /// Line `i`, seen right after a client's synchronizing literal header.
    fn after_sync_literal(&self, i: usize) -> SyncAnswer;
}

/// Between a client's `{n}` and its data comes the server's answer (RFC 9051 §4.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SyncAnswer {
    /// `+ ...`: go ahead; the data follows.
    Continuation,
    /// An untagged response: the server may send these at any time; keep waiting.
    Untagged,
    /// A tagged reply. With the command's own tag the server refused the command and
    /// the data is never sent; with another tag it completes a command pipelined
    /// earlier, and the client still waits ([`read_message`] tells them apart).
    Refusal,
    /// Not the server: the data itself (some captures omit the `+`).
    Data,
}

/// Reads one protocol message starting at line `first`, sent by `side`: the line, and
/// for each literal it announces the literal's data (fitted by [`fit`]) and the rest of
/// the line, which may announce another. Pushes the records, notes included, and
/// returns the index of the first line after the message.
pub(crate) fn read_message(
    lines: &impl Lines,
    side: Direction,
    first: usize,
    records: &mut Vec<Record>,
) -> usize {
    let (mut text, mut ending) = lines.protocol(first);
    let command = text.clone();
    let mut number = lines.number(first);
    let mut next = first + 1;
    let bytes = |direction, text: &[u8], ending: &[u8], literal, source_line| Record::Bytes {
        direction,
        bytes: [text, ending].concat(),
        literal,
        time: None,
        source_line,
    };
    loop {
        let Some(header) = literal_header(&text).filter(|h| h.size > 0) else {
            records.push(bytes(side, &text, &ending, false, number));
            return next;
        };
        let (between, j) = if side == Direction::Client && header.kind.is_synchronizing() {
            match await_continuation(lines, &command, next) {
                Wait::Go { between, next } => (between, next),
                Wait::Refused { between, at } => {
                    records.push(bytes(side, &text, &ending, false, number));
                    push_server_lines(lines, &between, records);
                    records.push(Record::Note {
                        text: format!(
                            "the server answered the literal announced at line {} with a tagged reply instead of `+`: the client never sends its {} bytes (RFC 9051 §4.3)",
                            number, header.size
                        ),
                        source_line: lines.number(at),
                    });
                    return at;
                }
            }
        } else {
            (Vec::new(), next)
        };
        let candidates = window(lines, j, side, header.size);
        let fit = fit(header.size, side, &candidates);
        if let Some(note) = &fit.note {
            records.push(Record::Note {
                text: note.clone(),
                source_line: number,
            });
        }
        if fit.resized(header.size) {
            text = rewrite_header(&text, fit.size);
        }
        records.push(bytes(side, &text, &ending, false, number));
        push_server_lines(lines, &between, records);
        for (index, piece) in &fit.pieces {
            if !piece.is_empty() {
                records.push(bytes(side, piece, &[], true, candidates[*index].number));
            }
        }
        next = j + fit.consumed;
        match fit.rest {
            Some((rest, rest_ending)) => {
                if fit.consumed > 0 {
                    number = candidates[fit.consumed - 1].number;
                }
                text = rest;
                ending = rest_ending;
            }
            None => match candidates.get(fit.consumed) {
                Some(c) if c.look != Look::Stop => {
                    text = c.text.as_bytes().to_vec();
                    ending = c.ending.to_vec();
                    number = c.number;
                    next += 1;
                }
                _ => return next,
            },
        }
    }
}

/// What the server sent after a client announced a synchronizing literal.
enum Wait {
    /// The data follows at line `next`, after the server's lines at `between` (untagged
    /// data, the `+`, and replies to commands pipelined earlier).
    Go { between: Vec<usize>, next: usize },
    /// The server refused the literal with a tagged reply at line `at`: its data is
    /// never sent.
    Refused { between: Vec<usize>, at: usize },
}

/// Reads the server's lines from line `from` until the `+` that lets the literal of
/// `command` go, or the tagged reply that refuses it.
fn await_continuation(lines: &impl Lines, command: &[u8], from: usize) -> Wait {
    let mut between = Vec::new();
    let mut j = from;
    while j < lines.count() {
        match lines.after_sync_literal(j) {
            SyncAnswer::Continuation => {
                between.push(j);
                j += 1;
                break;
            }
            SyncAnswer::Untagged => {
                between.push(j);
                j += 1;
            }
            SyncAnswer::Refusal if !refuses_literal(command, &lines.protocol(j).0) => {
                between.push(j);
                j += 1;
            }
            SyncAnswer::Refusal => return Wait::Refused { between, at: j },
            SyncAnswer::Data => break,
        }
    }
    Wait::Go { between, next: j }
}

/// The server's lines at `indexes`, as records.
fn push_server_lines(lines: &impl Lines, indexes: &[usize], records: &mut Vec<Record>) {
    for &k in indexes {
        let (text, ending) = lines.protocol(k);
        records.push(Record::Bytes {
            direction: Direction::Server,
            bytes: [text, ending].concat(),
            literal: false,
            time: None,
            source_line: lines.number(k),
        });
    }
}

/// The candidates for a literal of `size` bytes starting at line `from`: up to the first
/// [`Look::Stop`], and no further than the count could reach with room to spare, so
/// that a long file with many literals is not read over and over.
fn window(lines: &impl Lines, from: usize, side: Direction, size: u64) -> Vec<Candidate> {
    let budget = size.saturating_mul(2).saturating_add(64 * 1024);
    let mut out = Vec::new();
    let mut seen: u64 = 0;
    for i in from..lines.count() {
        let c = lines.candidate(i, side);
        let stop = c.look == Look::Stop;
        seen += (c.text.len() + c.ending.len()) as u64;
        out.push(c);
        if stop || seen > budget {
            break;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn candidates(text: &str, look: impl Fn(&str) -> Look) -> Vec<Candidate> {
        text.split('\n')
            .enumerate()
            .map(|(i, t)| Candidate {
                text: t.to_string(),
                ending: b"\r\n",
                look: look(t),
                number: i + 2,
            })
            .collect()
    }

    fn look(t: &str) -> Look {
        if closes_fetch(t) {
            Look::Closing
        } else if t.starts_with("* ") {
            Look::Message
        } else if t.starts_with("a1 ") {
            Look::Stop
        } else {
            Look::Data
        }
    }

    #[test]
    fn an_exact_count_ending_mid_line() {
        let fit = fit(
            5,
            Direction::Server,
            &candidates("Hello)\na1 OK done", look),
        );
        assert_eq!(fit.pieces, vec![(0, b"Hello".to_vec())]);
        assert_eq!(fit.rest, Some((b")".to_vec(), b"\r\n".to_vec())));
        assert_eq!(fit.note, None);
    }

    #[test]
    fn an_exact_count_at_a_line_end() {
        let fit = fit(
            7,
            Direction::Server,
            &candidates("Hello\n)\na1 OK done", look),
        );
        assert_eq!((fit.consumed, fit.rest.clone(), fit.size), (1, None, 7));
    }

    #[test]
    fn tabs_turned_into_spaces_are_restored() {
        let text = "Received: x\n        by y\n\nbody\n)\na1 OK done";
        let fit = fit(28, Direction::Server, &candidates(text, look));
        assert_eq!(fit.pieces[1].1, b"\tby y\r\n");
        assert!(fit.note.unwrap().contains("TAB"));
    }

    #[test]
    fn a_wrong_count_ends_at_the_closing_line_and_never_swallows_the_session() {
        let text = "short body\n)\n* 2 FETCH (FLAGS ())\na1 OK done\na2 LOGOUT";
        let fit = fit(400, Direction::Server, &candidates(text, look));
        assert_eq!((fit.consumed, fit.size), (1, 12));
        assert!(fit
            .note
            .unwrap()
            .contains("announced 400 bytes, the pasted text has 12"));
    }

    #[test]
    fn a_client_literal_ends_before_the_server_answers() {
        let text = "From: a\n\nhi\n* 3 EXISTS";
        let fit = fit(50, Direction::Client, &candidates(text, look));
        assert_eq!(fit.size, 13);
        assert_eq!(fit.rest, Some((vec![], b"\r\n".to_vec())));
    }

    #[test]
    fn headers_are_rewritten_in_every_form() {
        assert_eq!(
            rewrite_header(b"* 3 FETCH (BODY[] {445}", 431),
            b"* 3 FETCH (BODY[] {431}"
        );
        assert_eq!(rewrite_header(b"a APPEND x ~{12+}", 3), b"a APPEND x ~{3+}");
    }
}
