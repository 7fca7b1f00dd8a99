//! Text helpers at the bottom of the crate: trimming cells without allocating.

/// Whether a byte is printable ASCII other than the space (`!` … `~`): such a byte is a whole
/// character and never white space. Two comparisons, where `char::is_whitespace` takes a
/// table; every other byte is left to `str::trim`.
#[inline]
fn plain(b: u8) -> bool {
    b.wrapping_sub(b'!') < b'\x7f' - b'!'
}

/// `s.trim()`, without looking further when the first and last bytes are printable ASCII
/// (the common case of a cell with nothing around its value).
#[inline]
pub(crate) fn trim(s: &str) -> &str {
    match s.as_bytes() {
        [first, .., last] if plain(*first) && plain(*last) => s,
        [only] if plain(*only) => s,
        _ => s.trim(),
    }
}

/// `s.trim().is_empty()`, without trimming when the first byte is printable ASCII.
#[inline]
pub(crate) fn is_blank(s: &str) -> bool {
    match s.as_bytes().first() {
        None => true,
        Some(&b) if plain(b) => false,
        Some(_) => s.trim().is_empty(),
    }
}

/// The `N` bytes of `b` from `at` (which must be in `b`), as an array: a fixed-size word to
/// read with `from_le_bytes` or `from_be_bytes`, without a copy of variable length.
#[inline]
pub(crate) fn bytes_at<const N: usize>(b: &[u8], at: usize) -> [u8; N] {
    let mut w = [0u8; N];
    w.copy_from_slice(&b[at..at + N]);
    w
}

/// Öre as kronor with a space every three digits and two decimals (`-1 234 567.08`), exact
/// for any `i128`.
pub(crate) fn kronor_i128(ore: i128) -> String {
    let sign = if ore < 0 { "-" } else { "" };
    let abs = ore.unsigned_abs();
    let (kr, rest) = (abs / 100, abs % 100);
    let digits = kr.to_string();
    let mut grouped = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            grouped.push(' ');
        }
        grouped.push(c);
    }
    format!("{sign}{grouped}.{rest:02}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kronor_are_grouped_and_exact() {
        assert_eq!(kronor_i128(0), "0.00");
        assert_eq!(kronor_i128(5), "0.05");
        assert_eq!(kronor_i128(123_456), "1 234.56");
        assert_eq!(kronor_i128(-100_000_000), "-1 000 000.00");
        assert_eq!(
            kronor_i128(i128::from(i64::MAX)),
            "92 233 720 368 547 758.07"
        );
        assert_eq!(
            kronor_i128(i128::MIN),
            "-1 701 411 834 604 692 317 316 873 037 158 841 057.28"
        );
    }

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
            "!",
            "~",
            "\u{7f}",
            "\u{1f}a",
            "a\0",
        ] {
            assert_eq!(trim(s), s.trim(), "{s:?}");
            assert_eq!(is_blank(s), s.trim().is_empty(), "{s:?}");
        }
        // Every byte below 0x80 at either end, alone and around a letter.
        for b in 0..0x80u8 {
            let c = char::from(b);
            assert_eq!(plain(b), c.is_ascii_graphic(), "{b:#x}");
            for s in [
                c.to_string(),
                format!("{c}a"),
                format!("a{c}"),
                format!("{c}a{c}"),
            ] {
                assert_eq!(trim(&s), s.trim(), "{s:?}");
                assert_eq!(is_blank(&s), s.trim().is_empty(), "{s:?}");
            }
        }
    }
}
