//! Fixtures: the YAML files that describe a mock server's world, and the two built in.
//!
//! A fixture holds users, their mailboxes and messages, and the server's identity
//! (greeting, capability lists). The format is documented for teachers in
//! `book/src/reference/fixtures.md`; every struct here rejects unknown fields, so a
//! typo in a fixture is an error with a line number, not a silently empty mailbox.
//!
//! Message text comes inline (`text:`, whose line breaks become CRLF, as RFC 5322
//! requires on the wire) or from a file (`file:`, relative to the fixture, taken byte
//! for byte). The built-in fixtures are inline so the binary needs no files beside it;
//! a test checks that their messages equal `tests/data/strategos/*.eml` byte for byte.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::Deserialize;

use super::config::{Config, Identity};
use super::dates;
use super::header_keys::Cached;
use super::store::{self, Account, Flags, MailboxData, Message, Presence, Store, World};

/// The built-in fixtures, by name.
pub(crate) const BUILT_IN: [(&str, &str); 2] = [
    (
        "strategos",
        include_str!("../../scenarios/fixtures/strategos.yaml"),
    ),
    (
        "default",
        include_str!("../../scenarios/fixtures/default.yaml"),
    ),
];

/// A fixture file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Fixture {
    pub(crate) server: ServerSpec,
    pub(crate) users: Vec<UserSpec>,
    /// Where `file:` paths are resolved from (the fixture's folder); not in the YAML.
    #[serde(skip)]
    pub(crate) base: Option<PathBuf>,
    /// The folder `file:` paths must stay in, when the fixture comes with a lesson
    /// (the lesson's folder). A fixture given to `serve --fixture` by its user reads
    /// what its user can read.
    #[serde(skip)]
    pub(crate) root: Option<PathBuf>,
}

/// The server's identity.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ServerSpec {
    /// The greeting text after `* OK [CAPABILITY ...] `.
    pub(crate) greeting: String,
    pub(crate) capabilities: CapabilitySpec,
    /// ID response fields; Dovecot's `("name" "Dovecot")` if absent.
    #[serde(default)]
    pub(crate) id: Option<Vec<(String, String)>>,
    /// Limits that differ from Dovecot's defaults.
    #[serde(default)]
    pub(crate) limits: Option<LimitsSpec>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct CapabilitySpec {
    pub(crate) before_login: Vec<String>,
    pub(crate) after_login: Vec<String>,
}

