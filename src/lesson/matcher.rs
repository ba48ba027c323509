//! Judging a reply: the pattern language of `expect:` lines, and the diff a learner sees.
//!
//! A reply is judged line by line: the server's bytes split at CRLF, literal data
//! included, so an author writes what a telnet user would see. Each expected line is a
//! pattern:
//!
//! - `{tag}`: the learner's tag, whatever they chose (`A`, `a1`, `x`). Lessons never
//!   insist on a tag: RFC 9051 §2.2.1 lets the client pick any.
//! - `{*}`: any run of characters, empty included. Not a bare `*`, because `*` is the
//!   untagged marker and part of `\*` in PERMANENTFLAGS: a bare `*` is always literal.
//! - `$name` (lowercase after the `$`): captures a word (up to a space, parenthesis,
//!   bracket or quote) the first time it matches and must equal it afterwards, in this
//!   step and later ones, as Dovecot's imaptest does. `$Forwarded` (capital) stays a
//!   keyword; `$$` is a literal `$`.
//! - a whole line `/regex/`: a regular expression for the whole line (`{tag}` works
//!   inside; a named group `(?P<name>...)` captures like `$name`).
//! - a whole line `...`: any number of lines, none included.
//!
//! `unordered:` groups lines that may come in any order (untagged data, RFC 9051 §7
//! does not order it); the group matches as many consecutive lines as it has patterns.
//! `absent:` lines must match no line of the reply.

use std::collections::BTreeMap;

use regex::Regex;

use super::schema::ExpectItem;

/// Captured variables, by name.
pub(crate) type Vars = BTreeMap<String, String>;

#[derive(Debug, Clone, PartialEq, Eq)]
enum Token {
    Lit(String),
    Tag,
    Wild,
    Var(String),
}

#[derive(Debug, Clone)]
enum Kind {
    Tokens(Vec<Token>),
    /// The source with `{tag}` still in it: the tag is known only when matching.
    Regex(String),
    Ellipsis,
}

/// One expected line.
#[derive(Debug, Clone)]
pub(crate) struct Pattern {
    /// As written in the scenario, for messages.
    pub(crate) source: String,
    kind: Kind,
}

/// A pattern that does not compile, with what to fix.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct CompileError {
    pub(crate) pattern: String,
    pub(crate) reason: String,
}

impl Pattern {
    pub(crate) fn parse(source: &str) -> Result<Pattern, CompileError> {
        let err = |reason: String| CompileError {
            pattern: source.to_owned(),
            reason,
        };
        if source == "..." {
            return Ok(Pattern {
                source: source.into(),
                kind: Kind::Ellipsis,
            });
        }
        if source.len() >= 2 && source.starts_with('/') && source.ends_with('/') {
            let body = &source[1..source.len() - 1];
            Regex::new(&format!("^(?:{})$", body.replace("{tag}", "TAG")))
                .map_err(|e| err(format!("the regex {source} does not compile: {e}")))?;
            return Ok(Pattern {
                source: source.into(),
                kind: Kind::Regex(body.to_owned()),
            });
        }
        if source.contains('\r') || source.contains('\n') {
            return Err(err(format!(
                "{source:?} holds a line break: write one line per item"
            )));
        }
        let mut tokens = Vec::new();
        let mut lit = String::new();
        let mut rest = source;
        while let Some(c) = rest.chars().next() {
            if let Some(r) = rest.strip_prefix("{tag}") {
                flush(&mut lit, &mut tokens);
                tokens.push(Token::Tag);
                rest = r;
            } else if let Some(r) = rest.strip_prefix("{*}") {
                flush(&mut lit, &mut tokens);
                tokens.push(Token::Wild);
                rest = r;
            } else if let Some(r) = rest.strip_prefix("$$") {
                lit.push('$');
                rest = r;
            } else if c == '$' && rest[1..].starts_with(|c: char| c.is_ascii_lowercase()) {
                let name: String = rest[1..]
                    .chars()
                    .take_while(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '_')
                    .collect();
                flush(&mut lit, &mut tokens);
                tokens.push(Token::Var(name.clone()));
                rest = &rest[1 + name.len()..];
            } else {
                lit.push(c);
                rest = &rest[c.len_utf8()..];
            }
        }
        flush(&mut lit, &mut tokens);
        if tokens.windows(2).any(|w| {
            matches!(
                w,
                [Token::Var(_) | Token::Wild, Token::Var(_)] | [Token::Var(_), Token::Wild]
            )
        }) {
            return Err(err(format!("{source:?}: put text between a variable and a wildcard or another variable, or the split is ambiguous")));
        }
        Ok(Pattern {
            source: source.into(),
            kind: Kind::Tokens(tokens),
        })
    }

