//! Untagged data after the response name: `mailbox-data`, NAMESPACE, ID, STATUS,
//! SEARCH, ESEARCH, VANISHED and FLAGS, each with its ABNF; and the generic value reader
//! that steps over an item the tutor does not know.

use super::*;

fn error_at<'a>(input: &'a [u8], expected: &'static str) -> nom::Err<GrammarError<'a>> {
    nom::Err::Error(GrammarError {
        input,
        expected,
        rule: None,
    })
}

/// One value of an extension, kept as text: an atom-like token, a quoted string, a
/// literal, or a parenthesised list (with strings and literals inside). This is the
/// shape of RFC 4466's `tagged-ext-val` and of every extension FETCH item's value.
///
/// `tagged-ext-val = tagged-ext-simple / "(" [tagged-ext-comp] ")"`
///
/// Linear in the input: nesting is counted, not recursed, and literals are skipped by
/// their announced size.
pub(crate) fn generic_value(input: &[u8]) -> PResult<'_, &[u8]> {
    let end = match input.first() {
        Some(b'(') => scan_list(input)?,
        Some(b'"') => skip_quoted(input)?,
        Some(b'{') => skip_literal(input)?,
        Some(b'~') if input.get(1) == Some(&b'{') => skip_literal(input)?,
        Some(&b) if !matches!(b, b' ' | b')' | b'\r' | b'\n') => input
            .iter()
            .position(|&b| matches!(b, b' ' | b'(' | b')' | b'\r' | b'\n'))
            .unwrap_or(input.len()),
        _ => return fail(input, "a value: an atom, a number, a string or a list"),
    };
    Ok((&input[end..], &input[..end]))
}

/// Length of the balanced `( ... )` at the start of `input`.
fn scan_list(input: &[u8]) -> Result<usize, nom::Err<GrammarError<'_>>> {
    let mut depth = 0usize;
    let mut i = 0;
    while i < input.len() {
        match input[i] {
            b'(' => depth += 1,
            b')' => {
                depth -= 1;
                if depth == 0 {
                    return Ok(i + 1);
                }
            }
            b'"' => {
                i += skip_quoted(&input[i..])?;
                continue;
            }
            b'{' | b'~' => {
                if let Ok(n) = skip_literal(&input[i..]) {
                    i += n;
                    continue;
                }
            }
            b'\r' | b'\n' => return Err(error_at(&input[i..], ") to close the list")),
            _ => {}
        }
        i += 1;
    }
    Err(error_at(&input[i..], ") to close the list"))
}

/// Length of the quoted string at the start of `input` (quotes included).
fn skip_quoted(input: &[u8]) -> Result<usize, nom::Err<GrammarError<'_>>> {
    let mut i = 1;
    loop {
        match input.get(i) {
            Some(b'"') => return Ok(i + 1),
            Some(b'\\') => i += 2,
            Some(b'\r' | b'\n') | None => {
                return Err(error_at(
                    &input[i.min(input.len())..],
                    "a closing double quote",
                ))
            }
            Some(_) => i += 1,
        }
    }
}

/// Length of the literal (`{n}` or `~{n}`, CRLF, n bytes) at the start of `input`.
fn skip_literal(input: &[u8]) -> Result<usize, nom::Err<GrammarError<'_>>> {
    let open = usize::from(input.starts_with(b"~"));
    if input.get(open) != Some(&b'{') {
        return Err(error_at(input, "a literal"));
    }
    let digits = input[open + 1..]
        .iter()
        .take_while(|b| b.is_ascii_digit())
        .count();
    let mut i = open + 1 + digits;
    if input.get(i) == Some(&b'+') {
        i += 1;
    }
    let size: usize = as_str(&input[open + 1..open + 1 + digits])
        .parse()
        .map_err(|_| error_at(input, "a literal"))?;
    if !input[i..].starts_with(b"}\r\n") {
        return Err(error_at(
            &input[i..],
            "}, then the end of the line, to announce the literal",
        ));
    }
    i += 3;
    if input.len() - i < size {
        return Err(error_at(
            &input[i..],
            "as many bytes as the literal announced",
        ));
    }
    Ok(i + size)
}