/// Optional limits; each one left out keeps Dovecot's default.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct LimitsSpec {
    pub(crate) max_line: Option<usize>,
    pub(crate) max_append: Option<u64>,
    pub(crate) idle_timeout_secs: Option<u64>,
    pub(crate) login_timeout_secs: Option<u64>,
    pub(crate) max_connections: Option<usize>,
    pub(crate) max_store: Option<u64>,
    pub(crate) write_timeout_secs: Option<u64>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct UserSpec {
    pub(crate) name: String,
    pub(crate) password: String,
    /// INBOX is created if not listed.
    #[serde(default)]
    pub(crate) mailboxes: Vec<MailboxSpec>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct MailboxSpec {
    pub(crate) name: String,
    /// Defaults to a value derived from the order of mailboxes in the file.
    #[serde(default)]
    pub(crate) uidvalidity: Option<u32>,
    /// Defaults to the highest UID plus one.
    #[serde(default)]
    pub(crate) uidnext: Option<u32>,
    /// A SPECIAL-USE attribute (RFC 6154): `\Sent`, `\Drafts`, `\Trash`, `\Junk`, `\Archive`, ...
    #[serde(default)]
    pub(crate) special_use: Option<String>,
    #[serde(default)]
    pub(crate) subscribed: bool,
    #[serde(default)]
    pub(crate) messages: Vec<MessageSpec>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct MessageSpec {
    /// Defaults to the previous message's UID plus one.
    #[serde(default)]
    pub(crate) uid: Option<u32>,
    #[serde(default)]
    pub(crate) flags: Vec<String>,
    /// `25-Jun-2024 09:12:00 +0000`; defaults to the time the server starts.
    #[serde(default)]
    pub(crate) internal_date: Option<String>,
    /// The message inline; line breaks become CRLF.
    #[serde(default)]
    pub(crate) text: Option<String>,
    /// The message from a file, relative to the fixture, byte for byte.
    #[serde(default)]
    pub(crate) file: Option<String>,
    /// True to leave the message \Recent for the first session that selects it.
    #[serde(default)]
    pub(crate) recent: bool,
}

/// What can go wrong with a fixture, said so a teacher can fix it.
#[derive(Debug)]
pub enum FixtureError {
    NotFound {
        spec: String,
    },
    Io {
        path: PathBuf,
        error: std::io::Error,
    },
    Yaml {
        origin: String,
        error: serde_norway::Error,
    },
    Invalid {
        origin: String,
        message: String,
    },
    /// Over a cap on aliases or nesting ([`crate::yaml`]), before parsing.
    Limit {
        origin: String,
        error: crate::yaml::LimitError,
    },
    /// A file of a lesson's fixture that leads out of the lesson's folder ([`confined`]).
    Outside {
        path: PathBuf,
        root: PathBuf,
    },
}

impl std::fmt::Display for FixtureError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            FixtureError::NotFound { spec } => {
                write!(
                f,
                "no fixture called {spec:?}: give a built-in name ({}) or the path of a YAML file",
                BUILT_IN.iter().map(|(n, _)| *n).collect::<Vec<_>>().join(", ")
            )
            }
            FixtureError::Io { path, error } => {
                write!(f, "cannot read {}: {error}", path.display())
            }
            FixtureError::Yaml { origin, error } => write!(f, "{origin}: {error}"),
            FixtureError::Invalid { origin, message } => write!(f, "{origin}: {message}"),
            FixtureError::Limit { origin, error } => write!(f, "{origin}:{error}"),
            FixtureError::Outside { path, root } => write!(
                f,
                "{} is outside the lesson's folder ({}): keep the files a lesson uses beside it or below it",
                path.display(),
                root.display()
            ),
        }
    }
}

impl std::error::Error for FixtureError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            FixtureError::Io { error, .. } => Some(error),
            FixtureError::Yaml { error, .. } => Some(error),
            FixtureError::Limit { error, .. } => Some(error),
            FixtureError::NotFound { .. }
            | FixtureError::Invalid { .. }
            | FixtureError::Outside { .. } => None,
        }
    }
}

/// Resolves `--fixture NAME|FILE`: a built-in name, else a path to a YAML file.
pub(crate) fn resolve(spec: &str) -> Result<Fixture, FixtureError> {
    if let Some((name, text)) = BUILT_IN.iter().find(|(n, _)| *n == spec) {
        return parse(text, &format!("built-in fixture {name}"), None);
    }
    let path = Path::new(spec);
    if !path.exists() {
        return Err(FixtureError::NotFound { spec: spec.into() });
    }
    let text = std::fs::read_to_string(path).map_err(|error| FixtureError::Io {
        path: path.into(),
        error,
    })?;
    parse(
        &text,
        &path.display().to_string(),
        path.parent().map(Path::to_path_buf),
    )
}

/// Parses fixture text. `base` is where `file:` paths are resolved from.
pub(crate) fn parse(
    text: &str,
    origin: &str,
    base: Option<PathBuf>,
) -> Result<Fixture, FixtureError> {
    crate::yaml::check(text).map_err(|error| FixtureError::Limit {
        origin: origin.into(),
        error,
    })?;
    let mut fixture: Fixture =
        serde_norway::from_str(text).map_err(|error| FixtureError::Yaml {
            origin: origin.into(),
            error,
        })?;
    fixture.base = base;
    Ok(fixture)
}