    /// Names this pattern captures.
    pub(crate) fn captures(&self) -> Vec<String> {
        match &self.kind {
            Kind::Tokens(t) => t
                .iter()
                .filter_map(|t| {
                    if let Token::Var(n) = t {
                        Some(n.clone())
                    } else {
                        None
                    }
                })
                .collect(),
            Kind::Regex(body) => Regex::new(&body.replace("{tag}", "TAG"))
                .map(|r| r.capture_names().flatten().map(str::to_owned).collect())
                .unwrap_or_default(),
            Kind::Ellipsis => Vec::new(),
        }
    }

    /// Matches one line; on success, the variables with this line's captures added.
    pub(crate) fn matches(&self, line: &str, tag: &str, vars: &Vars) -> Option<Vars> {
        match &self.kind {
            Kind::Ellipsis => Some(vars.clone()),
            Kind::Tokens(tokens) => {
                let mut out = vars.clone();
                match_tokens(tokens, line, tag, &mut out).then_some(out)
            }
            Kind::Regex(body) => {
                let re = Regex::new(&format!(
                    "^(?:{})$",
                    body.replace("{tag}", &regex::escape(tag))
                ))
                .ok()?;
                let caps = re.captures(line)?;
                let mut out = vars.clone();
                for name in re.capture_names().flatten() {
                    let value = caps.name(name).map_or("", |m| m.as_str());
                    match out.get(name) {
                        Some(v) if v != value => return None,
                        Some(_) => {}
                        None => {
                            out.insert(name.to_owned(), value.to_owned());
                        }
                    }
                }
                Some(out)
            }
        }
    }

    /// The pattern with what is known filled in, for a diff.
    pub(crate) fn render(&self, tag: &str, vars: &Vars) -> String {
        match &self.kind {
            Kind::Ellipsis => "...".into(),
            Kind::Regex(body) => format!("/{}/", body.replace("{tag}", tag)),
            Kind::Tokens(tokens) => tokens
                .iter()
                .map(|t| match t {
                    Token::Lit(s) => s.clone(),
                    Token::Tag => tag.to_owned(),
                    Token::Wild => "…".into(),
                    Token::Var(n) => vars.get(n).cloned().unwrap_or_else(|| format!("${n}")),
                })
                .collect(),
        }
    }
}

fn flush(lit: &mut String, tokens: &mut Vec<Token>) {
    if !lit.is_empty() {
        tokens.push(Token::Lit(std::mem::take(lit)));
    }
}

/// Characters that end a captured word.
fn ends_word(c: char) -> bool {
    c.is_whitespace() || matches!(c, '(' | ')' | '[' | ']' | '"' | '{' | '}')
}

fn match_tokens(tokens: &[Token], line: &str, tag: &str, vars: &mut Vars) -> bool {
    let Some((first, rest)) = tokens.split_first() else {
        return line.is_empty();
    };
    match first {
        Token::Lit(s) => line
            .strip_prefix(s.as_str())
            .is_some_and(|l| match_tokens(rest, l, tag, vars)),
        Token::Tag => line
            .strip_prefix(tag)
            .is_some_and(|l| match_tokens(rest, l, tag, vars)),
        Token::Wild => {
            let mut cuts: Vec<usize> = line.char_indices().map(|(i, _)| i).collect();
            cuts.push(line.len());
            cuts.into_iter().any(|i| {
                let mut v = vars.clone();
                if match_tokens(rest, &line[i..], tag, &mut v) {
                    *vars = v;
                    true
                } else {
                    false
                }
            })
        }
        Token::Var(name) => {
            if let Some(value) = vars.get(name).cloned() {
                return line
                    .strip_prefix(value.as_str())
                    .is_some_and(|l| match_tokens(rest, l, tag, vars));
            }
            let word_end = line.find(ends_word).unwrap_or(line.len());
            // Longest word first: `$n EXISTS` wants all the digits.
            let cuts: Vec<usize> = line[..word_end]
                .char_indices()
                .map(|(i, c)| i + c.len_utf8())
                .collect();
            cuts.into_iter().rev().any(|end| {
                let mut v = vars.clone();
                v.insert(name.clone(), line[..end].to_owned());
                if match_tokens(rest, &line[end..], tag, &mut v) {
                    *vars = v;
                    true
                } else {
                    false
                }
            })
        }
    }
}

/// Every `$name` in a command line, for checking it is bound before use.
pub(crate) fn variables_in(text: &str) -> Vec<String> {
    text.lines()
        .filter_map(|l| Pattern::parse(l).ok())
        .flat_map(|p| p.captures())
        .collect()
}