/// One or more spaces where the grammar wants exactly one. Extra spaces are a quirk of
/// some servers (and of a few RFC examples: `* NAMESPACE (("INBOX." ".")) NIL  NIL`).
fn sp_lenient<'a>(cx: &Findings, input: &'a [u8]) -> PResult<'a, ()> {
    let (rest, _) = sp(input)?;
    let extra = rest.iter().take_while(|&&b| b == b' ').count();
    if extra > 0 {
        cx.quirk(rest, "quirk-extra-space", "SP", "More than one space in a row. IMAP separates items with exactly one space (RFC 9051 §9, note 2); some servers, and a few RFC examples, use more. Clients accept it.");
    }
    Ok((&rest[extra..], ()))
}

/// A quoted single character, or NIL: the hierarchy delimiter of LIST and NAMESPACE.
/// `(DQUOTE QUOTED-CHAR DQUOTE / nil)`
fn delimiter(input: &[u8]) -> PResult<'_, Option<char>> {
    if let Ok((rest, ())) = nil(input) {
        return Ok((rest, None));
    }
    let (rest, q) = expect(
        "the hierarchy delimiter: one character in double quotes, or NIL",
        quoted,
    )
    .parse(input)?;
    let text = q.text();
    let mut chars = text.chars();
    match (chars.next(), chars.next()) {
        (Some(c), None) => Ok((rest, Some(c))),
        _ => fail(
            input,
            "exactly one character between the quotes (the hierarchy delimiter), or NIL",
        ),
    }
}

/// `"LIST" SP mailbox-list` / `"LSUB" SP mailbox-list` (after the name)
/// `mailbox-list = "(" [mbx-list-flags] ")" SP (DQUOTE QUOTED-CHAR DQUOTE / nil) SP mailbox [SP mbox-list-extended]`
/// `mbox-list-extended = "(" [mbox-list-extended-item *(SP mbox-list-extended-item)] ")"` (RFC 5258), kept as text.
pub(crate) fn mailbox_list<'a>(cx: &Findings, input: &'a [u8]) -> PResult<'a, ListItem> {
    let sp = |i| sp_lenient(cx, i);
    let flags = paren_list(map(flag, |f: Flag| f.0));
    let (rest, attributes) = rule("mbx-list-flags", preceded(sp, flags)).parse(input)?;
    let (rest, delimiter) = rule("mailbox-list", preceded(sp, delimiter)).parse(rest)?;
    let (rest, mailbox) = preceded(sp, mailbox).parse(rest)?;
    let (rest, extended) = if rest.starts_with(b" (") {
        let (rest, ext) = rule("mbox-list-extended", preceded(sp, generic_value)).parse(rest)?;
        (rest, Some(String::from_utf8_lossy(ext).into_owned()))
    } else {
        (rest, None)
    };
    Ok((
        rest,
        ListItem {
            attributes,
            delimiter,
            mailbox,
            extended,
        },
    ))
}

/// One of NAMESPACE's three lists: `NIL`, or its descriptions.
pub(crate) type Namespaces = Option<Vec<NamespaceDescr>>;

/// `namespace-response = "NAMESPACE" SP namespace SP namespace SP namespace` (after the
/// name): the personal, other users' and shared namespaces.
pub(crate) fn namespace_response<'a>(
    cx: &Findings,
    input: &'a [u8],
) -> PResult<'a, (Namespaces, Namespaces, Namespaces)> {
    let sp = |i| sp_lenient(cx, i);
    let one = |i| namespace(cx, i);
    rule(
        "namespace-response",
        (preceded(sp, one), preceded(sp, one), preceded(sp, one)),
    )
    .parse(input)
}

/// `namespace = nil / "(" 1*namespace-descr ")"`
fn namespace<'a>(cx: &Findings, input: &'a [u8]) -> PResult<'a, Option<Vec<NamespaceDescr>>> {
    let descrs = delimited(
        tag("("),
        many1(|i| namespace_descr(cx, i)),
        expect(") to close the namespace list", tag(")")),
    );
    rule(
        "namespace",
        expect(
            "NIL or a list of namespaces in parentheses",
            alt((value(None, nil), map(descrs, Some))),
        ),
    )
    .parse(input)
}

