//! FETCH request items: `fetch-att` (RFC 9051 §6.4.5, RFC 3501 §6.4.5), the macros ALL,
//! FAST and FULL, and `section-binary` (RFC 3516, RFC 9051).
//!
//! `quirk_binary_section_spec`: BINARY takes any `section` BODY takes (`BINARY[TEXT]`,
//! `BINARY[2.MIME]`, `BINARY.SIZE[HEADER]`), where RFC 3516 allows part numbers only,
//! because Dovecot answers them and the mock answers what Dovecot answers (imaptest's
//! fetch-binary-mime script asks for them). Dovecot's `<origin>` without a length is
//! not taken here: the grammar teaches the ABNF's partial, and the mock reads the
//! origin alone itself (`mock::commands::entry`).
//!
//! Items are read as a whole name first (`BODY.PEEK`, `RFC822.SIZE`, `X-GM-LABELS`) and
//! dispatched on it, rather than tried one by one: `BODY` is a prefix of `BODYSTRUCTURE`
//! and `BODY.PEEK`, and an error should point at the start of the misspelt item, not
//! at the letter where the longest keyword stopped matching.

use nom::bytes::complete::{tag, take_while1};
use nom::combinator::opt;
use nom::sequence::delimited;
use nom::Parser;
use serde::Serialize;

use super::args::{label, list};
use super::core::{as_str, nz_number};
use super::error::{expect, fail, rule, PResult};
use super::extensions::preview::preview_modifiers;
use super::section::{partial, section, Section};

/// What a FETCH asks for: a macro or a list of items.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum FetchItems {
    /// `ALL` = `(FLAGS INTERNALDATE RFC822.SIZE ENVELOPE)`
    All,
    /// `FAST` = `(FLAGS INTERNALDATE RFC822.SIZE)`
    Fast,
    /// `FULL` = `(FLAGS INTERNALDATE RFC822.SIZE ENVELOPE BODY)`
    Full,
    /// One item, or a parenthesised list.
    Items(Vec<FetchAttribute>),
}

/// `fetch-att` — one data item a client can ask for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum FetchAttribute {
    Envelope,
    Flags,
    InternalDate,
    /// `RFC822` (the whole message; sets \Seen like BODY[]).
    Rfc822,
    Rfc822Header,
    Rfc822Size,
    Rfc822Text,
    Uid,
    /// `BODY` without a section: the non-extensible BODYSTRUCTURE.
    Body,
    BodyStructure,
    /// `BODY[section]<partial>` and `BODY.PEEK[...]`.
    BodySection {
        peek: bool,
        section: Section,
        partial: Option<(u32, u32)>,
    },
    /// `BINARY[part]<partial>` and `BINARY.PEEK[...]` (RFC 3516, RFC 9051); the section
    /// is a part number unless the client used Dovecot's `quirk_binary_section_spec`.
    Binary {
        peek: bool,
        section: Section,
        partial: Option<(u32, u32)>,
    },
    /// `BINARY.SIZE[part]`.
    BinarySize {
        section: Section,
    },
    /// `MODSEQ` (RFC 7162 CONDSTORE).
    ModSeq,
    /// `SAVEDATE` (RFC 8514): when the message was saved in this mailbox.
    SaveDate,
    /// `PREVIEW [(LAZY)]` (RFC 8970), or Dovecot's older `SNIPPET [(LAZY=FUZZY)]`
    /// (`snippet`); the modifiers as written.
    Preview {
        snippet: bool,
        modifiers: Vec<String>,
    },
    /// `EMAILID` (RFC 8474 §5.3): the message's permanent identifier.
    EmailId,
    /// `THREADID` (RFC 8474 §5.3): the identifier of the message's thread, or NIL.
    ThreadId,
    /// `X-GM-LABELS`... items of extensions the tutor only names.
    Other(String),
}

impl FetchItems {
    /// The items a macro stands for (RFC 9051 §6.4.5).
    pub(crate) fn expand(&self) -> Vec<FetchAttribute> {
        use FetchAttribute::*;
        match self {
            FetchItems::All => vec![Flags, InternalDate, Rfc822Size, Envelope],
            FetchItems::Fast => vec![Flags, InternalDate, Rfc822Size],
            FetchItems::Full => vec![Flags, InternalDate, Rfc822Size, Envelope, Body],
            FetchItems::Items(items) => items.clone(),
        }
    }
}

