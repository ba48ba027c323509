//! SEARCH criteria: `search-program` and `search-key` (RFC 9051 §6.4.4, RFC 3501 §6.4.4,
//! RFC 7162 MODSEQ, RFC 5032 OLDER and YOUNGER, RFC 8474 EMAILID and THREADID).
//!
//! A key is read as a whole word and dispatched on it, like FETCH items: `UNSEEN` and
//! `UNDELETED` share a prefix, and an unknown key should be reported where it starts.
//! Keys nest (`NOT`, `OR`, parentheses); the nesting is bounded so that a hostile line
//! cannot exhaust the stack.

use nom::bytes::complete::take_while1;
use nom::Parser;
use serde::Serialize;

use super::args::{arg, label, list, more, starts_with_word};
use super::core::{as_str, astring, date, flag, is_atom_char, number, nz_number, quoted, Flag};
use super::error::{expect, fail, PResult};
use super::extensions::condstore::search_modsequence;
use super::sequence::{sequence_set, SequenceSet};

/// A string a key looks for, as the client sent it: bytes in the command's CHARSET,
/// which need not be UTF-8 (RFC 9051 §6.4.4: "the strings ... are in the specified
/// charset"). The server converts them before it compares.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SearchText(#[serde(serialize_with = "super::core::serialize_lossy")] pub Vec<u8>);

impl From<&str> for SearchText {
    fn from(s: &str) -> Self {
        SearchText(s.as_bytes().to_vec())
    }
}

/// `search-key` — one criterion. A SEARCH command ANDs its keys together.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum SearchKey {
    All,
    Answered,
    Deleted,
    Draft,
    Flagged,
    New,
    Old,
    Recent,
    Seen,
    Unanswered,
    Undeleted,
    Undraft,
    Unflagged,
    Unseen,
    Keyword(Flag),
    Unkeyword(Flag),
    Bcc(SearchText),
    Body(SearchText),
    Cc(SearchText),
    From(SearchText),
    Subject(SearchText),
    Text(SearchText),
    To(SearchText),
    Header(String, SearchText),
    /// Dates compare the internal date (BEFORE/ON/SINCE) or the Date: header (SENT*).
    Before(String),
    On(String),
    Since(String),
    SentBefore(String),
    SentOn(String),
    SentSince(String),
    Larger(u32),
    Smaller(u32),
    Uid(SequenceSet),
    SequenceSet(SequenceSet),
    Not(Box<SearchKey>),
    Or(Box<SearchKey>, Box<SearchKey>),
    /// `(key key ...)`: a parenthesised AND.
    And(Vec<SearchKey>),
    /// `MODSEQ n` (RFC 7162).
    ModSeq(u64),
    /// `OLDER n` (RFC 5032 §3): INTERNALDATE at least n seconds before now.
    Older(u32),
    /// `YOUNGER n` (RFC 5032 §3): INTERNALDATE at most n seconds before now.
    Younger(u32),
    /// RFC 8514 SAVEDATE: the day the message was saved in this mailbox.
    SavedBefore(String),
    SavedOn(String),
    SavedSince(String),
    /// `SAVEDATESUPPORTED` (RFC 8514 §4.3): every message, if the mailbox keeps save
    /// dates.
    SaveDateSupported,
    /// `EMAILID objectid` (RFC 8474 §6): the messages with exactly this EMAILID.
    EmailId(String),
    /// `THREADID objectid` (RFC 8474 §6): the messages with exactly this THREADID.
    ThreadId(String),
    /// Gmail's `X-GM-RAW "query"` (no RFC): a query in Gmail's own search syntax.
    GmailRaw(SearchText),
    /// Gmail's `X-GM-MSGID id`: the message with this Gmail message id.
    GmailMessageId(u64),
    /// Gmail's `X-GM-THRID id`: the messages of this Gmail thread.
    GmailThreadId(u64),
    /// Gmail's `X-GM-LABELS label`: the messages with this label.
    GmailLabels(String),
}