/// Fills `$name` in a command the lesson shows (`UID FETCH $uid FLAGS`).
pub(crate) fn substitute(text: &str, vars: &Vars) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('$') {
        out.push_str(&rest[..at]);
        let after = &rest[at + 1..];
        if let Some(r) = after.strip_prefix('$') {
            out.push('$');
            rest = r;
            continue;
        }
        let name: String = after
            .chars()
            .take_while(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '_')
            .collect();
        match vars.get(&name) {
            Some(v) if after.starts_with(|c: char| c.is_ascii_lowercase()) => out.push_str(v),
            _ => {
                out.push('$');
                out.push_str(&name);
            }
        }
        rest = &after[name.len()..];
    }
    out.push_str(rest);
    out
}

#[derive(Debug, Clone)]
enum Item {
    One(Pattern),
    Any,
    Unordered(Vec<Pattern>),
}

/// A whole expected reply.
#[derive(Debug, Clone)]
pub(crate) struct Expectation {
    items: Vec<Item>,
    absent: Vec<Pattern>,
}

/// The verdict on one reply.
#[derive(Debug, Clone, Default)]
pub(crate) struct Judgement {
    pub(crate) ok: bool,
    /// The variables after this reply (only grows on success).
    pub(crate) vars: Vars,
    /// The first expected line that could not be matched, as written.
    pub(crate) unmatched: Option<String>,
    /// Lines of the reply that no expected line accounts for, when every expected line matched.
    pub(crate) extra: Vec<String>,
    /// `absent:` patterns that matched, with the line.
    pub(crate) forbidden: Vec<(String, String)>,
    /// The expected reply with what is known filled in (matched lines as they came), for a diff.
    pub(crate) expected: Vec<String>,
}

