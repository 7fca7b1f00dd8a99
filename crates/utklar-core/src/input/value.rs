//! Typed cells and the one rule set that turns each into a field's value.
//!
//! Every source hands its cells over as a [`Value`]: a CSV reader as [`Value::Text`], an Arrow
//! column as whatever its type holds (integers, floats, booleans, dates, timestamps), a C struct
//! as its fields. The functions of this module are the only place where a cell becomes a
//! municipality, a care type, a notice time, a date, an age, a flag or an id — with every
//! default, limit and spelling the data may come in — so the same cell gives the same answer
//! whatever it came through.
//!
//! ```
//! use utklar_core::input::{value, Value};
//! use utklar_core::Reason;
//!
//! // A spreadsheet that dropped the leading zero, as text or as a number.
//! assert_eq!(value::municipality(Value::Text("880"))?.unwrap().code(), 880);
//! assert_eq!(value::municipality(Value::Int(880))?.unwrap().code(), 880);
//! // pandas reads an empty cell of a numeric column as NaN: absent.
//! assert_eq!(value::age(Value::Float(f64::NAN))?, None);
//! // Swedish Excel writes booleans as SANT / FALSKT and decimals with a comma.
//! assert_eq!(value::flag(Value::Text("FALSKT"))?, Some(false));
//! assert_eq!(value::age(Value::Text("86,0"))?, Some(86));
//! assert_eq!(value::age(Value::Int(151)), Err(Reason::UnparseableInteger));
//! # Ok::<(), Reason>(())
//! ```

// The rules a columnar reader runs on every cell are `#[inline(always)]`: inlined into each
// layout's loop, the cell's type is known there and its match folds away. Left to the
// inliner, they were calls in the Arrow reader's loops, which then took 1.4 times as long.
#![allow(clippy::inline_always)]

use std::fmt::{self, Write as _};

use chrono::{NaiveDate, NaiveDateTime, NaiveTime};

use crate::model::episode::CareType;
use crate::model::municipality::Municipality;
use crate::model::time::{self, NoticeTime, TimeError};
use crate::problem::{Field, Reason};
use crate::text::{is_blank, trim};

/// Seconds in a day.
pub const SECONDS_PER_DAY: i32 = 86_400;

/// The oldest age accepted, in whole years.
pub const MAX_AGE: u16 = 150;

/// One cell of one input row, as its source typed it.
///
/// An absent value is [`Value::Absent`], an empty or blank text, or a NaN float (how pandas
/// writes a missing number).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub enum Value<'a> {
    /// No value: a null, an empty cell, a column that is not there.
    #[default]
    Absent,
    /// Text, as written in a file (`"0880"`, `"2025-03-03 10:15"`, `"SANT"`).
    Text(&'a str),
    /// A whole number (`880`, `81`, `1`).
    Int(i64),
    /// A floating-point number (`880.0`, `86.0`; NaN is absent).
    Float(f64),
    /// A boolean.
    Bool(bool),
    /// A date as a day number (days since 1970-01-01, Arrow's `date32`).
    Date(i32),
    /// A Swedish local civil date and time: day number and seconds after midnight.
    DateTime {
        /// Day number (days since 1970-01-01).
        day: i32,
        /// Seconds after midnight, 0 ≤ second < 86 400.
        second: i32,
    },
    /// An instant: whole seconds since 1970-01-01T00:00:00Z (a timestamp with a time zone),
    /// read in Swedish local time.
    Instant(i64),
}

impl<'a> From<&'a str> for Value<'a> {
    fn from(s: &'a str) -> Self {
        Value::Text(s)
    }
}

impl<'a> From<&'a String> for Value<'a> {
    fn from(s: &'a String) -> Self {
        Value::Text(s)
    }
}

impl From<i64> for Value<'_> {
    fn from(i: i64) -> Self {
        Value::Int(i)
    }
}