impl SearchKey {
    /// The key's keyword as on the wire (`NEW`, `SENTBEFORE`); None for a bare sequence
    /// set and a parenthesised list, which have none.
    pub(crate) fn name(&self) -> Option<&'static str> {
        use SearchKey::*;
        Some(match self {
            All => "ALL",
            Answered => "ANSWERED",
            Deleted => "DELETED",
            Draft => "DRAFT",
            Flagged => "FLAGGED",
            New => "NEW",
            Old => "OLD",
            Recent => "RECENT",
            Seen => "SEEN",
            Unanswered => "UNANSWERED",
            Undeleted => "UNDELETED",
            Undraft => "UNDRAFT",
            Unflagged => "UNFLAGGED",
            Unseen => "UNSEEN",
            Keyword(_) => "KEYWORD",
            Unkeyword(_) => "UNKEYWORD",
            Bcc(_) => "BCC",
            Body(_) => "BODY",
            Cc(_) => "CC",
            From(_) => "FROM",
            Subject(_) => "SUBJECT",
            Text(_) => "TEXT",
            To(_) => "TO",
            Header(..) => "HEADER",
            Before(_) => "BEFORE",
            On(_) => "ON",
            Since(_) => "SINCE",
            SentBefore(_) => "SENTBEFORE",
            SentOn(_) => "SENTON",
            SentSince(_) => "SENTSINCE",
            Larger(_) => "LARGER",
            Smaller(_) => "SMALLER",
            Uid(_) => "UID",
            Not(_) => "NOT",
            Or(..) => "OR",
            ModSeq(_) => "MODSEQ",
            Older(_) => "OLDER",
            Younger(_) => "YOUNGER",
            SavedBefore(_) => "SAVEDBEFORE",
            SavedOn(_) => "SAVEDON",
            SavedSince(_) => "SAVEDSINCE",
            SaveDateSupported => "SAVEDATESUPPORTED",
            EmailId(_) => "EMAILID",
            ThreadId(_) => "THREADID",
            GmailRaw(_) => "X-GM-RAW",
            GmailMessageId(_) => "X-GM-MSGID",
            GmailThreadId(_) => "X-GM-THRID",
            GmailLabels(_) => "X-GM-LABELS",
            SequenceSet(_) | And(_) => return None,
        })
    }

    /// Calls `visit` on this key and every key nested in it, depth first.
    pub(crate) fn walk(&self, visit: &mut impl FnMut(&SearchKey)) {
        visit(self);
        match self {
            SearchKey::Not(k) => k.walk(visit),
            SearchKey::Or(a, b) => {
                a.walk(visit);
                b.walk(visit);
            }
            SearchKey::And(keys) => keys.iter().for_each(|k| k.walk(visit)),
            _ => {}
        }
    }
}

/// Every search key name, for "did you mean" suggestions.
pub(crate) const SEARCH_KEY_NAMES: &[&str] = &[
    "ALL",
    "ANSWERED",
    "BCC",
    "BEFORE",
    "BODY",
    "CC",
    "DELETED",
    "DRAFT",
    "EMAILID",
    "FLAGGED",
    "FROM",
    "HEADER",
    "KEYWORD",
    "LARGER",
    "MODSEQ",
    "NEW",
    "NOT",
    "OLD",
    "OLDER",
    "ON",
    "OR",
    "RECENT",
    "SAVEDATESUPPORTED",
    "SAVEDBEFORE",
    "SAVEDON",
    "SAVEDSINCE",
    "SEEN",
    "SENTBEFORE",
    "SENTON",
    "SENTSINCE",
    "SINCE",
    "SMALLER",
    "SUBJECT",
    "TEXT",
    "THREADID",
    "TO",
    "UID",
    "UNANSWERED",
    "UNDELETED",
    "UNDRAFT",
    "UNFLAGGED",
    "UNKEYWORD",
    "UNSEEN",
    "YOUNGER",
    // Gmail's (no RFC; Google's "IMAP Extensions" page)
    "X-GM-RAW",
    "X-GM-MSGID",
    "X-GM-THRID",
    "X-GM-LABELS",
];

/// How deep keys may nest through NOT, OR and parentheses. Real searches nest a few
/// levels; the bound keeps the recursive parser's stack use small and fixed.
pub(crate) const MAX_DEPTH: usize = 32;

