//! Dates and notice times in Swedish local civil time.
//!
//! utklar counts in whole calendar days. A **day number** is the number of days since
//! 1970-01-01 (`i32`), the representation of Arrow's `date32` and of the C API; [`NO_DATE`]
//! (−1) marks an absent date in columnar input. A [`NoticeTime`] is a date with an optional
//! time of day: a ready notice given as a date alone means "time unknown".
//!
//! Text follows `docs/episodes.md`: dates `YYYY-MM-DD`; datetimes `YYYY-MM-DDTHH:MM[:SS]` or with a space
//! for the `T`; an input with a UTC offset (`Z`, `+01:00`) is converted to Swedish local time
//! (Europe/Stockholm: CET, and CEST from the last Sunday of March to the last Sunday of October,
//! September before 1996). Dates run from 1990-01-01 to 2100-12-31.
//!
//! ```
//! use utklar_core::time::{NoticeTime, parse_notice};
//!
//! let t = parse_notice("2025-03-14 12:00:01")?;
//! assert!(t.is_after_noon());
//! let d = parse_notice("2025-03-14")?;
//! assert_eq!(d.time, None);
//! assert!(!d.is_after_noon());
//! // 11:30 UTC in March is 12:30 in Stockholm.
//! assert!(parse_notice("2025-03-14T11:30:00Z")?.is_after_noon());
//! # Ok::<(), utklar_core::time::TimeError>(())
//! ```

use std::fmt;

use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime, NaiveTime, Timelike, Weekday};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// The column value that marks an absent date in columnar input (day numbers).
pub const NO_DATE: i32 = -1;
/// The column value that marks an unknown time of day (minutes after midnight).
pub const NO_TIME: i32 = -1;

/// The first valid date, 1990-01-01.
pub const MIN_DATE: NaiveDate = match NaiveDate::from_ymd_opt(1990, 1, 1) {
    Some(d) => d,
    None => unreachable!(),
};
/// The last valid date, 2100-12-31.
pub const MAX_DATE: NaiveDate = match NaiveDate::from_ymd_opt(2100, 12, 31) {
    Some(d) => d,
    None => unreachable!(),
};
/// Day number of 1990-01-01.
pub const MIN_DAY: i32 = 7305;
/// Day number of 2100-12-31.
pub const MAX_DAY: i32 = 47846;

const EPOCH: NaiveDate = match NaiveDate::from_ymd_opt(1970, 1, 1) {
    Some(d) => d,
    None => unreachable!(),
};

/// Why a date or time text could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum TimeError {
    /// Not a date in an allowed form (`YYYY-MM-DD`, `YYYY-MM-DDTHH:MM[:SS]`).
    Unparseable,
    /// A real date outside 1990-01-01 … 2100-12-31.
    OutOfRange,
}

impl fmt::Display for TimeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TimeError::Unparseable => f.write_str(
                "not a date: expected YYYY-MM-DD or YYYY-MM-DDTHH:MM[:SS] (space allowed for T)",
            ),
            TimeError::OutOfRange => f.write_str("date outside 1990-01-01 … 2100-12-31"),
        }
    }
}

impl std::error::Error for TimeError {}

/// The day number (days since 1970-01-01) of a date.
#[inline]
pub fn day_number(date: NaiveDate) -> i32 {
    // A year of the valid range: its first day's number and the day of the year (two fields
    // of chrono's packed date); any other by chrono's day of the era, without a duration.
    match YEAR_START.get(date.year().wrapping_sub(1990) as usize) {
        Some(&start) => start + date.ordinal0() as i32,
        None => date.num_days_from_ce() - CE_TO_EPOCH,
    }
}

/// The day number of 1 January of each year 1990 … 2100.
const YEAR_START: [i32; 111] = {
    let mut starts = [0i32; 111];
    starts[0] = MIN_DAY;
    let mut i = 1;
    while i < starts.len() {
        let year = 1990 + i as i32 - 1;
        let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
        starts[i] = starts[i - 1] + if leap { 366 } else { 365 };
        i += 1;
    }
    starts
};

/// Days from 0001-01-01 (day 1 of the common era) to 1970-01-01 (day number 0).
const CE_TO_EPOCH: i32 = 719_163;

/// The date of a day number.
pub fn date_of_day(day: i32) -> NaiveDate {
    // A day number past chrono's dates panics, as adding the duration did.
    checked_date_of_day(day).unwrap_or_else(|| EPOCH + Duration::days(i64::from(day)))
}

/// [`date_of_day`] without its last resort: the same date, by the year table in the valid
/// range and by chrono's day-of-the-era constructor outside it (the row reader's hot path);
/// `None` only past chrono's dates.
#[inline]
pub(crate) fn checked_date_of_day(day: i32) -> Option<NaiveDate> {
    date_in_range(day)
        .or_else(|| NaiveDate::from_num_days_from_ce_opt(day.checked_add(CE_TO_EPOCH)?))
}

