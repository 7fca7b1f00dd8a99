//! Text helpers at the bottom of the crate: trimming cells without allocating.

/// `s.trim()`, without looking further when the first and last bytes are ASCII and not white
/// space (the common case of a cell with nothing around its value).
#[inline]
pub(crate) fn trim(s: &str) -> &str {
    let plain = |b: u8| b.is_ascii() && !(b as char).is_whitespace();
    match s.as_bytes() {
        [first, .., last] if plain(*first) && plain(*last) => s,
        [only] if plain(*only) => s,
        _ => s.trim(),
    }
}

/// `s.trim().is_empty()`, without trimming when the first byte is plainly not white space.
#[inline]
pub(crate) fn is_blank(s: &str) -> bool {
    match s.as_bytes().first() {
        None => true,
        Some(&b) if b.is_ascii() && !(b as char).is_whitespace() => false,
        Some(_) => s.trim().is_empty(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_quick_trim_is_the_trim() {
        for s in [
            "",
            " ",
            "a",
            " a",
            "a ",
            " a ",
            "ab",
            "\u{a0}a",
            "a\u{a0}",
            "\u{85}",
            "\u{b}a",
            "a\u{c}",
            "\u{2003}",
            "é",
            " é ",
            "\té\r\n",
            "0880",
            "\u{1f600}",
        ] {
            assert_eq!(trim(s), s.trim(), "{s:?}");
            assert_eq!(is_blank(s), s.trim().is_empty(), "{s:?}");
        }
    }
}
