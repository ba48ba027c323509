//! The command table: for each command its name, ABNF rule, synopsis (for "the form
//! is: ..." diagnostics), parser and UID form. The strict parser and the front door both
//! dispatch on it, so a command added here is parsed and diagnosed everywhere.

use super::parsers::*;
use super::types::CommandBody;
use crate::grammar::error::PResult;
use crate::grammar::extensions::{
    acl, compress, enable, esearch, id, idle, metadata, move_, namespace, notify, quota, sort,
    thread, uidplus, unselect, xlist,
};

/// A parser for one command, from its name to the end of its arguments.
pub(crate) type CommandParser = for<'a> fn(&'a [u8]) -> PResult<'a, CommandBody>;

/// What the front door knows about each command.
pub(crate) struct Spec {
    /// The name as the knowledge base lists it.
    pub(crate) name: &'static str,
    /// The ABNF rule, for diagnostics.
    pub(crate) rule: &'static str,
    /// The command's form after the tag, shown when arguments are wrong.
    pub(crate) synopsis: &'static str,
    pub(crate) parse: CommandParser,
    /// The UID form (`UID FETCH ...`), for the six commands that have one.
    pub(crate) uid: Option<CommandParser>,
}

/// The commands that may follow `UID` (RFC 9051 `uid`).
pub(crate) const UID_COMMANDS: &[&str] = &[
    "COPY", "MOVE", "FETCH", "SEARCH", "STORE", "EXPUNGE", "SORT", "THREAD",
];

