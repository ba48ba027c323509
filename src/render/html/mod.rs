//! HTML: one self-contained page per run of `explain`, `diff` or `replay`.
//!
//! A page someone can keep, mail to a colleague or print: no network, no external
//! script, font or image. Its style sheet and its script are files beside this one
//! (`style.css`, `page.js`), embedded with `include_str!` so they are reviewed as
//! CSS and JavaScript, not as Rust strings.
//!
//! - [`session`]: the two-column sequence view of explained sessions;
//! - [`diff`]: the side-by-side view of a `diff` or `replay` report.
//!
//! Two rules hold for every byte written:
//! - **Everything from the input is escaped** by [`esc`]: markup characters become
//!   entities and control characters become visible symbols, so nothing a server or
//!   a capture sends can become markup, and the page stays well-formed XML as well
//!   as HTML (a test parses it as XML to prove it).
//! - **Secrets are what the explainer masked.** The page shows the annotations'
//!   display text; it never goes back to wire bytes the explainer did not show
//!   (see `session::literal_bytes`).
//!
//! The page works without JavaScript: literals are `<details>`, links are anchors,
//! every message is focusable with Tab. The script only adds keys (j/k, n/p, e, ?)
//! and the highlighting of a command's whole exchange.

use std::io::{self, Write};

pub(crate) mod diff;
pub(crate) mod session;

pub use diff::write_reports;
pub use session::{write_sessions, SessionView};

const STYLE: &str = include_str!("style.css");
const SCRIPT: &str = include_str!("page.js");

/// Escapes text for HTML content and attribute values. Markup characters become
/// entities; control characters (which would break XML and hide what was sent)
/// become the Unicode control pictures (`␍`, `␊`, `␛`), C1 controls `\xNN`.
pub fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 16);
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\t' => out.push('\t'),
            c if (c as u32) < 0x20 => {
                out.push(char::from_u32(0x2400 + c as u32).unwrap_or('\u{fffd}'))
            }
            '\u{7f}' => out.push('\u{2421}'),
            c if ('\u{80}'..='\u{9f}').contains(&c) => {
                out.push_str(&format!("\\x{:02X}", c as u32))
            }
            // Not characters in XML; nothing legitimate sends them.
            '\u{fffe}' | '\u{ffff}' => out.push('\u{fffd}'),
            c => out.push(c),
        }
    }
    out
}

/// The rfc-editor.org address of a reference like "RFC 9051 §6.3.1" (or "RFC 9051
/// §A.1", an appendix, or "RFC 2177", the whole document).
pub(crate) fn rfc_href(reference: &str) -> Option<String> {
    let rest = reference.trim().strip_prefix("RFC ")?;
    let (number, section) = match rest.split_once(' ') {
        Some((n, s)) => (n, Some(s.trim_start_matches('§').trim())),
        None => (rest, None),
    };
    if number.is_empty() || !number.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let base = format!("https://www.rfc-editor.org/rfc/rfc{number}");
    match section {
        None | Some("") => Some(base),
        Some(s) if s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'.') => {
            let kind = if s.starts_with(|c: char| c.is_ascii_digit()) {
                "section"
            } else {
                "appendix"
            };
            Some(format!("{base}#{kind}-{s}"))
        }
        Some(_) => Some(base),
    }
}

/// A reference as a link (or as plain text when it is not one we can address).
pub(crate) fn rfc_link(reference: &str) -> String {
    match rfc_href(reference) {
        Some(href) => format!(
            "<a class=\"rfc\" href=\"{}\">{}</a>",
            esc(&href),
            esc(reference)
        ),
        None => format!("<span class=\"rfc\">{}</span>", esc(reference)),
    }
}

/// Writes the page around `body` (already escaped HTML): the head with the embedded
/// style, the help line, and the script at the end.
pub(crate) fn write_page(out: &mut impl Write, title: &str, body: &str) -> io::Result<()> {
    // The CDATA markers are comments to CSS and JavaScript, and make the page
    // parse as XML too (the style and script contain `>` and `&`).
    write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\"/>\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>\n\
         <meta name=\"generator\" content=\"imap-tutor {}\"/>\n<title>{}</title>\n\
         <style>/*<![CDATA[*/\n{STYLE}/*]]>*/</style>\n</head>\n<body>\n",
        env!("CARGO_PKG_VERSION"),
        esc(title)
    )?;
    out.write_all(body.as_bytes())?;
    write!(
        out,
        "<footer><p id=\"keys\">Keys: <kbd>j</kbd>/<kbd>k</kbd> next/previous message, \
         <kbd>n</kbd>/<kbd>p</kbd> next/previous problem, <kbd>Enter</kbd> follow a \
         message's first link, <kbd>e</kbd> open or close every literal, <kbd>x</kbd> \
         hide or show explanations. Without JavaScript, <kbd>Tab</kbd> moves from \
         message to message and every link works.</p>\n<p>Made by imap-tutor {}.</p></footer>\n\
         <script>/*<![CDATA[*/\n{SCRIPT}/*]]>*/</script>\n</body>\n</html>\n",
        env!("CARGO_PKG_VERSION")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_control_characters() {
        assert_eq!(
            esc("<b a=\"1\">&'x'</b>"),
            "&lt;b a=&quot;1&quot;&gt;&amp;&#39;x&#39;&lt;/b&gt;"
        );
        assert_eq!(esc("a\r\n\u{1b}[1m\u{7f}\u{85}"), "a␍␊␛[1m␡\\x85");
        assert_eq!(esc("\tcafé"), "\tcafé");
    }

    #[test]
    fn rfc_references_become_rfc_editor_addresses() {
        assert_eq!(
            rfc_href("RFC 9051 §6.3.1").as_deref(),
            Some("https://www.rfc-editor.org/rfc/rfc9051#section-6.3.1")
        );
        assert_eq!(
            rfc_href("RFC 9051 §A.1").as_deref(),
            Some("https://www.rfc-editor.org/rfc/rfc9051#appendix-A.1")
        );
        assert_eq!(
            rfc_href("RFC 2177").as_deref(),
            Some("https://www.rfc-editor.org/rfc/rfc2177")
        );
        assert_eq!(rfc_href("Dovecot's wiki"), None);
        assert_eq!(rfc_link("x<y"), "<span class=\"rfc\">x&lt;y</span>");
    }
}