/// The date of a day number within 1990-01-01 … 2100-12-31, by the year table (a year and a
/// day of the year, which chrono packs without a division by its 400-year cycle); `None`
/// outside the range.
#[inline]
fn date_in_range(day: i32) -> Option<NaiveDate> {
    if !day_in_range(day) {
        return None;
    }
    // 146 097 days in 400 years: the estimate is the year or one of its neighbours.
    let off = (day - MIN_DAY) as u32;
    let mut y = ((u64::from(off) * 400 / 146_097) as usize).min(YEAR_START.len() - 1);
    if YEAR_START[y] > day {
        y -= 1;
    } else if YEAR_START.get(y + 1).is_some_and(|&next| next <= day) {
        y += 1;
    }
    NaiveDate::from_yo_opt(1990 + y as i32, (day - YEAR_START[y]) as u32 + 1)
}

/// Whether a day number is within 1990-01-01 … 2100-12-31.
#[inline]
pub fn day_in_range(day: i32) -> bool {
    (MIN_DAY..=MAX_DAY).contains(&day)
}

/// Checks a date against the valid range.
pub fn check_range(date: NaiveDate) -> Result<NaiveDate, TimeError> {
    if (MIN_DATE..=MAX_DATE).contains(&date) {
        Ok(date)
    } else {
        Err(TimeError::OutOfRange)
    }
}

/// A point in Swedish local civil time known to the day, and perhaps to the second.
///
/// The ready notice (*underrättelse*) carries a timestamp; files often have the date only. The
/// date decides ready days; the time of day matters only for the law's noon rule.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct NoticeTime {
    /// The local date.
    pub date: NaiveDate,
    /// The local time of day, when known.
    pub time: Option<NaiveTime>,
}

impl NoticeTime {
    /// A date with no time of day.
    pub fn date(date: NaiveDate) -> Self {
        NoticeTime { date, time: None }
    }

    /// A date and time of day.
    pub fn at(date: NaiveDate, time: NaiveTime) -> Self {
        NoticeTime {
            date,
            time: Some(time),
        }
    }

    /// From a day number and minutes after midnight ([`NO_TIME`] or any negative for unknown).
    pub fn from_day_minutes(day: i32, minutes: i32) -> Self {
        let date = date_of_day(day);
        let time = (0..24 * 60)
            .contains(&minutes)
            .then(|| NaiveTime::from_hms_opt(minutes as u32 / 60, minutes as u32 % 60, 0))
            .flatten();
        NoticeTime { date, time }
    }

    /// From a day number and seconds after midnight ([`NO_TIME`], any negative or any value
    /// from 86 400 on for unknown).
    pub fn from_day_seconds(day: i32, seconds: i32) -> Self {
        let date = date_of_day(day);
        let time = u32::try_from(seconds)
            .ok()
            .and_then(|s| NaiveTime::from_num_seconds_from_midnight_opt(s, 0))
            .filter(|_| seconds < 86_400);
        NoticeTime { date, time }
    }

    /// The day number of the date.
    #[inline]
    pub fn day(self) -> i32 {
        day_number(self.date)
    }

    /// Whether the time of day is strictly later than 12:00:00 (law 5 kap. 4 §). A notice with
    /// no time of day counts as before noon; see [`NoticeTime::is_after_noon_or`] to choose.
    pub fn is_after_noon(self) -> bool {
        self.is_after_noon_or(false)
    }

    /// Like [`NoticeTime::is_after_noon`], with `unknown` the answer for a date alone.
    pub fn is_after_noon_or(self, unknown: bool) -> bool {
        match self.time {
            Some(t) => t > NaiveTime::from_hms_opt(12, 0, 0).expect("noon"),
            None => unknown,
        }
    }

    /// Compares two notice times at the precision both have: by date and time when both carry a
    /// time of day, by date otherwise.
    pub fn is_before(self, other: NoticeTime) -> bool {
        match (self.time, other.time) {
            (Some(a), Some(b)) => (self.date, a) < (other.date, b),
            _ => self.date < other.date,
        }
    }
}

impl fmt::Display for NoticeTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.time {
            None => write!(f, "{}", self.date.format("%Y-%m-%d")),
            Some(t) => write!(
                f,
                "{}T{}",
                self.date.format("%Y-%m-%d"),
                t.format("%H:%M:%S")
            ),
        }
    }
}

impl fmt::Debug for NoticeTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "NoticeTime({self})")
    }
}

impl From<NaiveDate> for NoticeTime {
    fn from(d: NaiveDate) -> Self {
        NoticeTime::date(d)
    }
}

impl From<NaiveDateTime> for NoticeTime {
    fn from(dt: NaiveDateTime) -> Self {
        NoticeTime::at(dt.date(), dt.time())
    }
}

impl std::str::FromStr for NoticeTime {
    type Err = TimeError;
    fn from_str(s: &str) -> Result<Self, TimeError> {
        parse_notice(s)
    }
}

impl Serialize for NoticeTime {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for NoticeTime {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        parse_notice(&s).map_err(serde::de::Error::custom)
    }
}

fn digits(b: &[u8]) -> Option<u32> {
    if b.is_empty() || !b.iter().all(u8::is_ascii_digit) {
        return None;
    }
    Some(b.iter().fold(0u32, |a, &d| a * 10 + u32::from(d - b'0')))
}

