//! ENABLE (RFC 5161, RFC 9051 §6.3.1): turns on extensions that change how the server
//! talks (CONDSTORE, QRESYNC, UTF8=ACCEPT, IMAP4rev2), which it may not do unasked.

use nom::bytes::complete::take_while1;
use nom::Parser;

use crate::grammar::args::{arg, label, more};
use crate::grammar::command::types::CommandBody;
use crate::grammar::core::{as_str, is_atom_char, keyword};
use crate::grammar::error::{expect, PResult};

/// `enable = "ENABLE" 1*(SP capability)`
pub(crate) fn enable(input: &[u8]) -> PResult<'_, CommandBody> {
    let (rest, _) = keyword("ENABLE").parse(input)?;
    let (rest, first) = arg(label::CAPABILITY, capability)(rest)?;
    let mut capabilities = vec![first];
    let (rest, ()) = more(rest, &mut capabilities, capability)?;
    Ok((rest, CommandBody::Enable { capabilities }))
}

/// `capability = ("AUTH=" auth-type) / atom` — both are atoms; kept as written.
pub(crate) fn capability(input: &[u8]) -> PResult<'_, String> {
    let (rest, name) = expect(label::CAPABILITY, take_while1(is_atom_char)).parse(input)?;
    Ok((rest, as_str(name).to_owned()))
}

// ---- responses
