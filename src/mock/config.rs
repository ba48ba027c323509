//! The server's identity and limits: what a fixture says about the server itself,
//! as opposed to the mail it holds (that is the [`super::store`]).

use std::time::Duration;

/// Who the server says it is, and what it advertises.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Identity {
    /// The greeting's text after the `[CAPABILITY ...]` code: `Dovecot (Ubuntu) ready.`
    pub(crate) greeting: String,
    /// CAPABILITY before login (also in the greeting).
    pub(crate) before_login: Vec<String>,
    /// CAPABILITY after login (also in LOGIN's tagged OK).
    pub(crate) after_login: Vec<String>,
    /// The ID response's fields (RFC 2971): Dovecot sends `("name" "Dovecot")`.
    pub(crate) id: Vec<(String, String)>,
}

impl Identity {
    /// True if `capability` (e.g. `IDLE`, `AUTH=PLAIN`) is advertised in this state.
    pub(crate) fn advertises(&self, authenticated: bool, capability: &str) -> bool {
        let list = if authenticated {
            &self.after_login
        } else {
            &self.before_login
        };
        list.iter().any(|c| c.eq_ignore_ascii_case(capability))
    }

    /// True if any advertised capability starts with `prefix` (`THREAD=` for THREAD).
    pub(crate) fn advertises_prefix(&self, authenticated: bool, prefix: &str) -> bool {
        let list = if authenticated {
            &self.after_login
        } else {
            &self.before_login
        };
        list.iter()
            .any(|c| c.len() >= prefix.len() && c[..prefix.len()].eq_ignore_ascii_case(prefix))
    }
}

/// Limits, each answered the way Dovecot answers it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limits {
    /// The longest command line (Dovecot's `imap_max_line_length`, 64 KiB).
    pub(crate) max_line: usize,
    /// The largest message APPEND accepts.
    pub(crate) max_append: u64,
    /// Bad commands in a row after login: Dovecot answers the 20th BAD, then says
    /// `* BYE Too many invalid IMAP commands.` and disconnects (battery session 22).
    pub(crate) max_bad_commands: u32,
    /// Bad commands before login, in total (a good one does not reset the count):
    /// Dovecot's imap-login disconnects at the 3rd (battery session 5).
    pub(crate) max_bad_commands_login: u32,
    /// Inactivity before `* BYE Disconnected for inactivity.`, logged in (Dovecot: 30 min).
    pub(crate) idle_timeout: Duration,
    /// Inactivity before the same BYE when not logged in (Dovecot's imap-login: 3 min).
    pub login_timeout: Duration,
    /// How often an IDLE client gets `* OK Still here` (Dovecot: 2 min).
    pub(crate) idle_keepalive: Duration,
    /// Clients served at once by `serve`; more get `* BYE` at once.
    pub max_connections: usize,
    /// The bytes of mail the store may hold, APPENDs in progress included: past it
    /// APPEND gets `NO [OVERQUOTA]` before its literal is sent. Dovecot has no such
    /// limit without its quota plugin; the mock keeps mail in memory, so it needs one.
    pub max_store: u64,
    /// How long `serve` waits for a client to take one piece of output (64 KiB)
    /// before it closes the connection: a client that never reads cannot hold one
    /// open, nor the memory of what waits for it.
    pub write_timeout: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_line: 64 * 1024,
            max_append: 64 * 1024 * 1024,
            max_bad_commands: 20,
            max_bad_commands_login: 3,
            idle_timeout: Duration::from_secs(30 * 60),
            login_timeout: Duration::from_secs(3 * 60),
            idle_keepalive: Duration::from_secs(2 * 60),
            max_connections: 1000,
            max_store: 1024 * 1024 * 1024,
            write_timeout: Duration::from_secs(60),
        }
    }
}

/// Everything a session needs to know about its server besides the store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    pub(crate) identity: Identity,
    pub limits: Limits,
    /// The timing figures in tagged replies after login. Dovecot measures them; the mock
    /// always writes the same, which is also what the seed shows.
    pub(crate) timing: String,
}

impl Config {
    pub(crate) fn new(identity: Identity) -> Self {
        Config {
            identity,
            limits: Limits::default(),
            timing: "0.001 + 0.000".into(),
        }
    }
}
