//! Swedish personal identity numbers: *personnummer* and *samordningsnummer*.
//!
//! utklar needs no identity: an `episode_id` or `patient_id` is any pseudonymous key. A value
//! that is a real personal identity number should never have left the hospital's systems, so
//! the input layer counts them per column ([`PersonalIdScan`]) and refuses them by default
//! ([`Error::PersonalData`], naming the column and how many values, never a value), unless the
//! caller allows them (`allow_personal_ids`).
//!
//! [`is_personal_id`] recognises, after trimming white space:
//!
//! - 10 digits `YYMMDDNNNC`, or 12 digits `YYYYMMDDNNNC`, optionally with `-` or `+` before
//!   the last four (`YYMMDD-NNNC`, `YYMMDD+NNNC`, `YYYYMMDD-NNNC`);
//! - a valid date part: month 01–12 and a day that exists in that month, or that day plus 60
//!   (*samordningsnummer*). With 12 digits the century is given and 29 February needs a leap
//!   year; with 10 digits any century will do (29 February when `YY` is a multiple of 4);
//! - a valid check digit `C`: the Luhn sum over the 10-digit form `YYMMDDNNN`.
//!
//! About one random 10-digit number in 30 passes these tests, so a column of numeric ids of
//! that length can raise a false alarm; the caller who knows its keys are not identities
//! allows them.
//!
//! ```
//! use utklar_core::personal_id::{is_personal_id, PersonalIdScan};
//!
//! assert!(is_personal_id("19121212-1212"));
//! assert!(is_personal_id("121212+1212"));
//! assert!(is_personal_id("701063-2391")); // samordningsnummer: day 3 + 60
//! assert!(!is_personal_id("19121212-1213")); // wrong check digit
//! assert!(!is_personal_id("E000123"));
//!
//! let mut scan = PersonalIdScan::new();
//! for id in ["E1", "191212121212", "E3"] {
//!     scan.check("episode_id", id);
//! }
//! assert_eq!(scan.count("episode_id"), 1);
//! let err = scan.result().unwrap_err();
//! assert!(err.to_string().contains("episode_id") && !err.to_string().contains("1212"));
//! ```

use crate::error::Error;

/// What a message shows in place of a name or text that is a personal identity number.
pub const MASK: &str = "(a personal identity number)";

/// `s`, or [`MASK`] when `s` is a personal identity number: for messages that list names
/// taken from the data (a header's column names), which must never show one.
///
/// ```
/// use utklar_core::personal_id::shown;
/// assert_eq!(shown("episode_id"), "episode_id");
/// assert_eq!(shown("19121212-1212"), "(a personal identity number)");
/// ```
pub fn shown(s: &str) -> &str {
    if is_personal_id(s) {
        MASK
    } else {
        s
    }
}

/// Whether `s` (trimmed) is a Swedish personal identity number or coordination number: 10 or
/// 12 digits, optionally `-` or `+` before the last four, a valid date part and Luhn check
/// digit (see the [module](self)).
#[inline]
pub fn is_personal_id(s: &str) -> bool {
    // Trimming only shortens: fewer than 10 bytes can hold none (most keys; no trim needed,
    // and no call).
    s.len() >= 10 && is_long_personal_id(s)
}

/// [`is_personal_id`] of a text of 10 bytes or more.
fn is_long_personal_id(s: &str) -> bool {
    let b = crate::text::trim(s).as_bytes();
    // The digits, without the separator; at most 12.
    let mut digits = [0u8; 12];
    let n = match b.len() {
        10 | 12 => {
            if !b.iter().all(u8::is_ascii_digit) {
                return false;
            }
            digits[..b.len()].copy_from_slice(b);
            b.len()
        }
        11 | 13 => {
            let sep = b.len() - 5;
            if !matches!(b[sep], b'-' | b'+')
                || !b[..sep].iter().all(u8::is_ascii_digit)
                || !b[sep + 1..].iter().all(u8::is_ascii_digit)
            {
                return false;
            }
            digits[..sep].copy_from_slice(&b[..sep]);
            digits[sep..b.len() - 1].copy_from_slice(&b[sep + 1..]);
            b.len() - 1
        }
        _ => return false,
    };
    let mut d = [0u32; 12];
    for (x, &c) in d.iter_mut().zip(&digits[..n]) {
        *x = u32::from(c - b'0');
    }
    let d = &d[..n];
    let (century, ten) = if n == 12 {
        (Some(d[0] * 10 + d[1]), &d[2..])
    } else {
        (None, d)
    };
    let yy = ten[0] * 10 + ten[1];
    let month = ten[2] * 10 + ten[3];
    let mut day = ten[4] * 10 + ten[5];
    if day > 60 {
        day -= 60;
    }
    let leap = match century {
        Some(c) => {
            let y = c * 100 + yy;
            (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
        }
        // Some century makes it a leap year: 2000 for 00, any for the other multiples of 4.
        None => yy % 4 == 0,
    };
    let days_in_month = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return false,
    };
    if !(1..=days_in_month).contains(&day) {
        return false;
    }
    luhn_check_digit(&ten[..9]) == ten[9]
}

