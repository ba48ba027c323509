//! The protocol's vocabulary: every name the grammar recognises, as plain lists.
//!
//! The knowledge base must hold an entry for each of these (a test checks it), so a
//! learner never meets a command, response, code, flag, item, key, attribute or
//! capability that the tutor cannot explain. Names are upper-case as the RFCs print
//! them; flags and LIST attributes keep their backslash and RFC capitalisation.

/// Commands of RFC 3501 and RFC 9051, plus the extensions the tutor knows.
/// `UID` is listed because it prefixes COPY, MOVE, FETCH, SEARCH, STORE and EXPUNGE.
pub(crate) const COMMANDS: &[&str] = &[
    // any state (RFC 3501 §6.1, RFC 9051 §6.1)
    "CAPABILITY",
    "NOOP",
    "LOGOUT",
    // not authenticated (§6.2)
    "STARTTLS",
    "AUTHENTICATE",
    "LOGIN",
    // authenticated (§6.3)
    "SELECT",
    "EXAMINE",
    "CREATE",
    "DELETE",
    "RENAME",
    "SUBSCRIBE",
    "UNSUBSCRIBE",
    "LIST",
    "LSUB",
    "NAMESPACE",
    "STATUS",
    "APPEND",
    "IDLE",
    "ENABLE",
    // selected (§6.4)
    "CHECK",
    "CLOSE",
    "UNSELECT",
    "EXPUNGE",
    "SEARCH",
    "FETCH",
    "STORE",
    "COPY",
    "MOVE",
    // CONTEXT=SEARCH (RFC 5267 §4.3.5)
    "CANCELUPDATE",
    // SORT and THREAD (RFC 5256)
    "SORT",
    "THREAD",
    "UID",
    // extensions: ID in any state (RFC 2971), COMPRESS once authenticated (RFC 4978 §3)
    "ID",
    "COMPRESS",
    // NOTIFY once authenticated (RFC 5465 §8)
    "NOTIFY",
    // administration: QUOTA (RFC 9208), ACL (RFC 4314), METADATA (RFC 5464)
    "GETQUOTA",
    "GETQUOTAROOT",
    "SETQUOTA",
    "SETACL",
    "DELETEACL",
    "GETACL",
    "LISTRIGHTS",
    "MYRIGHTS",
    "GETMETADATA",
    "SETMETADATA",
    // Gmail's XLIST, LIST under another name (a named quirk)
    "XLIST",
];

/// Untagged and tagged response kinds (RFC 3501 §7, RFC 9051 §7) and the continuation request.
pub const RESPONSES: &[&str] = &[
    "OK",
    "NO",
    "BAD",
    "PREAUTH",
    "BYE",
    "CAPABILITY",
    "ENABLED",
    "ID",
    "NAMESPACE",
    "LIST",
    "LSUB",
    "STATUS",
    "SEARCH",
    "ESEARCH",
    "SORT",
    "THREAD",
    "FLAGS",
    "EXISTS",
    "RECENT",
    "EXPUNGE",
    "VANISHED",
    "QUOTA",
    "QUOTAROOT",
    "ACL",
    "LISTRIGHTS",
    "MYRIGHTS",
    "METADATA",
    "FETCH",
    // RFC 9586 UIDONLY: FETCH data named by UID
    "UIDFETCH",
    "CONTINUATION",
];

/// Response codes: RFC 3501 §7.1, RFC 9051 §7.1, RFC 5530, and the extensions above,
/// as the grammar knows them (`code::CODE_NAMES`).
#[cfg(test)]
pub(crate) const RESPONSE_CODES: &[&str] = super::code::CODE_NAMES;

/// System flags (RFC 3501 §2.3.2, RFC 9051 §2.3.2) and the `\*` PERMANENTFLAGS marker.
#[cfg(test)]
pub(crate) const FLAGS: &[&str] = &[
    "\\Seen",
    "\\Answered",
    "\\Flagged",
    "\\Deleted",
    "\\Draft",
    "\\Recent",
    "\\*",
];

