//! Dovecot's wording, in one place.
//!
//! Every text the mock sends that a learner might compare with a walkthrough lives
//! here, so a difference from Dovecot is fixed in one line. Each is marked with where
//! it was checked: "battery" means `tests/data/dovecot/battery.txt` (Dovecot 2.3.19.1,
//! captured by `scripts/capture-dovecot.py`), "caps" the `caps-*.txt` captures,
//! "source" Dovecot's source code, "unverified" our best knowledge.

// -- status texts, not logged in (imap-login: no timing figures)

/// battery session 1.
pub(crate) const PRE_CAPABILITY: &str =
    "Pre-login capabilities listed, post-login capabilities have more.";
/// battery session 6.
pub(crate) const PRE_ENABLE: &str = "ENABLE ignored in non-authenticated state.";
/// battery session 1: any parse error, unknown command or command of a later state.
pub(crate) const PRE_BAD: &str = "Error in IMAP command received by server.";
/// battery session 2: the line started with LOGIN, so LOGIN was taken as the tag.
pub(crate) const PRE_LOGIN_AS_TAG: &str =
    "First parameter in line is IMAP's command tag, not the command name. Add that before the command, like: a login user pass";
/// battery session 5 (and session 22 after login).
pub(crate) const TOO_MANY_BAD: &str = "Too many invalid IMAP commands.";
/// seed, battery.
pub(crate) const LOGGED_IN: &str = "Logged in";
/// battery session 1.
pub(crate) const AUTH_FAILED: &str = "Authentication failed.";
/// battery session 11.
pub(crate) const AUTH_ABORTED: &str = "Authentication aborted by client.";
/// battery session 11.
pub(crate) const AUTH_UNSUPPORTED: &str = "Unsupported authentication mechanism.";
/// battery session 12 (no full stop in Dovecot's text).
pub(crate) const AUTH_BAD_BASE64: &str = "Invalid base64 in response";
/// source (login-common): STARTTLS when the server has no TLS configured. unverified wire.
pub(crate) const STARTTLS_DISABLED: &str = "TLS support isn't enabled.";

// -- logged in (imap: tagged texts get timing figures, see `Session::finish`)

pub(crate) const CAPABILITY_DONE: &str = "Capability completed.";
pub(crate) const NOOP_DONE: &str = "NOOP completed.";
pub(crate) const LOGOUT_BYE: &str = "Logging out";
pub(crate) const LOGOUT_DONE: &str = "Logout completed.";
pub(crate) const ID_DONE: &str = "ID completed.";
pub(crate) const ENABLE_DONE: &str = "Enabled.";
pub(crate) const NAMESPACE_DONE: &str = "Namespace completed.";
pub(crate) const SELECT_DONE: &str = "Select completed.";
pub(crate) const EXAMINE_DONE: &str = "Examine completed.";
pub(crate) const CREATE_DONE: &str = "Create completed.";
pub(crate) const DELETE_DONE: &str = "Delete completed.";
pub(crate) const RENAME_DONE: &str = "Rename completed.";
pub(crate) const SUBSCRIBE_DONE: &str = "Subscribe completed.";
pub(crate) const UNSUBSCRIBE_DONE: &str = "Unsubscribe completed.";
pub(crate) const LIST_DONE: &str = "List completed.";
pub(crate) const LSUB_DONE: &str = "Lsub completed.";
pub(crate) const STATUS_DONE: &str = "Status completed.";
/// battery session 18: `OK [CLIENTBUG] ...`.
pub(crate) const STATUS_SELECTED_DONE: &str = "Status on selected mailbox completed.";
pub(crate) const APPEND_DONE: &str = "Append completed.";
pub(crate) const CHECK_DONE: &str = "Check completed.";
pub(crate) const CLOSE_DONE: &str = "Close completed.";
pub(crate) const UNSELECT_DONE: &str = "Unselect completed.";
pub(crate) const EXPUNGE_DONE: &str = "Expunge completed.";
pub(crate) const SEARCH_DONE: &str = "Search completed.";
/// lab (Dovecot 2.3.19, tests/data/differential/sort-thread.txt).
pub(crate) const SORT_DONE: &str = "Sort completed.";
/// lab (tests/data/differential/esearch.txt): CANCELUPDATE.
pub(crate) const UPDATES_CANCELLED: &str = "Updates cancelled.";
/// lab (esearch.txt): CANCELUPDATE of a tag with no updating search.
pub(crate) const UNKNOWN_UPDATE_TAG: &str = "Unknown tag.";
/// lab (Dovecot 2.3.19, tests/data/differential/sort-thread.txt).
pub(crate) const THREAD_DONE: &str = "Thread completed.";
pub(crate) const FETCH_DONE: &str = "Fetch completed.";
pub(crate) const STORE_DONE: &str = "Store completed.";
/// battery session 16.
pub(crate) const STORE_READ_ONLY: &str = "Store ignored with read-only mailbox.";
pub(crate) const COPY_DONE: &str = "Copy completed.";
pub(crate) const MOVE_DONE: &str = "Move completed.";
/// battery session 18: UID COPY of UIDs that do not exist.
pub(crate) const NO_MESSAGES: &str = "No messages found.";
/// battery session 18: the untagged OK MOVE sends with COPYUID.
pub(crate) const MOVED_UIDS: &str = "Moved UIDs.";
pub(crate) const IDLE_CONTINUE: &str = "idling";
pub(crate) const IDLE_DONE: &str = "Idle completed.";
/// battery session 19: a line other than DONE during IDLE.
pub(crate) const IDLE_EXPECTED_DONE: &str = "Expected DONE.";
/// source (imap-idle.c): the keepalive Dovecot sends every 2 minutes. unverified wire.
pub(crate) const IDLE_STILL_HERE: &str = "Still here";