impl From<f64> for Value<'_> {
    fn from(x: f64) -> Self {
        Value::Float(x)
    }
}

impl From<bool> for Value<'_> {
    fn from(b: bool) -> Self {
        Value::Bool(b)
    }
}

impl<'a, T: Into<Value<'a>>> From<Option<T>> for Value<'a> {
    fn from(v: Option<T>) -> Self {
        v.map_or(Value::Absent, Into::into)
    }
}

impl Value<'_> {
    /// Whether the value is absent: [`Value::Absent`], blank text or a NaN float.
    #[inline]
    pub fn is_absent(&self) -> bool {
        match self {
            Value::Absent => true,
            Value::Text(s) => is_blank(s),
            Value::Float(x) => x.is_nan(),
            _ => false,
        }
    }
}

/// A whole number held by a float, when it holds one exactly.
#[inline]
fn whole(x: f64) -> Option<i64> {
    (x.is_finite() && x.fract() == 0.0 && x.abs() < 9.0e15).then_some(x as i64)
}

/// The text of an id, borrowed from a text cell or written out for a number.
#[derive(Clone, Copy)]
pub struct IdText<'a> {
    repr: IdRepr<'a>,
}

#[derive(Clone, Copy)]
enum IdRepr<'a> {
    Borrowed(&'a str),
    Inline { buf: [u8; 32], len: u8 },
}

impl<'a> IdText<'a> {
    /// The id as text.
    #[inline]
    pub fn as_str(&self) -> &str {
        match &self.repr {
            IdRepr::Borrowed(s) => s,
            // Only ASCII is written into the buffer.
            IdRepr::Inline { buf, len } => std::str::from_utf8(&buf[..*len as usize]).unwrap_or(""),
        }
    }

    /// The id as the text cell it was read from gave it, `None` for one written out.
    #[inline]
    pub(crate) fn borrowed(&self) -> Option<&'a str> {
        match self.repr {
            IdRepr::Borrowed(s) => Some(s),
            IdRepr::Inline { .. } => None,
        }
    }

    fn inline(args: fmt::Arguments<'_>) -> IdText<'a> {
        struct W {
            buf: [u8; 32],
            len: usize,
        }
        impl fmt::Write for W {
            fn write_str(&mut self, s: &str) -> fmt::Result {
                let end = self.len + s.len();
                if end > self.buf.len() {
                    return Err(fmt::Error);
                }
                self.buf[self.len..end].copy_from_slice(s.as_bytes());
                self.len = end;
                Ok(())
            }
        }
        let mut w = W {
            buf: [0; 32],
            len: 0,
        };
        // Every value written here is far shorter than 32 bytes.
        let _ = w.write_fmt(args);
        IdText {
            repr: IdRepr::Inline {
                buf: w.buf,
                len: w.len as u8,
            },
        }
    }
}

impl fmt::Debug for IdText<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Ids are pseudonymous, but still nothing a message needs.
        f.write_str("IdText(..)")
    }
}