/// The Luhn check digit of nine digits (weights 2, 1, 2, … from the left).
fn luhn_check_digit(nine: &[u32]) -> u32 {
    let sum: u32 = nine
        .iter()
        .enumerate()
        .map(|(i, &x)| {
            let p = if i % 2 == 0 { x * 2 } else { x };
            p / 10 + p % 10
        })
        .sum();
    (10 - sum % 10) % 10
}

/// How many values of each column look like personal identity numbers.
///
/// Columns are kept in the order first seen; [`PersonalIdScan::result`] reports the first
/// column with any. Counting costs a length check for most values (ids of other lengths).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PersonalIdScan {
    counts: Vec<(String, u64)>,
}

impl PersonalIdScan {
    /// No values seen.
    pub fn new() -> Self {
        PersonalIdScan::default()
    }

    /// Looks at one value of column `field`; returns whether it is a personal identity number
    /// (and counts it).
    pub fn check(&mut self, field: &str, value: &str) -> bool {
        let hit = is_personal_id(value);
        if hit {
            self.add(field, 1);
        }
        hit
    }

    /// Adds `count` personal identity numbers to column `field`.
    pub fn add(&mut self, field: &str, count: u64) {
        if count == 0 {
            return;
        }
        match self.counts.iter_mut().find(|(f, _)| f == field) {
            Some((_, c)) => *c = c.saturating_add(count),
            None => self.counts.push((field.to_string(), count)),
        }
    }

    /// Adds the counts of another scan (of another part of the same input).
    pub fn merge(&mut self, other: &PersonalIdScan) {
        for (f, c) in &other.counts {
            self.add(f, *c);
        }
    }

    /// The count of one column.
    pub fn count(&self, field: &str) -> u64 {
        self.counts
            .iter()
            .find(|(f, _)| f == field)
            .map_or(0, |(_, c)| *c)
    }