impl Expectation {
    pub(crate) fn compile(
        items: &[ExpectItem],
        absent: &[String],
    ) -> Result<Expectation, CompileError> {
        let mut out = Vec::new();
        for item in items {
            out.push(match item {
                ExpectItem::Line(s) => {
                    let p = Pattern::parse(s)?;
                    if matches!(p.kind, Kind::Ellipsis) {
                        Item::Any
                    } else {
                        Item::One(p)
                    }
                }
                ExpectItem::Unordered(lines) => {
                    let ps = lines
                        .iter()
                        .map(|l| Pattern::parse(l))
                        .collect::<Result<Vec<_>, _>>()?;
                    if let Some(p) = ps.iter().find(|p| matches!(p.kind, Kind::Ellipsis)) {
                        return Err(CompileError {
                            pattern: p.source.clone(),
                            reason: "`...` cannot go inside `unordered:`".into(),
                        });
                    }
                    Item::Unordered(ps)
                }
            });
        }
        let absent = absent
            .iter()
            .map(|a| Pattern::parse(a))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Expectation { items: out, absent })
    }

    /// Every variable a match can bind.
    pub(crate) fn captures(&self) -> Vec<String> {
        let mut out = Vec::new();
        for item in &self.items {
            match item {
                Item::One(p) => out.extend(p.captures()),
                Item::Unordered(ps) => ps.iter().for_each(|p| out.extend(p.captures())),
                Item::Any => {}
            }
        }
        out
    }

    /// Judges `lines` (the reply split at CRLF).
    pub(crate) fn judge(&self, lines: &[String], tag: &str, vars: &Vars) -> Judgement {
        let mut best = Best {
            item: 0,
            line: 0,
            prefix: Vec::new(),
            vars: vars.clone(),
        };
        let mut walk = Walk {
            lines,
            tag,
            prefix: Vec::new(),
            best: &mut best,
        };
        let found = self.go(&mut walk, 0, 0, vars);
        let mut judgement = Judgement::default();
        match found {
            Some(v) => {
                judgement.ok = true;
                judgement.vars = v;
                judgement.expected = lines.to_vec();
            }
            None => {
                judgement.vars = vars.clone();
                // What is left of the expectation, each pattern shown as the line it would
                // accept if one is there (so a diff marks only real differences), else as
                // written with what is known filled in.
                let mut expected = best.prefix.clone();
                let rest = &lines[best.line.min(lines.len())..];
                let mut used = vec![false; rest.len()];
                let mut show = |p: &Pattern| {
                    let found = (0..rest.len())
                        .find(|&i| !used[i] && p.matches(&rest[i], tag, &best.vars).is_some());
                    match found {
                        Some(i) => {
                            used[i] = true;
                            rest[i].clone()
                        }
                        None => p.render(tag, &best.vars),
                    }
                };
                for item in &self.items[best.item.min(self.items.len())..] {
                    match item {
                        Item::One(p) => expected.push(show(p)),
                        Item::Any => expected.push("...".into()),
                        Item::Unordered(ps) => expected.extend(ps.iter().map(&mut show)),
                    }
                }
                judgement.unmatched = self.items.get(best.item).map(|i| match i {
                    Item::One(p) => p.source.clone(),
                    Item::Any => "...".into(),
                    Item::Unordered(ps) => {
                        // The first pattern of the group no remaining line matches.
                        ps.iter()
                            .find(|p| {
                                !lines[best.line.min(lines.len())..]
                                    .iter()
                                    .any(|l| p.matches(l, tag, &best.vars).is_some())
                            })
                            .unwrap_or(&ps[0])
                            .source
                            .clone()
                    }
                });
                if judgement.unmatched.is_none() {
                    judgement.extra = lines[best.line.min(lines.len())..].to_vec();
                }
                judgement.expected = expected;
            }
        }
        for p in &self.absent {
            for l in lines {
                if p.matches(l, tag, &judgement.vars).is_some() {
                    judgement.forbidden.push((p.source.clone(), l.clone()));
                }
            }
        }
        if !judgement.forbidden.is_empty() {
            judgement.ok = false;
            judgement.vars = vars.clone();
        }
        judgement
    }

    /// Matches the items from `i` on against the lines from `j` on, backtracking.
    fn go(&self, walk: &mut Walk, i: usize, j: usize, vars: &Vars) -> Option<Vars> {
        let lines = walk.lines;
        let tag = walk.tag;
        if i > walk.best.item || (i == walk.best.item && j > walk.best.line) {
            *walk.best = Best {
                item: i,
                line: j,
                prefix: walk.prefix.clone(),
                vars: vars.clone(),
            };
        }
        let Some(item) = self.items.get(i) else {
            return (j == lines.len()).then(|| vars.clone());
        };
        match item {
            Item::One(p) => {
                let line = lines.get(j)?;
                let v = p.matches(line, tag, vars)?;
                walk.prefix.push(line.clone());
                let r = self.go(walk, i + 1, j + 1, &v);
                walk.prefix.pop();
                r
            }
            Item::Any => {
                for end in j..=lines.len() {
                    let n = walk.prefix.len();
                    walk.prefix.extend_from_slice(&lines[j..end]);
                    let r = self.go(walk, i + 1, end, vars);
                    walk.prefix.truncate(n);
                    if r.is_some() {
                        return r;
                    }
                }
                None
            }
            Item::Unordered(ps) => {
                if j + ps.len() > lines.len() {
                    return None;
                }
                let window = &lines[j..j + ps.len()];
                let mut used = vec![false; ps.len()];
                let v = permute(ps, window, 0, &mut used, tag, vars)?;
                let n = walk.prefix.len();
                walk.prefix.extend_from_slice(window);
                let r = self.go(walk, i + 1, j + ps.len(), &v);
                walk.prefix.truncate(n);
                r
            }
        }
    }
}

/// One judgement's walk: the reply's lines and tag, the lines matched so far, and the
/// furthest point reached (for the "expected" side of a failure's diff).
struct Walk<'a> {
    lines: &'a [String],
    tag: &'a str,
    prefix: Vec<String>,
    best: &'a mut Best,
}

struct Best {
    item: usize,
    line: usize,
    prefix: Vec<String>,
    vars: Vars,
}

/// Assigns each line of `window` to a distinct pattern.
fn permute(
    ps: &[Pattern],
    window: &[String],
    k: usize,
    used: &mut [bool],
    tag: &str,
    vars: &Vars,
) -> Option<Vars> {
    let Some(line) = window.get(k) else {
        return Some(vars.clone());
    };
    for (n, p) in ps.iter().enumerate() {
        if used[n] {
            continue;
        }
        if let Some(v) = p.matches(line, tag, vars) {
            used[n] = true;
            if let Some(done) = permute(ps, window, k + 1, used, tag, &v) {
                return Some(done);
            }
            used[n] = false;
        }
    }
    None
}

/// The lines of a reply: split at CRLF (a bare LF too), the last empty piece dropped.
pub(crate) fn reply_lines(bytes: &[u8]) -> Vec<String> {
    let text = String::from_utf8_lossy(bytes);
    let mut lines: Vec<String> = text
        .split('\n')
        .map(|l| l.strip_suffix('\r').unwrap_or(l).to_owned())
        .collect();
    if lines.last().is_some_and(String::is_empty) {
        lines.pop();
    }
    lines
}