impl Fixture {
    /// Builds the store and the server configuration.
    pub(crate) fn build(&self) -> Result<(Store, Config), FixtureError> {
        let mut world = World::default();
        let started = dates::now();
        let mut validity_seed = 1_700_000_000u32;
        for user in &self.users {
            if world.account(&user.name).is_some() {
                return Err(self.invalid(format!("user {} is listed twice", user.name)));
            }
            world.accounts.push(Account {
                name: user.name.clone(),
                password: user.password.clone(),
                mailboxes: Vec::new(),
                subscriptions: Default::default(),
            });
            let mut specs: Vec<&MailboxSpec> = user.mailboxes.iter().collect();
            let inbox = MailboxSpec {
                name: "INBOX".into(),
                uidvalidity: None,
                uidnext: None,
                special_use: None,
                subscribed: false,
                messages: Vec::new(),
            };
            if !specs.iter().any(|m| m.name.eq_ignore_ascii_case("INBOX")) {
                specs.insert(0, &inbox);
            }
            for spec in specs {
                validity_seed += 1;
                let mailbox = self.mailbox(&mut world, spec, validity_seed, started)?;
                let account = world
                    .account_mut(&user.name)
                    .ok_or_else(|| self.invalid("internal: user vanished".into()))?;
                if account.find(&mailbox.name).is_some() {
                    return Err(self.invalid(format!(
                        "mailbox {} of {} is listed twice",
                        mailbox.name, user.name
                    )));
                }
                if spec.subscribed {
                    account.subscriptions.insert(mailbox.name.clone());
                }
                account.mailboxes.push(mailbox);
            }
        }
        Ok((Store::new(world), self.server.config()))
    }

    /// Where the fixture came from, for its errors.
    fn invalid(&self, message: String) -> FixtureError {
        let origin = self
            .base
            .as_ref()
            .filter(|b| !b.as_os_str().is_empty())
            .map_or_else(|| "fixture".to_string(), |b| b.display().to_string());
        FixtureError::Invalid { origin, message }
    }

    /// One mailbox with its messages; `validity_seed` is its UIDVALIDITY unless the
    /// fixture gives one.
    fn mailbox(
        &self,
        world: &mut World,
        spec: &MailboxSpec,
        validity_seed: u32,
        started: i64,
    ) -> Result<MailboxData, FixtureError> {
        let id = world.next_id();
        let validity = spec.uidvalidity.unwrap_or(validity_seed);
        world.note_uidvalidity(validity);
        let name = store::canonical(&spec.name);
        let mut mailbox = MailboxData::new(id, name.clone(), validity);
        mailbox.special_use.extend(spec.special_use.clone());
        let mut last_uid = 0;
        for (n, m) in spec.messages.iter().enumerate() {
            let uid = m.uid.unwrap_or(last_uid + 1);
            if uid <= last_uid {
                return Err(self.invalid(format!(
                    "{name}: message {} has UID {uid}, not above the previous {last_uid}",
                    n + 1
                )));
            }
            last_uid = uid;
            let message = self.message(&mut mailbox, m, uid, n, started)?;
            mailbox.messages.push(message);
        }
        // Dovecot's modseqs after the lab's seeding: one per saved message, one
        // more for the flags set afterwards (HIGHESTMODSEQ 5 in the battery); an
        // empty mailbox has HIGHESTMODSEQ 1, like a new one (catenate.txt).
        let count = mailbox.messages.len() as u64;
        let flagged = mailbox.messages.iter().any(|m| m.flags != Flags::default());
        mailbox.highest_modseq = (count + u64::from(flagged)).max(1);
        for m in &mut mailbox.messages {
            if m.flags != Flags::default() {
                m.modseq = mailbox.highest_modseq;
            }
        }
        mailbox.uidnext = spec.uidnext.unwrap_or(last_uid + 1).max(last_uid + 1);
        mailbox.presence = Presence::Real;
        Ok(mailbox)
    }