    /// The columns with at least one, and their counts, in the order first seen.
    pub fn fields(&self) -> impl Iterator<Item = (&str, u64)> + '_ {
        self.counts.iter().map(|(f, c)| (f.as_str(), *c))
    }

    /// The count over all columns.
    pub fn total(&self) -> u64 {
        self.counts
            .iter()
            .fold(0u64, |a, (_, c)| a.saturating_add(*c))
    }

    /// Whether no value looked like a personal identity number.
    pub fn is_clean(&self) -> bool {
        self.counts.is_empty()
    }

    /// `Ok` when no value looked like one; otherwise [`Error::PersonalData`] naming the first
    /// column with any and its count.
    pub fn result(&self) -> Result<(), Error> {
        match self.counts.first() {
            None => Ok(()),
            Some((field, count)) => Err(Error::PersonalData {
                field: field.clone(),
                count: *count,
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn known_valid_numbers() {
        for s in [
            "19121212-1212",
            "121212-1212",
            "191212121212",
            "121212+1212",
            "1212121212",
            "201212121212", // the same number, another century: the check digit is the same
            "701063-2391",  // samordningsnummer
            "19701063-2391",
            "7010632391",
            " 19121212-1212 ",
            "20000229-0005", // 29 February 2000
            "000229-0005",
            "040229-0001", // 29 February 1904 or 2004
            "19121212+1212",
        ] {
            assert!(is_personal_id(s), "{s}");
        }
    }

    #[test]
    fn known_invalid_numbers() {
        for s in [
            "19121212-1213", // bad Luhn
            "121212-1211",
            "19121312-1212", // month 13
            "191200121212",  // month 00
            "19121232-1212", // day 32
            "19121200-1212", // day 00
            "19120431-1212", // 31 April
            "19000229-0005", // 1900 was no leap year (the check digit is right)
            "190229-0004",   // never a leap year with 19
            "19121292-1212", // day 32 + 60
            "121212121",     // 9 digits
            "12121212121",   // 11 digits
            "1912121212123", // 13 digits
            "12121-21212",
            "121212*1212",
            "19121212--212",
            "12121A-1212",
            "ABCDEFGHIJ",
            "",
            "E000123",
            "0880",
            "19121212 1212",
            "１２１２１２-１２１２", // full-width digits
        ] {
            assert!(!is_personal_id(s), "{s}");
        }
    }

    #[test]
    fn scans_count_per_column_and_never_show_a_value() {
        let mut a = PersonalIdScan::new();
        assert!(a.result().is_ok() && a.is_clean());
        assert!(a.check("patient_id", "19121212-1212"));
        assert!(!a.check("patient_id", "P1"));
        assert!(a.check("episode_id", "121212+1212"));
        assert!(a.check("patient_id", "191212121212"));
        let mut b = PersonalIdScan::new();
        b.check("episode_id", "701063-2391");
        a.merge(&b);
        assert_eq!(a.count("patient_id"), 2);
        assert_eq!(a.count("episode_id"), 2);
        assert_eq!(a.count("other"), 0);
        assert_eq!(a.total(), 4);
        assert_eq!(
            a.fields().collect::<Vec<_>>(),
            [("patient_id", 2), ("episode_id", 2)]
        );
        let err = a.result().unwrap_err();
        assert_eq!(
            err,
            Error::PersonalData {
                field: "patient_id".into(),
                count: 2
            }
        );
        let msg = err.to_string();
        assert!(msg.contains("`patient_id`") && msg.contains('2'), "{msg}");
        assert!(msg.contains("allow_personal_ids"), "{msg}");
        assert!(!msg.contains("1212") && !msg.contains("2391"), "{msg}");
    }

    /// A valid number: (century, yy, month, day, samordning, serial) → its forms.
    fn forms(
        c: u32,
        yy: u32,
        month: u32,
        day: u32,
        coord: bool,
        serial: u32,
    ) -> (Vec<String>, u32) {
        let dd = if coord { day + 60 } else { day };
        let nine = format!("{yy:02}{month:02}{dd:02}{serial:03}");
        let digits: Vec<u32> = nine.bytes().map(|b| u32::from(b - b'0')).collect();
        let check = luhn_check_digit(&digits);
        let (head, tail) = (&nine[..6], format!("{}{check}", &nine[6..]));
        let forms = vec![
            format!("{head}{tail}"),
            format!("{head}-{tail}"),
            format!("{head}+{tail}"),
            format!("{c}{head}{tail}"),
            format!("{c}{head}-{tail}"),
        ];
        (forms, check)
    }

    fn valid_parts() -> impl Strategy<Value = (u32, u32, u32, u32, bool, u32)> {
        (18u32..=20, 0u32..100, 1u32..=12, any::<bool>(), 0u32..1000).prop_flat_map(
            |(c, yy, month, coord, serial)| {
                let y = c * 100 + yy;
                let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
                let days = match month {
                    2 if leap => 29u32,
                    2 => 28,
                    4 | 6 | 9 | 11 => 30,
                    _ => 31,
                };
                (
                    Just(c),
                    Just(yy),
                    Just(month),
                    1u32..=days,
                    Just(coord),
                    Just(serial),
                )
            },
        )
    }

    proptest! {
        #[test]
        fn a_valid_number_is_detected_in_every_form(
            (c, yy, month, day, coord, serial) in valid_parts(),
        ) {
            let (forms, _) = forms(c, yy, month, day, coord, serial);
            for f in &forms {
                prop_assert!(is_personal_id(f), "{f}");
            }
        }

        #[test]
        fn another_check_digit_is_not(
            (c, yy, month, day, coord, serial) in valid_parts(),
            other in 1u32..10,
        ) {
            let (forms, check) = forms(c, yy, month, day, coord, serial);
            let wrong = char::from_digit((check + other) % 10, 10).unwrap();
            for f in &forms {
                let mut s = f.clone();
                s.pop();
                s.push(wrong);
                prop_assert!(!is_personal_id(&s), "{s}");
            }
        }

        #[test]
        fn any_text_is_answered(s in "\\PC{0,20}") {
            let _ = is_personal_id(&s);
        }
    }
}