/// An id (`episode_id`, `patient_id`) as text: a text cell trimmed, a whole number in decimals
/// (`123` and `"123"` are the same id; so is `123.0`, how pandas reads a numeric id column with
/// gaps), a date as `YYYY-MM-DD`. `None` when absent.
#[inline(always)]
pub fn id(v: Value<'_>) -> Option<IdText<'_>> {
    // Text (almost every id) here, small enough to inline into a column's loop; the rest apart.
    match v {
        Value::Text(s) if is_blank(s) => None,
        Value::Text(s) => Some(IdText {
            repr: IdRepr::Borrowed(trim(s)),
        }),
        _ => id_of_other(v),
    }
}

/// [`id`] of a cell that is not text, out of line (the text rule is `id`'s own, and a text
/// given here goes back to it).
#[inline(never)]
fn id_of_other(v: Value<'_>) -> Option<IdText<'_>> {
    let repr = match v {
        Value::Text(_) => return id(v),
        _ if v.is_absent() => return None,
        Value::Int(i) => return Some(IdText::inline(format_args!("{i}"))),
        Value::Float(x) => match whole(x) {
            Some(i) => return Some(IdText::inline(format_args!("{i}"))),
            None if (1e-4..1e15).contains(&x.abs()) => {
                return Some(IdText::inline(format_args!("{x}")))
            }
            None => return Some(IdText::inline(format_args!("{x:e}"))),
        },
        Value::Bool(b) => IdText::inline(format_args!("{b}")),
        Value::Date(d) if (time::MIN_DAY - 800_000..time::MAX_DAY + 800_000).contains(&d) => {
            IdText::inline(format_args!("{}", time::date_of_day(d)))
        }
        Value::Date(d) => IdText::inline(format_args!("{d}")),
        Value::DateTime { day, second } => IdText::inline(format_args!("{day}:{second}")),
        Value::Instant(s) => IdText::inline(format_args!("{s}")),
        Value::Absent => return None,
    };
    Some(repr)
}

/// A municipality code: text of 3 or 4 digits (`"0880"`, `"880"`), or a whole number (`880`,
/// `880.0`). `Ok(None)` when absent; [`Reason::UnknownMunicipality`] for anything that is not
/// one of the 290 codes.
#[inline(always)]
pub fn municipality(v: Value<'_>) -> Result<Option<Municipality>, Reason> {
    Ok(municipality_code(v)?.and_then(|c| Municipality::from_code(c).ok()))
}

/// [`municipality`] as the municipality's numeric code (`880`): the rule itself, which the
/// columnar reader keeps as it is (a code, not the municipality that stands for it).
#[inline(always)]
pub(crate) fn municipality_code(v: Value<'_>) -> Result<Option<u16>, Reason> {
    let code = match v {
        // Three or four digits as written (neither blank nor in need of trimming) first.
        Value::Text(s) => match Municipality::code_of_digits(s.as_bytes()) {
            Some(code) => Some(code),
            None if is_blank(s) => return Ok(None),
            None => Municipality::code_of_digits(trim(s).as_bytes()),
        },
        _ if v.is_absent() => return Ok(None),
        Value::Int(i) => u16::try_from(i).ok(),
        Value::Float(x) => whole(x).and_then(|i| u16::try_from(i).ok()),
        _ => None,
    };
    code.filter(|&c| Municipality::index_of_code(c).is_some())
        .map(Some)
        .ok_or(Reason::UnknownMunicipality)
}

/// A care type: `somatic` / `psychiatric` in any case (also the Swedish `somatisk`,
/// `psykiatrisk`, `psykiatri`), or the code 0 (somatic) / 1 (psychiatric). `Ok(None)` when
/// absent; [`Reason::UnknownCareType`] otherwise.
#[inline(always)]
pub fn care_type(v: Value<'_>) -> Result<Option<CareType>, Reason> {
    // The canonical spellings as they are written (not blank), compared in place (byte
    // patterns; a string comparison calls `memcmp`), then every other spelling.
    if let Value::Text(s) = v {
        match s.as_bytes() {
            [b's', b'o', b'm', b'a', b't', b'i', b'c'] => return Ok(Some(CareType::Somatic)),
            [b'p', b's', b'y', b'c', b'h', b'i', b'a', b't', b'r', b'i', b'c'] => {
                return Ok(Some(CareType::Psychiatric))
            }
            _ => {}
        }
    }
    let c = match v {
        _ if v.is_absent() => return Ok(None),
        Value::Text(s) => s.parse::<CareType>().ok(),
        Value::Int(i) => u8::try_from(i).ok().and_then(CareType::from_code),
        Value::Float(x) => whole(x)
            .and_then(|i| u8::try_from(i).ok())
            .and_then(CareType::from_code),
        _ => None,
    };
    c.map(Some).ok_or(Reason::UnknownCareType)
}

fn time_reason(e: &TimeError) -> Reason {
    match e {
        TimeError::OutOfRange => Reason::DateOutOfRange,
        _ => Reason::UnparseableDate,
    }
}

fn in_range(day: i32) -> Result<NaiveDate, Reason> {
    if time::day_in_range(day) {
        time::checked_date_of_day(day).ok_or(Reason::DateOutOfRange)
    } else {
        Err(Reason::DateOutOfRange)
    }
}

/// The local date and time of an instant (seconds since the Unix epoch, UTC).
fn local_of_instant(secs: i64) -> Result<NaiveDateTime, Reason> {
    // Far outside 1990–2100 either way: out of range without converting.
    const LO: i64 = (time::MIN_DAY as i64 - 2) * 86_400;
    const HI: i64 = (time::MAX_DAY as i64 + 2) * 86_400;
    if !(LO..=HI).contains(&secs) {
        return Err(Reason::DateOutOfRange);
    }
    let utc = chrono::DateTime::from_timestamp(secs, 0)
        .ok_or(Reason::DateOutOfRange)?
        .naive_utc();
    Ok(time::utc_to_stockholm(utc))
}

/// A notice time (admission, ready, discharge, home-ready): text `YYYY-MM-DD`,
/// `YYYY-MM-DDTHH:MM[:SS]` (or a space for the `T`; an offset is converted to Swedish time), a
/// date, a local date-time, or an instant. Times of day are kept to the second (a fraction of
/// a second is dropped). `Ok(None)` when absent; [`Reason::UnparseableDate`] or
/// [`Reason::DateOutOfRange`] (outside 1990-01-01 … 2100-12-31) otherwise.
#[inline]
pub fn notice(v: Value<'_>) -> Result<Option<NoticeTime>, Reason> {
    // Text in a fixed layout first: it starts and ends with a digit, so it is neither blank
    // nor in need of trimming, and it has whole seconds.
    if let Value::Text(s) = v {
        if let Some(t) = time::parse_fixed_untrimmed(s) {
            return Ok(Some(t));
        }
    }
    match v {
        _ if v.is_absent() => Ok(None),
        // Any other text is the general parser's.
        Value::Text(s) => time::parse_notice(s)
            .map(|t| Some(whole_seconds(t)))
            .map_err(|e| time_reason(&e)),
        // A date or a local date-time: its rule is the one of `notice_parts`.
        Value::Date(_) | Value::DateTime { .. } => match notice_parts(v)? {
            Some((day, second)) => {
                let date = in_range(day)?;
                Ok(Some(match u32::try_from(second) {
                    Ok(s) => NoticeTime::at(
                        date,
                        NaiveTime::from_num_seconds_from_midnight_opt(s, 0)
                            .ok_or(Reason::UnparseableDate)?,
                    ),
                    Err(_) => NoticeTime::date(date),
                }))
            }
            None => Ok(None),
        },
        Value::Instant(secs) => {
            let local = local_of_instant(secs)?;
            in_range(time::day_number(local.date()))?;
            Ok(Some(NoticeTime::from(local)))
        }
        _ => Err(Reason::UnparseableDate),
    }
}

/// [`notice`] as a day number and the seconds after midnight (−1 when the time of day is
/// unknown): the form the measures and the order checks use. For a date or a local date-time
/// this is the rule itself, with no calendar arithmetic (the columnar reader's hot path);
/// [`notice`] builds its [`NoticeTime`] from it. Every other cell goes through [`notice`].
#[inline(always)]
pub(crate) fn notice_parts(v: Value<'_>) -> Result<Option<(i32, i32)>, Reason> {
    match v {
        // Text in a fixed layout, as `notice` reads it first, without making the date.
        Value::Text(s) => match time::fixed_notice_parts(s.as_bytes()) {
            Some(parts) => Ok(Some(parts)),
            None => Ok(notice(v)?.map(|t| (time::day_number(t.date), super::rules::sec_of(t)))),
        },
        Value::Date(d) if time::day_in_range(d) => Ok(Some((d, -1))),
        Value::DateTime { day, second } if time::day_in_range(day) => {
            if (0..SECONDS_PER_DAY).contains(&second) {
                Ok(Some((day, second)))
            } else {
                Err(Reason::UnparseableDate)
            }
        }
        Value::Date(_) | Value::DateTime { .. } => Err(Reason::DateOutOfRange),
        // Absent (as `notice` has it), here without a call: optional columns are mostly empty.
        Value::Absent => Ok(None),
        _ => Ok(notice(v)?.map(|t| (time::day_number(t.date), super::rules::sec_of(t)))),
    }
}

/// The notice time with its time of day cut to the whole second.
fn whole_seconds(t: NoticeTime) -> NoticeTime {
    use chrono::Timelike;
    match t.time {
        Some(tm) if tm.nanosecond() != 0 => NoticeTime::at(
            t.date,
            NaiveTime::from_num_seconds_from_midnight_opt(tm.num_seconds_from_midnight(), 0)
                .unwrap_or(tm),
        ),
        _ => t,
    }
}

/// A date (the planned discharge date): text `YYYY-MM-DD`, a date, or the date of a date-time
/// or instant. `Ok(None)` when absent.
#[inline]
pub fn date(v: Value<'_>) -> Result<Option<NaiveDate>, Reason> {
    // `YYYY-MM-DD` as it is first (as in `notice`: no blank check, no trim).
    if let Value::Text(s) = v {
        if let Some(t) = time::parse_fixed_untrimmed(s).filter(|_| s.len() == 10) {
            return Ok(Some(t.date));
        }
    }
    match v {
        _ if v.is_absent() => Ok(None),
        Value::Text(s) => time::parse_date(s).map(Some).map_err(|e| time_reason(&e)),
        // A day number's rule is the one of `date_day`.
        Value::Date(_) | Value::DateTime { .. } => match date_day(v)? {
            Some(d) => in_range(d).map(Some),
            None => Ok(None),
        },
        Value::Instant(secs) => {
            let local = local_of_instant(secs)?;
            in_range(time::day_number(local.date())).map(Some)
        }
        _ => Err(Reason::UnparseableDate),
    }
}

/// [`date`] as a day number: for a date or a local date-time the rule itself (the day in
/// range), with no calendar arithmetic (the columnar reader's hot path); [`date`] builds its
/// date from it. Every other cell goes through [`date`].
#[inline(always)]
pub(crate) fn date_day(v: Value<'_>) -> Result<Option<i32>, Reason> {
    match v {
        Value::Date(d) | Value::DateTime { day: d, .. } if time::day_in_range(d) => Ok(Some(d)),
        Value::Date(_) | Value::DateTime { .. } => Err(Reason::DateOutOfRange),
        Value::Absent => Ok(None),
        _ => Ok(date(v)?.map(time::day_number)),
    }
}

/// An age in whole years, 0 to [`MAX_AGE`]: text (`"81"`, and `"81.0"` or `"81,0"` as
/// spreadsheets write it), a whole number or a float holding one. `Ok(None)` when absent;
/// [`Reason::UnparseableInteger`] otherwise.
#[inline(always)]
pub fn age(v: Value<'_>) -> Result<Option<u16>, Reason> {
    let n = match v {
        // One to three digits as written (neither blank nor in need of trimming) first.
        Value::Text(s) => match short_digits(s.as_bytes()) {
            Some(n) => Some(n),
            None if is_blank(s) => return Ok(None),
            None => whole_text(trim(s)),
        },
        _ if v.is_absent() => return Ok(None),
        Value::Int(i) => Some(i),
        Value::Float(x) => whole(x),
        _ => None,
    };
    n.and_then(|n| u16::try_from(n).ok())
        .filter(|&a| a <= MAX_AGE)
        .map(Some)
        .ok_or(Reason::UnparseableInteger)
}

/// The number of one to three ASCII digits and nothing else, `None` for any other text.
#[inline]
fn short_digits(b: &[u8]) -> Option<i64> {
    let d = |x: u8| x.wrapping_sub(b'0');
    let n = match *b {
        [a] if d(a) < 10 => u16::from(d(a)),
        [a, b] if d(a) < 10 && d(b) < 10 => u16::from(d(a)) * 10 + u16::from(d(b)),
        [a, b, c] if d(a) < 10 && d(b) < 10 && d(c) < 10 => {
            u16::from(d(a)) * 100 + u16::from(d(b)) * 10 + u16::from(d(c))
        }
        _ => return None,
    };
    Some(i64::from(n))
}

/// A whole number written as digits, perhaps followed by a decimal point or comma and zeros
/// (`"81"`, `"81.0"`, `"81,00"`).
fn whole_text(t: &str) -> Option<i64> {
    // One to three digits (every age as files write it), read in place; anything else as
    // below, which gives the same number for these.
    if let Some(n) = short_digits(t.as_bytes()) {
        return Some(n);
    }
    whole_text_general(t)
}

/// [`whole_text`] without its short-digit path.
fn whole_text_general(t: &str) -> Option<i64> {
    let int = match t.find(['.', ',']) {
        Some(p) => {
            let frac = &t[p + 1..];
            if frac.is_empty() || !frac.bytes().all(|b| b == b'0') {
                return None;
            }
            &t[..p]
        }
        None => t,
    };
    if int.is_empty() || int.len() > 18 || !int.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    int.parse().ok()
}

/// A flag: `true`/`false`, `1`/`0`, `yes`/`no`, and the Swedish `ja`/`nej` and `sant`/`falskt`
/// (Swedish Excel) in any case; a boolean; the numbers 1 and 0. `Ok(None)` when absent;
/// [`Reason::UnparseableBoolean`] otherwise.
#[inline(always)]
pub fn flag(v: Value<'_>) -> Result<Option<bool>, Reason> {
    // The spellings most files use, as written (neither blank nor in need of trimming), before
    // every spelling in any case. (Byte patterns: compared in place, where string patterns
    // call `memcmp`.)
    let common = |t: &str| match t.as_bytes() {
        [b't', b'r', b'u', b'e'] | [b'1'] => Some(true),
        [b'f', b'a', b'l', b's', b'e'] | [b'0'] => Some(false),
        _ => None,
    };
    if let Value::Text(s) = v {
        if let Some(b) = common(s) {
            return Ok(Some(b));
        }
    }
    match v {
        _ if v.is_absent() => Ok(None),
        Value::Text(s) => {
            let t = trim(s);
            if let Some(b) = common(t) {
                return Ok(Some(b));
            }
            let is = |words: &[&str]| words.iter().any(|w| t.eq_ignore_ascii_case(w));
            if is(&["true", "1", "yes", "ja", "sant", "t", "y", "j"]) {
                Ok(Some(true))
            } else if is(&["false", "0", "no", "nej", "falskt", "f", "n"]) {
                Ok(Some(false))
            } else {
                Err(Reason::UnparseableBoolean)
            }
        }
        Value::Bool(b) => Ok(Some(b)),
        Value::Int(0) | Value::Float(0.0) => Ok(Some(false)),
        Value::Int(1) | Value::Float(1.0) => Ok(Some(true)),
        _ => Err(Reason::UnparseableBoolean),
    }
}

/// The value a flag takes when its cell is absent: the admission notice counts as sent, no
/// SIP as required or called, the region as not blocking. `None` for fields that are no flag.
pub fn flag_default(field: Field) -> Option<bool> {
    match field {
        Field::AdmissionNoticeSent => Some(true),
        Field::SipRequired | Field::SipCalled | Field::RegionBlocked => Some(false),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn absent_in_every_spelling() {
        for v in [
            Value::Absent,
            Value::Text(""),
            Value::Text("  "),
            Value::Float(f64::NAN),
        ] {
            assert!(v.is_absent());
            assert_eq!(municipality(v), Ok(None));
            assert_eq!(care_type(v), Ok(None));
            assert_eq!(notice(v), Ok(None));
            assert_eq!(date(v), Ok(None));
            assert_eq!(age(v), Ok(None));
            assert_eq!(flag(v), Ok(None));
            assert!(id(v).is_none());
        }
    }

    #[test]
    fn care_type_fast_path_agrees_with_the_parse() {
        for s in [
            CareType::Somatic.as_str(),
            CareType::Psychiatric.as_str(),
            "somatic",
            "psychiatric",
            "somati",
            "somaticx",
            "psychiatrix",
            "",
            "Somatic",
            " somatic",
            "PSYKIATRISK",
            "somatik",
            "x",
        ] {
            assert_eq!(
                care_type(Value::Text(s)),
                if crate::text::is_blank(s) {
                    Ok(None)
                } else {
                    s.parse::<CareType>()
                        .map(Some)
                        .map_err(|_| Reason::UnknownCareType)
                },
                "{s}"
            );
        }
    }

    #[test]
    fn ids_are_the_same_text_whatever_the_type() {
        assert_eq!(id(Value::Text(" 123 ")).unwrap().as_str(), "123");
        assert_eq!(id(Value::Int(123)).unwrap().as_str(), "123");
        assert_eq!(id(Value::Float(123.0)).unwrap().as_str(), "123");
        assert_eq!(
            id(Value::Int(i64::MIN)).unwrap().as_str(),
            i64::MIN.to_string()
        );
        assert_eq!(id(Value::Float(1.5)).unwrap().as_str(), "1.5");
        assert_eq!(id(Value::Float(1e300)).unwrap().as_str(), "1e300");
        assert_eq!(id(Value::Float(-2.5e-300)).unwrap().as_str(), "-2.5e-300");
    }

    #[test]
    fn municipalities() {
        let k = Municipality::from_code(880).unwrap();
        for v in [
            Value::Text("0880"),
            Value::Text(" 880"),
            Value::Int(880),
            Value::Float(880.0),
        ] {
            assert_eq!(municipality(v), Ok(Some(k)), "{v:?}");
        }
        for v in [
            Value::Text("0999"),
            Value::Text("08800"),
            Value::Int(-880),
            Value::Int(70_000),
            Value::Float(880.5),
            Value::Bool(true),
            Value::Date(20_000),
        ] {
            assert_eq!(municipality(v), Err(Reason::UnknownMunicipality), "{v:?}");
        }
    }

    #[test]
    fn care_types() {
        assert_eq!(
            care_type("Psykiatrisk".into()),
            Ok(Some(CareType::Psychiatric))
        );
        assert_eq!(care_type(Value::Int(0)), Ok(Some(CareType::Somatic)));
        assert_eq!(care_type(Value::Int(2)), Err(Reason::UnknownCareType));
        assert_eq!(care_type("dental".into()), Err(Reason::UnknownCareType));
    }

    #[test]
    fn notices_to_the_second() {
        let day = time::day_number(NaiveDate::from_ymd_opt(2025, 3, 3).unwrap());
        let text = notice("2025-03-03T10:00:10.75".into()).unwrap().unwrap();
        let typed = notice(Value::DateTime {
            day,
            second: 36_010,
        })
        .unwrap()
        .unwrap();
        assert_eq!(text, typed);
        // 09:00:10Z is 10:00:10 in Stockholm in March (CET).
        let instant = notice(Value::Instant(i64::from(day) * 86_400 + 9 * 3600 + 10))
            .unwrap()
            .unwrap();
        assert_eq!(instant, typed);
        assert_eq!(notice(Value::Date(day)).unwrap().unwrap().day(), day);
        assert_eq!(
            notice(Value::Date(time::MAX_DAY + 1)),
            Err(Reason::DateOutOfRange)
        );
        assert_eq!(
            notice(Value::DateTime {
                day,
                second: 86_400
            }),
            Err(Reason::UnparseableDate)
        );
        assert_eq!(
            notice(Value::Instant(i64::MAX)),
            Err(Reason::DateOutOfRange)
        );
        assert_eq!(notice(Value::Int(5)), Err(Reason::UnparseableDate));
        // White space around a fixed layout: read by the general path, the same value.
        for t in [
            " 2025-03-03T10:00:10",
            "2025-03-03T10:00:10\t",
            "\u{a0}2025-03-03 10:00:10 ",
        ] {
            assert_eq!(notice(Value::Text(t)), Ok(Some(typed)), "{t:?}");
        }
        assert_eq!(date(" 2025-03-03 ".into()), date("2025-03-03".into()));
        assert_eq!(
            date("2025-03-03".into()).unwrap().map(time::day_number),
            Some(day)
        );
        assert_eq!(notice("2101-01-01".into()), Err(Reason::DateOutOfRange));
        assert_eq!(
            date(Value::DateTime { day, second: 5 })
                .unwrap()
                .unwrap()
                .to_string(),
            "2025-03-03"
        );
    }

    #[test]
    fn short_numbers_and_flags_read_in_place_as_in_general() {
        let alphabet = [
            "", "0", "1", "5", "9", ".", ",", "-", "+", " ", "a", "/", ":", "é",
        ];
        let mut texts = vec![String::new()];
        for _ in 0..4 {
            texts = texts
                .iter()
                .flat_map(|t| alphabet.iter().map(move |c| format!("{t}{c}")))
                .collect();
            for t in &texts {
                assert_eq!(whole_text(t), whole_text_general(t), "{t:?}");
            }
        }
        for (s, want) in [
            ("true", Some(true)),
            ("1", Some(true)),
            ("false", Some(false)),
            ("0", Some(false)),
            ("True", Some(true)),
            ("FALSE", Some(false)),
            ("truee", None),
            ("fals", None),
            ("01", None),
            ("tru", None),
        ] {
            assert_eq!(flag(Value::Text(s)).ok().flatten(), want, "{s}");
        }
    }

    #[test]
    fn ages_and_flags_as_spreadsheets_write_them() {
        for (v, a) in [
            (Value::Text("86"), 86),
            (Value::Text("86.0"), 86),
            (Value::Text("86,00"), 86),
            (Value::Int(0), 0),
            (Value::Float(150.0), 150),
        ] {
            assert_eq!(age(v), Ok(Some(a)), "{v:?}");
        }
        for v in [
            Value::Text("86,5"),
            Value::Text("86."),
            Value::Text("-3"),
            Value::Text("eighty"),
            Value::Int(151),
            Value::Int(-1),
            Value::Float(86.5),
            Value::Bool(true),
        ] {
            assert_eq!(age(v), Err(Reason::UnparseableInteger), "{v:?}");
        }
        for (s, b) in [
            ("SANT", true),
            ("falskt", false),
            ("Ja", true),
            ("NEJ", false),
            ("1", true),
        ] {
            assert_eq!(flag(s.into()), Ok(Some(b)), "{s}");
        }
        assert_eq!(flag(Value::Float(1.0)), Ok(Some(true)));
        assert_eq!(flag(Value::Int(2)), Err(Reason::UnparseableBoolean));
        assert_eq!(flag("kanske".into()), Err(Reason::UnparseableBoolean));
        assert_eq!(flag_default(Field::AdmissionNoticeSent), Some(true));
        assert_eq!(flag_default(Field::SipCalled), Some(false));
        assert_eq!(flag_default(Field::Age), None);
    }
}
