//! The tolerant front door of responses: [`parse_response`] reads a server message in
//! stages (tag or `*` or `+`, then the response name, then its data), so that a broken
//! message still says what it was, with a diagnostic for each problem.

use super::*;

/// Parses one server message (a [`crate::wire::Message`]'s grammar text), tolerantly.
///
/// `response` is filled whenever the message was understood well enough to build a
/// value; with an error diagnostic it may be partial (a FETCH keeps the items before
/// the broken one). `kind` and `tag` are filled as soon as they are read.
pub fn parse_response(text: &[u8]) -> ParsedResponse {
    let mut early = Vec::new();
    let owned;
    let input: &[u8] = if text.ends_with(b"\r\n") {
        text
    } else if text.ends_with(b"\n") {
        early.push(Diagnostic::new(Severity::Note, "quirk-bare-lf", text.len(), "CRLF", "The line ends in a bare LF instead of CRLF. IMAP lines end in CR LF; some servers and hand-made files use LF alone. The tutor accepts it."));
        owned = [&text[..text.len() - 1], b"\r\n"].concat();
        &owned
    } else {
        if !text.is_empty() {
            early.push(
                Diagnostic::new(Severity::Warning, "missing-crlf", text.len() + 1, "CRLF", "The message does not end with CRLF: the line was cut off, or the stream ended in the middle of it.")
                    .expected("CRLF"),
            );
        }
        owned = [text, b"\r\n"].concat();
        &owned
    };
    let cx = Findings::default();
    let mut door = Door {
        whole: input,
        cx: &cx,
        diagnostics: early,
        tag: None,
        kind: None,
    };
    let response = door.response();
    let Door {
        mut diagnostics,
        tag,
        kind,
        ..
    } = door;
    diagnostics.extend(cx.into_diagnostics(input));
    diagnostics.sort_by_key(|d| (d.column, d.severity != Severity::Error));
    ParsedResponse {
        tag,
        kind,
        response,
        diagnostics,
    }
}

/// The front door's state while it reads one message.
struct Door<'a, 'c> {
    whole: &'a [u8],
    cx: &'c Findings,
    diagnostics: Vec<Diagnostic>,
    tag: Option<String>,
    kind: Option<&'static str>,
}

const CRLF: &[u8] = b"\r\n";

