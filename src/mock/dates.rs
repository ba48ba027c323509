//! Dates the mock server needs: IMAP's INTERNALDATE (`25-Jun-2024 09:12:00 +0000`),
//! SEARCH dates (`27-Jun-2024`) and the RFC 5322 `Date:` header, for SENT* keys, SORT
//! and THREAD.
//!
//! Why by hand: three small formats and a day count are all the mock needs, and the
//! conversions must match Dovecot's output exactly (two-digit day, `+0000`).
//! Times are kept as Unix seconds and shown in UTC, as a Dovecot running with TZ=UTC
//! (the lab's setting) shows them: an APPEND date given in `+0200` comes back in `+0000`.

use super::rfc822::Cursor;
use crate::grammar::core::MONTHS;

/// Days since 1970-01-01 of a civil date (proleptic Gregorian).
pub(crate) fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let mp = (m as i64 + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d as i64 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146097 + doe - 719468
}

/// The civil date of a day count since 1970-01-01.
pub(crate) fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719468;
    let era = if z >= 0 { z } else { z - 146096 } / 146097;
    let doe = z - era * 146097;
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

fn month_number(name: &str) -> Option<u32> {
    MONTHS
        .iter()
        .position(|m| m.eq_ignore_ascii_case(name))
        .map(|i| i as u32 + 1)
}

/// `date-time` as IMAP writes it: `"25-Jun-2024 09:12:00 +0000"` (quotes optional,
/// day may be space-padded). Returns Unix seconds.
pub fn parse_internal_date(text: &str) -> Option<i64> {
    let text = text.trim_matches('"').trim_start();
    let (date, rest) = text.split_once(' ')?;
    let (time, zone) = rest.split_once(' ')?;
    let day = days_of_date_text(date)?;
    let mut hms = time.split(':').map(|p| p.parse::<i64>().ok());
    let (h, mi, s) = (hms.next()??, hms.next()??, hms.next()??);
    if hms.next().is_some() || h > 23 || mi > 59 || s > 60 {
        return None;
    }
    let offset = parse_zone(zone)?;
    Some(day * 86400 + h * 3600 + mi * 60 + s - offset)
}

/// `+0200` → seconds east of UTC.
fn parse_zone(zone: &str) -> Option<i64> {
    let b = zone.as_bytes();
    if b.len() != 5 || !(b[0] == b'+' || b[0] == b'-') || !b[1..].iter().all(u8::is_ascii_digit) {
        return None;
    }
    let hh: i64 = zone[1..3].parse().ok()?;
    let mm: i64 = zone[3..5].parse().ok()?;
    let secs = hh * 3600 + mm * 60;
    Some(if b[0] == b'-' { -secs } else { secs })
}

/// `date-text = date-day "-" date-month "-" date-year` → days since the epoch.
pub(crate) fn days_of_date_text(text: &str) -> Option<i64> {
    let text = text.trim_matches('"');
    let mut parts = text.split('-');
    let (d, m, y) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() || d.is_empty() || d.len() > 2 || y.len() != 4 {
        return None;
    }
    let d: u32 = d.trim().parse().ok()?;
    let y: i64 = y.parse().ok()?;
    let m = month_number(m)?;
    if d == 0 || d > 31 {
        return None;
    }
    Some(days_from_civil(y, m, d))
}

/// INTERNALDATE as Dovecot prints it, in UTC: `25-Jun-2024 09:12:00 +0000`.
pub fn format_internal_date(unix: i64) -> String {
    let days = unix.div_euclid(86400);
    let secs = unix.rem_euclid(86400);
    let (y, m, d) = civil_from_days(days);
    format!(
        "{:02}-{}-{:04} {:02}:{:02}:{:02} +0000",
        d,
        MONTHS[(m - 1) as usize],
        y,
        secs / 3600,
        secs % 3600 / 60,
        secs % 60
    )
}

/// The calendar day of a Unix time, in UTC (SEARCH BEFORE/ON/SINCE compare days).
pub(crate) fn day_of(unix: i64) -> i64 {
    unix.div_euclid(86400)
}