impl FetchAttribute {
    /// The item's name as the knowledge base lists it (`BODY.PEEK[]` for any peeked section).
    pub(crate) fn name(&self) -> &str {
        use FetchAttribute::*;
        match self {
            Envelope => "ENVELOPE",
            Flags => "FLAGS",
            InternalDate => "INTERNALDATE",
            Rfc822 => "RFC822",
            Rfc822Header => "RFC822.HEADER",
            Rfc822Size => "RFC822.SIZE",
            Rfc822Text => "RFC822.TEXT",
            Uid => "UID",
            Body => "BODY",
            BodyStructure => "BODYSTRUCTURE",
            BodySection { peek: false, .. } => "BODY[]",
            BodySection { peek: true, .. } => "BODY.PEEK[]",
            Binary { peek: false, .. } => "BINARY[]",
            Binary { peek: true, .. } => "BINARY.PEEK[]",
            BinarySize { .. } => "BINARY.SIZE[]",
            ModSeq => "MODSEQ",
            SaveDate => "SAVEDATE",
            EmailId => "EMAILID",
            ThreadId => "THREADID",
            Preview { snippet: false, .. } => "PREVIEW",
            Preview { snippet: true, .. } => "SNIPPET",
            Other(name) => name,
        }
    }

    /// True for the items that set `\Seen` as a side effect (RFC 9051 §6.4.5): the
    /// non-peek body sections. A classic surprise for learners.
    pub(crate) fn sets_seen(&self) -> bool {
        matches!(
            self,
            FetchAttribute::Rfc822
                | FetchAttribute::Rfc822Text
                | FetchAttribute::BodySection { peek: false, .. }
                | FetchAttribute::Binary { peek: false, .. }
        )
    }
}

/// The macros `fetch-items` knows besides `fetch-att` (RFC 9051 §6.4.5).
pub(crate) const FETCH_MACROS: &[&str] = &["ALL", "FAST", "FULL"];

/// The items without a section: their name as typed is also what the knowledge base
/// calls them.
const PLAIN_ITEMS: &[&str] = &[
    "ENVELOPE",
    "FLAGS",
    "INTERNALDATE",
    "RFC822",
    "RFC822.HEADER",
    "RFC822.SIZE",
    "RFC822.TEXT",
    "UID",
    "BODY",
    "BODYSTRUCTURE",
    "SAVEDATE",
    "EMAILID",
    "THREADID",
    "PREVIEW",
    "SNIPPET",
];

/// The items with a section, as typed before the `[`, and MODSEQ.
const SECTION_ITEMS: &[&str] = &[
    "BODY.PEEK",
    "BINARY",
    "BINARY.PEEK",
    "BINARY.SIZE",
    "MODSEQ",
];

/// The same items as the knowledge base calls them (a section's item is `BODY[]`).
#[cfg(test)]
const SECTION_ITEM_NAMES: &[&str] = &[
    "BODY[]",
    "BODY.PEEK[]",
    "BINARY[]",
    "BINARY.PEEK[]",
    "BINARY.SIZE[]",
    "MODSEQ",
];

/// Every item name `fetch-att` knows, as typed before any `[section]`.
pub(crate) const FETCH_ATT_NAMES: &[&str] =
    &super::concat_names::<{ PLAIN_ITEMS.len() + SECTION_ITEMS.len() }>(PLAIN_ITEMS, SECTION_ITEMS);

/// The macros and every item name `fetch-att` knows, for "did you mean" suggestions.
pub(crate) const FETCH_NAMES: &[&str] = &super::concat_names::<
    { FETCH_MACROS.len() + FETCH_ATT_NAMES.len() },
>(FETCH_MACROS, FETCH_ATT_NAMES);

/// What [`FetchAttribute::name`] answers for each item the grammar models: the names
/// the knowledge base explains.
#[cfg(test)]
pub(crate) const ITEM_NAMES: &[&str] = &super::concat_names::<
    { PLAIN_ITEMS.len() + SECTION_ITEM_NAMES.len() },
>(PLAIN_ITEMS, SECTION_ITEM_NAMES);

