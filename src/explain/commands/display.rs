//! How a client line is shown: a password or AUTHENTICATE data masked unless the
//! learner asked to see secrets, a literal summarised. Wording lives in the knowledge YAML.

use crate::explain::Options;
use crate::grammar::CommandBody;
use crate::wire::Message;

use super::MASK;

/// The message as it may be shown: the first line, passwords masked, literals elided.
pub(super) fn display_text(
    message: &Message,
    body: Option<&CommandBody>,
    options: Options,
) -> String {
    let first = String::from_utf8_lossy(message.first_line()).into_owned();
    if options.show_secrets {
        return first;
    }
    match body {
        Some(CommandBody::Login { user, .. }) => {
            let words: Vec<&str> = first.splitn(3, ' ').collect();
            let user_text = match user.form {
                crate::grammar::core::StringForm::Literal(_) => user.text().into_owned(),
                _ => words
                    .get(2)
                    .map_or(String::new(), |rest| leading_token(rest)),
            };
            format!(
                "{} {} {} {MASK}",
                words[0],
                words.get(1).unwrap_or(&""),
                user_text
            )
        }
        Some(CommandBody::Authenticate {
            initial_response: Some(_),
            mechanism,
        }) => {
            let words: Vec<&str> = first.splitn(3, ' ').collect();
            format!(
                "{} {} {mechanism} {MASK}",
                words[0],
                words.get(1).unwrap_or(&"")
            )
        }
        _ if body.is_none() => mask_malformed(&first),
        _ => first,
    }
}

/// True if a LOGIN line announcing a literal carries more than the user name and the
/// `{n}`: only a malformed line does, and what follows the user may be the password.
pub(crate) fn login_line_has_secret(line: &str) -> bool {
    let words: Vec<&str> = line.split(' ').collect();
    let Some(i) = words
        .iter()
        .take(2)
        .position(|w| w.to_ascii_uppercase().ends_with("LOGIN"))
    else {
        return false;
    };
    let after_user = words.len().saturating_sub(i + 2);
    let ends_in_literal = words.last().is_some_and(|w| w.starts_with('{'));
    !(after_user == 0 || (after_user == 1 && ends_in_literal))
}

/// A malformed line may still carry a secret: after a word ending in LOGIN (even glued
/// to its tag, `c1LOGIN`), keep the user name and mask the rest; after one ending in
/// AUTHENTICATE, keep the mechanism and mask the rest.
pub(crate) fn mask_malformed(first: &str) -> String {
    let words: Vec<&str> = first.split(' ').collect();
    let keyword = words.iter().take(2).position(|w| {
        let upper = w.to_ascii_uppercase();
        upper.ends_with("LOGIN") || upper.ends_with("AUTHENTICATE")
    });
    let Some(i) = keyword else {
        return first.to_string();
    };
    let keep = i + 2;
    if words.len() <= keep {
        return first.to_string();
    }
    let mut shown = words[..keep].join(" ");
    if words[i].to_ascii_uppercase().ends_with("LOGIN") {
        shown = format!(
            "{} {}",
            words[..=i].join(" "),
            leading_token(&words[i + 1..].join(" "))
        );
    }
    format!("{shown} {MASK}")
}

/// The first astring of `text`: an atom, or a quoted string with its quotes.
fn leading_token(text: &str) -> String {
    if let Some(rest) = text.strip_prefix('"') {
        let mut escaped = false;
        for (i, c) in rest.char_indices() {
            match (c, escaped) {
                ('\\', false) => escaped = true,
                ('"', false) => return text[..i + 2].to_string(),
                _ => escaped = false,
            }
        }
        return text.to_string();
    }
    text.split(' ').next().unwrap_or("").to_string()
}