/// The sent date as Dovecot keeps it (RFC 5256 §2.2 for SORT and THREAD, RFC 9051
/// §6.4.4 for SENT*): the moment the Date field names, in Unix seconds, with its zone
/// in minutes east of UTC, stored as Dovecot's index stores it, an unsigned 32-bit
/// number: a date before 1970 wraps around to the 2100s, and a missing or unreadable
/// date is 0 (then SORT and THREAD use INTERNALDATE, and SENT* see the epoch).
pub(crate) fn sent_date(value: Option<&[u8]>) -> (i64, i64) {
    match value.and_then(sent_time) {
        Some((t, zone)) => (i64::from(t as u32), zone),
        None => (0, 0),
    }
}

/// The moment a `Date:` field names (Unix seconds, possibly before 1970) and its zone
/// (minutes east of UTC), as Dovecot's `message_date_parse` reads it; `None` if it
/// cannot.
///
/// `[day-name ","] day month year hour ":" minute [":" second] [zone]`, tokens
/// separated by whitespace and comments; `.` may stand for `:`; a two-digit year is
/// 1970–2069; a zone it does not know (and no zone) is UTC; `EST`, `PDT`... and the
/// military letters are known.
pub(crate) fn sent_time(value: &[u8]) -> Option<(i64, i64)> {
    let mut c = Cursor::new(value);
    let _ = c.skip_lwsp();
    let mut token = next_token(&mut c)?;
    if token.len() == 3 && !token[0].is_ascii_digit() {
        // A day name must be followed by a comma.
        if !c.at(b',') {
            return None;
        }
        c.bump();
        let _ = c.skip_lwsp();
        token = next_token(&mut c)?;
    }
    let day = digits(&token, 1..=2)?;
    let month = next_token(&mut c).filter(|m| m.len() >= 3).and_then(|m| {
        MONTHS
            .iter()
            .position(|name| name.as_bytes().eq_ignore_ascii_case(&m[..3]))
    })? as u32
        + 1;
    let year_text = next_token(&mut c)?;
    let year = digits(&year_text, 2..=4)?;
    let year = match year_text.len() {
        2 if year < 70 => year + 2000,
        2 => year + 1900,
        4 if year >= 1900 => year,
        _ => return None,
    };
    let hour = digits(&next_token(&mut c)?, 1..=2)?;
    let is_sep = |c: &Cursor| c.at(b':') || c.at(b'.');
    if !is_sep(&c) {
        return None;
    }
    c.bump();
    let _ = c.skip_lwsp();
    let minute = digits(&next_token(&mut c)?, 2..=2)?;
    let mut second = 0;
    if is_sep(&c) {
        c.bump();
        let _ = c.skip_lwsp();
        second = digits(&next_token(&mut c)?, 2..=2)?;
    }
    let zone = if c.at_end() {
        Some(Vec::new())
    } else {
        next_token(&mut c)
    };
    let offset = zone_offset(&zone?);
    if day > 31 || hour > 23 || minute > 59 || second > 60 {
        return None;
    }
    let days = days_from_civil(year, month, day as u32);
    // 30 Feb is no date (Dovecot's utc_mktime checks the fields it gets back).
    if civil_from_days(days) != (year, month, day as u32) {
        return None;
    }
    Some((
        days * 86400 + hour * 3600 + minute * 60 + second - offset * 60,
        offset,
    ))
}

/// The next atom of a date, or `None` where there is none.
fn next_token(c: &mut Cursor<'_>) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    if c.at_end() || !c.atom(&mut out).ok() {
        return None;
    }
    Some(out)
}

/// `text` as a number if it is all digits, of a length in `len`.
fn digits(text: &[u8], len: std::ops::RangeInclusive<usize>) -> Option<i64> {
    if !len.contains(&text.len()) || !text.iter().all(u8::is_ascii_digit) {
        return None;
    }
    std::str::from_utf8(text).ok()?.parse().ok()
}

