//! Valid lines that are probably not what was meant, and teaching points: warnings and
//! notes the front door adds once a command has parsed.

use super::text::{literals_of, shorten};
use super::FrontDoor;
use crate::grammar::args::label;
use crate::grammar::command::parsers::create_params;
use crate::grammar::command::specs::Spec;
use crate::grammar::command::types::CommandBody;
use crate::grammar::core::{Flag, StringForm};
use crate::grammar::error::{Diagnostic, Severity};
use crate::grammar::fetch::{FetchAttribute, FetchItems, EXTENSION_ITEMS, FETCH_ATT_NAMES};
use crate::grammar::mailbox::Mailbox;
use crate::grammar::search::SearchKey;
use crate::grammar::sequence::SequenceSet;
use crate::grammar::suggest::nearest;

impl<'a> FrontDoor<'a> {
    /// Valid lines that are probably not what was meant, and teaching points.
    pub(super) fn lint(&mut self, body: &CommandBody, spec: &'static Spec, at: &'a [u8]) {
        use CommandBody::*;
        let name = self.display_name(spec);
        for d in crate::grammar::extensions::condstore::diagnostics(body, &name, self.name_col()) {
            self.push(d);
        }
        match body {
            Copy { mailbox, set, .. } | Move { mailbox, set, .. } => {
                self.lint_data_item_mailbox(mailbox, set, &self.display_name(spec))
            }
            Create { mailbox } => self.lint_create(mailbox, spec, at),
            Delete { mailbox } if mailbox.is_inbox() => self.lint_inbox_exists(spec),
            Rename { from, to } => self.lint_rename(from, to, spec),
            Store { action, .. } if action.flags.iter().any(|f| f.is("\\Recent")) => {
                self.lint_recent(spec)
            }
            Store { action, .. } => self.lint_flag_extensions(&action.flags),
            Append { messages, .. }
                if messages
                    .iter()
                    .any(|m| m.flags.iter().any(|f| f.is("\\Recent"))) =>
            {
                self.lint_recent(spec)
            }
            Append { messages, .. } => {
                let flags: Vec<Flag> = messages.iter().flat_map(|m| m.flags.clone()).collect();
                self.lint_flag_extensions(&flags)
            }
            Fetch {
                items: FetchItems::Items(items),
                ..
            } => self.lint_fetch_items(items),
            Search { criteria, .. } => self.lint_search_keywords(criteria),
            Lsub { .. } => self.note_imap4rev1_only(
                "lsub",
                "LSUB is IMAP4rev1 (RFC 3501); IMAP4rev2 deprecates it (RFC 9051 Appendix E). LIST (SUBSCRIBED) \"\" \"*\" lists subscribed mailboxes with IMAP4rev2, and with IMAP4rev1 servers that announce LIST-EXTENDED (RFC 5258), as Dovecot does.",
            ),
            SetAcl { rights, .. }
                if !rights
                    .rights
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit()) =>
            {
                let d = Diagnostic::new(Severity::Warning, "acl-rights", self.name_col(), "setacl", "Rights are lower-case letters and digits (RFC 4314 §2, §7): an upper-case or other character is not a right, and the server answers BAD (§3.1). Write them in lower case, such as lrswi.");
                self.push(d);
            }
            GetMetadata { entries, .. } => {
                // `at` starts at the command's name; an empty option list follows it.
                let name_len = at.iter().position(|&b| b == b' ').unwrap_or(at.len());
                let no_options = at[name_len..].starts_with(b" ()");
                self.lint_metadata(no_options, entries.is_empty(), false)
            }
            SetMetadata { values, .. } => {
                let atom = values.iter().any(|(_, v)| {
                    v.as_ref().is_some_and(|v| v.form == StringForm::Atom)
                });
                self.lint_metadata(false, values.is_empty(), atom)
            }
            Check => self.note_imap4rev1_only(
                "command-select",
                "CHECK is IMAP4rev1 (RFC 3501); IMAP4rev2 removes it and tells clients to use NOOP instead (RFC 9051 Appendix E). NOOP does no harm on both.",
            ),
            _ => {}
        }
        self.lint_literal_minus();
    }

    /// CREATE with parameters (shown, not modelled), or CREATE INBOX.
    fn lint_create(&mut self, mailbox: &Mailbox, spec: &'static Spec, at: &'a [u8]) {
        let parameters = match create_params(at) {
            Ok((_, (_, p))) if !self.out.uid && !p.is_empty() => p.join(" "),
            _ => {
                if mailbox.is_inbox() {
                    self.lint_inbox_exists(spec);
                }
                return;
            }
        };
        let d = Diagnostic::new(
            Severity::Note,
            "parameters-not-modelled",
            self.name_col(),
            "create-params",
            format!("CREATE parameters ({parameters}) are valid syntax (RFC 4466). USE asks for special uses (RFC 6154 §3, CREATE-SPECIAL-USE): a server that cannot give them MUST NOT create the mailbox, and answers NO ([USEATTR] when the use is the reason). The tutor shows the parameters but does not model them."),
        );
        self.push(d);
    }

    /// CREATE INBOX, DELETE INBOX.
    fn lint_inbox_exists(&mut self, spec: &'static Spec) {
        let d = Diagnostic::new(
            Severity::Warning,
            "inbox-special",
            self.name_col(),
            spec.rule,
            format!(
                "INBOX is the reserved name of the user's primary mailbox (RFC 9051 §5.1): it cannot be {}, and the server answers NO.",
                if spec.name == "CREATE" {
                    "created"
                } else {
                    "deleted"
                }
            ),
        );
        self.push(d);
    }

    /// RENAME to INBOX (refused) or from INBOX (special, RFC 9051 §6.3.6).
    fn lint_rename(&mut self, from: &Mailbox, to: &Mailbox, spec: &'static Spec) {
        let (severity, message) = if to.is_inbox() {
            (
                Severity::Warning,
                "INBOX is the reserved name of the user's primary mailbox (RFC 9051 §5.1), so renaming another mailbox to INBOX gets NO wherever INBOX exists, as it normally does.",
            )
        } else if from.is_inbox() {
            (
                Severity::Note,
                "Renaming INBOX is special (RFC 9051 §6.3.6): its messages move to the new mailbox, and INBOX stays, empty. Dovecot 2.3.19 does not support it and answers NO [CANNOT] Renaming INBOX isn't supported.",
            )
        } else {
            return;
        };
        let d = Diagnostic::new(
            severity,
            "inbox-special",
            self.name_col(),
            spec.rule,
            message,
        );
        self.push(d);
    }

    /// FETCH items the tutor does not know (with a likely typo), and IMAP4rev1's RFC822 items.
    fn lint_fetch_items(&mut self, items: &[FetchAttribute]) {
        for item in items {
            match item {
                FetchAttribute::Other(other)
                    if !EXTENSION_ITEMS.contains(&other.as_str()) && !other.starts_with("X-") =>
                {
                    let mut d = Diagnostic::new(
                        Severity::Warning,
                        "unknown-fetch-item",
                        self.name_col(),
                        "fetch-att",
                        format!("{other} is not a FETCH data item of RFC 9051 or of an extension the tutor knows. Only an extension the server announces can add one; a server without it answers BAD (Dovecot: Unknown parameter: {other})."),
                    );
                    if let Some(best) = nearest(other, FETCH_ATT_NAMES) {
                        d.message.push_str(&format!(" Did you mean {best}?"));
                        d.suggestion = Some(best.to_owned());
                    }
                    self.push(d);
                }
                FetchAttribute::Rfc822
                | FetchAttribute::Rfc822Header
                | FetchAttribute::Rfc822Text => {
                    let instead = match item {
                        FetchAttribute::Rfc822 => "BODY[]",
                        FetchAttribute::Rfc822Header => "BODY.PEEK[HEADER]",
                        _ => "BODY[TEXT]",
                    };
                    let d = Diagnostic::new(
                        Severity::Note,
                        "imap4rev1-only",
                        self.name_col(),
                        "fetch-att",
                        format!("{} is IMAP4rev1 (RFC 3501); IMAP4rev2 deprecates it (RFC 9051 Appendix E). {instead} asks for the same data on both.", item.name()),
                    )
                    .suggest(instead);
                    self.push(d);
                }
                _ => {}
            }
        }
    }

    /// `KEYWORD \Seen`: a backslash name where a keyword belongs. A system flag has its
    /// own search key (`UNKEYWORD \Recent` is OLD); any other backslash name is neither
    /// a keyword nor a system flag. Dovecot 2.3.19 searches for it as a keyword: KEYWORD
    /// matches no message, UNKEYWORD every message.
    fn lint_search_keywords(&mut self, criteria: &[SearchKey]) {
        let mut found = Vec::new();
        for key in criteria {
            key.walk(&mut |k| {
                if let SearchKey::Keyword(f) | SearchKey::Unkeyword(f) = k {
                    if f.is_system() {
                        found.push((matches!(k, SearchKey::Unkeyword(_)), f.0.clone()));
                    }
                }
            });
        }
        for (negated, flag) in found {
            let (word, dovecot) = if negated {
                ("UNKEYWORD", "Dovecot answers OK and matches every message")
            } else {
                ("KEYWORD", "Dovecot answers OK and matches no message")
            };
            let mut d = Diagnostic::new(
                Severity::Warning,
                "keyword-is-system-flag",
                self.name_col(),
                "search-key",
                String::new(),
            );
            match system_flag_key(&flag, negated) {
                Some(key) => {
                    d.message = format!("{word} takes a keyword such as $Forwarded, not the system flag {flag}. System flags have their own search keys: use {key}. ({dovecot}.)");
                    d.suggestion = Some(key.to_owned());
                }
                None => {
                    d.message = format!("{word} takes a keyword such as $Forwarded, written without a backslash. `{flag}` is no keyword, and no system flag either: those are \\Seen, \\Answered, \\Flagged, \\Deleted and \\Draft, and IMAP4rev1's \\Recent (RFC 9051 §2.3.2). ({dovecot}.)");
                }
            }
            self.push(d);
        }
    }

    /// `STORE 1 +FLAGS (\Foo)`: a backslash name that is no system flag. The grammar
    /// allows it (`flag-extension = "\" atom`, RFC 9051 §9), kept for future standards;
    /// Dovecot 2.3.19 answers `BAD ... Invalid system flag \FOO`.
    fn lint_flag_extensions(&mut self, flags: &[Flag]) {
        let Some(flag) = flags
            .iter()
            .find(|f| f.is_system() && system_flag_key(&f.0, false).is_none())
        else {
            return;
        };
        let bare = flag.0.trim_start_matches('\\');
        let mut d = Diagnostic::new(
            Severity::Warning,
            "unknown-system-flag",
            self.name_col(),
            "flag-extension",
            format!("`{}` is no system flag: those are \\Seen, \\Answered, \\Flagged, \\Deleted and \\Draft, and IMAP4rev1's \\Recent (RFC 9051 §2.3.2). Other backslash names are kept for future standards (flag-extension, RFC 9051 §9), and Dovecot answers BAD (Invalid system flag). A keyword of your own has no backslash: `{bare}`.", flag.0),
        );
        let line = self.fixed_line();
        if line.contains(&flag.0) {
            d.suggestion = Some(line.replacen(&flag.0, bare, 1));
        }
        self.push(d);
    }

    /// A command IMAP4rev2 removed (RFC 9051 Appendix E).
    fn note_imap4rev1_only(&mut self, rule: &'static str, message: &'static str) {
        let d = Diagnostic::new(
            Severity::Note,
            "imap4rev1-only",
            self.name_col(),
            rule,
            message,
        );
        self.push(d);
    }

    /// What RFC 5464's ABNF (§5) refuses and Dovecot takes: an empty list of options,
    /// of entries or of entry values, and an atom as a value.
    fn lint_metadata(&mut self, no_options: bool, no_entries: bool, atom_value: bool) {
        let mut warn = |code: &'static str, message: &'static str| {
            let d = Diagnostic::new(
                Severity::Warning,
                code,
                self.name_col(),
                "metadata",
                message,
            );
            self.push(d);
        };
        if no_options {
            warn("metadata-empty", "RFC 5464 §5 wants at least one option inside the parentheses (MAXSIZE <n> or DEPTH 0|1|infinity); leave the () out instead. Dovecot takes it.");
        }
        if no_entries {
            warn("metadata-empty", "RFC 5464 §5 wants at least one entry inside the parentheses, such as (/private/comment); the command does nothing. Dovecot takes it.");
        }
        if atom_value {
            warn("metadata-atom-value", "RFC 5464 §5 wants a value as a string, a literal or NIL (value = nstring / literal8): quote it, as \"value\". Dovecot takes a bare word.");
        }
    }

    /// `{n-}`: not IMAP syntax, though LITERAL- suggests it.
    fn lint_literal_minus(&mut self) {
        for (lit, _) in literals_of(self.body) {
            if lit.minus {
                let d = Diagnostic::new(
                    Severity::Warning,
                    "literal-minus",
                    lit.start + 1,
                    "literal",
                    "`{n-}` is not IMAP syntax. LITERAL- (RFC 7888) is written {n+}, like LITERAL+; it only limits non-synchronizing literals to 4096 bytes.",
                );
                self.push(d);
            }
        }
    }

    /// The column where the command name starts (after any repairs' positions).
    fn name_col(&self) -> usize {
        self.name_at + 1
    }

    fn lint_recent(&mut self, spec: &'static Spec) {
        let d = Diagnostic::new(
            Severity::Warning,
            "recent-flag",
            self.name_col(),
            "flag",
            format!("\\Recent is set by the server only; a client cannot {} it (RFC 3501 §2.3.2), and IMAP4rev2 deprecates it.", if spec.name == "STORE" { "store" } else { "append with" }),
        );
        self.push(d);
    }

    /// `c5 COPY 1 body[]`: valid (`body[]` is an astring), but a FETCH item where a mailbox belongs.
    fn lint_data_item_mailbox(&mut self, mailbox: &Mailbox, set: &SequenceSet, name: &str) {
        if mailbox.raw.form != StringForm::Atom {
            return;
        }
        let raw = &mailbox.raw.bytes;
        let looks_like_item = matches!(
            crate::grammar::fetch::fetch_att(raw),
            Ok((rest, item)) if rest.is_empty() && !matches!(item, FetchAttribute::Other(_) | FetchAttribute::Body)
        );
        if !looks_like_item {
            return;
        }
        let line = &self.body[..self.line_end];
        let start = line.iter().rposition(|&b| b == b' ').map_or(0, |i| i + 1);
        let m = shorten(raw);
        let verb = if name.ends_with("MOVE") {
            "move"
        } else {
            "copy"
        };
        let mut d = Diagnostic::new(
            Severity::Warning,
            "data-item-as-mailbox",
            start + 1,
            "mailbox",
            format!(
                "`{m}` looks like a FETCH data item, but {name} expects a mailbox name here. `{m}` is a valid mailbox name, so the server will look for a mailbox called \"{m}\" and answer NO [TRYCREATE] if there is none. To read the message, use FETCH: `{} FETCH {set} {m}`. To {verb} it, name a mailbox.",
                self.tag_text
            ),
        )
        .expected(if verb == "move" {
            label::MOVE_TO
        } else {
            label::COPY_TO
        });
        d.suggestion = self.with_replaced(start, usize::MAX, "Archive");
        self.push(d);
    }
}

/// The search key of a system flag (RFC 9051 §6.4.4), or of its absence: SEEN for
/// `\Seen`, UNSEEN for its negation; `\Recent` is IMAP4rev1's RECENT, and not recent is OLD.
fn system_flag_key(flag: &str, negated: bool) -> Option<&'static str> {
    const KEYS: [(&str, &str, &str); 6] = [
        ("\\Answered", "ANSWERED", "UNANSWERED"),
        ("\\Deleted", "DELETED", "UNDELETED"),
        ("\\Draft", "DRAFT", "UNDRAFT"),
        ("\\Flagged", "FLAGGED", "UNFLAGGED"),
        ("\\Seen", "SEEN", "UNSEEN"),
        ("\\Recent", "RECENT", "OLD"),
    ];
    KEYS.iter()
        .find(|(name, _, _)| name.eq_ignore_ascii_case(flag))
        .map(|&(_, key, not)| if negated { not } else { key })
}
