//! "Did you mean": the one edit distance the diagnostics use to find a likely typo.

/// Edit distance, ignoring case: how many one-letter insertions, deletions, changes or
/// swaps of neighbours turn `a` into `b` (optimal string alignment). Swaps count once
/// because `FECTH` is one slip of the fingers, not two.
pub(crate) fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<u8> = a.bytes().map(|c| c.to_ascii_uppercase()).collect();
    let b: Vec<u8> = b.bytes().map(|c| c.to_ascii_uppercase()).collect();
    let width = b.len() + 1;
    let mut d = vec![0usize; (a.len() + 1) * width];
    for i in 0..=a.len() {
        for j in 0..=b.len() {
            d[i * width + j] = if i == 0 || j == 0 {
                i + j
            } else {
                let change = d[(i - 1) * width + j - 1] + usize::from(a[i - 1] != b[j - 1]);
                let mut best = change
                    .min(d[(i - 1) * width + j] + 1)
                    .min(d[i * width + j - 1] + 1);
                if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                    best = best.min(d[(i - 2) * width + j - 2] + 1);
                }
                best
            };
        }
    }
    d[a.len() * width + b.len()]
}

/// The candidate closest to `word`, if it is close enough to be a likely typo: at most
/// two edits, and at most a third of the word, so short words do not match everything.
pub(crate) fn nearest<'c>(word: &str, candidates: &[&'c str]) -> Option<&'c str> {
    let (best, distance) = candidates
        .iter()
        .map(|c| (*c, edit_distance(word, c)))
        .min_by_key(|&(_, d)| d)?;
    (distance > 0 && distance <= 2 && distance * 3 <= word.len().max(3)).then_some(best)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typos_are_near_and_strangers_are_not() {
        assert_eq!(edit_distance("FECTH", "fetch"), 1);
        assert_eq!(edit_distance("FETCHH", "FETCH"), 1);
        assert_eq!(edit_distance("", "ID"), 2);
        assert_eq!(
            nearest("+FLAG", &["FLAGS", "+FLAGS", "-FLAGS"]),
            Some("+FLAGS")
        );
        assert_eq!(nearest("HELLO", &["NOOP", "LOGOUT", "CLOSE"]), None);
        // Two edits are too many for a two-letter word.
        assert_eq!(nearest("XY", &["TO"]), None);
        assert_eq!(nearest("TX", &["TO"]), Some("TO"));
    }
}