fn parse_ymd(b: &[u8]) -> Result<NaiveDate, TimeError> {
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return Err(TimeError::Unparseable);
    }
    let (Some(y), Some(m), Some(d)) = (digits(&b[0..4]), digits(&b[5..7]), digits(&b[8..10]))
    else {
        return Err(TimeError::Unparseable);
    };
    let date = NaiveDate::from_ymd_opt(y as i32, m, d).ok_or(TimeError::Unparseable)?;
    check_range(date)
}

/// Parses a date `YYYY-MM-DD` (surrounding spaces allowed) within the valid range.
///
/// ```
/// # use utklar_core::time::{parse_date, TimeError};
/// assert_eq!(parse_date("2024-02-29")?.to_string(), "2024-02-29");
/// assert_eq!(parse_date("2023-02-29"), Err(TimeError::Unparseable));
/// assert_eq!(parse_date("1989-12-31"), Err(TimeError::OutOfRange));
/// # Ok::<(), TimeError>(())
/// ```
pub fn parse_date(s: &str) -> Result<NaiveDate, TimeError> {
    let b = crate::text::trim(s).as_bytes();
    match fixed_notice(b) {
        Some(t) if b.len() == 10 => Ok(t.date),
        _ => parse_ymd(b),
    }
}

/// Whether the eight bytes of `w` are all ASCII digits (exact: a byte's high nibble must be
/// 3 before and after adding 6, and no carry leaves a byte whose high nibble is 3).
#[inline]
fn all_digits(w: u64) -> bool {
    const HIGH: u64 = 0xF0F0_F0F0_F0F0_F0F0;
    const THREES: u64 = 0x3030_3030_3030_3030;
    w & HIGH == THREES && (w + 0x0606_0606_0606_0606) & HIGH == THREES
}

/// The two-digit numbers of eight ASCII digits `w` (little-endian: the first digit in the
/// low byte): bytes 0, 2, 4 and 6 of the result hold the numbers of digits 0–1, 2–3, 4–5 and
/// 6–7, the other bytes are zero. A digit is at most 9, so ten times it plus the next
/// (at most 99) never carries into the next byte.
#[inline]
fn digit_pairs(w: u64) -> u64 {
    let x = w.wrapping_sub(0x3030_3030_3030_3030);
    (x.wrapping_mul(10).wrapping_add(x >> 8)) & 0x00FF_00FF_00FF_00FF
}

/// Dates per year of the valid range in [`date_of_digits`]'s table: twelve months of 32 days
/// (day 0 and the days a month lacks are `None`).
const DAYS_PER_YEAR_ROW: usize = 12 * 32;

/// Every date of 1990–2100 by year, month and day as written ([`date_of_digits`]), made at
/// compile time by chrono's own `from_ymd_opt` (a `const fn`).
static DATE_TABLE: [Option<NaiveDate>; 111 * DAYS_PER_YEAR_ROW] = {
    let mut table = [None; 111 * DAYS_PER_YEAR_ROW];
    let mut i = 0;
    while i < table.len() {
        let (y, rest) = (i / DAYS_PER_YEAR_ROW, i % DAYS_PER_YEAR_ROW);
        table[i] =
            NaiveDate::from_ymd_opt(1990 + y as i32, (rest / 32) as u32 + 1, (rest % 32) as u32);
        i += 1;
    }
    table
};

/// The date of a year of 1990–2100, a month and a day as written, `None` when there is no
/// such date (month 0 or 13, day 0, 30 February, 29 February of a common year) and for any
/// other year: for the range, the answer of `NaiveDate::from_ymd_opt`, looked up in a table
/// (every day of the range, 170 KB, of which a file's few years are read) instead of
/// computed for every cell.
#[cfg(test)]
fn date_of_digits(year: u32, month: u32, day: u32) -> Option<NaiveDate> {
    DATE_TABLE
        .get(date_index(year, month, day)?)
        .copied()
        .flatten()
}

/// The place of a date as written in [`DATE_TABLE`] and [`DAY_TABLE`] (`None` outside
/// 1990–2100, for month 0 or 13 and for a day past 31; the tables have no date there).
#[inline]
fn date_index(year: u32, month: u32, day: u32) -> Option<usize> {
    if !(1990..=2100).contains(&year) || !(1..=12).contains(&month) || day > 31 {
        return None;
    }
    Some((year - 1990) as usize * DAYS_PER_YEAR_ROW + (month - 1) as usize * 32 + day as usize)
}

/// [`DAY_TABLE`]'s mark of a place with no date.
const NO_DAY_NUMBER: i32 = i32::MIN;