/// `namespace-descr = "(" string SP (DQUOTE QUOTED-CHAR DQUOTE / nil) [namespace-response-extensions] ")"`
/// `namespace-response-extension = SP string SP "(" string *(SP string) ")"` — accepted and dropped.
///
/// Quirk: some servers put a space between descriptors; accepted and noted.
fn namespace_descr<'a>(cx: &Findings, input: &'a [u8]) -> PResult<'a, NamespaceDescr> {
    let input = match input {
        [b' ', b'(', ..] => {
            cx.quirk(input, "quirk-space-between-namespaces", "namespace", "A space between two namespace descriptors: the grammar writes them back to back, `((\"\" \"/\")(\"#news.\" \".\"))`. Some servers put a space between them; clients accept it.");
            &input[1..]
        }
        _ => input,
    };
    let extension = (sp, string, sp, paren_list(string));
    let (rest, (_, prefix, _, delimiter, _, _)) = rule(
        "namespace-descr",
        (
            tag("("),
            string,
            sp,
            delimiter,
            many0(extension),
            expect(") to close the namespace descriptor", tag(")")),
        ),
    )
    .parse(input)?;
    Ok((
        rest,
        NamespaceDescr {
            prefix: prefix.text().into_owned(),
            delimiter,
        },
    ))
}

/// `id_response ::= "ID" SPACE id_params_list` (after the name; RFC 2971)
/// `id_params_list ::= "(" #(string SPACE nstring) ")" / nil`
///
/// Quirk: some servers answer `* ID ()` instead of `* ID NIL`; accepted and noted.
pub(crate) fn id_response<'a>(cx: &Findings, input: &'a [u8]) -> PResult<'a, IdParams> {
    let (rest, _) = sp(input)?;
    if let Some(after) = rest.strip_prefix(b"()") {
        cx.quirk(rest, "quirk-empty-id-list", "id_params_list", "An empty ID list `()`: RFC 2971 wants NIL when there is nothing to say. Some servers send `()`; clients accept it.");
        return Ok((after, Some(Vec::new())));
    }
    let pair = map((string, preceded(sp, nstring)), |(k, v)| {
        (k.text().into_owned(), v.map(|v| v.text().into_owned()))
    });
    let list = delimited(
        tag("("),
        nom::multi::separated_list1(tag(" "), pair),
        expect(") to close the ID list", tag(")")),
    );
    rule(
        "id_params_list",
        expect(
            "NIL or a list of field-value pairs in parentheses",
            alt((value(None, nil), map(list, Some))),
        ),
    )
    .parse(rest)
}

/// `"STATUS" SP mailbox SP "(" [status-att-list] ")"` (after the name)
/// `status-att-val = ("MESSAGES" SP number) / ("UIDNEXT" SP nz-number) / ... / ("SIZE" SP number64) /
///  ("HIGHESTMODSEQ" SP mod-sequence-valzer) / ("APPENDLIMIT" SP (number64 / nil))`,
/// and RFC 8474's `status-att-val =/ "MAILBOXID" SP "(" objectid ")"` (§7).
///
/// Values are read as number64, MAILBOXID's as an ObjectID. An item whose value is
/// neither (RFC 7889's `APPENDLIMIT NIL`) is skipped with a note.
pub(crate) fn status_response<'a>(
    cx: &Findings,
    input: &'a [u8],
) -> PResult<'a, (Mailbox, StatusValues)> {
    let item = |i: &'a [u8]| -> PResult<'a, Option<StatusValue>> {
        let (rest, name) = expect(
            "a STATUS item such as MESSAGES or UIDNEXT",
            take_while1(is_atom_char),
        )
        .parse(i)?;
        let name = as_str(name).to_ascii_uppercase();
        if name == "MAILBOXID" {
            let (rest, id) = paren_objectid(rest)?;
            return Ok((rest, Some(StatusValue::MailboxId(id))));
        }
        let (rest, _) = sp(rest)?;
        if let Ok((rest, n)) = number64(rest) {
            return Ok((rest, Some(StatusValue::Number(name, n))));
        }
        let (rest, _) = generic_value(rest)?;
        cx.note(i, Severity::Note, "non-numeric-status-item", "status-att-val", format!("The STATUS item {name} has a value that is not a number; the tutor shows only numeric items and skips this one."));
        Ok((rest, None))
    };
    let items = delimited(
        expect("( to open the list of status items", tag("(")),
        separated_list0(tag(" "), item),
        expect(") to close the list of status items", tag(")")),
    );
    let (rest, (mailbox, items)) = rule(
        "status-att-list",
        (preceded(sp, mailbox), preceded(sp, items)),
    )
    .parse(input)?;
    let mut values = StatusValues::default();
    for item in items.into_iter().flatten() {
        match item {
            StatusValue::Number(name, n) => values.numbers.push((name, n)),
            StatusValue::MailboxId(id) => values.mailbox_id = Some(id),
        }
    }
    Ok((rest, (mailbox, values)))
}