/// Items of extensions the tutor recognises by name only ([`FetchAttribute::Other`]):
/// Gmail's X-GM-*.
pub(crate) const EXTENSION_ITEMS: &[&str] = &["X-GM-MSGID", "X-GM-THRID", "X-GM-LABELS"];

/// The characters of an item's name: `BODY.PEEK`, `RFC822.SIZE`, `X-GM-LABELS`.
fn is_item_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_')
}

/// `fetch = "FETCH" SP sequence-set SP ("ALL" / "FULL" / "FAST" / fetch-att / "(" fetch-att *(SP fetch-att) ")")`
/// — the part after the sequence set.
pub(crate) fn fetch_items(input: &[u8]) -> PResult<'_, FetchItems> {
    if input.first() == Some(&b'(') {
        let (rest, items) = list(1, label::FETCH_ATT, fetch_att)(input)?;
        return Ok((rest, FetchItems::Items(items)));
    }
    let (after, name) = expect(label::FETCH_ATT, take_while1(is_item_char)).parse(input)?;
    let is_macro = !matches!(after.first(), Some(b'[' | b'<'));
    if is_macro {
        let upper = name.to_ascii_uppercase();
        match upper.as_slice() {
            b"ALL" => return Ok((after, FetchItems::All)),
            b"FAST" => return Ok((after, FetchItems::Fast)),
            b"FULL" => return Ok((after, FetchItems::Full)),
            _ => {}
        }
    }
    let (rest, item) = fetch_att(input)?;
    Ok((rest, FetchItems::Items(vec![item])))
}

/// `fetch-att = "ENVELOPE" / "FLAGS" / "INTERNALDATE" / "RFC822.SIZE" / "BODY" ["STRUCTURE"] / "UID" /
///  "BODY" section [partial] / "BODY.PEEK" section [partial] /
///  "BINARY" [".PEEK"] section-binary [partial] / "BINARY.SIZE" section-binary`
/// plus RFC 3501's `"RFC822" [".HEADER" / ".TEXT"]`, RFC 7162's `"MODSEQ"`, RFC 8514's
/// `"SAVEDATE"`, RFC 8474's `fetch-att =/ "EMAILID" / "THREADID"` (§7) and RFC 8970's `"PREVIEW" [SP "(" preview-mod *(SP preview-mod) ")"]`
/// (with Dovecot's `"SNIPPET"` form, [`crate::grammar::extensions::preview`]).
pub(crate) fn fetch_att(input: &[u8]) -> PResult<'_, FetchAttribute> {
    use FetchAttribute::*;
    let (rest, name) = expect(label::FETCH_ATT, take_while1(is_item_char)).parse(input)?;
    if !name[0].is_ascii_alphabetic() {
        return fail(input, label::FETCH_ATT);
    }
    let upper = as_str(name).to_ascii_uppercase();
    let has_section = rest.first() == Some(&b'[');
    let simple = |item| {
        if has_section {
            fail(rest, "a space or ) after the item: it takes no [section]")
        } else {
            Ok((rest, item))
        }
    };
    match upper.as_str() {
        "ENVELOPE" => simple(Envelope),
        "FLAGS" => simple(Flags),
        "INTERNALDATE" => simple(InternalDate),
        "RFC822" => simple(Rfc822),
        "RFC822.HEADER" => simple(Rfc822Header),
        "RFC822.SIZE" => simple(Rfc822Size),
        "RFC822.TEXT" => simple(Rfc822Text),
        "UID" => simple(Uid),
        "BODYSTRUCTURE" => simple(BodyStructure),
        "MODSEQ" => simple(ModSeq),
        "SAVEDATE" => simple(SaveDate),
        "EMAILID" => simple(EmailId),
        "THREADID" => simple(ThreadId),
        "PREVIEW" | "SNIPPET" if !has_section => {
            let (rest, modifiers) = preview_modifiers(rest)?;
            let snippet = upper == "SNIPPET";
            Ok((rest, Preview { snippet, modifiers }))
        }
        "BODY" if !has_section => Ok((rest, Body)),
        "BODY" | "BODY.PEEK" => {
            let peek = upper == "BODY.PEEK";
            let (rest, section) = expect(
                "[ and a section after BODY.PEEK, such as BODY.PEEK[HEADER]",
                section,
            )
            .parse(rest)?;
            let (rest, partial) = optional_partial(rest)?;
            Ok((
                rest,
                BodySection {
                    peek,
                    section,
                    partial,
                },
            ))
        }
        "BINARY" | "BINARY.PEEK" => {
            let peek = upper == "BINARY.PEEK";
            let (rest, section) = binary_section(rest)?;
            let (rest, partial) = optional_partial(rest)?;
            Ok((
                rest,
                Binary {
                    peek,
                    section,
                    partial,
                },
            ))
        }
        "BINARY.SIZE" => {
            let (rest, section) = binary_section(rest)?;
            Ok((rest, BinarySize { section }))
        }
        "ALL" | "FAST" | "FULL" => fail(
            input,
            "a data item: ALL, FAST and FULL are macros and cannot be inside parentheses",
        ),
        // An unknown name with a section is a misspelling (`BODY.PEK[]`), not an extension.
        _ if has_section => fail(input, label::FETCH_ATT),
        _ => Ok((rest, Other(upper))),
    }
}