pub(crate) static SPECS: &[Spec] = &[
    Spec {
        name: "CAPABILITY",
        rule: "command-any",
        synopsis: "CAPABILITY",
        parse: capability,
        uid: None,
    },
    Spec {
        name: "NOOP",
        rule: "command-any",
        synopsis: "NOOP",
        parse: noop,
        uid: None,
    },
    Spec {
        name: "LOGOUT",
        rule: "command-any",
        synopsis: "LOGOUT",
        parse: logout,
        uid: None,
    },
    Spec {
        name: "STARTTLS",
        rule: "command-nonauth",
        synopsis: "STARTTLS",
        parse: starttls,
        uid: None,
    },
    Spec {
        name: "AUTHENTICATE",
        rule: "authenticate",
        synopsis: "AUTHENTICATE <mechanism> [<initial response in base64, or =>]",
        parse: authenticate,
        uid: None,
    },
    Spec {
        name: "LOGIN",
        rule: "login",
        synopsis: "LOGIN <user> <password>",
        parse: login,
        uid: None,
    },
    Spec {
        name: "SELECT",
        rule: "select",
        synopsis: "SELECT <mailbox> [(CONDSTORE) or (QRESYNC (<uidvalidity> <mod-sequence> ...))]",
        parse: select,
        uid: None,
    },
    Spec {
        name: "EXAMINE",
        rule: "examine",
        synopsis: "EXAMINE <mailbox> [(CONDSTORE) or (QRESYNC (<uidvalidity> <mod-sequence> ...))]",
        parse: examine,
        uid: None,
    },
    Spec {
        name: "CREATE",
        rule: "create",
        synopsis: "CREATE <mailbox>",
        parse: create,
        uid: None,
    },
    Spec {
        name: "DELETE",
        rule: "delete",
        synopsis: "DELETE <mailbox>",
        parse: delete,
        uid: None,
    },
    Spec {
        name: "RENAME",
        rule: "rename",
        synopsis: "RENAME <old name> <new name>",
        parse: rename,
        uid: None,
    },
    Spec {
        name: "SUBSCRIBE",
        rule: "subscribe",
        synopsis: "SUBSCRIBE <mailbox>",
        parse: subscribe,
        uid: None,
    },
    Spec {
        name: "UNSUBSCRIBE",
        rule: "unsubscribe",
        synopsis: "UNSUBSCRIBE <mailbox>",
        parse: unsubscribe,
        uid: None,
    },
    Spec {
        name: "LIST",
        rule: "list",
        synopsis: "LIST [(<selection options>)] <reference> <pattern> [RETURN (<options>)]",
        parse: list_command,
        uid: None,
    },
    Spec {
        name: "XLIST",
        rule: "xlist",
        synopsis: "XLIST <reference> <pattern>",
        parse: xlist::xlist,
        uid: None,
    },
    Spec {
        name: "LSUB",
        rule: "lsub",
        synopsis: "LSUB <reference> <pattern>",
        parse: lsub,
        uid: None,
    },
    Spec {
        name: "NAMESPACE",
        rule: "namespace-command",
        synopsis: "NAMESPACE",
        parse: namespace::namespace,
        uid: None,
    },
    Spec {
        name: "STATUS",
        rule: "status",
        synopsis: "STATUS <mailbox> (<items>)",
        parse: status,
        uid: None,
    },
    Spec {
        name: "APPEND",
        rule: "append",
        synopsis: "APPEND <mailbox> [(<flags>)] [\"<date-time>\"] {<size>}",
        parse: append,
        uid: None,
    },
    Spec {
        name: "IDLE",
        rule: "idle",
        synopsis: "IDLE",
        parse: idle::idle,
        uid: None,
    },
    Spec {
        name: "NOTIFY",
        rule: "notify",
        synopsis: "NOTIFY SET [STATUS] (<filter> (<event> ...)) ... or NOTIFY NONE",
        parse: notify::notify,
        uid: None,
    },
    Spec {
        name: "ENABLE",
        rule: "enable",
        synopsis: "ENABLE <capability> [<capability> ...]",
        parse: enable::enable,
        uid: None,
    },
    Spec {
        name: "GETQUOTA",
        rule: "getquota",
        synopsis: "GETQUOTA <quota root>",
        parse: quota::getquota,
        uid: None,
    },
    Spec {
        name: "GETQUOTAROOT",
        rule: "getquotaroot",
        synopsis: "GETQUOTAROOT <mailbox>",
        parse: quota::getquotaroot,
        uid: None,
    },
    Spec {
        name: "SETQUOTA",
        rule: "setquota",
        synopsis: "SETQUOTA <quota root> (<resource> <limit> ...)",
        parse: quota::setquota,
        uid: None,
    },
    Spec {
        name: "SETACL",
        rule: "setacl",
        synopsis: "SETACL <mailbox> <identifier> [+|-]<rights>",
        parse: acl::setacl,
        uid: None,
    },
    Spec {
        name: "DELETEACL",
        rule: "deleteacl",
        synopsis: "DELETEACL <mailbox> <identifier>",
        parse: acl::deleteacl,
        uid: None,
    },
    Spec {
        name: "GETACL",
        rule: "getacl",
        synopsis: "GETACL <mailbox>",
        parse: acl::getacl,
        uid: None,
    },
    Spec {
        name: "LISTRIGHTS",
        rule: "listrights",
        synopsis: "LISTRIGHTS <mailbox> <identifier>",
        parse: acl::listrights,
        uid: None,
    },
    Spec {
        name: "MYRIGHTS",
        rule: "myrights",
        synopsis: "MYRIGHTS <mailbox>",
        parse: acl::myrights,
        uid: None,
    },
    Spec {
        name: "GETMETADATA",
        rule: "getmetadata",
        synopsis: "GETMETADATA [(MAXSIZE <n> DEPTH 0|1|infinity)] <mailbox> <entry>|(<entry> ...)",
        parse: metadata::getmetadata,
        uid: None,
    },
    Spec {
        name: "SETMETADATA",
        rule: "setmetadata",
        synopsis: "SETMETADATA <mailbox> (<entry> <value>|NIL ...)",
        parse: metadata::setmetadata,
        uid: None,
    },
    Spec {
        name: "CHECK",
        rule: "command-select",
        synopsis: "CHECK",
        parse: check,
        uid: None,
    },
    Spec {
        name: "CLOSE",
        rule: "command-select",
        synopsis: "CLOSE",
        parse: close,
        uid: None,
    },
    Spec {
        name: "UNSELECT",
        rule: "command-select",
        synopsis: "UNSELECT",
        parse: unselect::unselect,
        uid: None,
    },
    Spec {
        name: "EXPUNGE",
        rule: "command-select",
        synopsis: "EXPUNGE",
        parse: expunge,
        uid: Some(uidplus::uid_expunge),
    },
    Spec {
        name: "SEARCH",
        rule: "search",
        synopsis: "SEARCH [RETURN (<options>)] [CHARSET <charset>] <criteria>",
        parse: search,
        uid: Some(uid_search),
    },
    Spec {
        name: "CANCELUPDATE",
        rule: "command-select",
        synopsis: "CANCELUPDATE \"<tag>\" [\"<tag>\" ...]",
        parse: esearch::cancelupdate,
        uid: None,
    },
    Spec {
        name: "FETCH",
        rule: "fetch",
        synopsis: "FETCH <sequence set> <items> [(CHANGEDSINCE <mod-sequence>)]",
        parse: fetch,
        uid: Some(uid_fetch),
    },
    Spec {
        name: "STORE",
        rule: "store",
        synopsis:
            "STORE <sequence set> [(UNCHANGEDSINCE <mod-sequence>)] [+|-]FLAGS[.SILENT] (<flags>)",
        parse: store,
        uid: Some(uid_store),
    },
    Spec {
        name: "COPY",
        rule: "copy",
        synopsis: "COPY <sequence set> <mailbox>",
        parse: copy,
        uid: Some(uid_copy),
    },
    Spec {
        name: "MOVE",
        rule: "move",
        synopsis: "MOVE <sequence set> <mailbox>",
        parse: move_::move_,
        uid: Some(uid_move),
    },
    Spec {
        name: "SORT",
        rule: "sort",
        synopsis: "SORT [RETURN (<options>)] (<sort keys>) <charset> <criteria>",
        parse: sort::sort,
        uid: Some(uid_sort),
    },
    Spec {
        name: "THREAD",
        rule: "thread",
        synopsis: "THREAD REFERENCES|ORDEREDSUBJECT <charset> <criteria>",
        parse: thread::thread,
        uid: Some(uid_thread),
    },
    Spec {
        name: "UID",
        rule: "uid",
        synopsis: "UID COPY|MOVE|FETCH|SEARCH|STORE|EXPUNGE|SORT|THREAD <arguments>",
        parse: uid,
        uid: None,
    },
    Spec {
        name: "ID",
        rule: "id",
        synopsis: "ID (\"<field>\" \"<value>\" ...) or ID NIL",
        parse: id::id,
        uid: None,
    },
    Spec {
        name: "COMPRESS",
        rule: "compress",
        synopsis: "COMPRESS DEFLATE",
        parse: compress::compress,
        uid: None,
    },
];

/// The command called `name` (any case).
pub(crate) fn spec(name: &[u8]) -> Option<&'static Spec> {
    SPECS
        .iter()
        .find(|s| s.name.as_bytes().eq_ignore_ascii_case(name))
}

/// Every command name the grammar parses (for the knowledge base's coverage test).
pub(crate) fn command_names() -> impl Iterator<Item = &'static str> {
    SPECS.iter().map(|s| s.name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_command_of_the_vocabulary_is_parsed() {
        for name in crate::grammar::vocabulary::COMMANDS {
            assert!(spec(name.as_bytes()).is_some(), "{name} has no parser");
        }
        for name in command_names() {
            assert!(
                crate::grammar::vocabulary::COMMANDS.contains(&name),
                "{name} is not in the vocabulary"
            );
        }
    }
}