    /// The `n`th message (from 0) of `mailbox`, its keywords defined in the mailbox.
    fn message(
        &self,
        mailbox: &mut MailboxData,
        m: &MessageSpec,
        uid: u32,
        n: usize,
        started: i64,
    ) -> Result<Message, FixtureError> {
        let name = &mailbox.name;
        let raw = self
            .message_bytes(m)
            .map_err(|e| self.invalid(format!("{name}: message {}: {e}", n + 1)))?;
        let mut flags = Flags::default();
        for f in &m.flags {
            match store::system_flag(f) {
                Some(bit) => flags.system |= bit,
                None if f.starts_with('\\') => {
                    return Err(self.invalid(format!(
                        "{name}: message {}: {f} is not a system flag",
                        n + 1
                    )))
                }
                None => flags.keywords.push(f.clone()),
            }
        }
        let internal_date = match &m.internal_date {
            Some(d) => dates::parse_internal_date(d).ok_or_else(|| {
                self.invalid(format!(
                    "{name}: message {}: bad internal_date {d:?}",
                    n + 1
                ))
            })?,
            None => started,
        };
        mailbox.define_keywords(flags.keywords.iter().map(String::as_str));
        flags.keywords = mailbox.order_keywords(&flags.keywords);
        Ok(Message {
            uid,
            flags,
            internal_date,
            // Read at load, as `MailboxData::append_at` reads them at APPEND.
            header_keys: Cached::read(&raw),
            raw: Arc::from(raw),
            recent: m.recent,
            modseq: (n + 1) as u64,
            // The lab seeds its mail when it starts, as the mock loads it now.
            save_date: started,
            preview_cached: false,
        })
    }

    fn message_bytes(&self, m: &MessageSpec) -> Result<Vec<u8>, SourceError> {
        match (&m.text, &m.file) {
            (Some(text), None) => Ok(crlf(text)),
            (None, Some(file)) => {
                let path = match &self.base {
                    Some(base) => base.join(file),
                    None => PathBuf::from(file),
                };
                if let Some(root) = &self.root {
                    confined(root, &path).map_err(SourceError::File)?;
                }
                std::fs::read(&path)
                    .map_err(|error| SourceError::File(FixtureError::Io { path, error }))
            }
            (Some(_), Some(_)) => Err(SourceError::Both),
            (None, None) => Err(SourceError::Neither),
        }
    }
}

/// Why a message of a fixture has no bytes.
#[derive(Debug)]
enum SourceError {
    /// Both `text:` and `file:`.
    Both,
    /// Neither `text:` nor `file:`.
    Neither,
    /// The file cannot be read, or leads out of the lesson's folder.
    File(FixtureError),
}

impl std::fmt::Display for SourceError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SourceError::Both => f.write_str("give text or file, not both"),
            SourceError::Neither => f.write_str("needs text or file"),
            SourceError::File(e) => write!(f, "{e}"),
        }
    }
}

impl ServerSpec {
    /// The server's identity and limits; a limit left out keeps Dovecot's default.
    fn config(&self) -> Config {
        let identity = Identity {
            greeting: self.greeting.clone(),
            before_login: self.capabilities.before_login.clone(),
            after_login: self.capabilities.after_login.clone(),
            id: self
                .id
                .clone()
                .unwrap_or_else(|| vec![("name".into(), "Dovecot".into())]),
        };
        let mut config = Config::new(identity);
        if let Some(l) = &self.limits {
            let limits = &mut config.limits;
            if let Some(v) = l.max_line {
                limits.max_line = v.max(1024);
            }
            if let Some(v) = l.max_append {
                limits.max_append = v;
            }
            if let Some(v) = l.idle_timeout_secs {
                limits.idle_timeout = std::time::Duration::from_secs(v);
            }
            if let Some(v) = l.login_timeout_secs {
                limits.login_timeout = std::time::Duration::from_secs(v);
            }
            if let Some(v) = l.max_connections {
                limits.max_connections = v;
            }
            if let Some(v) = l.max_store {
                limits.max_store = v;
            }
            if let Some(v) = l.write_timeout_secs {
                limits.write_timeout = std::time::Duration::from_secs(v.max(1));
            }
        }
        config
    }
}

