//! The strict grammar: [`command`] and the argument parser of each command, in RFC
//! order, each with its ABNF. The UID forms reuse the plain parsers and mark the result.

use nom::bytes::complete::take_while1;
use nom::Parser;

use super::specs::spec;
use super::types::{CommandBody, StoreAction, StoreMode};
use crate::grammar::args::{arg, at_eol, label, list, more, starts_with_word, word};
use crate::grammar::core::{as_str, astring, atom, flag as core_flag, keyword, Flag};
use crate::grammar::error::{expect, fail, PResult};
use crate::grammar::extensions::condstore::SelectParam;
use crate::grammar::extensions::{
    catenate, condstore, esearch, gmail, list_extended, move_, sasl_ir,
};
use crate::grammar::fetch::fetch_items;
use crate::grammar::mailbox::{mailbox, Mailbox};
use crate::grammar::search::search_program;
use crate::grammar::sequence::sequence_set;
use crate::grammar::status::status_att_list;

/// A command without arguments: its keyword only.
fn bare<'a>(input: &'a [u8], name: &'static str, body: CommandBody) -> PResult<'a, CommandBody> {
    let (rest, _) = keyword(name).parse(input)?;
    Ok((rest, body))
}

/// `command-any = "CAPABILITY" / "LOGOUT" / "NOOP"` — CAPABILITY (RFC 9051 §6.1.1).
pub(crate) fn capability(input: &[u8]) -> PResult<'_, CommandBody> {
    bare(input, "CAPABILITY", CommandBody::Capability)
}

/// `command-any = "CAPABILITY" / "LOGOUT" / "NOOP"` — NOOP (RFC 9051 §6.1.2).
pub(crate) fn noop(input: &[u8]) -> PResult<'_, CommandBody> {
    bare(input, "NOOP", CommandBody::Noop)
}

/// `command-any = "CAPABILITY" / "LOGOUT" / "NOOP"` — LOGOUT (RFC 9051 §6.1.3).
pub(crate) fn logout(input: &[u8]) -> PResult<'_, CommandBody> {
    bare(input, "LOGOUT", CommandBody::Logout)
}

/// `command-nonauth = login / authenticate / "STARTTLS"` — STARTTLS (RFC 9051 §6.2.1).
pub(crate) fn starttls(input: &[u8]) -> PResult<'_, CommandBody> {
    bare(input, "STARTTLS", CommandBody::StartTls)
}

/// `authenticate = "AUTHENTICATE" SP auth-type [SP initial-resp] *(CRLF base64)`; `auth-type = atom`
/// (RFC 9051 §6.2.2; the initial response is RFC 4959 SASL-IR). The `*(CRLF base64)`
/// lines answer the server's challenges; they are messages of their own, read with
/// [`parse_client_line`].
pub(crate) fn authenticate(input: &[u8]) -> PResult<'_, CommandBody> {
    let (rest, _) = keyword("AUTHENTICATE").parse(input)?;
    let (rest, mechanism) = arg(label::MECHANISM, atom)(rest)?;
    let (rest, initial_response) =
        if rest.first() == Some(&b' ') && !at_eol(&rest[1..]) && rest[1] != b' ' {
            let (rest, response) = sasl_ir::initial_resp(&rest[1..])?;
            (rest, Some(response.to_owned()))
        } else {
            (rest, None)
        };
    Ok((
        rest,
        CommandBody::Authenticate {
            mechanism: mechanism.to_ascii_uppercase(),
            initial_response,
        },
    ))
}

/// `login = "LOGIN" SP userid SP password`; `userid = astring`; `password = astring` (RFC 9051 §6.2.3)
pub(crate) fn login(input: &[u8]) -> PResult<'_, CommandBody> {
    let (rest, _) = keyword("LOGIN").parse(input)?;
    let (rest, user) = arg(label::USER, astring)(rest)?;
    let (rest, password) = arg(label::PASSWORD, astring)(rest)?;
    Ok((rest, CommandBody::Login { user, password }))
}