/// The day number of each date of [`DATE_TABLE`] ([`day_number`] of it; a unit test holds
/// the two together), [`NO_DAY_NUMBER`] where it has none: the columnar reader's way from
/// text to a day without making the date.
static DAY_TABLE: [i32; 111 * DAYS_PER_YEAR_ROW] = {
    // Days before each month in a common year.
    const BEFORE: [i32; 12] = [0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334];
    const LENGTH: [usize; 12] = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
    let mut table = [NO_DAY_NUMBER; 111 * DAYS_PER_YEAR_ROW];
    let mut i = 0;
    while i < table.len() {
        let (y, rest) = (i / DAYS_PER_YEAR_ROW, i % DAYS_PER_YEAR_ROW);
        let (m, d) = (rest / 32, rest % 32);
        let year = 1990 + y as i32;
        let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
        let length = LENGTH[m] + (leap && m == 1) as usize;
        if d >= 1 && d <= length {
            table[i] = YEAR_START[y] + BEFORE[m] + (leap && m >= 2) as i32 + d as i32 - 1;
        }
        i += 1;
    }
    table
};

/// The fixed layouts nearly every file writes — `YYYY-MM-DD`, `YYYY-MM-DDTHH:MM` and
/// `YYYY-MM-DDTHH:MM:SS` (`T`, `t` or a space), no offset — read without the general
/// parser's steps; `None` for anything else, and for any text the general parser would
/// refuse (an impossible date or time, a year outside 1990–2100), so that the caller falls back
/// to it and its answer (and its error) decides. Where this gives a value, it is the value
/// [`parse_notice`] gives.
#[inline]
fn fixed_notice(b: &[u8]) -> Option<NoticeTime> {
    let (index, clock) = fixed_fields(b)?;
    let date = DATE_TABLE.get(index).copied().flatten()?;
    Some(match clock {
        None => NoticeTime::date(date),
        Some(s) => NoticeTime::at(date, NaiveTime::from_num_seconds_from_midnight_opt(s, 0)?),
    })
}

/// [`fixed_notice`] as the day number and the seconds after midnight (−1 for a date
/// alone): the same text read, the same date and time, without making them.
// Always inlined into the columnar reader's loops: 3 % fewer instructions over a whole CSV
// file than a call per cell (callgrind, `utklar indicators` on 500 000 rows).
#[allow(clippy::inline_always)]
#[inline(always)]
pub(crate) fn fixed_notice_parts(b: &[u8]) -> Option<(i32, i32)> {
    let (index, clock) = fixed_fields(b)?;
    let day = *DAY_TABLE.get(index)?;
    if day == NO_DAY_NUMBER {
        return None;
    }
    Some((day, clock.map_or(-1, |s| s as i32)))
}

/// The rule of the fixed layouts ([`fixed_notice`]): the date's place in the tables (which
/// may hold no date: 30 February) and the seconds after midnight of a valid clock when one
/// is written (a missing second read as 00); `None` for any other text.
///
/// The text is read as 64-bit words: the two `-` checked with one mask, the eight date
/// digits (and the four or six clock digits) checked at once ([`all_digits`]) and turned
/// into numbers two at a time ([`digit_pairs`]).
#[allow(clippy::inline_always)]
#[inline(always)]
fn fixed_fields(b: &[u8]) -> Option<(usize, Option<u32>)> {
    // A '-' at bytes 4 and 7.
    const DASHES: u64 = 0xFF00_00FF_0000_0000;
    let n = b.len();
    if !(n == 10 || n == 16 || n == 19) {
        return None;
    }
    // "YYYY-MM-", then "DD".
    let head = u64::from_le_bytes(b.get(..8)?.try_into().ok()?);
    let dd = u16::from_le_bytes(b.get(8..10)?.try_into().ok()?);
    if head & DASHES != 0x2D00_002D_0000_0000 {
        return None;
    }
    // The eight digits of the date, YYYYMMDD.
    let w = (head & 0xFFFF_FFFF) | ((head >> 8) & 0xFFFF_0000_0000) | (u64::from(dd) << 48);
    if !all_digits(w) {
        return None;
    }
    let p = digit_pairs(w);
    let year = (p & 0xFF) as u32 * 100 + ((p >> 16) & 0xFF) as u32;
    let index = date_index(year, (p >> 32) as u32 & 0xFF, (p >> 48) as u32)?;
    if n == 10 {
        return Some((index, None));
    }
    // "DDTHH:MM", then ":SS" (a missing second read as 00).
    let clock = u64::from_le_bytes(b.get(8..16)?.try_into().ok()?);
    let seconds = match b.get(16..19) {
        Some(&[b':', s0, s1]) => u64::from(u16::from_le_bytes([s0, s1])),
        Some(_) => return None,
        None => 0x3030,
    };
    if !matches!(b[10], b'T' | b' ' | b't') || (clock >> 40) as u8 != b':' {
        return None;
    }
    // The digits HHMMSS, then "00".
    let w = ((clock >> 24) & 0xFFFF)
        | ((clock >> 32) & 0xFFFF_0000)
        | (seconds << 32)
        | 0x3030_0000_0000_0000;
    if !all_digits(w) {
        return None;
    }
    let p = digit_pairs(w);
    let (h, m, s) = (
        p as u32 & 0xFF,
        (p >> 16) as u32 & 0xFF,
        (p >> 32) as u32 & 0xFF,
    );
    // What `NaiveTime::from_hms_opt` accepts.
    (h < 24 && m < 60 && s < 60).then_some((index, Some(h * 3600 + m * 60 + s)))
}