impl<'a> Door<'a, '_> {
    /// A diagnostic at `at` (a suffix of the line), built on with [`Diagnostic`]'s own
    /// methods and then [`Self::push`]ed, as the command front door does.
    fn diagnostic(
        &self,
        severity: Severity,
        code: &'static str,
        at: &[u8],
        rule: &'static str,
        message: impl Into<String>,
    ) -> Diagnostic {
        Diagnostic::new(severity, code, column_of(self.whole, at), rule, message)
    }

    fn push(&mut self, diagnostic: Diagnostic) {
        self.diagnostics.push(diagnostic);
    }

    /// Turns a parser failure into an error diagnostic a learner can act on.
    fn syntax(&mut self, err: nom::Err<GrammarError<'a>>, fallback_rule: &'static str) {
        let e = match err {
            nom::Err::Error(e) | nom::Err::Failure(e) => e,
            nom::Err::Incomplete(_) => GrammarError {
                input: &[],
                expected: "more input",
                rule: None,
            },
        };
        let rule = e.rule.unwrap_or(fallback_rule);
        let found = describe(e.input);
        let (code, suggestion): (&'static str, Option<String>) = if e
            .expected
            .contains("literal announced")
        {
            (
                "literal-too-short",
                Some(
                    "The number in braces must count exactly the bytes that follow the CRLF."
                        .into(),
                ),
            )
        } else if e.input.starts_with(CRLF) || e.input.is_empty() {
            ("line-ends-early", None)
        } else if e.expected == "a space" && e.input.starts_with(b" ") {
            (
                "extra-space",
                Some("Remove the extra space: IMAP separates items with exactly one space.".into()),
            )
        } else if e.expected == "a space" {
            ("missing-space", Some("Put one space here.".into()))
        } else {
            ("syntax-error", None)
        };
        let mut message = if code == "line-ends-early" {
            format!("The line ends too early: {} is still missing.", e.expected)
        } else if code == "literal-too-short" {
            "The message ends before the literal does: fewer bytes follow than its {size} announced.".to_owned()
        } else {
            format!("Expected {} here, but found {found}.", e.expected)
        };
        if let Some(hint) = rule_hint(rule) {
            message.push(' ');
            message.push_str(hint);
        }
        let mut d = self
            .diagnostic(Severity::Error, code, e.input, rule, message)
            .expected(e.expected);
        d.suggestion = suggestion;
        self.push(d);
    }

    /// After a complete response: optional trailing spaces (a quirk), then CRLF, then nothing.
    fn end(&mut self, rest: &'a [u8], what: &'static str) {
        let spaces = rest.iter().take_while(|&&b| b == b' ').count();
        let mut rest = rest;
        if spaces > 0 && rest[spaces..].starts_with(CRLF) {
            self.cx.quirk(rest, "quirk-trailing-space", what, "A space before the end of the line. The grammar has none here; some servers send one (often after SEARCH results or a list of capabilities). Clients accept it.");
            rest = &rest[spaces..];
        }
        match rest.strip_prefix(CRLF) {
            Some([]) => {}
            Some(more) => {
                self.push(self.diagnostic(
                    Severity::Error,
                    "text-after-end",
                    more,
                    what,
                    "The response ended with CRLF, but more bytes follow in the same message.",
                ));
            }
            None => {
                let rest = &rest[rest.iter().take_while(|&&b| b == b' ').count()..];
                let found = describe(rest);
                self.push(
                    self.diagnostic(
                        Severity::Error,
                        "unexpected-text",
                        rest,
                        what,
                        format!(
                        "The response is complete here (rule {what}), but the line goes on with {found}."
                    ),
                    )
                    .expected("the end of the line"),
                );
            }
        }
    }

    /// Finishes a data response: checks the end on success, reports the failure otherwise.
    fn data<T>(&mut self, result: PResult<'a, T>, what: &'static str) -> Option<T> {
        match result {
            Ok((rest, value)) => {
                self.end(rest, what);
                Some(value)
            }
            Err(e) => {
                self.syntax(e, what);
                None
            }
        }
    }

    /// `response = continue-req / response-data / response-done` (one message of it)
    fn response(&mut self) -> Option<Response> {
        let input = self.whole;
        match input {
            [b'\r', b'\n', ..] => {
                self.push(self.diagnostic(Severity::Error, "empty-line", input, "response", "The server sent an empty line. Every server line starts with `*` (data), `+` (continuation request) or the tag of a command."));
                None
            }
            [b'+', rest @ ..] => Some(self.continuation(rest)),
            [b'*', rest @ ..] => self.untagged(rest),
            _ => self.tagged(input),
        }
    }

    /// `continue-req = "+" SP (resp-text / base64) CRLF`
    ///
    /// Quirk: a bare `+` with no space (some servers, when they have nothing to say).
    fn continuation(&mut self, rest: &'a [u8]) -> Response {
        self.kind = Some("CONTINUATION");
        if rest.starts_with(CRLF) {
            self.cx.quirk(rest, "quirk-continuation-without-space", "continue-req", "A bare `+` with nothing after it. The grammar wants `+`, a space, then text or base64 (`+ ` for an empty challenge); some servers send `+` alone. Clients accept it.");
            self.end(rest, "continue-req");
            return Response::Continuation {
                code: None,
                text: String::new(),
            };
        }
        let rest = self.space_after(rest, "+", "continue-req");
        let (code, text) = self.resp_text(rest, "+", false);
        Response::Continuation { code, text }
    }

    /// A tagged line whose word after the tag is not OK, NO or BAD. A command name there
    /// is a client's line only if the whole line is a valid command: `d STATUS completed`
    /// (RFC 5465's example) is none, it is a completion with its status word left out,
    /// and the learner is shown the completion; `A006 Select Completed` (RFC 4314's) could
    /// be either, so both are named.
    fn unknown_status(&mut self, input: &'a [u8], rest: &'a [u8], tag: &str, upper: &str) {
        let mut message = format!(
            "A tagged response completes a command with OK, NO or BAD, but this one has {}.",
            describe(rest)
        );
        let mut suggestion = None;
        if vocabulary::COMMANDS.contains(&upper) {
            let end = rest
                .iter()
                .position(|&b| b == b'\r' || b == b'\n')
                .unwrap_or(rest.len());
            let text = String::from_utf8_lossy(&rest[..end]);
            if crate::grammar::parse_command(input).command.is_some() {
                message.push_str(&format!(" `{tag} {text}` is a valid {upper} command: this looks like a line the client sent, not the server; if the server sent it, its status word is missing (`{tag} OK {text}`)."));
            } else {
                message.push_str(&format!(" `{tag} {text}` is no valid {upper} command either: it reads as the completion of one with its status word left out, such as `{tag} OK {text}`."));
                suggestion = Some(format!("{tag} OK {text}"));
            }
        }
        let mut diagnostic = self
            .diagnostic(
                Severity::Error,
                "unknown-status",
                rest,
                "resp-cond-state",
                message,
            )
            .expected("OK, NO or BAD");
        if let Some(suggestion) = suggestion {
            diagnostic = diagnostic.suggest(suggestion);
        }
        self.push(diagnostic);
    }

    /// `response-tagged = tag SP resp-cond-state CRLF`
    fn tagged(&mut self, input: &'a [u8]) -> Option<Response> {
        let Ok((rest, tag)) = crate::grammar::core::tag_token(input) else {
            self.push(self.diagnostic(Severity::Error, "bad-tag", input, "response", format!("A server line starts with `*` (data), `+` (continuation request) or a tag, but this one starts with {}.", describe(input)))
                .expected("*, + or a tag"));
            return None;
        };
        self.tag = Some(tag.to_owned());
        if rest.starts_with(CRLF) {
            self.push(self.diagnostic(Severity::Error, "line-ends-early", rest, "response-tagged", "The line ends after the tag. A tagged response goes on with a space, OK, NO or BAD, and text.")
                .expected("a space, then OK, NO or BAD"));
            return None;
        }
        let rest = self.space_after(rest, "the tag", "response-tagged");
        let (after, word) = status_word(rest);
        let upper = word.to_ascii_uppercase();
        let status = match upper.as_str() {
            "OK" => Status::Ok,
            "NO" => Status::No,
            "BAD" => Status::Bad,
            "BYE" | "PREAUTH" => {
                let status = if upper == "BYE" {
                    Status::Bye
                } else {
                    Status::PreAuth
                };
                self.push(self.diagnostic(Severity::Error, "untagged-only-status", rest, "response-tagged", format!("{upper} is never tagged: a server sends it as `* {upper} ...`. A tagged response completes a command with OK, NO or BAD."))
                    .expected("OK, NO or BAD")
                    .suggest(format!("* {upper} ...")));
                status
            }
            _ => {
                self.unknown_status(input, rest, tag, &upper);
                return None;
            }
        };
        self.kind = Some(status.name());
        let (code, text) = self.status_text(after, status.name());
        Some(Response::Tagged {
            tag: tag.to_owned(),
            status,
            code,
            text,
        })
    }

    /// `response-data = "*" SP (resp-cond-state / resp-cond-bye / mailbox-data / message-data /
    ///  capability-data / enable-data) CRLF`; `greeting = "*" SP (resp-cond-auth / resp-cond-bye) CRLF`
    fn untagged(&mut self, rest: &'a [u8]) -> Option<Response> {
        if rest.starts_with(CRLF) {
            self.push(self.diagnostic(Severity::Error, "line-ends-early", rest, "response-data", "The line ends after `*`. Untagged data goes on with a space and a response such as `OK`, `FLAGS` or `4 EXISTS`.")
                .expected("a space and a response"));
            return None;
        }
        let rest = self.space_after(rest, "*", "response-data");
        if rest.first().is_some_and(u8::is_ascii_digit) {
            return self.message_data(rest);
        }
        let (after, word) = status_word(rest);
        if word.is_empty() {
            self.push(self.diagnostic(Severity::Error, "missing-response-name", rest, "response-data", format!("Expected a response name (OK, CAPABILITY, FLAGS, LIST, ...) or a message number after `* `, but found {}.", describe(rest)))
                .expected("a response name or a number"));
            return None;
        }
        let upper = word.to_ascii_uppercase();
        if let Some(status) = Status::from_name(&upper) {
            self.kind = Some(status.name());
            let (code, text) = self.status_text(after, status.name());
            return Some(Response::Data(Data::Status { status, code, text }));
        }
        if let Some(known) = self.named_data(&upper, after) {
            return known.map(Response::Data);
        }
        if matches!(upper.as_str(), "EXISTS" | "RECENT" | "EXPUNGE" | "FETCH") {
            self.push(
                self.diagnostic(
                    Severity::Error,
                    "missing-number",
                    rest,
                    "message-data",
                    format!("{upper} comes after a number: `* 4 {upper}`."),
                )
                .expected("a number before the response name"),
            );
            return None;
        }
        self.unknown_response(&upper, rest);
        None
    }

    /// The data of the untagged response called `name` (upper case), read from `after`
    /// (just after the name): `None` if the tutor does not know the name, `Some(None)`
    /// if it does but the data is broken (with a diagnostic).
    fn named_data(&mut self, name: &str, after: &'a [u8]) -> Option<Option<Data>> {
        let cx = self.cx;
        let data = match name {
            "CAPABILITY" => self
                .read("CAPABILITY", capabilities(after), "capability-data")
                .map(|caps| {
                    self.check_version(&caps, after);
                    Data::Capability(caps)
                }),
            "ENABLED" => self
                .read(
                    "ENABLED",
                    rule("enable-data", capabilities).parse(after),
                    "enable-data",
                )
                .map(Data::Enabled),
            "ID" => self
                .read("ID", id_response(cx, after), "id_response")
                .map(Data::Id),
            "NAMESPACE" => self
                .read(
                    "NAMESPACE",
                    namespace_response(cx, after),
                    "namespace-response",
                )
                .map(|(personal, other, shared)| Data::Namespace {
                    personal,
                    other,
                    shared,
                }),
            "LIST" => self
                .read("LIST", mailbox_list(cx, after), "mailbox-list")
                .map(Data::List),
            "LSUB" => self
                .read("LSUB", mailbox_list(cx, after), "mailbox-list")
                .map(Data::Lsub),
            // Named quirk: Gmail's old XLIST, a LIST whose attributes also name the
            // special mailboxes (\Inbox, \AllMail...), before RFC 6154's SPECIAL-USE.
            // Read as LIST; Dovecot answers the XLIST command with LIST lines.
            "XLIST" => {
                cx.quirk(after, "quirk-xlist", "mailbox-list", "XLIST is Gmail's old, unregistered LIST: the same data, with attributes such as \\AllMail and \\Sent that RFC 6154's SPECIAL-USE (LIST \"\" \"*\" RETURN (SPECIAL-USE)) replaced with \\All, \\Sent and the rest, and an \\Inbox that it dropped (INBOX has its own name). Read here as LIST.");
                self.read("LIST", mailbox_list(cx, after), "mailbox-list")
                    .map(Data::List)
            }
            "STATUS" => self
                .read("STATUS", status_response(cx, after), "mailbox-data")
                .map(|(mailbox, values)| Data::MailboxStatus {
                    mailbox,
                    items: values.numbers,
                    mailbox_id: values.mailbox_id,
                }),
            "SEARCH" => self
                .read("SEARCH", search_response(after), "mailbox-data")
                .map(|(numbers, modseq)| Data::Search { numbers, modseq }),
            // `sort-data = "SORT" *(SP nz-number)` (RFC 5256 §5), with RFC 7162's
            // `[SP search-sort-mod-seq]`: the same shape as SEARCH's.
            "SORT" => self
                .read("SORT", search_response(after), "sort-data")
                .map(|(numbers, modseq)| Data::Sort { numbers, modseq }),
            "THREAD" => self
                .read(
                    "THREAD",
                    crate::grammar::extensions::thread::thread_response(after),
                    "thread-data",
                )
                .map(Data::Thread),
            "ESEARCH" => self
                .read("ESEARCH", esearch_response(after), "esearch-response")
                .map(|(tag, uid, items)| Data::ESearch { tag, uid, items }),
            "FLAGS" => self
                .read("FLAGS", flags_response(after), "mailbox-data")
                .map(Data::Flags),
            "VANISHED" => self
                .read("VANISHED", vanished_response(after), "expunged-resp")
                .map(|(earlier, uids)| Data::Vanished { earlier, uids }),
            _ => return self.admin_data(name, after),
        };
        Some(data)
    }

    /// The data of QUOTA (RFC 9208), ACL (RFC 4314) and METADATA (RFC 5464), as
    /// [`Self::named_data`] returns it: None for a name none of them has.
    fn admin_data(&mut self, name: &str, after: &'a [u8]) -> Option<Option<Data>> {
        use crate::grammar::extensions::{acl, metadata, quota};
        Some(match name {
            "QUOTA" => self
                .read("QUOTA", quota::quota_response(after), "quota-response")
                .map(|(root, resources)| Data::Quota { root, resources }),
            "QUOTAROOT" => self
                .read(
                    "QUOTAROOT",
                    quota::quotaroot_response(after),
                    "quotaroot-response",
                )
                .map(|(mailbox, roots)| Data::QuotaRoot { mailbox, roots }),
            "ACL" => self
                .read("ACL", acl::acl_response(after), "acl-data")
                .map(|(mailbox, entries)| Data::Acl { mailbox, entries }),
            "LISTRIGHTS" => self
                .read(
                    "LISTRIGHTS",
                    acl::listrights_response(after),
                    "listrights-data",
                )
                .map(|(mailbox, identifier, rights)| Data::ListRights {
                    mailbox,
                    identifier,
                    rights,
                }),
            "MYRIGHTS" => self
                .read("MYRIGHTS", acl::myrights_response(after), "myrights-data")
                .map(|(mailbox, rights)| Data::MyRights { mailbox, rights }),
            "METADATA" => self
                .read(
                    "METADATA",
                    metadata::metadata_response(after),
                    "metadata-resp",
                )
                .map(|(mailbox, entries)| Data::Metadata { mailbox, entries }),
            _ => return None,
        })
    }

    /// Names the response kind, then reads its data as [`Self::data`] does.
    fn read<T>(
        &mut self,
        kind: &'static str,
        result: PResult<'a, T>,
        what: &'static str,
    ) -> Option<T> {
        self.kind = Some(kind);
        self.data(result, what)
    }

    /// An untagged response name the tutor does not know: a warning, with a likely typo.
    fn unknown_response(&mut self, upper: &str, rest: &'a [u8]) {
        let known: Vec<&str> = vocabulary::RESPONSES
            .iter()
            .copied()
            .filter(|r| *r != "CONTINUATION")
            .collect();
        let near = nearest(upper, &known);
        let mut d = self.diagnostic(Severity::Warning, "unknown-response", rest, "response-data", format!("The tutor does not know the untagged response {upper}. It may belong to an extension the tutor does not cover (ANNOTATE, URLAUTH, ...). A client must be prepared to accept any response at all times (RFC 9051 §7), and may ignore data it has no use for."));
        d.suggestion = near.map(|near| format!("Did you mean {near}?"));
        self.push(d);
    }

    /// `message-data = nz-number SP ("EXPUNGE" / ("FETCH" SP msg-att))`, and
    /// `number SP "EXISTS"`, `number SP "RECENT"` (`mailbox-data`)
    fn message_data(&mut self, input: &'a [u8]) -> Option<Response> {
        let (rest, n) = match number(input) {
            Ok(ok) => ok,
            Err(e) => {
                self.syntax(e, "message-data");
                return None;
            }
        };
        if rest.starts_with(CRLF) {
            self.push(self.diagnostic(Severity::Error, "line-ends-early", rest, "message-data", "The line ends after the number. It should go on with EXISTS, RECENT, EXPUNGE or FETCH.")
                .expected("a space, then EXISTS, RECENT, EXPUNGE or FETCH"));
            return None;
        }
        let rest = self.space_after(rest, "the number", "message-data");
        let (after, word) = status_word(rest);
        let upper = word.to_ascii_uppercase();
        let nonzero = |door: &mut Self, what: &'static str| {
            if n == 0 {
                door.push(
                    door.diagnostic(
                        Severity::Error,
                        "zero-message-number",
                        input,
                        "nz-number",
                        format!(
                            "Message numbers and UIDs start at 1, so `* 0 {what}` cannot happen."
                        ),
                    )
                    .expected("a number greater than zero"),
                );
            }
        };
        let data = match upper.as_str() {
            "EXISTS" => {
                self.kind = Some("EXISTS");
                self.end(after, "mailbox-data");
                Data::Exists(n)
            }
            "RECENT" => {
                self.kind = Some("RECENT");
                self.end(after, "obsolete-recent-response");
                Data::Recent(n)
            }
            "EXPUNGE" => {
                self.kind = Some("EXPUNGE");
                nonzero(self, "EXPUNGE");
                self.end(after, "message-data");
                Data::Expunge(n)
            }
            "FETCH" => {
                self.kind = Some("FETCH");
                nonzero(self, "FETCH");
                let attributes = self.fetch_items(after);
                Data::Fetch { seq: n, attributes }
            }
            // `uidfetch-resp = uniqueid SP "UIDFETCH" SP msg-att` (RFC 9586): the number
            // is a UID, which is never 0 either.
            "UIDFETCH" => {
                self.kind = Some("UIDFETCH");
                nonzero(self, "UIDFETCH");
                let attributes = self.fetch_items(after);
                Data::UidFetch { uid: n, attributes }
            }
            _ => {
                let near = nearest(&upper, &["EXISTS", "RECENT", "EXPUNGE", "FETCH"]);
                let mut d = self.diagnostic(Severity::Error, "unknown-message-data", rest, "message-data", format!("After a number, a server sends EXISTS, RECENT, EXPUNGE or FETCH, but this line has {}.", describe(rest)))
                    .expected("EXISTS, RECENT, EXPUNGE or FETCH");
                d.suggestion = near.map(|near| format!("{n} {near}"));
                self.push(d);
                return None;
            }
        };
        Some(Response::Data(data))
    }

    /// `SP msg-att` after FETCH or UIDFETCH, then the end of the line: the items read,
    /// up to a broken one (reported).
    fn fetch_items(&mut self, after: &'a [u8]) -> Vec<MessageAttribute> {
        let mut attributes = Vec::new();
        let parsed = sp(after).and_then(|(r, _)| msg_att_into(self.cx, r, &mut attributes));
        match parsed {
            Ok(rest) => self.end(rest, "message-data"),
            Err(e) => self.syntax(e, "msg-att"),
        }
        attributes
    }

    /// Expects one space after `what`; reports a missing or doubled one and goes on.
    fn space_after(&mut self, rest: &'a [u8], what: &str, rule: &'static str) -> &'a [u8] {
        let spaces = rest.iter().take_while(|&&b| b == b' ').count();
        match spaces {
            1 => &rest[1..],
            0 => {
                self.push(
                    self.diagnostic(
                        Severity::Error,
                        "missing-space",
                        rest,
                        rule,
                        format!(
                            "Expected a space after {what}, but found {}.",
                            describe(rest)
                        ),
                    )
                    .expected("a space")
                    .suggest("Put one space here."),
                );
                rest
            }
            _ => {
                self.push(self.diagnostic(Severity::Error, "extra-space", &rest[1..], rule, format!("More than one space after {what}: IMAP separates items with exactly one space."))
                    .expected("exactly one space")
                    .suggest("Remove the extra spaces."));
                &rest[spaces..]
            }
        }
    }

    /// `resp-cond-state = ("OK" / "NO" / "BAD") SP resp-text` (and the same for PREAUTH,
    /// BYE), after the word.
    ///
    /// Quirk: no space and no text at all (`a107 OK`, RFC 7162's own examples).
    fn status_text(&mut self, rest: &'a [u8], word: &'static str) -> (Option<Code>, String) {
        if rest.starts_with(CRLF) {
            self.cx.quirk(rest, "quirk-missing-text", "resp-text", &format!("`{word}` has no text after it. The grammar wants a space and human-readable text (RFC 3501 requires the text; RFC 9051 allows it to be empty but keeps the space). Some servers send nothing; clients accept it."));
            self.end(rest, "resp-text");
            return (None, String::new());
        }
        let rest = self.space_after_keeping_text(rest, word);
        self.resp_text(rest, word, true)
    }

    /// Like [`Door::space_after`], but extra spaces belong to the text that follows.
    fn space_after_keeping_text(&mut self, rest: &'a [u8], word: &str) -> &'a [u8] {
        match rest.strip_prefix(b" ") {
            Some(r) => r,
            None => {
                self.push(
                    self.diagnostic(
                        Severity::Error,
                        "missing-space",
                        rest,
                        "resp-text",
                        format!(
                            "Expected a space after {word}, but found {}.",
                            describe(rest)
                        ),
                    )
                    .expected("a space")
                    .suggest("Put one space here."),
                );
                rest
            }
        }
    }

    /// `resp-text = ["[" resp-text-code "]" SP] [text]` (RFC 9051; RFC 3501 requires the text)
    ///
    /// Quirk: a code with no text after it (`* OK [UIDVALIDITY 1]`, several RFC examples).
    fn resp_text(
        &mut self,
        rest: &'a [u8],
        word: &'static str,
        text_expected: bool,
    ) -> (Option<Code>, String) {
        let (rest, code) = if rest.starts_with(b"[") {
            self.code(rest)
        } else {
            (rest, None)
        };
        // Whether a space follows the code's `]`: RFC 9051 wants it even when the text is empty.
        let spaced = code.is_some() && rest.first() == Some(&b' ');
        let rest = match (&code, rest) {
            (Some(_), [b' ', r @ ..]) => r,
            (Some(_), r) if r.starts_with(CRLF) => r,
            (Some(c), r) => {
                let name = c.name().to_owned();
                self.push(
                    self.diagnostic(
                        Severity::Error,
                        "missing-space",
                        r,
                        "resp-text",
                        format!(
                        "Expected a space between the [{name}] code and the text, but found {}.",
                        describe(r)
                    ),
                    )
                    .expected("a space")
                    .suggest("Put one space after ]."),
                );
                r
            }
            (None, r) => r,
        };
        let (after, text) = text(rest).unwrap_or((rest, String::new()));
        if text.is_empty() && (text_expected || code.is_some()) {
            let message = match &code {
                Some(c) if spaced => format!("The [{}] code has a space but no text after it. RFC 3501 wants at least one character of human-readable text there; RFC 9051 allows the text to be empty. Clients accept it.", c.name()),
                Some(c) => format!("The [{}] code has no text after it. RFC 3501 wants a space and at least one character of human-readable text after the code; RFC 9051 allows the text to be empty but still wants the space after ]. Some servers, and several RFC examples, leave both out; clients accept it.", c.name()),
                None => format!("`{word}` has no text after it. RFC 3501 requires human-readable text here; RFC 9051 allows it to be empty. Clients accept it."),
            };
            self.cx.note(
                rest,
                Severity::Note,
                "quirk-missing-text",
                "resp-text",
                message,
            );
        }
        self.end(after, "resp-text");
        (code, text)
    }

    /// `"[" resp-text-code "]"`, with a fallback to the catch-all form when a known code's
    /// argument is malformed, so the rest of the line is still read.
    fn code(&mut self, rest: &'a [u8]) -> (&'a [u8], Option<Code>) {
        let inner = &rest[1..];
        match resp_text_code(self.cx, inner) {
            Ok((r, code)) if r.starts_with(b"]") => return (&r[1..], Some(code)),
            Ok((r, code)) => {
                let name = code.name().to_owned();
                let found = describe(r);
                self.push(
                    self.diagnostic(
                        Severity::Error,
                        "bad-code-argument",
                        r,
                        "resp-text-code",
                        format!("Expected ] to close the [{name}] code, but found {found}."),
                    )
                    .expected("]"),
                );
            }
            Err(e) => {
                let name = inner.iter().take_while(|&&b| is_atom_char(b)).count();
                let name = as_str(&inner[..name]).to_ascii_uppercase();
                let too_big =
                    matches!(&e, nom::Err::Error(g) if g.expected.starts_with("a number below"));
                self.syntax(e, "resp-text-code");
                if let Some(d) = self.diagnostics.last_mut() {
                    if too_big {
                        // RFC 9051's own SELECT example (§6.3.2) has `[UIDVALIDITY 9877410381]`.
                        d.severity = Severity::Warning;
                        d.code = "number-out-of-range";
                        d.message = format!("The number in [{name}] is larger than the 32 bits the grammar allows (at most 4294967295); the tutor keeps it as text. RFC 9051's own SELECT example makes this mistake; a strict client would reject the line.");
                    } else {
                        d.code = "bad-code-argument";
                        d.message =
                            format!("The [{name}] response code is malformed. {}", d.message);
                    }
                }
            }
        }
        match generic_code(inner) {
            Ok((r, code)) if r.starts_with(b"]") => (&r[1..], Some(code)),
            _ => {
                if !inner
                    .iter()
                    .take_while(|&&b| b != b'\r' && b != b'\n')
                    .any(|&b| b == b']')
                {
                    self.push(self.diagnostic(Severity::Error, "unclosed-code", rest, "resp-text-code", "The response code opened with [ is never closed with ] on this line; the tutor reads the rest as text.")
                        .expected("] to close the response code"));
                }
                (rest, None)
            }
        }
    }

    /// A CAPABILITY list must name the protocol version (RFC 9051 §7.2.2, RFC 3501 §7.2.1).
    fn check_version(&mut self, caps: &[String], at: &'a [u8]) {
        if !caps
            .iter()
            .any(|c| c.eq_ignore_ascii_case("IMAP4rev1") || c.eq_ignore_ascii_case("IMAP4rev2"))
        {
            self.push(self.diagnostic(Severity::Warning, "capability-without-version", at, "capability-data", "The capability list names neither IMAP4rev1 nor IMAP4rev2; a server must list the protocol version it speaks.")
                .expected("IMAP4rev1 or IMAP4rev2 among the capabilities"));
        }
    }
}

