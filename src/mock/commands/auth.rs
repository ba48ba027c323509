//! Logging in: LOGIN (RFC 9051 §6.2.3), AUTHENTICATE (§6.2.2) with the PLAIN
//! (RFC 4616) and LOGIN mechanisms and SASL-IR (RFC 4959), and STARTTLS (§6.2.1).
//!
//! ```text
//! login        = "LOGIN" SP userid SP password
//! authenticate = "AUTHENTICATE" SP auth-type [SP (base64 / "=")] *(CRLF base64)
//! starttls     = "STARTTLS"
//! ```
//!
//! Answers are imap-login's (battery sessions 1 and 7–12). A real Dovecot waits two
//! seconds before answering a wrong password; the mock answers at once, so lessons
//! and tests stay fast. The mock has no TLS: STARTTLS gets Dovecot's answer for a
//! server without TLS, or, if the fixture advertises STARTTLS, an honest NO.

use crate::grammar::code::Code;
use crate::grammar::core::ImapString;
use crate::grammar::State;
use crate::mock::config::Config;
use crate::mock::store::Store;
use crate::mock::wording as w;

use super::{Conn, Cx, Done, Next};

/// Where an AUTHENTICATE exchange stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum AuthStep {
    /// PLAIN: waiting for `[authzid] NUL authcid NUL passwd`, base64.
    Plain,
    /// LOGIN: waiting for the user name, then the password.
    LoginUser,
    LoginPassword {
        user: String,
    },
}

/// Mechanisms the mock implements.
const MECHANISMS: [&str; 2] = ["PLAIN", "LOGIN"];

/// LOGIN (RFC 9051 §6.2.3).
pub(crate) fn login_command(
    cx: &mut Cx,
    tag: &str,
    user: &ImapString,
    password: &ImapString,
) -> Done {
    let (user, password) = (user.text().into_owned(), password.text().into_owned());
    let mut out = Vec::new();
    let done = login(
        cx.conn, cx.store, cx.config, tag, &user, &password, &mut out,
    );
    cx.out.extend_from_slice(&out);
    done
}

/// STARTTLS (RFC 9051 §6.2.1): the mock has no TLS.
pub(crate) fn starttls(cx: &mut Cx, tag: &str) -> Done {
    if cx.config.identity.advertises(false, "STARTTLS") {
        cx.decline(tag, "STARTTLS".into(), "STARTTLS (the mock has no TLS)")
    } else {
        Done::bad(tag, w::STARTTLS_DISABLED)
    }
}

/// Checks credentials and logs in. Writes the untagged CAPABILITY, if any, to `out`.
fn login(
    conn: &mut Conn,
    store: &Store,
    config: &Config,
    tag: &str,
    user: &str,
    password: &str,
    out: &mut Vec<u8>,
) -> Done {
    let ok = store
        .lock()
        .account(user)
        .is_some_and(|a| a.password == password);
    if !ok {
        return Done::no(tag, w::AUTH_FAILED)
            .code(Code::other("AUTHENTICATIONFAILED"))
            .untimed();
    }
    conn.state = State::Authenticated;
    conn.user = Some(user.to_owned());
    let caps = config.identity.after_login.join(" ");
    if conn.asked_capability {
        out.extend_from_slice(format!("* CAPABILITY {caps}\r\n").as_bytes());
        Done::ok(tag, w::LOGGED_IN).untimed()
    } else {
        Done::ok(tag, w::LOGGED_IN)
            .code(Code::Capability(config.identity.after_login.clone()))
            .untimed()
    }
}