/// Parses a date or a local datetime; an offset (`Z`, `+02:00`, `+0200`) is converted to
/// Swedish local time.
pub fn parse_notice(s: &str) -> Result<NoticeTime, TimeError> {
    let b = crate::text::trim(s).as_bytes();
    if let Some(t) = fixed_notice(b) {
        return Ok(t);
    }
    parse_notice_general(b)
}

/// [`parse_notice`] when the text, as it is, is in one of the fixed layouts
/// ([`fixed_notice`], which never has a fraction of a second), `None` otherwise: the row
/// reader's first try, before the general parser. Such text starts and ends with a digit, so
/// trimming would not change it; text with white space around it is `None` here and read by
/// [`parse_notice`], which trims it first.
#[inline]
pub(crate) fn parse_fixed_untrimmed(s: &str) -> Option<NoticeTime> {
    fixed_notice(s.as_bytes())
}

/// [`parse_notice`] of trimmed text in every form it reads.
fn parse_notice_general(b: &[u8]) -> Result<NoticeTime, TimeError> {
    if b.len() < 10 {
        return Err(TimeError::Unparseable);
    }
    if b.len() == 10 {
        return parse_ymd(b).map(NoticeTime::date);
    }
    if b[10] != b'T' && b[10] != b' ' && b[10] != b't' {
        return Err(TimeError::Unparseable);
    }
    // Date part may be out of range before an offset moves it; check the range at the end.
    let date = {
        let d = &b[..10];
        if d[4] != b'-' || d[7] != b'-' {
            return Err(TimeError::Unparseable);
        }
        let (Some(y), Some(m), Some(dd)) = (digits(&d[0..4]), digits(&d[5..7]), digits(&d[8..10]))
        else {
            return Err(TimeError::Unparseable);
        };
        NaiveDate::from_ymd_opt(y as i32, m, dd).ok_or(TimeError::Unparseable)?
    };
    let rest = &b[11..];
    // Split the offset, if any.
    let (clock, offset_min) = split_offset(rest)?;
    let time = parse_clock(clock)?;
    let local = match offset_min {
        None => NaiveDateTime::new(date, time),
        Some(off) => {
            utc_to_stockholm(NaiveDateTime::new(date, time) - Duration::minutes(off.into()))
        }
    };
    check_range(local.date())?;
    Ok(NoticeTime::from(local))
}

fn split_offset(rest: &[u8]) -> Result<(&[u8], Option<i32>), TimeError> {
    if let Some(stripped) = rest.strip_suffix(b"Z").or_else(|| rest.strip_suffix(b"z")) {
        return Ok((stripped, Some(0)));
    }
    if let Some(pos) = rest.iter().position(|&c| c == b'+' || c == b'-') {
        let (clock, off) = rest.split_at(pos);
        let sign = if off[0] == b'-' { -1 } else { 1 };
        let o = &off[1..];
        let (h, m) = match o.len() {
            2 => (digits(o), Some(0)),
            4 => (digits(&o[0..2]), digits(&o[2..4])),
            5 if o[2] == b':' => (digits(&o[0..2]), digits(&o[3..5])),
            _ => (None, None),
        };
        let (Some(h), Some(m)) = (h, m) else {
            return Err(TimeError::Unparseable);
        };
        if h > 14 || m > 59 {
            return Err(TimeError::Unparseable);
        }
        return Ok((clock, Some(sign * (h as i32 * 60 + m as i32))));
    }
    Ok((rest, None))
}

fn parse_clock(c: &[u8]) -> Result<NaiveTime, TimeError> {
    // HH:MM, HH:MM:SS, HH:MM:SS.fff
    if c.len() < 5 || c[2] != b':' {
        return Err(TimeError::Unparseable);
    }
    let (Some(h), Some(m)) = (digits(&c[0..2]), digits(&c[3..5])) else {
        return Err(TimeError::Unparseable);
    };
    let mut s = 0;
    let mut nanos = 0;
    if c.len() > 5 {
        if c.len() < 8 || c[5] != b':' {
            return Err(TimeError::Unparseable);
        }
        s = digits(&c[6..8]).ok_or(TimeError::Unparseable)?;
        if c.len() > 8 {
            if c[8] != b'.' && c[8] != b',' {
                return Err(TimeError::Unparseable);
            }
            let frac = &c[9..];
            if frac.is_empty() || frac.len() > 9 {
                return Err(TimeError::Unparseable);
            }
            nanos = digits(frac).ok_or(TimeError::Unparseable)? * 10u32.pow(9 - frac.len() as u32);
        }
    }
    NaiveTime::from_hms_nano_opt(h, m, s, nanos).ok_or(TimeError::Unparseable)
}

/// The last Sunday of a month.
fn last_sunday(year: i32, month: u32) -> NaiveDate {
    let next = if month == 12 {
        NaiveDate::from_ymd_opt(year + 1, 1, 1)
    } else {
        NaiveDate::from_ymd_opt(year, month + 1, 1)
    }
    .expect("valid month");
    let last = next - Duration::days(1);
    let back = last.weekday().num_days_from_sunday();
    last - Duration::days(i64::from(back))
}

