//! Dates the mock server needs: IMAP's INTERNALDATE (`25-Jun-2024 09:12:00 +0000`),
//! SEARCH dates (`27-Jun-2024`) and the RFC 5322 `Date:` header, for SENT* keys.
//!
//! Why by hand: three small formats and a day count are all the mock needs, and the
//! conversions must match Dovecot's output exactly (two-digit day, `+0000`).
//! Times are kept as Unix seconds and shown in UTC, as a Dovecot running with TZ=UTC
//! (the lab's setting) shows them: an APPEND date given in `+0200` comes back in `+0000`.

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

/// The day an RFC 5322 `Date:` header names, as written (time and zone ignored, as
/// RFC 3501 §6.4.4 says for SENTBEFORE/SENTON/SENTSINCE). `None` if unreadable.
/// `Tue, 25 Jun 2024 09:12:00 +0000` → days of 2024-06-25.
pub(crate) fn days_of_header_date(value: &str) -> Option<i64> {
    let value = match value.split_once(',') {
        Some((_, rest)) => rest,
        None => value,
    };
    let mut words = value.split_whitespace();
    let d: u32 = words.next()?.parse().ok()?;
    let m = month_number(words.next()?)?;
    let y: i64 = words.next()?.parse().ok()?;
    // Two-digit years (RFC 5322 §4.3, obsolete syntax).
    let y = match y {
        0..=49 => y + 2000,
        50..=999 => y + 1900,
        _ => y,
    };
    Some(days_from_civil(y, m, d))
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
    fn days() {
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(civil_from_days(days_from_civil(2024, 2, 29)), (2024, 2, 29));
        assert_eq!(
            days_of_date_text("27-Jun-2024"),
            Some(days_from_civil(2024, 6, 27))
        );
        assert_eq!(days_of_date_text("notadate"), None);
        assert_eq!(
            days_of_header_date("Tue, 25 Jun 2024 09:12:00 +0000"),
            Some(days_from_civil(2024, 6, 25))
        );
        assert_eq!(
            days_of_header_date("25 Jun 2024 09:12 GMT"),
            Some(days_from_civil(2024, 6, 25))
        );
    }
}
