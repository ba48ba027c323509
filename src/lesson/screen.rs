//! The lesson screen's text: the Markdown that lessons are written in, rendered for a
//! terminal (bold, italics, code in colour) or stripped of its marks when colour is off,
//! and every line fitted to the terminal's width at word boundaries.
//!
//! Lessons use a small part of Markdown inline: `**bold**`, `*italics*` and `` `code` ``.
//! Anything else is text. A mark that is not closed on the same line is text too, so
//! IMAP's own stars (`* OK`, `1:*`) survive where they are not meant as marks.

use owo_colors::{OwoColorize, Style};

/// One run of text with the marks around it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
struct Marks {
    bold: bool,
    italic: bool,
    code: bool,
}

/// Renders the inline Markdown of `text`: with ANSI styles when `color`, else without
/// its marks. Line breaks stay where they are.
pub(crate) fn markdown(text: &str, color: bool) -> String {
    text.split('\n')
        // A lesson may come from anywhere: its control characters are shown, not obeyed.
        .map(|line| render_line(&crate::render::visible(line), color))
        .collect::<Vec<_>>()
        .join("\n")
}

fn render_line(line: &str, color: bool) -> String {
    let mut out = String::with_capacity(line.len());
    let mut marks = Marks::default();
    let mut run = String::new();
    let flush = |run: &mut String, marks: Marks, out: &mut String| {
        if run.is_empty() {
            return;
        }
        if color && marks != Marks::default() {
            let mut style = Style::new();
            if marks.bold {
                style = style.bold();
            }
            if marks.italic {
                style = style.italic();
            }
            if marks.code {
                style = style.cyan();
            }
            out.push_str(&run.style(style).to_string());
        } else {
            out.push_str(run);
        }
        run.clear();
    };
    let mut rest = line;
    while let Some(c) = rest.chars().next() {
        let after = &rest[c.len_utf8()..];
        if c == '`' {
            if let Some(end) = after.find('`') {
                flush(&mut run, marks, &mut out);
                run.push_str(&after[..end]);
                flush(
                    &mut run,
                    Marks {
                        code: true,
                        ..marks
                    },
                    &mut out,
                );
                rest = &after[end + 1..];
                continue;
            }
        }
        if c == '*' && !marks.code {
            let double = after.starts_with('*');
            let (mark, inner) = if double {
                ("**", &after[1..])
            } else {
                ("*", after)
            };
            let opening = !(if double { marks.bold } else { marks.italic });
            let toggles = if opening {
                // Opens only before a word, and only if a closing mark follows.
                inner
                    .chars()
                    .next()
                    .is_some_and(|n| !n.is_whitespace() && n != '*')
                    && closes(inner, mark)
            } else {
                !run.ends_with(char::is_whitespace)
            };
            if toggles {
                flush(&mut run, marks, &mut out);
                if double {
                    marks.bold = !marks.bold;
                } else {
                    marks.italic = !marks.italic;
                }
                rest = inner;
                continue;
            }
        }
        run.push(c);
        rest = after;
    }
    flush(&mut run, marks, &mut out);
    out
}

/// True if `text` holds a closing `mark` right after a non-space character, outside code.
fn closes(text: &str, mark: &str) -> bool {
    let mut in_code = false;
    let mut previous = ' ';
    let bytes: Vec<char> = text.chars().collect();
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i];
        if c == '`' {
            in_code = !in_code;
        } else if !in_code && c == '*' && !previous.is_whitespace() {
            let double = bytes.get(i + 1) == Some(&'*');
            if (mark == "**") == double {
                return true;
            }
            if double {
                i += 1;
            }
        }
        previous = c;
        i += 1;
    }
    false
}

/// The columns `text` takes on a terminal: ANSI escape sequences take none.
pub(crate) fn visible_width(text: &str) -> usize {
    let mut width = 0;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\x1b' {
            // CSI: ESC [ parameters, then one final byte in @..~.
            if chars.peek() == Some(&'[') {
                chars.next();
                for d in chars.by_ref() {
                    if ('@'..='~').contains(&d) {
                        break;
                    }
                }
            }
            continue;
        }
        width += 1;
    }
    width
}

