//! COMPRESS (RFC 4978): `COMPRESS DEFLATE` switches the connection to zlib-compressed
//! streams in both directions, right after the server's tagged OK.

use nom::Parser;

use crate::grammar::args::{arg, label, word};
use crate::grammar::command::types::CommandBody;
use crate::grammar::core::keyword;
use crate::grammar::error::{fail, PResult};

/// `compress = "COMPRESS" SP algorithm`
pub(crate) fn compress(input: &[u8]) -> PResult<'_, CommandBody> {
    let (rest, _) = keyword("COMPRESS").parse(input)?;
    let (rest, mechanism) = arg(label::ALGORITHM, algorithm)(rest)?;
    Ok((rest, CommandBody::Compress { mechanism }))
}

/// `algorithm = "DEFLATE"` — read as a whole word, so `DEFLATEX` is not taken for DEFLATE.
pub(crate) fn algorithm(input: &[u8]) -> PResult<'_, String> {
    let (rest, name) = word(input)?;
    if name.eq_ignore_ascii_case(b"DEFLATE") {
        Ok((rest, "DEFLATE".to_owned()))
    } else {
        fail(input, label::ALGORITHM)
    }
}

// ---- responses
