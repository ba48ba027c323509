//! The charsets the mock knows, for MIME words (RFC 2047, RFC 2231) and SEARCH's
//! CHARSET (RFC 9051 §6.4.4): which names SEARCH accepts, and how text in them becomes
//! UTF-8.
//!
//! Dovecot asks iconv, which knows hundreds of names. The mock knows the common ones,
//! and converts UTF-8 and US-ASCII, ISO-8859-1, ISO-8859-15, windows-1252, UTF-16 and
//! UTF-32 (UCS-2, UCS-4); text in any other charset it knows is taken as UTF-8, which
//! is right for ASCII text and approximate for the rest.

/// True for the charsets SEARCH CHARSET accepts: Dovecot asks iconv, which knows
/// these (and many more a learner is unlikely to type). `""` is iconv's default, UTF-8.
pub(crate) fn known_charset(name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    let numbered = |prefixes: &[&str]| {
        prefixes
            .iter()
            .find_map(|p| name.strip_prefix(p))
            .and_then(|n| n.parse::<u16>().ok())
    };
    let iso = numbered(&["iso-8859-", "iso8859-", "iso_8859-"])
        .is_some_and(|n| (1..=16).contains(&n) && n != 12);
    let windows = numbered(&["windows-", "cp"])
        .is_some_and(|n| (1250..=1258).contains(&n) || matches!(n, 437 | 850 | 866 | 874));
    let latin = numbered(&["latin"]).is_some_and(|n| (1..=10).contains(&n));
    iso || windows
        || latin
        || matches!(
            name.as_str(),
            "" | "us-ascii"
                | "ascii"
                | "us"
                | "ansi_x3.4-1968"
                | "utf-8"
                | "utf8"
                | "utf-7"
                | "utf-16"
                | "utf-16be"
                | "utf-16le"
                | "utf-32"
                | "utf-32be"
                | "utf-32le"
                | "ucs-2"
                | "ucs-4"
                | "koi8-r"
                | "koi8-u"
                | "big5"
                | "gb2312"
                | "gbk"
                | "gb18030"
                | "euc-jp"
                | "euc-kr"
                | "shift_jis"
                | "iso-2022-jp"
                | "iso-2022-kr"
                | "tis-620"
                | "macintosh"
        )
}

/// A search string sent in `charset` (one [`known_charset`] accepts), as UTF-8, as
/// Dovecot converts it before it compares; `None` when the bytes are not text in that
/// charset (Dovecot: `BAD ... Invalid search key`). US-ASCII is read as UTF-8, as
/// Dovecot reads it.
pub(crate) fn search_string(bytes: &[u8], charset: &str) -> Option<String> {
    let name = charset.to_ascii_lowercase();
    let units = |size: usize| (bytes.len() % size == 0).then_some(());
    match name.as_str() {
        "" | "utf-8" | "utf8" | "us-ascii" | "ascii" | "us" | "ansi_x3.4-1968" => {
            String::from_utf8(bytes.to_vec()).ok()
        }
        "utf-16" | "utf-16be" | "utf-16le" | "ucs-2" => {
            units(2)?;
            let little = name == "utf-16le" || (name == "utf-16" && bytes.starts_with(b"\xff\xfe"));
            let words: Vec<u16> = bytes
                .chunks(2)
                .map(|c| {
                    if little {
                        u16::from_le_bytes([c[0], c[1]])
                    } else {
                        u16::from_be_bytes([c[0], c[1]])
                    }
                })
                .collect();
            let text = String::from_utf16(&words).ok()?;
            Some(
                text.strip_prefix('\u{feff}')
                    .map(str::to_owned)
                    .unwrap_or(text),
            )
        }
        "utf-32" | "utf-32be" | "utf-32le" | "ucs-4" => {
            units(4)?;
            let little = name == "utf-32le";
            bytes
                .chunks(4)
                .map(|c| {
                    let n = if little {
                        u32::from_le_bytes([c[0], c[1], c[2], c[3]])
                    } else {
                        u32::from_be_bytes([c[0], c[1], c[2], c[3]])
                    };
                    char::from_u32(n)
                })
                .collect()
        }
        _ => Some(to_utf8(bytes, Some(&name))),
    }
}

/// Bytes in `charset` (`None`: raw header text, taken as UTF-8) as UTF-8.
pub(crate) fn to_utf8(text: &[u8], charset: Option<&str>) -> String {
    // RFC 2231 §5: `charset*language`.
    let name = charset
        .map(|c| c.split('*').next().unwrap_or(c).to_ascii_lowercase())
        .unwrap_or_default();
    match name.as_str() {
        "iso-8859-1" | "latin1" | "iso_8859-1" => text.iter().map(|&b| char::from(b)).collect(),
        "iso-8859-15" | "latin9" => text.iter().map(|&b| latin9(b)).collect(),
        "windows-1252" | "cp1252" => text.iter().map(|&b| cp1252(b)).collect(),
        _ => String::from_utf8_lossy(text).into_owned(),
    }
}

/// ISO-8859-15: Latin-1 with eight code points changed (the euro sign and others).
fn latin9(b: u8) -> char {
    match b {
        0xA4 => '€',
        0xA6 => 'Š',
        0xA8 => 'š',
        0xB4 => 'Ž',
        0xB8 => 'ž',
        0xBC => 'Œ',
        0xBD => 'œ',
        0xBE => 'Ÿ',
        _ => char::from(b),
    }
}

/// windows-1252: Latin-1 with 0x80–0x9F used for printable characters.
fn cp1252(b: u8) -> char {
    const HIGH: [char; 32] = [
        '€', '\u{81}', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', '\u{8D}', 'Ž',
        '\u{8F}', '\u{90}', '‘', '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', '\u{9D}',
        'ž', 'Ÿ',
    ];
    match b {
        0x80..=0x9F => HIGH[usize::from(b - 0x80)],
        _ => char::from(b),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn charsets_search_accepts() {
        for name in [
            "UTF-8",
            "us-ascii",
            "ISO-8859-1",
            "iso-8859-15",
            "windows-1252",
            "UTF-7",
            "BIG5",
            "latin2",
            "",
        ] {
            assert!(known_charset(name), "{name}");
        }
        for name in ["FOO", "iso-8859-12", "utf-9", "windows-1259"] {
            assert!(!known_charset(name), "{name}");
        }
    }

    #[test]
    fn search_strings_are_converted_or_refused() {
        assert_eq!(
            search_string(b"\xfcber", "ISO-8859-1").as_deref(),
            Some("über")
        );
        assert_eq!(
            search_string("über".as_bytes(), "US-ASCII").as_deref(),
            Some("über")
        );
        assert_eq!(search_string(b"\xff\xfe", "UTF-8"), None);
        assert_eq!(search_string(b"x", "UTF-16"), None);
        assert_eq!(
            search_string(b"\x00x\x00y", "UTF-16").as_deref(),
            Some("xy")
        );
        assert_eq!(search_string(b"xy", "UTF-32"), None);
        assert_eq!(search_string(b"\x80", "windows-1252").as_deref(), Some("€"));
    }
}