/// `search-program = ["CHARSET" SP charset SP] search-key *(SP search-key)`
pub(crate) fn search_program(input: &[u8]) -> PResult<'_, (Option<String>, Vec<SearchKey>)> {
    let (rest, charset) = if starts_with_word(input, "CHARSET") {
        let (rest, name) = arg(label::CHARSET, charset)(&input[7..])?;
        let (rest, key) = arg(label::CRITERIA, search_key)(rest)?;
        (rest, (Some(name), key))
    } else {
        let (rest, key) = search_key(input)?;
        (rest, (None, key))
    };
    let (charset, first) = charset;
    let mut keys = vec![first];
    let (rest, ()) = more(rest, &mut keys, search_key)?;
    Ok((rest, (charset, keys)))
}

/// `search-criteria = charset 1*(SP search-key)` (RFC 5256 §5): the charset SORT and
/// THREAD require, then the search program; `charset_label` names the charset in
/// diagnostics (it says which command needs it).
pub(crate) fn charset_criteria<'a>(
    input: &'a [u8],
    charset_label: &'static str,
) -> PResult<'a, (String, Vec<SearchKey>)> {
    let (rest, charset) = arg(charset_label, charset)(input)?;
    let (rest, first) = arg(label::CRITERIA, search_key)(rest)?;
    let mut keys = vec![first];
    let (rest, ()) = more(rest, &mut keys, search_key)?;
    Ok((rest, (charset, keys)))
}

/// `charset = atom / quoted` (RFC 3501 allowed any astring; atom and quoted cover real use)
pub(crate) fn charset(input: &[u8]) -> PResult<'_, String> {
    if input.first() == Some(&b'"') {
        let (rest, q) = quoted(input)?;
        return Ok((rest, q.text().into_owned()));
    }
    let (rest, name) = expect(label::CHARSET, take_while1(is_atom_char)).parse(input)?;
    Ok((rest, as_str(name).to_owned()))
}

/// `search-key = "ALL" / "ANSWERED" / "BCC" SP astring / "BEFORE" SP date / "BODY" SP astring /
///  "CC" SP astring / "DELETED" / "FLAGGED" / "FROM" SP astring / "KEYWORD" SP flag-keyword /
///  "ON" SP date / "SEEN" / "SINCE" SP date / "SUBJECT" SP astring / "TEXT" SP astring /
///  "TO" SP astring / "UNANSWERED" / "UNDELETED" / "UNFLAGGED" / "UNKEYWORD" SP flag-keyword /
///  "UNSEEN" / "DRAFT" / "HEADER" SP header-fld-name SP astring / "LARGER" SP number64 /
///  "NOT" SP search-key / "OR" SP search-key SP search-key / "SENTBEFORE" SP date /
///  "SENTON" SP date / "SENTSINCE" SP date / "SMALLER" SP number64 / "UID" SP sequence-set /
///  "UNDRAFT" / sequence-set / "(" search-key *(SP search-key) ")"`
/// plus RFC 3501's `"NEW" / "OLD" / "RECENT"`, RFC 7162's `search-modsequence`,
/// RFC 5032's `search-key =/ ( "OLDER" / "YOUNGER" ) SP nz-number` and RFC 8514's
/// `"SAVEDBEFORE" SP date / "SAVEDON" SP date / "SAVEDSINCE" SP date /
///  "SAVEDATESUPPORTED"` and RFC 8474's `"EMAILID" SP objectid / "THREADID" SP objectid` (§7).
pub(crate) fn search_key(input: &[u8]) -> PResult<'_, SearchKey> {
    key(input, 0)
}

/// The keys without an argument: the flags and their negations, ALL, and RFC 3501's
/// NEW, OLD and RECENT.
fn bare_key(upper: &str) -> Option<SearchKey> {
    use SearchKey::*;
    Some(match upper {
        "ALL" => All,
        "ANSWERED" => Answered,
        "DELETED" => Deleted,
        "DRAFT" => Draft,
        "FLAGGED" => Flagged,
        "NEW" => New,
        "OLD" => Old,
        "RECENT" => Recent,
        "SEEN" => Seen,
        "UNANSWERED" => Unanswered,
        "UNDELETED" => Undeleted,
        "UNDRAFT" => Undraft,
        "UNFLAGGED" => Unflagged,
        "UNSEEN" => Unseen,
        _ => return None,
    })
}

/// A key's variant, made from its parsed argument.
type MakeKey<A> = fn(A) -> SearchKey;