/// `select = "SELECT" SP mailbox [select-params]` (RFC 9051 §6.3.2; parameters RFC 4466, RFC 7162)
pub(crate) fn select(input: &[u8]) -> PResult<'_, CommandBody> {
    let (rest, (mailbox, parameters)) = mailbox_and_params(input, "SELECT")?;
    Ok((
        rest,
        CommandBody::Select {
            mailbox,
            parameters,
        },
    ))
}

/// `examine = "EXAMINE" SP mailbox [select-params]` (RFC 9051 §6.3.3; parameters RFC 4466)
pub(crate) fn examine(input: &[u8]) -> PResult<'_, CommandBody> {
    let (rest, (mailbox, parameters)) = mailbox_and_params(input, "EXAMINE")?;
    Ok((
        rest,
        CommandBody::Examine {
            mailbox,
            parameters,
        },
    ))
}

/// `name SP mailbox [select-params]`; `select-params = SP "(" select-param *(SP select-param) ")"`
fn mailbox_and_params<'a>(
    input: &'a [u8],
    name: &'static str,
) -> PResult<'a, (Mailbox, Vec<SelectParam>)> {
    let (rest, _) = keyword(name).parse(input)?;
    let (rest, mailbox) = arg(label::MAILBOX, mailbox)(rest)?;
    if rest.starts_with(b" (") {
        let (rest, parameters) = condstore::select_params(&rest[1..])?;
        return Ok((rest, (mailbox, parameters)));
    }
    Ok((rest, (mailbox, Vec::new())))
}

/// `name SP mailbox`, the shape of CREATE, DELETE, SUBSCRIBE and UNSUBSCRIBE.
fn one_mailbox<'a>(input: &'a [u8], name: &'static str) -> PResult<'a, Mailbox> {
    let (rest, _) = keyword(name).parse(input)?;
    arg(label::MAILBOX, mailbox)(rest)
}

/// `create = "CREATE" SP mailbox [create-params]` (RFC 9051 §6.3.4; parameters RFC 4466,
/// such as RFC 6154's `(USE (\Drafts))`). [`CommandBody::Create`] has no room for the
/// parameters: [`create_params`] reads them, and the front door notes that they are not modelled.
pub(crate) fn create(input: &[u8]) -> PResult<'_, CommandBody> {
    let (rest, (mailbox, _)) = create_params(input)?;
    Ok((rest, CommandBody::Create { mailbox }))
}

/// The mailbox and the parameters of a CREATE command.
pub(crate) fn create_params(input: &[u8]) -> PResult<'_, (Mailbox, Vec<String>)> {
    let (rest, mailbox) = one_mailbox(input, "CREATE")?;
    if rest.starts_with(b" (") {
        let (rest, parameters) = crate::grammar::extensions::ext_params(&rest[1..])?;
        return Ok((rest, (mailbox, parameters)));
    }
    Ok((rest, (mailbox, Vec::new())))
}

/// `delete = "DELETE" SP mailbox` (RFC 9051 §6.3.5)
pub(crate) fn delete(input: &[u8]) -> PResult<'_, CommandBody> {
    let (rest, mailbox) = one_mailbox(input, "DELETE")?;
    Ok((rest, CommandBody::Delete { mailbox }))
}

/// `rename = "RENAME" SP mailbox SP mailbox` (RFC 9051 §6.3.6)
pub(crate) fn rename(input: &[u8]) -> PResult<'_, CommandBody> {
    let (rest, _) = keyword("RENAME").parse(input)?;
    let (rest, from) = arg(label::RENAME_FROM, mailbox)(rest)?;
    let (rest, to) = arg(label::RENAME_TO, mailbox)(rest)?;
    Ok((rest, CommandBody::Rename { from, to }))
}

/// `subscribe = "SUBSCRIBE" SP mailbox` (RFC 9051 §6.3.7)
pub(crate) fn subscribe(input: &[u8]) -> PResult<'_, CommandBody> {
    let (rest, mailbox) = one_mailbox(input, "SUBSCRIBE")?;
    Ok((rest, CommandBody::Subscribe { mailbox }))
}

