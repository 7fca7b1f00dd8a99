//! Swedish public holidays and working days (*vardagar*).
//!
//! Some agreements count grace days in working days (Gävleborg 2016–2017). A working day is
//! Monday to Friday except the Swedish public holidays (`docs/counting.md`): nyårsdagen, trettondedag jul,
//! långfredagen, annandag påsk, 1 maj, Kristi himmelsfärdsdag, nationaldagen, midsommarafton,
//! midsommardagen, alla helgons dag, julafton, juldagen, annandag jul and nyårsafton. Easter
//! follows the Gregorian computus; midsommardagen is the Saturday in 20–26 June (its eve the
//! Friday before), alla helgons dag the Saturday in 31 October – 6 November.
//!
//! ```
//! use chrono::NaiveDate;
//! use utklar_core::calendar::{easter_sunday, is_working_day, working_days_between};
//!
//! assert_eq!(easter_sunday(2025), NaiveDate::from_ymd_opt(2025, 4, 20));
//! let good_friday = NaiveDate::from_ymd_opt(2025, 4, 18).unwrap();
//! assert!(!is_working_day(good_friday));
//! // Thursday 17 April to Tuesday 22 April 2025: only the 17th and the 22nd are working days,
//! // and the interval is half-open.
//! let a = NaiveDate::from_ymd_opt(2025, 4, 17).unwrap();
//! let b = NaiveDate::from_ymd_opt(2025, 4, 22).unwrap();
//! assert_eq!(working_days_between(a, b), 1);
//! ```

use chrono::{Datelike, Duration, NaiveDate, Weekday};

use crate::model::time::is_weekend;

/// Easter Sunday of a year (Gregorian computus, the anonymous algorithm of Meeus/Jones/Butcher,
/// with floor division so that it holds for the proleptic calendar before year 1 too); `None`
/// for a year outside the dates chrono represents.
pub fn easter_sunday(year: i32) -> Option<NaiveDate> {
    let a = year.rem_euclid(19);
    let b = year.div_euclid(100);
    let c = year.rem_euclid(100);
    let d = b.div_euclid(4);
    let e = b.rem_euclid(4);
    let f = (b + 8).div_euclid(25);
    let g = (b - f + 1).div_euclid(3);
    let h = (19 * a + b - d - g + 15).rem_euclid(30);
    let i = c / 4;
    let k = c % 4;
    let l = (32 + 2 * e + 2 * i - h - k).rem_euclid(7);
    let m = (a + 11 * h + 22 * l) / 451;
    let month = (h + l - 7 * m + 114) / 31;
    let day = (h + l - 7 * m + 114) % 31 + 1;
    NaiveDate::from_ymd_opt(year, month as u32, day as u32)
}

fn saturday_in(year: i32, month: u32, first_day: u32) -> Option<NaiveDate> {
    let start = NaiveDate::from_ymd_opt(year, month, first_day)?;
    let offset =
        (Weekday::Sat.num_days_from_monday() + 7 - start.weekday().num_days_from_monday()) % 7;
    start.checked_add_signed(Duration::days(i64::from(offset)))
}

/// The Swedish public holidays of a year that count as non-working days, in date order, with their names.
///
/// Empty for a year outside the dates chrono represents (about ±262 000).
pub fn holidays(year: i32) -> Vec<(NaiveDate, &'static str)> {
    let (Some(easter), Some(midsummer_day), Some(all_saints), Some(_)) = (
        easter_sunday(year),
        saturday_in(year, 6, 20),
        saturday_in(year, 10, 31),
        NaiveDate::from_ymd_opt(year, 12, 31),
    ) else {
        return Vec::new();
    };
    // Every date of the year exists (checked above with 31 December).
    let ymd = |m: u32, d: u32| NaiveDate::from_ymd_opt(year, m, d).unwrap_or(easter);
    let mut v = vec![
        (ymd(1, 1), "nyårsdagen"),
        (ymd(1, 6), "trettondedag jul"),
        (easter - Duration::days(2), "långfredagen"),
        (easter + Duration::days(1), "annandag påsk"),
        (ymd(5, 1), "första maj"),
        (easter + Duration::days(39), "Kristi himmelsfärdsdag"),
        (ymd(6, 6), "nationaldagen"),
        (midsummer_day - Duration::days(1), "midsommarafton"),
        (midsummer_day, "midsommardagen"),
        (all_saints, "alla helgons dag"),
        (ymd(12, 24), "julafton"),
        (ymd(12, 25), "juldagen"),
        (ymd(12, 26), "annandag jul"),
        (ymd(12, 31), "nyårsafton"),
    ];
    v.sort_by_key(|h| h.0);
    v
}