/// Converts a UTC datetime to Swedish local civil time (Europe/Stockholm).
///
/// Sweden keeps CET (UTC+1) and summer time CEST (UTC+2) from 01:00 UTC on the last Sunday of
/// March to 01:00 UTC on the last Sunday of October (of September before 1996).
pub fn utc_to_stockholm(utc: NaiveDateTime) -> NaiveDateTime {
    let y = utc.year();
    let start = NaiveDateTime::new(
        last_sunday(y, 3),
        NaiveTime::from_hms_opt(1, 0, 0).expect("1:00"),
    );
    let end_month = if y < 1996 { 9 } else { 10 };
    let end = NaiveDateTime::new(
        last_sunday(y, end_month),
        NaiveTime::from_hms_opt(1, 0, 0).expect("1:00"),
    );
    let hours = if utc >= start && utc < end { 2 } else { 1 };
    utc + Duration::hours(hours)
}

/// Minutes after midnight of a notice's time of day, or [`NO_TIME`].
pub fn minutes_of(t: NoticeTime) -> i32 {
    t.time
        .map_or(NO_TIME, |t| (t.hour() * 60 + t.minute()) as i32)
}

/// Seconds after midnight of a notice's time of day (a fraction dropped), or [`NO_TIME`].
pub fn seconds_of(t: NoticeTime) -> i32 {
    t.time
        .map_or(NO_TIME, |t| t.num_seconds_from_midnight() as i32)
}