/// What a rule looks like, in one sentence, for error messages.
fn rule_hint(rule: &str) -> Option<&'static str> {
    Some(match rule {
        r if r.starts_with("env-") || r == "envelope" => "An ENVELOPE has ten fields in this order: date, subject, from, sender, reply-to, to, cc, bcc, in-reply-to, message-id; each is a string, NIL or (for addresses) a list.",
        "address" => "An address has four fields: (name route mailbox host), each a string or NIL.",
        "body-fld-lines" => "A TEXT part gives its number of lines right after its size in bytes; a MESSAGE/RFC822 part gives it after its size, the envelope and the body structure of the message inside.",
        r if r.starts_with("body") || r.starts_with("media-") => "A body part is (type subtype (parameters) id description encoding size ...); a multipart is its parts followed by the subtype.",
        "msg-att" | "msg-att-static" | "msg-att-dynamic" | "fetch-mod-resp" => "FETCH data is a parenthesised list of item names and values, separated by single spaces: (FLAGS (\\Seen) UID 4).",
        "section" | "section-binary" => "A section looks like BODY[], BODY[HEADER], BODY[1.2.TEXT] or BODY[HEADER.FIELDS (From)].",
        "flag-list" => "Flags go in parentheses, separated by spaces: (\\Seen \\Answered).",
        "date-time" => "An INTERNALDATE looks like \"17-Jul-1996 02:44:25 -0700\", in double quotes.",
        "mailbox-list" | "mbx-list-flags" | "mbox-list-extended" => "A LIST response is (attributes) \"delimiter\" mailbox, e.g. (\\HasNoChildren) \"/\" INBOX.",
        "namespace-response" | "namespace" | "namespace-descr" => "A NAMESPACE response has three namespaces (personal, other users', shared), each NIL or a list like ((\"\" \"/\")).",
        "id_params_list" => "ID data is NIL, or field-value pairs in parentheses: (\"name\" \"Dovecot\").",
        "status-att-list" => "A STATUS response is a mailbox and a list of item-number pairs: INBOX (MESSAGES 4 UIDNEXT 5).",
        "esearch-response" | "search-correlator" | "search-return-data" => "ESEARCH data is [(TAG \"a1\")] [UID] and name-value pairs such as MIN 2 COUNT 3.",
        "expunged-resp" => "VANISHED is followed by a set of UIDs: VANISHED (EARLIER) 41,43:116.",
        // RFC 9051's name; RFC 3501 has the same line as `mailbox-data =/ "SEARCH" ...`.
        "obsolete-search-response" => "SEARCH results are message numbers (UIDs after UID SEARCH), and both start at 1.",
        "resp-text-code" => "A response code is [NAME] or [NAME argument], e.g. [UIDNEXT 5].",
        _ => return None,
    })
}

/// A response or status name: letters, digits and `-`, as far as they go.
fn status_word(input: &[u8]) -> (&[u8], &str) {
    let n = input
        .iter()
        .take_while(|&&b| is_atom_char(b) && b != b'[')
        .count();
    (&input[n..], as_str(&input[..n]))
}

/// What is at `rest`, for a learner: "the end of the line", "`EXITS`", "a tab".
fn describe(rest: &[u8]) -> String {
    match rest {
        [] => "the end of the message".into(),
        [b'\r', b'\n', ..] | [b'\n', ..] => "the end of the line".into(),
        [b' ', ..] => "a space".into(),
        [b'\t', ..] => "a tab".into(),
        [c, ..] if c.is_ascii_graphic() => {
            let n = rest
                .iter()
                .take(24)
                .take_while(|b| b.is_ascii_graphic())
                .count();
            format!("`{}`", as_str(&rest[..n]))
        }
        [c, ..] => format!("the byte 0x{c:02X}"),
    }
}