/// Fits every line of `text` to `width` columns: a longer line is broken at spaces, its
/// continuation lines indented under the text after its mark (`= `, `· `, `S: `), and a
/// word longer than a whole line is cut.
pub(crate) fn fit(text: &str, width: usize) -> String {
    let width = width.max(20);
    let mut out = String::with_capacity(text.len() + 64);
    for (i, line) in text.split('\n').enumerate() {
        if i > 0 {
            out.push('\n');
        }
        if visible_width(line) <= width {
            out.push_str(line);
            continue;
        }
        let indent = line.len() - line.trim_start_matches(' ').len();
        let body = &line[indent..];
        // A line led by a mark (`=`, `·`, `!`, `✗`) or a side (`C:`, `S:`) continues under
        // the text after it.
        let mark = body
            .split_once(' ')
            .map(|(first, _)| visible_width(first))
            .filter(|&w| w <= 2)
            .map_or(0, |w| w + 1);
        let hanging = (indent + mark).min(width / 2);
        let mut current = " ".repeat(indent);
        let mut current_width = indent;
        let mut fresh = true;
        for word in body.split(' ') {
            let w = visible_width(word);
            if !fresh && current_width + 1 + w > width {
                out.push_str(current.trim_end());
                out.push('\n');
                current = " ".repeat(hanging);
                current_width = hanging;
                fresh = true;
            }
            if !fresh {
                current.push(' ');
                current_width += 1;
            }
            let mut word = word.to_string();
            let mut w = w;
            // A word wider than the room left on a fresh line is cut where it must be.
            while current_width + w > width && w > 0 {
                let room = width - current_width;
                let (head, tail) = split_visible(&word, room.max(1));
                current.push_str(&head);
                out.push_str(&current);
                out.push('\n');
                current = " ".repeat(hanging);
                current_width = hanging;
                word = tail;
                w = visible_width(&word);
            }
            current.push_str(&word);
            current_width += w;
            fresh = false;
        }
        out.push_str(current.trim_end());
    }
    out
}

/// `text` cut after `columns` visible characters (escape sequences go with the head).
fn split_visible(text: &str, columns: usize) -> (String, String) {
    let mut seen = 0;
    let mut in_escape = false;
    for (i, c) in text.char_indices() {
        if c == '\x1b' {
            in_escape = true;
            continue;
        }
        if in_escape {
            if ('@'..='~').contains(&c) && c != '[' {
                in_escape = false;
            }
            continue;
        }
        if seen == columns {
            return (text[..i].to_string(), text[i..].to_string());
        }
        seen += 1;
    }
    (text.to_string(), String::new())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marks_are_stripped_without_colour() {
        assert_eq!(
            markdown("a **tag**, *untagged* and `a1 LOGIN`", false),
            "a tag, untagged and a1 LOGIN"
        );
        // IMAP's stars are not marks.
        assert_eq!(
            markdown("`* OK` and 1:* and * alone", false),
            "* OK and 1:* and * alone"
        );
        assert_eq!(markdown("LIST \"\" * then %", false), "LIST \"\" * then %");
        assert_eq!(markdown("a * b * c", false), "a * b * c");
    }

    #[test]
    fn marks_become_styles_with_colour() {
        let s = markdown("**bold** *it* `code`", true);
        assert!(
            s.contains("\x1b[1m") && s.contains("\x1b[3m") && s.contains("\x1b[36m"),
            "{s:?}"
        );
        assert!(!s.contains("**") && !s.contains('`'), "{s:?}");
        assert_eq!(visible_width(&s), "bold it code".len());
    }

    #[test]
    fn fitting_breaks_at_spaces_and_keeps_the_indent() {
        let text = "   = the server supports 38 capabilities: IMAP4rev1 SASL-IR LOGIN-REFERRALS ID ENABLE IDLE SORT";
        let fitted = fit(text, 40);
        for line in fitted.lines() {
            assert!(visible_width(line) <= 40, "{line:?}");
        }
        let lines: Vec<&str> = fitted.lines().collect();
        assert!(lines[0].starts_with("   = the server"));
        assert!(lines[1].starts_with("     ") && !lines[1].starts_with("      "));
        assert_eq!(
            fitted.split_whitespace().collect::<Vec<_>>(),
            text.split_whitespace().collect::<Vec<_>>()
        );
        // A word longer than the line is cut; nothing is lost.
        let long = format!("x {}", "y".repeat(70));
        let fitted = fit(&long, 30);
        assert!(fitted.lines().all(|l| l.chars().count() <= 30), "{fitted}");
        assert_eq!(fitted.replace(['\n', ' '], ""), long.replace(' ', ""));
        // Coloured text is measured by what shows.
        let coloured = markdown(&"**word** ".repeat(10), true);
        assert!(fit(&coloured, 30).lines().all(|l| visible_width(l) <= 30));
    }
}
