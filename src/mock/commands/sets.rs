//! Message sets: which messages a sequence set names in a client's view, and how the
//! mock writes a set of numbers back.

use super::*;

/// A sequence set naming messages that do not exist (`BAD ... Invalid messageset`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct InvalidSet;

/// The message numbers (0-based indexes into the view) a set names.
/// For sequence numbers, a number past the end (or any number in an empty mailbox)
/// makes the whole set invalid, as Dovecot says: `BAD ... Invalid messageset`.
/// For UIDs, UIDs that do not exist are simply not there (RFC 9051 §6.4.8).
/// `$` names the messages of the saved result that are still there, whether the
/// command is a UID command or not (RFC 5182 §2.2), and is never invalid.
pub(crate) fn resolve(
    view: &SelectedView,
    set: &SequenceSet,
    uid: bool,
) -> Result<Vec<usize>, InvalidSet> {
    let SequenceSet::Ranges(ranges) = set else {
        return Ok(view
            .saved
            .iter()
            .filter_map(|&u| view.index_of(u))
            .collect());
    };
    if uid {
        let largest = view.uids.last().copied().unwrap_or(0);
        return Ok((0..view.uids.len())
            .filter(|&i| set.contains(view.uids[i], largest))
            .collect());
    }
    let count = view.uids.len() as u32;
    if count == 0 {
        return Err(InvalidSet);
    }
    for &(a, b) in ranges {
        for n in std::iter::once(a).chain(b) {
            if let crate::grammar::sequence::SeqNumber::Value(v) = n {
                if v > count || v == 0 {
                    return Err(InvalidSet);
                }
            }
        }
    }
    Ok((0..view.uids.len())
        .filter(|&i| set.contains(i as u32 + 1, count))
        .collect())
}

/// `1:3,5` from sorted numbers: how COPYUID, VANISHED and ESEARCH write sets.
pub(crate) fn compress(numbers: &[u32]) -> String {
    SequenceSet::from_numbers(numbers).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sets_compress() {
        assert_eq!(compress(&[1, 2, 3, 5, 7, 8]), "1:3,5,7:8");
        assert_eq!(compress(&[4]), "4");
    }
}