/// `unsubscribe = "UNSUBSCRIBE" SP mailbox` (RFC 9051 §6.3.8)
pub(crate) fn unsubscribe(input: &[u8]) -> PResult<'_, CommandBody> {
    let (rest, mailbox) = one_mailbox(input, "UNSUBSCRIBE")?;
    Ok((rest, CommandBody::Unsubscribe { mailbox }))
}

/// `list = "LIST" [SP list-select-opts] SP mailbox SP mbox-or-pat [SP list-return-opts]`
/// (RFC 9051 §6.3.9, RFC 5258 LIST-EXTENDED)
pub(crate) fn list_command(input: &[u8]) -> PResult<'_, CommandBody> {
    let (rest, _) = keyword("LIST").parse(input)?;
    list_arguments(rest, false)
}

/// LIST's arguments, after its name (or XLIST's: `extensions/xlist.rs`).
pub(crate) fn list_arguments(rest: &[u8], xlist: bool) -> PResult<'_, CommandBody> {
    let mut extended = rest.starts_with(b" (");
    let (rest, selection) = if extended {
        list_extended::list_select_opts(&rest[1..])?
    } else {
        (rest, Vec::new())
    };
    let (rest, reference) = arg(label::LIST_REFERENCE, mailbox)(rest)?;
    extended |= rest.starts_with(b" (");
    let (rest, patterns) = arg(label::LIST_PATTERN, list_extended::mbox_or_pat)(rest)?;
    let (rest, returns) = if rest.first() == Some(&b' ') && starts_with_word(&rest[1..], "RETURN") {
        extended = true;
        list_extended::list_return_opts(&rest[1..])?
    } else {
        (rest, Vec::new())
    };
    Ok((
        rest,
        CommandBody::List {
            reference,
            patterns,
            selection,
            returns,
            extended,
            xlist,
        },
    ))
}

/// `lsub = "LSUB" SP mailbox SP list-mailbox` (RFC 3501 §6.3.9; removed in IMAP4rev2)
pub(crate) fn lsub(input: &[u8]) -> PResult<'_, CommandBody> {
    let (rest, _) = keyword("LSUB").parse(input)?;
    let (rest, reference) = arg(label::LIST_REFERENCE, mailbox)(rest)?;
    let (rest, pattern) = arg(label::LIST_PATTERN, list_extended::list_mailbox)(rest)?;
    Ok((rest, CommandBody::Lsub { reference, pattern }))
}

/// `status = "STATUS" SP mailbox SP "(" status-att *(SP status-att) ")"` (RFC 9051 §6.3.11)
pub(crate) fn status(input: &[u8]) -> PResult<'_, CommandBody> {
    let (rest, _) = keyword("STATUS").parse(input)?;
    let (rest, mailbox) = arg(label::MAILBOX, mailbox)(rest)?;
    let (rest, items) = arg(label::STATUS_ITEMS, status_att_list)(rest)?;
    Ok((rest, CommandBody::Status { mailbox, items }))
}
/// `append = "APPEND" SP mailbox 1*append-message` (RFC 9051 §6.3.12, RFC 3502 §6.1,
/// RFC 4469 §5: see [`catenate`]). A literal may be synchronizing `{n}`,
/// non-synchronizing `{n+}` (RFC 7888) or binary `~{n}` (RFC 3516).
pub(crate) fn append(input: &[u8]) -> PResult<'_, CommandBody> {
    let (rest, _) = keyword("APPEND").parse(input)?;
    let (rest, mailbox) = arg(label::MAILBOX, mailbox)(rest)?;
    let (rest, messages) = catenate::append_messages(rest)?;
    Ok((rest, CommandBody::Append { mailbox, messages }))
}

/// `flag-list = "(" [flag *(SP flag)] ")"`, committed after each SP (see [`list`]).
pub(crate) fn flag_list(input: &[u8]) -> PResult<'_, Vec<Flag>> {
    list(0, label::FLAG, flag)(input)
}