/// Whether a date is one of the Swedish public holidays counted here.
pub fn is_holiday(date: NaiveDate) -> bool {
    let (y, m, d) = (date.year(), date.month(), date.day());
    match (m, d) {
        (1, 1 | 6) | (5, 1) | (6, 6) | (12, 24 | 25 | 26 | 31) => return true,
        _ => {}
    }
    if let Some(easter) = easter_sunday(y) {
        let delta = (date - easter).num_days();
        if matches!(delta, -2 | 1 | 39) {
            return true;
        }
    }
    if date.weekday() == Weekday::Sat
        && ((m == 6 && (20..=26).contains(&d)) || (m == 10 && d == 31) || (m == 11 && d <= 6))
    {
        return true;
    }
    // Midsommarafton: the Friday in 19–25 June.
    date.weekday() == Weekday::Fri && m == 6 && (19..=25).contains(&d)
}

/// Whether a date is a working day (*vardag*): Monday–Friday and not a public holiday.
pub fn is_working_day(date: NaiveDate) -> bool {
    !is_weekend(date.weekday()) && !is_holiday(date)
}

/// The number of working days in the half-open interval `[from, to)`; 0 when `to <= from`.
///
/// With `from` the ready date and `to` the discharge date this is the working-day analogue of
/// ready days: the days the patient waited that count under a *vardagar* agreement.
pub fn working_days_between(from: NaiveDate, to: NaiveDate) -> i64 {
    let mut n = 0;
    let mut d = from;
    while d < to {
        if is_working_day(d) {
            n += 1;
        }
        d += Duration::days(1);
    }
    n
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, dd: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, dd).unwrap()
    }

    #[test]
    fn easter_known_years() {
        for (y, m, dd) in [
            (2000, 4, 23),
            (2008, 3, 23),
            (2011, 4, 24),
            (2019, 4, 21),
            (2024, 3, 31),
            (2025, 4, 20),
            (2026, 4, 5),
            (2038, 4, 25),
        ] {
            assert_eq!(easter_sunday(y), Some(d(y, m, dd)), "{y}");
        }
    }

    #[test]
    fn holidays_2024_match_the_official_calendar() {
        let got: Vec<String> = holidays(2024)
            .iter()
            .map(|h| h.0.format("%m-%d").to_string())
            .collect();
        assert_eq!(
            got,
            [
                "01-01", "01-06", "03-29", "04-01", "05-01", "05-09", "06-06", "06-21", "06-22",
                "11-02", "12-24", "12-25", "12-26", "12-31"
            ]
        );
        for (date, name) in holidays(2024) {
            assert!(is_holiday(date), "{name}");
        }
    }

    #[test]
    fn holidays_2025_match_the_official_calendar() {
        let got: Vec<String> = holidays(2025)
            .iter()
            .map(|h| h.0.format("%m-%d").to_string())
            .collect();
        assert_eq!(
            got,
            [
                "01-01", "01-06", "04-18", "04-21", "05-01", "05-29", "06-06", "06-20", "06-21",
                "11-01", "12-24", "12-25", "12-26", "12-31"
            ]
        );
    }

    #[test]
    fn is_holiday_agrees_with_the_list_every_day() {
        for y in [1990, 2016, 2017, 2024, 2025, 2100] {
            let list: Vec<NaiveDate> = holidays(y).into_iter().map(|h| h.0).collect();
            let mut day = d(y, 1, 1);
            while day.year() == y {
                assert_eq!(is_holiday(day), list.contains(&day), "{day}");
                day += Duration::days(1);
            }
        }
    }

    #[test]
    fn working_days_2025() {
        // 2025: 365 − 104 weekend days − 12 holidays on weekdays (1/1, 6/1, 18/4, 21/4, 1/5,
        // 29/5, 6/6, 20/6, 24/12, 25/12, 26/12, 31/12) = 249.
        assert_eq!(working_days_between(d(2025, 1, 1), d(2026, 1, 1)), 249);
        // 2024: 366 − 104 − 11 = 251.
        assert_eq!(working_days_between(d(2024, 1, 1), d(2025, 1, 1)), 251);
        assert_eq!(working_days_between(d(2025, 6, 19), d(2025, 6, 24)), 2); // Thu 19, Mon 23
        assert_eq!(working_days_between(d(2025, 6, 24), d(2025, 6, 19)), 0);
    }
}