/// Checks that `path` leads into `root` (symbolic links followed). A lesson can then
/// read the mail beside it, and nothing else: `file: ../../../../etc/passwd` in a
/// lesson would otherwise be served to whoever runs it.
pub(crate) fn confined(root: &Path, path: &Path) -> Result<(), FixtureError> {
    let root = if root.as_os_str().is_empty() {
        Path::new(".")
    } else {
        root
    };
    let unreadable = |path: &Path, error| FixtureError::Io {
        path: path.to_path_buf(),
        error,
    };
    let real_root = root.canonicalize().map_err(|e| unreadable(root, e))?;
    let real = path.canonicalize().map_err(|e| unreadable(path, e))?;
    if real.starts_with(&real_root) {
        Ok(())
    } else {
        Err(FixtureError::Outside {
            path: path.to_path_buf(),
            root: root.to_path_buf(),
        })
    }
}

/// Inline text to wire form: every line break becomes CRLF.
fn crlf(text: &str) -> Vec<u8> {
    let mut out = Vec::with_capacity(text.len() + text.len() / 40);
    let mut lines = text.split('\n').peekable();
    while let Some(line) = lines.next() {
        out.extend_from_slice(line.strip_suffix('\r').unwrap_or(line).as_bytes());
        if lines.peek().is_some() {
            out.extend_from_slice(b"\r\n");
        }
    }
    out
}

/// Loads a fixture by name or path and builds it: what `serve --fixture` calls.
pub fn load(spec: &str) -> Result<(Store, Config), FixtureError> {
    resolve(spec)?.build()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn built_in_fixtures_build() {
        for (name, _) in BUILT_IN {
            let (store, config) = load(name).unwrap_or_else(|e| panic!("{name}: {e}"));
            let world = store.lock();
            let inbox = world.account("strategos").unwrap().real("INBOX").unwrap();
            assert_eq!(
                (inbox.uidvalidity, inbox.uidnext, inbox.messages.len()),
                (1719824692, 5, 4)
            );
            assert_eq!(inbox.messages[2].raw.len(), 445);
            assert!(
                inbox.messages[0].flags.has(store::SEEN)
                    && inbox.messages[2].flags.has(store::SEEN)
            );
            assert!(
                !inbox.messages[1].flags.has(store::SEEN)
                    && inbox.messages.iter().all(|m| !m.recent)
            );
            assert!(config.identity.advertises(false, "AUTH=PLAIN"));
        }
    }

    #[test]
    fn built_in_mail_equals_the_captured_files() {
        let (store, _) = load("strategos").unwrap();
        let world = store.lock();
        let inbox = world.account("strategos").unwrap().real("INBOX").unwrap();
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/strategos");
        for (i, m) in inbox.messages.iter().enumerate() {
            let path = dir.join(format!("{}.eml", i + 1));
            if let Ok(file) = std::fs::read(&path) {
                assert_eq!(&m.raw[..], &file[..], "{}", path.display());
            }
        }
    }

    #[test]
    fn the_default_fixture_has_special_use_mailboxes() {
        let (store, config) = load("default").unwrap();
        let world = store.lock();
        let account = world.account("strategos").unwrap();
        for (name, attr) in [
            ("Archive", "\\Archive"),
            ("Drafts", "\\Drafts"),
            ("Junk", "\\Junk"),
            ("Sent", "\\Sent"),
            ("Trash", "\\Trash"),
        ] {
            assert_eq!(
                account.real(name).unwrap().special_use,
                vec![attr.to_string()]
            );
        }
        // It advertises what the mock runs (SORT since issue 9), and nothing it does not.
        assert!(config.identity.advertises(true, "SORT"));
        assert!(!config.identity.advertises(true, "QUOTA"));
    }

    #[test]
    fn unknown_fields_are_errors_and_names_resolve() {
        let err = parse("server: {greeting: x, capabilities: {before_login: [], after_login: []}, gretting: y}\nusers: []\n", "t", None);
        assert!(err.is_err());
        assert!(matches!(
            resolve("no-such-fixture"),
            Err(FixtureError::NotFound { .. })
        ));
    }

    #[test]
    fn inline_text_becomes_crlf() {
        assert_eq!(crlf("a\nb\n"), b"a\r\nb\r\n");
        assert_eq!(crlf("a\r\nb"), b"a\r\nb");
    }
}