/// `[partial]`; once a `<` is seen the partial is required, so that `<0.>` is reported
/// where it breaks instead of as a stray `<`.
fn optional_partial(input: &[u8]) -> PResult<'_, Option<(u32, u32)>> {
    if input.first() == Some(&b'<') {
        let (rest, p) = partial(input)?;
        Ok((rest, Some(p)))
    } else {
        Ok((input, None))
    }
}

/// `section-binary`, or any `section` (`quirk_binary_section_spec`): a part number
/// alone is read as RFC 3516 writes it, so its errors name that rule.
fn binary_section(input: &[u8]) -> PResult<'_, Section> {
    match section_binary(input) {
        Ok((rest, part)) => Ok((
            rest,
            Section {
                part,
                text: super::section::SectionText::Full,
            },
        )),
        Err(binary_error) => section(input).map_err(|_| binary_error),
    }
}

/// `section-binary = "[" [section-part] "]"`; `section-part = nz-number *("." nz-number)`
pub(crate) fn section_binary(input: &[u8]) -> PResult<'_, Vec<u32>> {
    let part = nom::multi::separated_list1(tag("."), nz_number);
    rule(
        "section-binary",
        delimited(
            expect("[ and a part number such as [1.2] or []", tag("[")),
            nom::combinator::map(opt(part), Option::unwrap_or_default),
            expect(
                "] to close the part number (BINARY takes only part numbers)",
                tag("]"),
            ),
        ),
    )
    .parse(input)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::grammar::section::SectionText;

    fn items(text: &str) -> FetchItems {
        let (rest, items) =
            fetch_items(text.as_bytes()).unwrap_or_else(|e| panic!("{text}: {e:?}"));
        assert!(
            rest.is_empty(),
            "{text}: left {:?}",
            String::from_utf8_lossy(rest)
        );
        items
    }

    #[test]
    fn macros_single_items_and_lists() {
        assert_eq!(items("ALL"), FetchItems::All);
        assert_eq!(items("fast"), FetchItems::Fast);
        assert_eq!(items("FULL").expand().len(), 5);
        assert_eq!(
            items("FLAGS"),
            FetchItems::Items(vec![FetchAttribute::Flags])
        );
        assert_eq!(
            items("(UID RFC822.SIZE bodystructure MODSEQ)"),
            FetchItems::Items(vec![
                FetchAttribute::Uid,
                FetchAttribute::Rfc822Size,
                FetchAttribute::BodyStructure,
                FetchAttribute::ModSeq
            ])
        );
    }

    /// A BINARY section of part numbers only, as RFC 3516 writes it.
    fn part(p: &[u32]) -> Section {
        Section {
            part: p.to_vec(),
            text: SectionText::Full,
        }
    }

    #[test]
    fn sections_partials_and_binary() {
        let FetchItems::Items(list) = items("(BODY[] body.peek[HEADER.FIELDS (DATE FROM)]<0.100> BINARY.PEEK[1.2]<5.10> BINARY.SIZE[1] BINARY[])") else {
            panic!("not a list")
        };
        assert!(
            matches!(&list[0], FetchAttribute::BodySection { peek: false, section, partial: None } if section.text == SectionText::Full)
        );
        assert!(matches!(
            &list[1],
            FetchAttribute::BodySection {
                peek: true,
                partial: Some((0, 100)),
                ..
            }
        ));
        assert_eq!(
            list[2],
            FetchAttribute::Binary {
                peek: true,
                section: part(&[1, 2]),
                partial: Some((5, 10))
            }
        );
        assert_eq!(
            list[3],
            FetchAttribute::BinarySize {
                section: part(&[1])
            }
        );
        assert_eq!(
            list[4],
            FetchAttribute::Binary {
                peek: false,
                section: part(&[]),
                partial: None
            }
        );
        assert!(list[0].sets_seen() && !list[1].sets_seen());
    }

    /// Dovecot's `quirk_binary_section_spec` (module comment): imaptest's
    /// fetch-binary-mime script sends it, and Dovecot 2.3.19 answers it.
    #[test]
    fn dovecot_quirk_binary_sections() {
        let FetchItems::Items(list) =
            items("(BINARY.PEEK[2.HEADER.FIELDS (FROM)]<3.4> BINARY.SIZE[TEXT])")
        else {
            panic!("not a list")
        };
        assert!(matches!(
            &list[0],
            FetchAttribute::Binary { peek: true, section, partial: Some((3, 4)) }
                if section.part == [2] && section.text == SectionText::HeaderFields(vec!["FROM".into()])
        ));
        assert!(matches!(
            &list[1],
            FetchAttribute::BinarySize { section } if section.part.is_empty() && section.text == SectionText::Text
        ));
        // A part number that is no part number is still refused where it breaks.
        assert!(fetch_items(b"BINARY[0]").is_err());
    }

    #[test]
    fn preview_takes_its_modifiers_even_outside_a_list() {
        assert_eq!(
            items("(PREVIEW (lazy) SAVEDATE SNIPPET)"),
            FetchItems::Items(vec![
                FetchAttribute::Preview {
                    snippet: false,
                    modifiers: vec!["lazy".into()]
                },
                FetchAttribute::SaveDate,
                FetchAttribute::Preview {
                    snippet: true,
                    modifiers: vec![]
                },
            ])
        );
        // Dovecot reads the list after a lone PREVIEW as its modifiers, not the FETCH's.
        let (rest, item) = fetch_items(b"PREVIEW (CHANGEDSINCE 1)").unwrap();
        assert!(rest.is_empty());
        assert_eq!(
            item,
            FetchItems::Items(vec![FetchAttribute::Preview {
                snippet: false,
                modifiers: vec!["CHANGEDSINCE".into(), "1".into()]
            }])
        );
    }

    #[test]
    fn extension_items_are_named_and_errors_point_at_the_item() {
        assert_eq!(
            items("X-GM-LABELS"),
            FetchItems::Items(vec![FetchAttribute::Other("X-GM-LABELS".into())])
        );
        let err = |text: &'static str| match fetch_items(text.as_bytes()) {
            Err(nom::Err::Error(e) | nom::Err::Failure(e)) => {
                (text.len() - e.input.len(), e.expected)
            }
            other => panic!("{text}: {other:?}"),
        };
        assert_eq!(err("(FLAGS BODY.PEK[])").0, 7);
        assert_eq!(err("(FLAGS ALL)").0, 7);
        assert_eq!(err("BODY.PEEK").0, 9);
        assert_eq!(err("BINARY[0]").0, 7);
        assert_eq!(err("()").0, 1);
        assert_eq!(err("(FLAGS").1, "a space, or ) to close the list");
        assert_eq!(err("BODY[]<0.>").0, 9);
    }

    #[test]
    fn item_names_are_what_the_items_are_called() {
        // The vocabulary (and so the knowledge base) takes ITEM_NAMES; every item the
        // grammar parses must be called by one of them, and each of them must be used.
        let mut called = Vec::new();
        for name in FETCH_ATT_NAMES {
            for text in [format!("{name}[]"), name.to_string()] {
                if let Ok((_, item)) = fetch_att(text.as_bytes()) {
                    assert!(ITEM_NAMES.contains(&item.name()), "{text}");
                    called.push(item.name().to_owned());
                }
            }
        }
        for name in ITEM_NAMES {
            assert!(called.iter().any(|c| c == name), "{name} is never used");
        }
    }
}
