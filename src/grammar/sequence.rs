//! Sequence sets: `1:4,7,10:*` and `$` (RFC 9051 §9, RFC 5182 SEARCHRES).
//!
//! The same syntax names messages by sequence number in FETCH and by UID in UID FETCH;
//! the explainer says which, because confusing the two is the classic IMAP bug.

use nom::branch::alt;
use nom::bytes::complete::tag;
use nom::combinator::{cut, map, opt, value};
use nom::multi::many0;
use nom::sequence::preceded;
use nom::Parser;
use serde::Serialize;

use super::core::nz_number;
use super::error::{expect, rule, PResult};

/// `seq-number = nz-number / "*"`
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum SeqNumber {
    Value(u32),
    /// `*`: the largest number in use (the last message, or the highest UID).
    Last,
}

impl SeqNumber {
    /// Resolves `*` against the largest number in use.
    pub(crate) fn resolve(self, largest: u32) -> u32 {
        match self {
            SeqNumber::Value(n) => n,
            SeqNumber::Last => largest,
        }
    }
}

/// `sequence-set = (seq-number / seq-range) ["," sequence-set]` / `"$"`
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum SequenceSet {
    /// A list of numbers and ranges; a range `a:b` is stored as `(a, Some(b))`.
    Ranges(Vec<(SeqNumber, Option<SeqNumber>)>),
    /// `$`: the result of the last SEARCH with `RETURN (SAVE)` (RFC 5182).
    Saved,
}

impl SequenceSet {
    /// The shortest set of the given numbers, sorted ascending: `1:3,5` for 1, 2, 3, 5
    /// (how COPYUID, VANISHED and ESEARCH write them).
    pub(crate) fn from_numbers(numbers: &[u32]) -> SequenceSet {
        let mut ranges: Vec<(SeqNumber, Option<SeqNumber>)> = Vec::new();
        let mut i = 0;
        while i < numbers.len() {
            let start = numbers[i];
            let mut end = start;
            while i + 1 < numbers.len() && numbers[i + 1] == end.wrapping_add(1) {
                end += 1;
                i += 1;
            }
            let last = (start != end).then_some(SeqNumber::Value(end));
            ranges.push((SeqNumber::Value(start), last));
            i += 1;
        }
        SequenceSet::Ranges(ranges)
    }

    /// True if `n` is in the set, given the largest number in use (for `*`).
    /// A range may be written backwards (`4:2`); RFC 9051 §9 says it means the same.
    pub(crate) fn contains(&self, n: u32, largest: u32) -> bool {
        match self {
            SequenceSet::Saved => false,
            SequenceSet::Ranges(ranges) => ranges.iter().any(|&(a, b)| {
                let a = a.resolve(largest);
                let b = b.map_or(a, |b| b.resolve(largest));
                (a.min(b)..=a.max(b)).contains(&n)
            }),
        }
    }

    /// Single numbers only, for short explanations: `Some(vec![3])` for `3`.
    pub(crate) fn as_numbers(&self) -> Option<Vec<u32>> {
        match self {
            SequenceSet::Ranges(r) => r
                .iter()
                .map(|&(a, b)| match (a, b) {
                    (SeqNumber::Value(n), None) => Some(n),
                    _ => None,
                })
                .collect(),
            SequenceSet::Saved => None,
        }
    }
}

impl std::fmt::Display for SequenceSet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let num = |n: SeqNumber| match n {
            SeqNumber::Value(v) => v.to_string(),
            SeqNumber::Last => "*".into(),
        };
        match self {
            SequenceSet::Saved => f.write_str("$"),
            SequenceSet::Ranges(ranges) => {
                let parts: Vec<String> = ranges
                    .iter()
                    .map(|&(a, b)| match b {
                        Some(b) => format!("{}:{}", num(a), num(b)),
                        None => num(a),
                    })
                    .collect();
                f.write_str(&parts.join(","))
            }
        }
    }
}

/// `seq-number = nz-number / "*"`
pub(crate) fn seq_number(input: &[u8]) -> PResult<'_, SeqNumber> {
    expect(
        "a message number or *",
        alt((
            map(nz_number, SeqNumber::Value),
            value(SeqNumber::Last, tag("*")),
        )),
    )
    .parse(input)
}

/// `sequence-set = (seq-number / seq-range) ["," sequence-set]`; `seq-range = seq-number ":" seq-number`
pub fn sequence_set(input: &[u8]) -> PResult<'_, SequenceSet> {
    // After `:` or `,` a number must follow: `1:0` and `1,` are wrong at the 0 and at the
    // end, not at the `:` (where nom would backtrack and ask for a space).
    let after = |what| move |i| cut(expect(what, seq_number)).parse(i);
    let range = (
        seq_number,
        opt(preceded(
            tag(":"),
            after("a message number (from 1) or * after the colon"),
        )),
    );
    let more = preceded(
        tag(","),
        (
            after("a message number (from 1) or * after the comma"),
            opt(preceded(
                tag(":"),
                after("a message number (from 1) or * after the colon"),
            )),
        ),
    );
    let ranges = map((range, many0(more)), |(first, mut rest)| {
        rest.insert(0, first);
        SequenceSet::Ranges(rest)
    });
    rule(
        "sequence-set",
        expect(
            "a sequence set like 1:4,7 or $",
            alt((value(SequenceSet::Saved, tag("$")), ranges)),
        ),
    )
    .parse(input)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_prints() {
        for text in ["1", "1:4,7,10:*", "*", "$", "4:2"] {
            let (rest, set) = sequence_set(text.as_bytes()).unwrap();
            assert!(rest.is_empty());
            assert_eq!(set.to_string(), text);
        }
        assert!(sequence_set(b"0").is_err());
        assert!(sequence_set(b"body[]").is_err());
    }

    #[test]
    fn membership_resolves_star() {
        let (_, set) = sequence_set(b"2,4:*").unwrap();
        assert!(!set.contains(1, 10) && set.contains(2, 10) && set.contains(9, 10));
        let (_, backwards) = sequence_set(b"4:2").unwrap();
        assert!(backwards.contains(3, 10));
    }

    #[test]
    fn numbers_become_the_shortest_set() {
        assert_eq!(
            SequenceSet::from_numbers(&[1, 2, 3, 5, 7, 8]).to_string(),
            "1:3,5,7:8"
        );
        assert_eq!(SequenceSet::from_numbers(&[4]).to_string(), "4");
        assert_eq!(SequenceSet::from_numbers(&[]).to_string(), "");
    }
}