/// A zone in minutes east of UTC: `+0200`, `EST`, `PDT`, a military letter; UTC for
/// anything else (Dovecot prefers a mostly right answer to none).
fn zone_offset(zone: &[u8]) -> i64 {
    match zone {
        [sign @ (b'+' | b'-'), rest @ ..]
            if rest.len() == 4 && rest.iter().all(u8::is_ascii_digit) =>
        {
            let n = |i: usize| i64::from(rest[i] - b'0');
            let minutes = (n(0) * 10 + n(1)) * 60 + n(2) * 10 + n(3);
            if *sign == b'+' {
                minutes
            } else {
                -minutes
            }
        }
        [letter] => {
            let l = letter.to_ascii_uppercase();
            let from = |base: u8| i64::from(l) - i64::from(base);
            match l {
                b'A'..=b'I' => (from(b'A') + 1) * 60,
                b'K'..=b'M' => from(b'A') * 60,
                b'N'..=b'Y' => -(from(b'M')) * 60,
                _ => 0,
            }
        }
        [a, b, b'T'] => {
            let base = match a.to_ascii_uppercase() {
                b'E' => -5 * 60,
                b'C' => -6 * 60,
                b'M' => -7 * 60,
                b'P' => -8 * 60,
                _ => return 0,
            };
            match b.to_ascii_uppercase() {
                b'D' => base + 60,
                b'S' => base,
                _ => 0,
            }
        }
        _ => 0,
    }
}

/// Now, in Unix seconds: the INTERNALDATE of an APPEND without a date.
pub fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn internal_dates_round_trip_in_utc() {
        let t = parse_internal_date("25-Jun-2024 09:12:00 +0000").unwrap();
        assert_eq!(format_internal_date(t), "25-Jun-2024 09:12:00 +0000");
        let t = parse_internal_date("\" 1-Jul-2024 10:00:00 +0200\"").unwrap();
        assert_eq!(format_internal_date(t), "01-Jul-2024 08:00:00 +0000");
        assert_eq!(parse_internal_date("bad-date"), None);
    }

    #[test]
    fn sent_times_as_dovecot_reads_them() {
        let t = |s: &str| sent_time(s.as_bytes()).map(|(t, _)| t);
        let utc = |y, m, d, h: i64, mi: i64| days_from_civil(y, m, d) * 86400 + h * 3600 + mi * 60;
        assert_eq!(
            t("Mon, 01 Jul 2024 09:00:00 +0200"),
            Some(utc(2024, 7, 1, 7, 0))
        );
        assert_eq!(t("4 Jul 2024 10:00:00 EST"), Some(utc(2024, 7, 4, 15, 0)));
        assert_eq!(t("Thu, 4 Jul 24 10:00 +0000"), Some(utc(2024, 7, 4, 10, 0)));
        assert_eq!(
            t("Tue, 02 Jul 2024 10:00:00 GMT"),
            Some(utc(2024, 7, 2, 10, 0))
        );
        assert_eq!(
            t("Thu,\r\n 13 Feb 2025 23.32 (a comment) -0330 (Newfoundland)"),
            Some(utc(2025, 2, 14, 3, 2))
        );
        // Unknown zones are UTC; no zone too.
        assert_eq!(t("1 Jul 2024 10:00 XYZ"), Some(utc(2024, 7, 1, 10, 0)));
        assert_eq!(t("1 Jul 2024 10:00"), Some(utc(2024, 7, 1, 10, 0)));
        assert_eq!(t("yesterday, around noon"), None);
        assert_eq!(t("Mon 01 Jul 2024 09:00"), None);
        assert_eq!(t("30 Feb 2024 10:00"), None);
        assert_eq!(t(""), None);
        // As Dovecot stores it: before 1970 wraps around; unreadable is 0.
        let stored = |s: &str| sent_date(Some(s.as_bytes())).0;
        assert_eq!(
            stored("Thu, 13 Feb 1969 23:32:54 -0330"),
            utc(1969, 2, 14, 3, 2) + 54 + (1 << 32)
        );
        assert_eq!(stored("yesterday"), 0);
        assert_eq!(sent_date(None), (0, 0));
    }

    #[test]
    fn days() {
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(civil_from_days(days_from_civil(2024, 2, 29)), (2024, 2, 29));
        assert_eq!(
            days_of_date_text("27-Jun-2024"),
            Some(days_from_civil(2024, 6, 27))
        );
        assert_eq!(days_of_date_text("notadate"), None);
    }
}