/// FETCH data items a client may ask for, the macros (RFC 3501 §6.4.5, RFC 9051 §6.4.5)
/// and the section parts (RFC 3501 §6.4.5 "section-msgtext"), from the grammar's lists.
#[cfg(test)]
pub(crate) const FETCH_ITEMS: &[&str] = &super::concat_names::<
    { super::fetch::FETCH_MACROS.len() + FETCH_ITEMS_AND_SECTIONS.len() },
>(super::fetch::FETCH_MACROS, FETCH_ITEMS_AND_SECTIONS);

#[cfg(test)]
const FETCH_ITEMS_AND_SECTIONS: &[&str] =
    &super::concat_names::<
        { super::fetch::ITEM_NAMES.len() + super::section::SECTION_TEXT_NAMES.len() },
    >(super::fetch::ITEM_NAMES, super::section::SECTION_TEXT_NAMES);

/// SEARCH keys (RFC 3501 §6.4.4, RFC 9051 §6.4.4).
#[cfg(test)]
pub(crate) const SEARCH_KEYS: &[&str] = super::search::SEARCH_KEY_NAMES;

/// The words of a SEARCH command that are not keys: `CHARSET x` and ESEARCH's `RETURN (...)`.
#[cfg(test)]
pub(crate) const SEARCH_ARGUMENTS: &[&str] = &["CHARSET", "RETURN"];

/// LIST and LSUB mailbox attributes (RFC 3501 §7.2.2, RFC 9051 §7.3.1, RFC 5258, RFC 6154).
#[cfg(test)]
pub(crate) const LIST_ATTRIBUTES: &[&str] = &[
    "\\Noinferiors",
    "\\Noselect",
    "\\Marked",
    "\\Unmarked",
    "\\NonExistent",
    "\\Subscribed",
    "\\Remote",
    "\\HasChildren",
    "\\HasNoChildren",
    "\\All",
    "\\Archive",
    "\\Drafts",
    "\\Flagged",
    "\\Junk",
    "\\Sent",
    "\\Trash",
    "\\Important",
];

/// STATUS data items (RFC 3501 §6.3.10, RFC 9051 §6.3.11, RFC 8438).
#[cfg(test)]
pub(crate) const STATUS_ITEMS: &[&str] = super::status::STATUS_ATT_NAMES;

/// Capabilities: both of the seed's lists, plus those of the extensions above.
#[cfg(test)]
pub(crate) const CAPABILITIES: &[&str] = &[
    "IMAP4rev1",
    "IMAP4rev2",
    "SASL-IR",
    "LOGIN-REFERRALS",
    "ID",
    "ENABLE",
    "IDLE",
    "LITERAL+",
    "LITERAL-",
    "STARTTLS",
    "AUTH=PLAIN",
    "AUTH=LOGIN",
    "LOGINDISABLED",
    "SORT",
    "SORT=DISPLAY",
    "THREAD=REFERENCES",
    "THREAD=REFS",
    "THREAD=ORDEREDSUBJECT",
    "MULTIAPPEND",
    "URL-PARTIAL",
    "CATENATE",
    "UNSELECT",
    "CHILDREN",
    "NAMESPACE",
    "UIDPLUS",
    "LIST-EXTENDED",
    "I18NLEVEL=1",
    "CONDSTORE",
    "QRESYNC",
    "ESEARCH",
    "ESORT",
    "SEARCHRES",
    "WITHIN",
    "CONTEXT=SEARCH",
    "LIST-STATUS",
    "BINARY",
    "MOVE",
    "SNIPPET=FUZZY",
    "PREVIEW=FUZZY",
    "PREVIEW",
    "STATUS=SIZE",
    "SAVEDATE",
    "NOTIFY",
    "SPECIAL-USE",
    "COMPRESS=DEFLATE",
    "UTF8=ACCEPT",
    // RFC 9586, a server's without a fixture that advertises it
    "UIDONLY",
    // Gmail's own, no RFC (Google's "IMAP Extensions" page)
    "X-GM-EXT-1",
];
