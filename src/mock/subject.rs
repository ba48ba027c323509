//! The base subject (RFC 5256 §2.1): what SORT (SUBJECT) orders by and THREAD groups
//! by. `Re: [imap-list] Fwd: Lab schedule (fwd)` has the base subject `LAB SCHEDULE`,
//! and counts as a reply or forward.
//!
//! Computed as Dovecot 2.3 computes it (`imap_get_base_subject_cased`): encoded-words
//! decoded and every character case-mapped (`i;unicode-casemap`, so the prefixes
//! compare as `RE`, `FW`, `FWD`), whitespace runs made one space; then, until nothing
//! changes: trailing `(fwd)` and spaces go (§2.1 step 2); leading `re:`, `fw:`,
//! `fwd:`, with `[blob]`s before or inside them, go (step 3), and so does a leading
//! `[blob]` if something is left after it (step 4); a whole `[fwd: ...]` is unwrapped
//! (step 6).

use super::rfc2047::decode_casemap;

/// The base subject of a Subject header value, and whether it was a reply or forward.
pub(crate) fn base_subject(value: &[u8]) -> (String, bool) {
    let mapped = pack_whitespace(&decode_casemap(value));
    let mut s: &[u8] = mapped.as_bytes();
    let mut reply = false;
    loop {
        s = strip_trailers(s, &mut reply);
        loop {
            let mut found = strip_leader(&mut s, &mut reply);
            if s.first() == Some(&b'[') {
                if let Some(after) = skip_blob(s).filter(|a| !a.is_empty()) {
                    s = after;
                    found = true;
                }
            }
            if !found {
                break;
            }
        }
        // `[FWD: ...]` around the whole subject.
        match s.strip_prefix(b"[FWD:").and_then(|r| r.strip_suffix(b"]")) {
            Some(inner) => {
                reply = true;
                s = inner;
            }
            None => break,
        }
    }
    (String::from_utf8_lossy(s).into_owned(), reply)
}

/// Tabs and line breaks become spaces, and runs of spaces one space.
fn pack_whitespace(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut space = false;
    for c in s.chars() {
        if matches!(c, ' ' | '\t' | '\r' | '\n') {
            if !space {
                out.push(' ');
            }
            space = true;
        } else {
            out.push(c);
            space = false;
        }
    }
    out
}

/// `subj-trailer = "(fwd)" / WSP`, repeatedly, from the end.
fn strip_trailers<'a>(mut s: &'a [u8], reply: &mut bool) -> &'a [u8] {
    loop {
        if let Some(rest) = s.strip_suffix(b" ") {
            s = rest;
        } else if let Some(rest) = s.strip_suffix(b"(FWD)") {
            *reply = true;
            s = rest;
        } else {
            return s;
        }
    }
}

/// `subj-blob = "[" *BLOBCHAR "]" *WSP` (one space at most, the rest is packed away):
/// what follows the blob, or `None` if `s` does not start with one.
fn skip_blob(s: &[u8]) -> Option<&[u8]> {
    let inner = s.strip_prefix(b"[")?;
    let close = inner.iter().position(|&b| b == b'[' || b == b']')?;
    if inner[close] != b']' {
        return None;
    }
    let after = &inner[close + 1..];
    Some(after.strip_prefix(b" ").unwrap_or(after))
}

/// `subj-leader = (*subj-blob subj-refwd) / WSP`;
/// `subj-refwd = ("re" / ("fw" ["d"])) *WSP [subj-blob] ":"`. True if anything went.
fn strip_leader(s: &mut &[u8], reply: &mut bool) -> bool {
    let mut found = false;
    if let Some(rest) = s.strip_prefix(b" ") {
        *s = rest;
        found = true;
    }
    let mut rest = *s;
    while rest.first() == Some(&b'[') {
        match skip_blob(rest) {
            Some(after) => rest = after,
            None => return found,
        }
    }
    let Some(after) = [&b"RE"[..], b"FWD", b"FW"]
        .iter()
        .find_map(|prefix| rest.strip_prefix(*prefix))
    else {
        return found;
    };
    let mut rest = after.strip_prefix(b" ").unwrap_or(after);
    if rest.first() == Some(&b'[') {
        match skip_blob(rest) {
            Some(after) => rest = after,
            None => return found,
        }
    }
    match rest.strip_prefix(b":") {
        Some(after) => {
            *s = after;
            *reply = true;
            true
        }
        None => found,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn base(s: &str) -> (String, bool) {
        base_subject(s.as_bytes())
    }

    #[test]
    fn prefixes_trailers_and_blobs_go() {
        assert_eq!(base("Lab schedule"), ("LAB SCHEDULE".into(), false));
        assert_eq!(base("RE: Re: Lab schedule"), ("LAB SCHEDULE".into(), true));
        assert_eq!(base("Fwd: Lab schedule"), ("LAB SCHEDULE".into(), true));
        assert_eq!(
            base("[imap-list] Sorting question"),
            ("SORTING QUESTION".into(), false)
        );
        assert_eq!(
            base("Re: [imap-list] Sorting question"),
            ("SORTING QUESTION".into(), true)
        );
        assert_eq!(
            base("Re[2]: Sorting question (fwd)"),
            ("SORTING QUESTION".into(), true)
        );
        assert_eq!(
            base("  re:re: fwd: [imap-list]   Sorting   question  "),
            ("SORTING QUESTION".into(), true)
        );
        assert_eq!(
            base("Re: Re: Fwd: [imap-list] Re: Sorting question (fwd) (fwd)"),
            ("SORTING QUESTION".into(), true)
        );
        assert_eq!(base("[Fwd: Lab schedule]"), ("LAB SCHEDULE".into(), true));
        assert_eq!(
            base("Re: [Fwd: Lab schedule]"),
            ("LAB SCHEDULE".into(), true)
        );
    }

    #[test]
    fn what_stays() {
        // A blob alone is the subject; a word that starts with RE is not a prefix.
        assert_eq!(base("[imap-list]"), ("[IMAP-LIST]".into(), false));
        assert_eq!(base("Report: done"), ("REPORT: DONE".into(), false));
        assert_eq!(base(""), (String::new(), false));
        assert_eq!(base("Re:"), (String::new(), true));
    }

    #[test]
    fn encoded_words_and_case() {
        let (plain, _) = base("über das Labor");
        assert_eq!(base("=?UTF-8?Q?Re:_=C3=9Cber_das_Labor?="), (plain, true));
    }
}