/// A line diff, `-` expected and `+` what came, as a learner reads it.
pub(crate) fn diff(expected: &[String], actual: &[String]) -> Vec<String> {
    let old = expected.join("\n") + "\n";
    let new = actual.join("\n") + "\n";
    let d = similar::TextDiff::from_lines(old.as_str(), new.as_str());
    d.iter_all_changes()
        .map(|c| {
            let sign = match c.tag() {
                similar::ChangeTag::Delete => '-',
                similar::ChangeTag::Insert => '+',
                similar::ChangeTag::Equal => ' ',
            };
            format!("{sign} {}", c.value().trim_end_matches('\n'))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(s: &[&str]) -> Vec<String> {
        s.iter().map(|s| s.to_string()).collect()
    }

    fn exp(items: &[&str]) -> Expectation {
        let items: Vec<ExpectItem> = items
            .iter()
            .map(|s| ExpectItem::Line(s.to_string()))
            .collect();
        Expectation::compile(&items, &[]).unwrap()
    }

    #[test]
    fn the_learners_tag_is_accepted() {
        let e = exp(&["{tag} OK [READ-WRITE] Select completed{*}"]);
        for tag in ["A", "a1", "x"] {
            let reply = lines(&[&format!(
                "{tag} OK [READ-WRITE] Select completed (0.001 + 0.000 secs)."
            )]);
            assert!(e.judge(&reply, tag, &Vars::new()).ok, "{tag}");
        }
        assert!(
            !e.judge(
                &lines(&["B OK [READ-WRITE] Select completed."]),
                "A",
                &Vars::new()
            )
            .ok
        );
    }

    #[test]
    fn a_bare_star_is_literal_and_captures_bind_once() {
        let e = exp(&[
            "* OK [UIDVALIDITY $uv] UIDs valid",
            "* OK [COPYUID $uv 1 5] Done",
        ]);
        let ok = lines(&[
            "* OK [UIDVALIDITY 42] UIDs valid",
            "* OK [COPYUID 42 1 5] Done",
        ]);
        let j = e.judge(&ok, "A", &Vars::new());
        assert!(j.ok);
        assert_eq!(j.vars.get("uv").map(String::as_str), Some("42"));
        let bad = lines(&[
            "* OK [UIDVALIDITY 42] UIDs valid",
            "* OK [COPYUID 43 1 5] Done",
        ]);
        let j = e.judge(&bad, "A", &Vars::new());
        assert!(!j.ok);
        assert_eq!(j.unmatched.as_deref(), Some("* OK [COPYUID $uv 1 5] Done"));
        assert!(
            !exp(&["* 4 EXISTS"])
                .judge(&lines(&["x 4 EXISTS"]), "x", &Vars::new())
                .ok
        );
    }

    #[test]
    fn unordered_ellipsis_regex_and_absent() {
        let items = vec![
            ExpectItem::Unordered(vec!["* 1 EXISTS".into(), "* 0 RECENT".into()]),
            ExpectItem::Line("...".into()),
            ExpectItem::Line("/{tag} OK .*/".into()),
        ];
        let e = Expectation::compile(&items, &["* {*} EXPUNGE".into()]).unwrap();
        let reply = lines(&["* 0 RECENT", "* 1 EXISTS", "* FLAGS ()", "t1 OK done"]);
        assert!(e.judge(&reply, "t1", &Vars::new()).ok);
        let reply = lines(&["* 0 RECENT", "* 1 EXISTS", "* 3 EXPUNGE", "t1 OK done"]);
        let j = e.judge(&reply, "t1", &Vars::new());
        assert!(!j.ok);
        assert_eq!(j.forbidden[0].1, "* 3 EXPUNGE");
    }

    #[test]
    fn dollar_keywords_stay_literal_and_show_substitutes() {
        assert!(
            exp(&["* FLAGS ($Forwarded $$x)"])
                .judge(&lines(&["* FLAGS ($Forwarded $x)"]), "A", &Vars::new())
                .ok
        );
        let vars = Vars::from([("uid".to_string(), "7".to_string())]);
        assert_eq!(
            substitute("A UID FETCH $uid FLAGS $Seen", &vars),
            "A UID FETCH 7 FLAGS $Seen"
        );
    }

    #[test]
    fn a_failed_match_renders_what_was_expected() {
        let e = exp(&["{tag} OK done", "* BYE"]);
        let j = e.judge(&lines(&["c OK done", "* NO"]), "c", &Vars::new());
        assert_eq!(j.expected, lines(&["c OK done", "* BYE"]));
        assert_eq!(
            diff(&j.expected, &lines(&["c OK done", "* NO"])),
            lines(&["  c OK done", "- * BYE", "+ * NO"])
        );
    }
}