pub(crate) const NO_MAILBOX_SELECTED: &str = "No mailbox selected.";
pub(crate) const FLAGS_PERMITTED: &str = "Flags permitted.";
pub(crate) const READ_ONLY_MAILBOX: &str = "Read-only mailbox.";
pub(crate) const FIRST_UNSEEN: &str = "First unseen.";
pub(crate) const UIDS_VALID: &str = "UIDs valid";
pub(crate) const PREDICTED_UID: &str = "Predicted next UID";
pub(crate) const HIGHEST: &str = "Highest";
/// battery session 16.
pub(crate) const PREVIOUS_CLOSED: &str = "Previous mailbox closed.";
/// differential select.txt: Dovecot's text for any unknown SELECT parameter or FETCH
/// modifier (cmd-select.c reuses the FETCH wording).
pub(crate) const UNKNOWN_FETCH_MODIFIER: &str = "Unknown FETCH modifier";
/// differential condstore.txt: QRESYNC's parameter or VANISHED before ENABLE QRESYNC.
pub(crate) const QRESYNC_NOT_ENABLED: &str = "QRESYNC not enabled";
/// differential condstore.txt: STORE ... (UNCHANGEDSINCE n) left some messages alone.
pub(crate) const CONDITIONAL_STORE_FAILED: &str = "Conditional store failed.";
/// differential condstore.txt: STORE ... (UNCHANGEDSINCE n) in an EXAMINEd mailbox.
pub(crate) const CONDSTORE_READ_ONLY: &str = "CONDSTORE failed: Mailbox is read-only.";

pub(crate) const MAILBOX_EXISTS: &str = "Mailbox already exists";
pub(crate) const TARGET_EXISTS: &str = "Target mailbox already exists";
pub(crate) const RENAME_INBOX: &str = "Renaming INBOX isn't supported";
pub(crate) const DELETE_INBOX: &str = "INBOX can't be deleted";
pub(crate) const ZERO_BYTE_MESSAGE: &str = "Can't save a zero byte message.";
/// NOTIFY's OK (Dovecot 2.3.19, notify.txt).
pub(crate) const NOTIFY_DONE: &str = "NOTIFY completed";
/// NOTIFY's NO with `[BADEVENT ...]` for events Dovecot does not report (notify.txt).
pub(crate) const NOTIFY_BADEVENT: &str = "Unsupported NOTIFY events";
/// Dovecot 2.3.19's answer to a CATENATE URL without a UID (`URL "/INBOX"`).
pub(crate) const URL_EXPUNGED: &str = "Message was expunged";
/// unverified: Dovecot 2.3 has no APPEND size limit by default; RFC 7889's code is used.
pub(crate) const MESSAGE_TOO_LARGE: &str = "Message size exceeds the limit";
/// unverified: the default `quota_exceeded_message` of Dovecot's quota plugin, which
/// the lab does not load (the mock's store limit stands in for a quota).
pub(crate) const QUOTA_EXCEEDED: &str = "Quota exceeded (mailbox for user is full)";
/// battery session 17.
pub(crate) const UNKNOWN_CHARSET: &str = "Unknown charset";
/// source (imap-parser.c): a literal in a command other than APPEND that does not fit
/// the line length limit; Dovecot disconnects. unverified wire.
pub(crate) const LITERAL_TOO_LARGE: &str = "Literal size too large";
/// unverified (Dovecot's login and imap processes both use this text).
pub(crate) const INACTIVITY: &str = "Disconnected for inactivity.";
/// source (imap-client.c). unverified wire.
pub(crate) const MAILBOX_DELETED: &str = "Selected mailbox was deleted, have to disconnect.";
/// unverified: Dovecot's `login_max_connections`-style refusal.
pub(crate) const TOO_MANY_CONNECTIONS: &str = "Too many connections, try again later.";

/// `Mailbox doesn't exist: NAME` (battery sessions 14, 18).
pub(crate) fn no_mailbox(name: &str) -> String {
    format!("Mailbox doesn't exist: {name}")
}

/// STATUS's list, or LIST's RETURN (STATUS ()), with no item (status.txt).
pub(crate) const EMPTY_STATUS_LIST: &str = "Empty status list";
/// A quoted string, list or literal among STATUS's items (random-args.txt).
pub(crate) const STATUS_NON_ATOMS: &str = "Status list contains non-atoms";

/// `Invalid status item NAME` (random-status.txt): imap_status_parse_items names the
/// item as it compared it, upper-cased, in STATUS and in LIST's RETURN (STATUS ...).
pub(crate) fn invalid_status_item(item: &str) -> String {
    format!("Invalid status item {}", item.to_ascii_uppercase())
}

/// `Error in IMAP command NAME: REASON` (battery): the BAD text after login.
pub(crate) fn command_error(name: &str, reason: &str) -> String {
    format!("Error in IMAP command {name}: {reason}")
}

/// What the mock says when a fixture advertises a capability it does not implement.
pub(crate) fn not_implemented(what: &str) -> String {
    format!("[CANNOT] The imap-tutor mock does not implement {what}, although this fixture advertises it.")
}