/// One value of a STATUS response, before [`status_response`] sorts it.
enum StatusValue {
    Number(String, u64),
    MailboxId(String),
}

/// The values of a STATUS response: the counters, and RFC 8474's MAILBOXID, which is not one.
#[derive(Default)]
pub(crate) struct StatusValues {
    pub(crate) numbers: Vec<(String, u64)>,
    pub(crate) mailbox_id: Option<String>,
}

/// `obsolete-search-response = "SEARCH" *(SP nz-number)` (after the name), with RFC 7162's
/// `[SP search-sort-mod-seq]`; `search-sort-mod-seq = "(" "MODSEQ" SP mod-sequence-value ")"`
pub(crate) fn search_response(input: &[u8]) -> PResult<'_, (Vec<u32>, Option<u64>)> {
    let (rest, numbers) = many0(preceded(tag(" "), nz_number)).parse(input)?;
    if let [b' ', b'0'..=b'9', ..] = rest {
        // Say why the list stopped (a 0, a number too big) instead of "unexpected text".
        rule("obsolete-search-response", nz_number).parse(&rest[1..])?;
    }
    let modseq = opt(preceded(
        tag(" "),
        delimited(tag_no_case("(MODSEQ "), number64, expect(")", tag(")"))),
    ));
    let (rest, modseq) = rule("search-sort-mod-seq", modseq).parse(rest)?;
    Ok((rest, (numbers, modseq)))
}

/// `esearch-response = "ESEARCH" [search-correlator] [SP "UID"] *(SP search-return-data)` (after the name)
/// `search-correlator = SP "(" "TAG" SP tag-string ")"`
/// `search-return-data = search-modifier-name SP search-return-value` (values kept as text)
/// ESEARCH's return data: each item's name and its value as sent (`MIN`, `2`).
pub(crate) type ESearchItems = Vec<(String, String)>;

/// The search correlator's tag, whether the numbers are UIDs, and the return data.
pub(crate) fn esearch_response<'a>(
    input: &'a [u8],
) -> PResult<'a, (Option<String>, bool, ESearchItems)> {
    let correlator = delimited(
        tag_no_case(" (TAG "),
        astring,
        expect(") to close the search correlator", tag(")")),
    );
    let (rest, tag_string) = rule("search-correlator", opt(correlator)).parse(input)?;
    let uid_then_end = |i: &'a [u8]| -> PResult<'a, ()> {
        let (rest, _) = tag_no_case(" UID").parse(i)?;
        match rest.first() {
            Some(b' ' | b'\r' | b'\n') | None => Ok((rest, ())),
            _ => fail(i, "UID"),
        }
    };
    let (rest, uid) = map(opt(uid_then_end), |u| u.is_some()).parse(rest)?;
    let label =
        take_while1(|b: u8| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b':'));
    let data = map(
        (preceded(tag(" "), label), preceded(sp, generic_value)),
        |(name, value)| {
            (
                as_str(name).to_ascii_uppercase(),
                String::from_utf8_lossy(value).into_owned(),
            )
        },
    );
    let (rest, items) = rule("search-return-data", many0(data)).parse(rest)?;
    if let [b' ', b'A'..=b'Z' | b'a'..=b'z', ..] = rest {
        // A name without its value: let the item parser say what is missing.
        let (_, name) =
            take_while1(|b: u8| b.is_ascii_alphanumeric() || b == b'-').parse(&rest[1..])?;
        rule("search-return-data", preceded(sp, generic_value)).parse(&rest[1 + name.len()..])?;
    }
    Ok((
        rest,
        (tag_string.map(|t| t.text().into_owned()), uid, items),
    ))
}

/// `expunged-resp = "VANISHED" [SP "(EARLIER)"] SP known-uids` (after the name; RFC 7162)
pub(crate) fn vanished_response(input: &[u8]) -> PResult<'_, (bool, SequenceSet)> {
    let earlier = map(opt(tag_no_case(" (EARLIER)")), |e| e.is_some());
    rule("expunged-resp", (earlier, preceded(sp, sequence_set))).parse(input)
}

/// `"FLAGS" SP flag-list` (after the name)
pub(crate) fn flags_response(input: &[u8]) -> PResult<'_, Vec<Flag>> {
    preceded(sp, flag_list).parse(input)
}