/// Whether a weekday is Saturday or Sunday.
pub(crate) fn is_weekend(w: Weekday) -> bool {
    matches!(w, Weekday::Sat | Weekday::Sun)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::Strategy;
    use proptest::prop_oneof;

    fn d(y: i32, m: u32, dd: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, dd).unwrap()
    }

    #[test]
    fn day_numbers_are_the_durations_since_1970() {
        // Every day of the valid range and a year either side (the year table), then a
        // wide range in steps.
        let every = MIN_DAY - 400..=MAX_DAY + 400;
        for day in every.chain((MIN_DAY - 800_000..=MAX_DAY + 800_000).step_by(7)) {
            let date = EPOCH + Duration::days(i64::from(day));
            assert_eq!(date_of_day(day), date, "{day}");
            assert_eq!(checked_date_of_day(day), Some(date), "{day}");
            assert_eq!(day_number(date), (date - EPOCH).num_days() as i32, "{day}");
        }
        // Past chrono's dates the checked form says so instead of panicking.
        assert_eq!(checked_date_of_day(i32::MAX), None);
        assert_eq!(checked_date_of_day(i32::MIN), None);
    }

    #[test]
    fn range_constants_match_dates() {
        assert_eq!(day_number(MIN_DATE), MIN_DAY);
        assert_eq!(day_number(MAX_DATE), MAX_DAY);
        assert_eq!(date_of_day(MIN_DAY), MIN_DATE);
        assert_eq!(day_number(d(1970, 1, 1)), 0);
    }

    #[test]
    fn parses_the_forms_of_spec_3() {
        assert_eq!(
            parse_notice("2025-03-14").unwrap(),
            NoticeTime::date(d(2025, 3, 14))
        );
        let t = parse_notice("2025-03-14T08:05").unwrap();
        assert_eq!(t.time.unwrap().to_string(), "08:05:00");
        let t = parse_notice("2025-03-14 12:00:00").unwrap();
        assert!(!t.is_after_noon());
        let t = parse_notice("2025-03-14 12:00:01").unwrap();
        assert!(t.is_after_noon());
        assert!(parse_notice("2025-03-14T12:00:00.5")
            .unwrap()
            .is_after_noon());
        for bad in [
            "",
            "2025-3-14",
            "14/03/2025",
            "2025-03-14X08:00",
            "2025-03-14T8:00",
            "2025-02-30",
            "2025-03-14T25:00",
        ] {
            assert_eq!(parse_notice(bad), Err(TimeError::Unparseable), "{bad}");
        }
        assert_eq!(parse_notice("1989-12-31"), Err(TimeError::OutOfRange));
        assert_eq!(parse_notice("2101-01-01T00:00"), Err(TimeError::OutOfRange));
    }

    #[test]
    fn the_date_table_is_chrono() {
        for year in 1985..=2105 {
            for month in 0..=14 {
                for day in 0..=33 {
                    let chrono = NaiveDate::from_ymd_opt(year as i32, month, day);
                    assert_eq!(
                        date_of_digits(year, month, day),
                        chrono.filter(|_| (1990..=2100).contains(&year)),
                        "{year}-{month}-{day}"
                    );
                }
            }
        }
    }

    #[test]
    fn the_day_table_is_the_day_number_of_the_date_table() {
        assert_eq!(DAY_TABLE.len(), DATE_TABLE.len());
        for (i, (&day, date)) in DAY_TABLE.iter().zip(&DATE_TABLE).enumerate() {
            assert_eq!(day, date.map_or(NO_DAY_NUMBER, day_number), "entry {i}");
        }
        assert_eq!(
            DAY_TABLE.iter().filter(|&&d| d != NO_DAY_NUMBER).count(),
            (MAX_DAY - MIN_DAY + 1) as usize
        );
    }

    #[test]
    fn all_digits_is_exact() {
        for b in 0..=255u8 {
            for pos in 0..8 {
                let mut bytes = *b"12345678";
                bytes[pos] = b;
                assert_eq!(
                    all_digits(u64::from_le_bytes(bytes)),
                    b.is_ascii_digit(),
                    "{b:#x} at {pos}"
                );
            }
        }
    }

    #[test]
    fn the_fixed_layouts_agree_with_the_general_parser() {
        let mut texts = vec![
            "2025-03-14".to_string(),
            "1990-01-01".into(),
            "2100-12-31".into(),
            "1989-12-31".into(),
            "2101-01-01T00:00".into(),
            "2024-02-29T23:59:59".into(),
            "2023-02-29T10:00".into(),
            "2025-03-14 12:00:00".into(),
            "2025-03-14t12:00".into(),
            "2025-03-14T24:00".into(),
            "2025-03-14T23:60".into(),
            "2025-03-14T23:59:60".into(),
            "2025-03-14T1a:00".into(),
            "2025-03-14X12:00".into(),
            "2025-03-14T12:00Z".into(),
            "2025-13-01".into(),
            "2025-00-10".into(),
            "2025-01-00".into(),
            "+025-01-01".into(),
            "2025-03-14T12:00:0".into(),
            "2025-03-14T12-00-00".into(),
            "2025-03-14T12:00+01".into(),
        ];
        // Every byte at every position of the common layouts.
        for base in ["2024-12-31T09:05:07", "2024-12-31T09:05", "2024-12-31"] {
            for i in 0..base.len() {
                for c in [
                    b'0', b'1', b'2', b'5', b'9', b'/', b':', b'-', b' ', b'T', b'Z', b'a',
                ] {
                    let mut v = base.as_bytes().to_vec();
                    v[i] = c;
                    texts.push(String::from_utf8(v).unwrap());
                }
            }
        }
        for t in &texts {
            let b = t.as_bytes();
            if let Some(fast) = fixed_notice(b) {
                assert_eq!(Ok(fast), parse_notice_general(b), "{t}");
            }
            // The parts are those of the time, for the same texts.
            let parts = fixed_notice(b).map(|n| {
                (
                    day_number(n.date),
                    n.time.map_or(-1, |x| x.num_seconds_from_midnight() as i32),
                )
            });
            assert_eq!(fixed_notice_parts(b), parts, "{t}");
            assert_eq!(parse_notice(t), parse_notice_general(b), "{t}");
            assert_eq!(parse_date(t), parse_ymd(b), "{t}");
        }
        // The common forms take the fixed layout.
        for t in ["2025-03-14", "2025-03-14T08:05", "2025-03-14 08:05:09"] {
            assert!(fixed_notice(t.as_bytes()).is_some(), "{t}");
        }
    }

    /// Text in the fixed layouts and near them: each part a number that may be out of range
    /// (month 13, day 32, hour 24, minute 60, second 60, years around the range's ends and
    /// leap years), each separator one of several bytes, a seconds part or not, and trailing
    /// text (an offset, a fraction, anything) or not.
    fn near_fixed() -> impl Strategy<Value = String> {
        let year = prop_oneof![1985u32..2106, 0u32..10_000];
        let part = |hi: u32| prop_oneof![0..hi, 0u32..100];
        let sep = |v: &'static [&'static str]| proptest::sample::select(v);
        (
            (year, part(14), part(33)),
            (part(25), part(61), part(61)),
            (
                sep(&["-", "/", "+", "0", ":"]),
                sep(&["-", ".", "1"]),
                sep(&["T", " ", "t", "X", "-", ":", ""]),
                sep(&[":", "-", "0"]),
                sep(&[":", "", "-"]),
            ),
            (
                0usize..4,
                sep(&[
                    "", "Z", "z", "+01:00", "-0200", "+02", ".5", ",123", "x", " ", ":00", "0",
                ]),
            ),
        )
            .prop_map(
                |((y, mo, d), (h, mi, sec), (s1, s2, st, s3, s4), (layout, tail))| {
                    let date = format!("{y:04}{s1}{mo:02}{s2}{d:02}");
                    match layout {
                        0 => format!("{date}{tail}"),
                        1 => format!("{date}{st}{h:02}{s3}{mi:02}{tail}"),
                        2 => format!("{date}{st}{h:02}{s3}{mi:02}{s4}{sec:02}{tail}"),
                        _ => format!("{date}{st}{h:02}{s3}{mi:02}{s4}{sec}{tail}"),
                    }
                },
            )
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(4096))]

        /// Wherever the fixed-layout path gives a value, the general parser gives the same;
        /// and the parse as a whole is the general parser's, on near-miss text and on any
        /// bytes.
        #[test]
        fn the_fixed_layouts_are_the_general_parser(t in near_fixed()) {
            if let Some(fast) = parse_fixed_untrimmed(&t) {
                proptest::prop_assert_eq!(Ok(fast), parse_notice(&t), "{}", t);
            }
            let b = crate::text::trim(&t).as_bytes();
            if let Some(fast) = fixed_notice(b) {
                proptest::prop_assert_eq!(Ok(fast), parse_notice_general(b), "{}", t);
            }
            proptest::prop_assert_eq!(parse_notice(&t), parse_notice_general(b), "{}", t);
            proptest::prop_assert_eq!(parse_date(&t), parse_ymd(b), "{}", t);
        }

        #[test]
        fn any_text_parses_as_the_general_parser(t in "[0-9:T \\-]{8,21}|\\PC{0,22}") {
            if let Some(fast) = parse_fixed_untrimmed(&t) {
                proptest::prop_assert_eq!(Ok(fast), parse_notice(&t), "{:?}", t);
            }
            let b = crate::text::trim(&t).as_bytes();
            if let Some(fast) = fixed_notice(b) {
                proptest::prop_assert_eq!(Ok(fast), parse_notice_general(b), "{:?}", t);
            }
            proptest::prop_assert_eq!(parse_notice(&t), parse_notice_general(b), "{:?}", t);
        }

        /// Every valid date and time of the range in the fixed layouts takes the fast path.
        #[test]
        fn valid_fixed_text_takes_the_fast_path(
            day in MIN_DAY..=MAX_DAY,
            second in 0u32..86_400,
            layout in 0usize..3,
        ) {
            let date = date_of_day(day);
            let time = NaiveTime::from_num_seconds_from_midnight_opt(second, 0).unwrap();
            let t = match layout {
                0 => date.format("%Y-%m-%d").to_string(),
                1 => format!("{}T{}", date.format("%Y-%m-%d"), time.format("%H:%M")),
                _ => format!("{} {}", date.format("%Y-%m-%d"), time.format("%H:%M:%S")),
            };
            let fast = fixed_notice(t.as_bytes());
            proptest::prop_assert!(fast.is_some(), "{}", t);
            proptest::prop_assert_eq!(fast.map(|f| f.date), Some(date));
            proptest::prop_assert_eq!(Ok(fast.unwrap()), parse_notice_general(t.as_bytes()));
            let second = if layout == 0 { -1 } else if layout == 1 { (second / 60 * 60) as i32 } else { second as i32 };
            proptest::prop_assert_eq!(fixed_notice_parts(t.as_bytes()), Some((day, second)), "{}", t);
        }
    }

    #[test]
    fn offsets_convert_to_stockholm_time() {
        // Winter: UTC+1.
        assert_eq!(
            parse_notice("2025-01-10T11:30:00Z").unwrap().to_string(),
            "2025-01-10T12:30:00"
        );
        // Summer: UTC+2.
        assert_eq!(
            parse_notice("2025-07-10T11:30:00+00:00")
                .unwrap()
                .to_string(),
            "2025-07-10T13:30:00"
        );
        // Given in CEST already.
        assert_eq!(
            parse_notice("2025-07-10T13:30:00+02:00")
                .unwrap()
                .to_string(),
            "2025-07-10T13:30:00"
        );
        assert_eq!(
            parse_notice("2025-07-10T13:30:00+0200")
                .unwrap()
                .to_string(),
            "2025-07-10T13:30:00"
        );
        // Crossing midnight changes the date.
        assert_eq!(
            parse_notice("2024-12-31T23:30:00Z").unwrap().to_string(),
            "2025-01-01T00:30:00"
        );
        // Switch instants 2025: 30 March 01:00 UTC and 26 October 01:00 UTC.
        assert_eq!(
            parse_notice("2025-03-30T00:59:00Z").unwrap().to_string(),
            "2025-03-30T01:59:00"
        );
        assert_eq!(
            parse_notice("2025-03-30T01:00:00Z").unwrap().to_string(),
            "2025-03-30T03:00:00"
        );
        assert_eq!(
            parse_notice("2025-10-26T00:59:00Z").unwrap().to_string(),
            "2025-10-26T02:59:00"
        );
        assert_eq!(
            parse_notice("2025-10-26T01:00:00Z").unwrap().to_string(),
            "2025-10-26T02:00:00"
        );
        // Before 1996 summer time ended in September.
        assert_eq!(
            parse_notice("1995-10-10T12:00:00Z").unwrap().to_string(),
            "1995-10-10T13:00:00"
        );
    }

    #[test]
    fn precision_aware_ordering() {
        let a = parse_notice("2025-01-10T10:00").unwrap();
        let b = parse_notice("2025-01-10T09:00").unwrap();
        assert!(b.is_before(a));
        assert!(!a.is_before(b));
        let c = parse_notice("2025-01-10").unwrap();
        assert!(!c.is_before(a) && !a.is_before(c));
    }

    #[test]
    fn day_minutes_round_trip() {
        let t = NoticeTime::from_day_minutes(day_number(d(2025, 5, 1)), 13 * 60 + 7);
        assert_eq!(t.to_string(), "2025-05-01T13:07:00");
        assert_eq!(minutes_of(t), 787);
        assert_eq!(
            NoticeTime::from_day_minutes(day_number(d(2025, 5, 1)), NO_TIME).time,
            None
        );
    }
}