/// `flag = "\Answered" / "\Flagged" / "\Deleted" / "\Seen" / "\Draft" / flag-keyword / flag-extension`.
/// Unlike a response's `flag-perm`, a client may not send `\*`.
pub(crate) fn flag(input: &[u8]) -> PResult<'_, Flag> {
    let (rest, flag) = expect(label::FLAG, core_flag).parse(input)?;
    if flag.0 == "\\*" {
        return fail(
            input,
            "a flag (\\* only appears in PERMANENTFLAGS, it cannot be set)",
        );
    }
    Ok((rest, flag))
}

/// `command-select = "CHECK" / ...` — CHECK (RFC 3501 §6.4.1; removed in IMAP4rev2).
pub(crate) fn check(input: &[u8]) -> PResult<'_, CommandBody> {
    bare(input, "CHECK", CommandBody::Check)
}

/// `command-select = "CLOSE" / ...` — CLOSE (RFC 9051 §6.4.1).
pub(crate) fn close(input: &[u8]) -> PResult<'_, CommandBody> {
    bare(input, "CLOSE", CommandBody::Close)
}

/// `command-select = "EXPUNGE" / ...` — EXPUNGE (RFC 9051 §6.4.3). `UID EXPUNGE` is in `extensions/uidplus.rs`.
pub(crate) fn expunge(input: &[u8]) -> PResult<'_, CommandBody> {
    bare(input, "EXPUNGE", CommandBody::Expunge { uids: None })
}

/// `search = "SEARCH" [search-return-opts] SP search-program` (RFC 9051 §6.4.4;
/// RETURN is RFC 4731 ESEARCH, SAVE is RFC 5182 SEARCHRES)
pub(crate) fn search(input: &[u8]) -> PResult<'_, CommandBody> {
    let (rest, _) = keyword("SEARCH").parse(input)?;
    let (rest, returns) = if rest.first() == Some(&b' ') && starts_with_word(&rest[1..], "RETURN") {
        let (rest, options) = esearch::search_return_opts(&rest[1..])?;
        (rest, Some(options))
    } else {
        (rest, None)
    };
    let (rest, (charset, criteria)) = arg(label::CRITERIA, search_program)(rest)?;
    Ok((
        rest,
        CommandBody::Search {
            uid: false,
            charset,
            returns,
            criteria,
        },
    ))
}

/// `fetch = "FETCH" SP sequence-set SP ("ALL" / "FULL" / "FAST" / fetch-att / "(" fetch-att *(SP fetch-att) ")")
///  [fetch-modifiers]` (RFC 9051 §6.4.5; modifiers RFC 4466 and RFC 7162)
pub(crate) fn fetch(input: &[u8]) -> PResult<'_, CommandBody> {
    let (rest, _) = keyword("FETCH").parse(input)?;
    let (rest, set) = arg(label::SEQUENCE_SET, sequence_set)(rest)?;
    let (rest, items) = arg(label::FETCH_ITEMS, fetch_items)(rest)?;
    let (rest, modifiers) = if rest.starts_with(b" (") {
        condstore::fetch_modifiers(&rest[1..])?
    } else {
        (rest, Vec::new())
    };
    Ok((
        rest,
        CommandBody::Fetch {
            uid: false,
            set,
            items,
            modifiers,
        },
    ))
}

/// `store = "STORE" SP sequence-set [store-modifiers] SP store-att-flags`
/// (RFC 9051 §6.4.6; modifiers RFC 4466, UNCHANGEDSINCE RFC 7162)
pub(crate) fn store(input: &[u8]) -> PResult<'_, CommandBody> {
    let (rest, _) = keyword("STORE").parse(input)?;
    let (rest, set) = arg(label::SEQUENCE_SET, sequence_set)(rest)?;
    let (rest, unchanged_since) = if rest.starts_with(b" (") {
        condstore::store_modifiers(&rest[1..])?
    } else {
        (rest, None)
    };
    let (rest, mut action) = arg(label::STORE_ITEM, store_att_flags)(rest)?;
    action.unchanged_since = unchanged_since;
    Ok((
        rest,
        CommandBody::Store {
            uid: false,
            set,
            action,
        },
    ))
}