/// The keys whose argument is a string to look for (`"BCC" SP astring`, ... RFC 9051
/// §9), with what the argument is.
fn string_key(upper: &str) -> Option<(&'static str, MakeKey<SearchText>)> {
    use SearchKey::*;
    Some(match upper {
        "BCC" => ("a string to look for in Bcc", Bcc),
        "BODY" => ("a string to look for in the body", Body),
        "CC" => ("a string to look for in Cc", Cc),
        "FROM" => ("a string to look for in From", From),
        "SUBJECT" => ("a string to look for in Subject", Subject),
        "TEXT" => ("a string to look for in the header or body", Text),
        "TO" => ("a string to look for in To", To),
        _ => return None,
    })
}

/// The keys whose argument is a date (`"BEFORE" SP date`, ... RFC 9051 §9; SAVEDATE's
/// RFC 8514 §4).
fn date_key(upper: &str) -> Option<MakeKey<String>> {
    use SearchKey::*;
    Some(match upper {
        "BEFORE" => Before,
        "ON" => On,
        "SINCE" => Since,
        "SENTBEFORE" => SentBefore,
        "SENTON" => SentOn,
        "SENTSINCE" => SentSince,
        "SAVEDBEFORE" => SavedBefore,
        "SAVEDON" => SavedOn,
        "SAVEDSINCE" => SavedSince,
        _ => return None,
    })
}

