//! BODY and BODYSTRUCTURE: the MIME structure of a message (RFC 9051 §7.5.2).

use serde::Serialize;

use super::core::ImapString;
use super::envelope::Envelope;

/// `body-fields = body-fld-param SP body-fld-id SP body-fld-desc SP body-fld-enc SP body-fld-octets`
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BodyFields {
    pub parameters: Vec<(String, String)>,
    pub id: Option<ImapString>,
    pub description: Option<ImapString>,
    pub encoding: String,
    pub octets: u32,
}

/// `body = "(" (body-type-1part / body-type-mpart) ")"`
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum BodyStructure {
    /// A leaf part: `text/plain`, `image/png`, or `message/rfc822` with its inner structure.
    Single {
        media_type: String,
        subtype: String,
        fields: BodyFields,
        /// Lines of text, for `text/*` and `message/rfc822`.
        lines: Option<u32>,
        /// For `message/rfc822`: the enclosed message's envelope and structure.
        message: Option<Box<(Envelope, BodyStructure)>>,
        /// Extension data (MD5, disposition, language, location), kept as text.
        extension: Option<String>,
    },
    /// `multipart/*`: the parts and the subtype.
    Multi { parts: Vec<BodyStructure>, subtype: String, extension: Option<String> },
}