/// `store-att-flags = (["+" / "-"] "FLAGS" [".SILENT"]) SP (flag-list / (flag *(SP flag)))`,
/// and Gmail's `["+" / "-"] "X-GM-LABELS" SP x-gm-labels` (no RFC: Google's examples,
/// see `extensions::gmail`).
///
/// The item is read as one word and then matched, so `+FLAG` is reported where it starts.
pub(crate) fn store_att_flags(input: &[u8]) -> PResult<'_, StoreAction> {
    let item = take_while1(|b: u8| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.'));
    let (rest, item) = expect(label::STORE_ITEM, item).parse(input)?;
    let upper = as_str(item).to_ascii_uppercase();
    let (mode, name) = match upper.as_bytes().first() {
        Some(b'+') => (StoreMode::Add, &upper[1..]),
        Some(b'-') => (StoreMode::Remove, &upper[1..]),
        _ => (StoreMode::Replace, upper.as_str()),
    };
    let silent = match name {
        "FLAGS" => false,
        "FLAGS.SILENT" => true,
        "X-GM-LABELS" => {
            let (rest, labels) = arg(label::STORE_FLAGS, gmail::store_labels)(rest)?;
            let action = StoreAction {
                mode,
                silent: false,
                flags: Vec::new(),
                unchanged_since: None,
                gmail_labels: Some(labels),
            };
            return Ok((rest, action));
        }
        _ => return fail(input, label::STORE_ITEM),
    };
    let (rest, flags) = arg(label::STORE_FLAGS, store_flags)(rest)?;
    Ok((
        rest,
        StoreAction {
            mode,
            silent,
            flags,
            unchanged_since: None,
            gmail_labels: None,
        },
    ))
}

/// `flag-list / (flag *(SP flag))`
fn store_flags(input: &[u8]) -> PResult<'_, Vec<Flag>> {
    if input.first() == Some(&b'(') {
        return flag_list(input);
    }
    let (rest, first) = flag(input)?;
    let mut flags = vec![first];
    let (rest, ()) = more(rest, &mut flags, flag)?;
    Ok((rest, flags))
}

/// `copy = "COPY" SP sequence-set SP mailbox` (RFC 9051 §6.4.7)
pub(crate) fn copy(input: &[u8]) -> PResult<'_, CommandBody> {
    let (rest, _) = keyword("COPY").parse(input)?;
    let (rest, set) = arg(label::SEQUENCE_SET, sequence_set)(rest)?;
    let (rest, mailbox) = arg(label::COPY_TO, mailbox)(rest)?;
    Ok((
        rest,
        CommandBody::Copy {
            uid: false,
            set,
            mailbox,
        },
    ))
}

/// `uid = "UID" SP (copy / move / fetch / search / store / uid-expunge)` (RFC 9051 §6.4.9)
pub(crate) fn uid(input: &[u8]) -> PResult<'_, CommandBody> {
    let (rest, _) = keyword("UID").parse(input)?;
    arg(label::UID_COMMAND, uid_command)(rest)
}

/// The command after `UID`, read whole and dispatched.
fn uid_command(input: &[u8]) -> PResult<'_, CommandBody> {
    let (_, name) = expect(label::UID_COMMAND, word).parse(input)?;
    match spec(name).and_then(|s| s.uid) {
        Some(parse) => parse(input),
        None => fail(input, label::UID_COMMAND),
    }
}

/// `uid = "UID" SP search`: the UID form of SEARCH, from the command name.
pub(crate) fn uid_search(input: &[u8]) -> PResult<'_, CommandBody> {
    with_uid(search(input))
}