pub(crate) fn authenticate(cx: &mut Cx, tag: &str, mechanism: &str, initial: Option<&str>) -> Done {
    let mech = mechanism.to_ascii_uppercase();
    let advertised = cx
        .config
        .identity
        .advertises(false, &format!("AUTH={mech}"));
    if !advertised {
        return Done::no(tag, w::AUTH_UNSUPPORTED)
            .code(Code::Alert)
            .untimed();
    }
    if !MECHANISMS.contains(&mech.as_str()) {
        let what = format!("AUTHENTICATE {mech}");
        return cx
            .decline(tag, what, &format!("the {mech} mechanism"))
            .untimed();
    }
    let step = if mech == "PLAIN" {
        AuthStep::Plain
    } else {
        AuthStep::LoginUser
    };
    match initial {
        Some(response) => {
            let mut out = Vec::new();
            let next = continue_auth(
                cx.conn,
                cx.store,
                cx.config,
                tag,
                step,
                response.as_bytes(),
                &mut out,
            );
            cx.out.extend_from_slice(&out);
            match next {
                Some(step) => Done::pending(Next::Auth(tag.to_owned(), step)),
                None => Done::pending(Next::Continue),
            }
        }
        None => {
            let prompt = if step == AuthStep::Plain {
                "+ \r\n"
            } else {
                "+ VXNlcm5hbWU6\r\n"
            };
            cx.out.extend_from_slice(prompt.as_bytes());
            Done::pending(Next::Auth(tag.to_owned(), step))
        }
    }
}

/// Takes one client response line of an AUTHENTICATE exchange. Writes the next
/// challenge or the tagged result to `out`; returns the next step if there is one.
pub(crate) fn continue_auth(
    conn: &mut Conn,
    store: &Store,
    config: &Config,
    tag: &str,
    step: AuthStep,
    line: &[u8],
    out: &mut Vec<u8>,
) -> Option<AuthStep> {
    let finish = |done: Done, out: &mut Vec<u8>| {
        let code = done.code.map(|c| c.to_string());
        out.extend_from_slice(&crate::mock::reply::status_line(
            tag,
            done.status.word(),
            code.as_deref(),
            &done.text,
        ));
    };
    if line == b"*" {
        finish(Done::bad(tag, w::AUTH_ABORTED), out);
        return None;
    }
    // SASL-IR's "=" is an empty initial response (RFC 4959 §3).
    let decoded = if line == b"=" {
        Some(Vec::new())
    } else {
        base64_decode(line)
    };
    let Some(data) = decoded else {
        finish(Done::no(tag, w::AUTH_BAD_BASE64).code(Code::Alert), out);
        return None;
    };
    match step {
        AuthStep::Plain => {
            // message = [authzid] UTF8NUL authcid UTF8NUL passwd (RFC 4616 §2)
            let parts: Vec<&[u8]> = data.split(|&b| b == 0).collect();
            let done = match parts.as_slice() {
                [authzid, authcid, password] if authzid.is_empty() || authzid == authcid => {
                    let user = String::from_utf8_lossy(authcid).into_owned();
                    let password = String::from_utf8_lossy(password).into_owned();
                    login(conn, store, config, tag, &user, &password, out)
                }
                _ => Done::no(tag, w::AUTH_FAILED).code(Code::other("AUTHENTICATIONFAILED")),
            };
            finish(done, out);
            None
        }
        AuthStep::LoginUser => {
            out.extend_from_slice(b"+ UGFzc3dvcmQ6\r\n");
            Some(AuthStep::LoginPassword {
                user: String::from_utf8_lossy(&data).into_owned(),
            })
        }
        AuthStep::LoginPassword { user } => {
            let password = String::from_utf8_lossy(&data).into_owned();
            let done = login(conn, store, config, tag, &user, &password, out);
            finish(done, out);
            None
        }
    }
}

use crate::grammar::extensions::sasl_ir::decode_base64_unpadded as base64_decode;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::grammar::extensions::sasl_ir::encode_base64 as base64_encode;

    #[test]
    fn base64_round_trips() {
        assert_eq!(
            base64_encode(b"\0strategos\0tryhackme"),
            "AHN0cmF0ZWdvcwB0cnloYWNrbWU="
        );
        assert_eq!(
            base64_decode(b"AHN0cmF0ZWdvcwB0cnloYWNrbWU=").unwrap(),
            b"\0strategos\0tryhackme"
        );
        assert_eq!(base64_decode(b"VXNlcm5hbWU6").unwrap(), b"Username:");
        assert_eq!(base64_decode(b"!!!notbase64"), None);
    }
}