/// `search-key`, `depth` levels inside NOT, OR and parentheses.
fn key(input: &[u8], depth: usize) -> PResult<'_, SearchKey> {
    use SearchKey::*;
    if depth > MAX_DEPTH {
        return fail(
            input,
            "fewer nested search keys (the tutor follows NOT, OR and parentheses at most 32 deep; IMAP itself sets no limit)",
        );
    }
    match input.first() {
        Some(b'(') => {
            let (rest, keys) = list(1, label::SEARCH_KEY, |i| key(i, depth + 1))(input)?;
            return Ok((rest, And(keys)));
        }
        Some(b'0'..=b'9' | b'*' | b'$') => {
            let (rest, set) = sequence_set(input)?;
            return Ok((rest, SequenceSet(set)));
        }
        _ => {}
    }
    let (rest, name) = expect(
        label::SEARCH_KEY,
        take_while1(|b: u8| b.is_ascii_alphabetic()),
    )
    .parse(input)?;
    let string = |what: &'static str, make: fn(SearchText) -> SearchKey| {
        let (rest, s) = arg(what, astring)(rest)?;
        Ok((rest, make(SearchText(s.bytes))))
    };
    let day = |make: fn(String) -> SearchKey| {
        let (rest, d) = arg(label::DATE, date)(rest)?;
        Ok((rest, make(d)))
    };
    let keyword = |make: fn(Flag) -> SearchKey| {
        let (rest, f) = arg("a keyword such as $Forwarded", flag)(rest)?;
        Ok((rest, make(f)))
    };
    let upper = as_str(name).to_ascii_uppercase();
    if let Some(bare) = bare_key(&upper) {
        return Ok((rest, bare));
    }
    if let Some((what, make)) = string_key(&upper) {
        return string(what, make);
    }
    if let Some(make) = date_key(&upper) {
        return day(make);
    }
    match upper.as_str() {
        "KEYWORD" => keyword(Keyword),
        "UNKEYWORD" => keyword(Unkeyword),
        "HEADER" => {
            let (rest, field) = arg("a header field name such as Message-ID", astring)(rest)?;
            let (rest, value) = arg(
                "a string to look for in that header field (\"\" for any)",
                astring,
            )(rest)?;
            Ok((
                rest,
                Header(field.text().into_owned(), SearchText(value.bytes)),
            ))
        }
        "SAVEDATESUPPORTED" => Ok((rest, SaveDateSupported)),
        "LARGER" => {
            let (rest, n) = arg("a size in bytes", number)(rest)?;
            Ok((rest, Larger(n)))
        }
        "SMALLER" => {
            let (rest, n) = arg("a size in bytes", number)(rest)?;
            Ok((rest, Smaller(n)))
        }
        "UID" => {
            let (rest, set) = arg(label::UID_SET, sequence_set)(rest)?;
            Ok((rest, Uid(set)))
        }
        "NOT" => {
            let (rest, k) = arg("a search key to negate", |i| key(i, depth + 1))(rest)?;
            Ok((rest, Not(Box::new(k))))
        }
        "OR" => {
            let (rest, a) =
                arg("the first of two search keys for OR", |i| key(i, depth + 1))(rest)?;
            let (rest, b) = arg("a second search key for OR", |i| key(i, depth + 1))(rest)?;
            Ok((rest, Or(Box::new(a), Box::new(b))))
        }
        "MODSEQ" => {
            let (rest, n) = search_modsequence(input)?;
            Ok((rest, ModSeq(n)))
        }
        "OLDER" => {
            let (rest, n) = arg(label::INTERVAL, nz_number)(rest)?;
            Ok((rest, Older(n)))
        }
        "YOUNGER" => {
            let (rest, n) = arg(label::INTERVAL, nz_number)(rest)?;
            Ok((rest, Younger(n)))
        }
        _ => super::extensions::objectid::search_key(&upper, rest)
            .or_else(|| super::extensions::gmail::search_key(input))
            .unwrap_or_else(|| fail(input, label::SEARCH_KEY)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn program(text: &str) -> (Option<String>, Vec<SearchKey>) {
        let (rest, p) = search_program(text.as_bytes()).unwrap_or_else(|e| panic!("{text}: {e:?}"));
        assert!(
            rest.is_empty(),
            "{text}: left {:?}",
            String::from_utf8_lossy(rest)
        );
        p
    }

    #[test]
    fn keys_nest_and_keep_their_arguments() {
        let (charset, keys) = program("CHARSET UTF-8 OR (FROM smith unseen) NOT 1:5 SINCE 1-Feb-1994 HEADER Message-ID \"<x@y>\"");
        assert_eq!(charset.as_deref(), Some("UTF-8"));
        assert_eq!(keys.len(), 3);
        let SearchKey::Or(a, b) = &keys[0] else {
            panic!("{keys:?}")
        };
        assert_eq!(
            **a,
            SearchKey::And(vec![SearchKey::From("smith".into()), SearchKey::Unseen])
        );
        assert!(matches!(**b, SearchKey::Not(_)));
        assert_eq!(keys[1], SearchKey::Since("1-Feb-1994".into()));
        assert_eq!(
            keys[2],
            SearchKey::Header("Message-ID".into(), "<x@y>".into())
        );
        let mut count = 0;
        keys[0].walk(&mut |_| count += 1);
        assert_eq!(count, 6);
    }

    #[test]
    fn modseq_sets_and_uid() {
        let (_, keys) = program("MODSEQ \"/flags/\\\\draft\" all 620162338 UID 1:* $ LARGER 4096");
        assert_eq!(keys[0], SearchKey::ModSeq(620162338));
        assert!(matches!(keys[1], SearchKey::Uid(_)));
        assert_eq!(keys[2], SearchKey::SequenceSet(SequenceSet::Saved));
        assert_eq!(keys[3], SearchKey::Larger(4096));
    }

    #[test]
    fn within_takes_seconds() {
        let (_, keys) = program("OLDER 86400 NOT YOUNGER 60");
        assert_eq!(keys[0], SearchKey::Older(86400));
        assert_eq!(keys[1], SearchKey::Not(Box::new(SearchKey::Younger(60))));
        assert!(search_program(b"OLDER 0").is_err());
        assert!(search_program(b"YOUNGER abc").is_err());
    }

    #[test]
    fn errors_point_at_the_key() {
        let at = |text: &'static str| match search_program(text.as_bytes()) {
            Err(nom::Err::Error(e) | nom::Err::Failure(e)) => {
                (text.len() - e.input.len(), e.expected)
            }
            other => panic!("{text}: {other:?}"),
        };
        assert_eq!(at("ALL FROMM x"), (4, label::SEARCH_KEY));
        assert_eq!(at("OR SEEN").1, "a second search key for OR");
        assert_eq!(at("(SEEN UNSEN)").0, 6);
        assert_eq!(at("SINCE 1-Foo-2020").0, 8);
    }

    #[test]
    fn nesting_is_bounded() {
        let deep = format!("{}ALL{}", "(".repeat(200), ")".repeat(200));
        assert!(search_program(deep.as_bytes()).is_err());
        let nots = "NOT ".repeat(500) + "ALL";
        assert!(search_program(nots.as_bytes()).is_err());
        let ok = format!("{}ALL{}", "(".repeat(20), ")".repeat(20));
        assert_eq!(program(&ok).1.len(), 1);
    }
}