/// `uid = "UID" SP fetch`: the UID form of FETCH, from the command name.
pub(crate) fn uid_fetch(input: &[u8]) -> PResult<'_, CommandBody> {
    with_uid(fetch(input))
}

/// `uid = "UID" SP store`: the UID form of STORE, from the command name.
pub(crate) fn uid_store(input: &[u8]) -> PResult<'_, CommandBody> {
    with_uid(store(input))
}

/// `uid = "UID" SP copy`: the UID form of COPY, from the command name.
pub(crate) fn uid_copy(input: &[u8]) -> PResult<'_, CommandBody> {
    with_uid(copy(input))
}

/// `uid = "UID" SP move`: the UID form of MOVE, from the command name.
pub(crate) fn uid_move(input: &[u8]) -> PResult<'_, CommandBody> {
    with_uid(move_::move_(input))
}

/// `uid = "UID" SP sort` (RFC 5256 §5): the UID form of SORT, from the command name.
pub(crate) fn uid_sort(input: &[u8]) -> PResult<'_, CommandBody> {
    with_uid(crate::grammar::extensions::sort::sort(input))
}

/// `uid = "UID" SP thread` (RFC 5256 §5): the UID form of THREAD, from the command name.
pub(crate) fn uid_thread(input: &[u8]) -> PResult<'_, CommandBody> {
    with_uid(crate::grammar::extensions::thread::thread(input))
}

/// Passes a parse result through, marking the command as its UID form.
fn with_uid(result: PResult<'_, CommandBody>) -> PResult<'_, CommandBody> {
    result.map(|(rest, mut body)| {
        match &mut body {
            CommandBody::Search { uid, .. }
            | CommandBody::Fetch { uid, .. }
            | CommandBody::Store { uid, .. }
            | CommandBody::Copy { uid, .. }
            | CommandBody::Move { uid, .. }
            | CommandBody::Sort { uid, .. }
            | CommandBody::Thread { uid, .. } => *uid = true,
            _ => {}
        }
        (rest, body)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::grammar::command::types::Command;
    use crate::grammar::core::{crlf, is_atom_char, sp, tag_token};

    // The strict parser, kept for this test only: learners' lines go through
    // `parse_command`, which dispatches on the same table.
    /// `command = tag SP (command-any / command-auth / command-nonauth / command-select) CRLF`
    ///
    /// The strict parser: no diagnostics, the CRLF required. Learners' lines go through
    /// [`parse_command`] instead.
    fn command(input: &[u8]) -> PResult<'_, Command> {
        let (rest, tag) = tag_token(input)?;
        let (rest, _) = sp(rest)?;
        let (rest, body) = command_body(rest)?;
        let (rest, _) = crlf(rest)?;
        Ok((
            rest,
            Command {
                tag: tag.to_owned(),
                body,
            },
        ))
    }

    /// `command-any / command-auth / command-nonauth / command-select`, dispatched on the
    /// command's name (read whole, so `LISTX` is not taken for `LIST`).
    fn command_body(input: &[u8]) -> PResult<'_, CommandBody> {
        let (_, name) = expect("a command name", take_while1(is_atom_char)).parse(input)?;
        match spec(name) {
            Some(s) => (s.parse)(input),
            None => fail(input, "a command name"),
        }
    }

    #[test]
    fn the_strict_parser_needs_the_crlf() {
        let (rest, c) = command(b"a1 LOGIN strategos pass\r\nnext").unwrap();
        assert_eq!((c.tag.as_str(), rest), ("a1", &b"next"[..]));
        assert!(matches!(c.body, CommandBody::Login { .. }));
        assert!(command(b"a1 NOOP").is_err());
        assert!(command(b"a1 LISTX \"\" *\r\n").is_err());
        assert!(matches!(
            command(b"a1 uid expunge 1:2\r\n").unwrap().1.body,
            CommandBody::Expunge { uids: Some(_) }
        ));
    }

    #[test]
    fn an_empty_flag_list_is_a_list() {
        assert_eq!(flag_list(b"()").unwrap().1, vec![]);
    }
}
