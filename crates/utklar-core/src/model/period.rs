//! Reporting periods: month, quarter, year (`docs/counting.md`). An episode belongs to the period of its
//! discharge date.
//!
//! ```
//! use utklar_core::{Period, PeriodKind};
//! use chrono::NaiveDate;
//!
//! let d = NaiveDate::from_ymd_opt(2025, 3, 31).unwrap();
//! assert_eq!(Period::of(PeriodKind::Month, d).to_string(), "2025-03");
//! assert_eq!(Period::of(PeriodKind::Quarter, d).to_string(), "2025-Q1");
//! assert_eq!(Period::of(PeriodKind::Year, d).to_string(), "2025");
//! assert_eq!("2024-Q1".parse::<Period>()?.days(), 91);
//! # Ok::<(), utklar_core::Error>(())
//! ```

use std::fmt;
use std::str::FromStr;

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::error::Error;

/// The length of a reporting period.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, Default,
)]
#[serde(rename_all = "lowercase")]
pub enum PeriodKind {
    /// A calendar month (`2025-03`).
    #[default]
    Month,
    /// A calendar quarter (`2025-Q1`).
    Quarter,
    /// A calendar year (`2025`).
    Year,
}

impl PeriodKind {
    /// Months in one period: 1, 3 or 12.
    pub fn months(self) -> u32 {
        match self {
            PeriodKind::Month => 1,
            PeriodKind::Quarter => 3,
            PeriodKind::Year => 12,
        }
    }

    /// `"month"`, `"quarter"` or `"year"`.
    pub fn as_str(self) -> &'static str {
        match self {
            PeriodKind::Month => "month",
            PeriodKind::Quarter => "quarter",
            PeriodKind::Year => "year",
        }
    }
}

impl FromStr for PeriodKind {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self, Error> {
        match s.trim().to_ascii_lowercase().as_str() {
            "month" | "monthly" | "månad" => Ok(PeriodKind::Month),
            "quarter" | "quarterly" | "kvartal" => Ok(PeriodKind::Quarter),
            "year" | "yearly" | "annual" | "år" => Ok(PeriodKind::Year),
            _ => Err(Error::InvalidArgument {
                name: "period".into(),
                message: format!("{s:?} is not a period: use month, quarter or year"),
            }),
        }
    }
}

impl fmt::Display for PeriodKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One reporting period. Ordered by time; displays as `2025-03`, `2025-Q1` or `2025`.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Period {
    kind: PeriodKind,
    /// Ordinal: months since year 0 (month), quarters since year 0 (quarter), or the year.
    ordinal: i32,
}

/// The largest year (and, negated, the smallest) of a period: well inside the dates chrono
/// represents.
pub const MAX_PERIOD_YEAR: i32 = 200_000;

impl Period {
    /// The period of `kind` that contains `date`.
    pub fn of(kind: PeriodKind, date: NaiveDate) -> Self {
        let month_ordinal = date.year() * 12 + date.month0() as i32;
        Self::from_month_ordinal(kind, month_ordinal)
    }

    /// The period of `kind` containing the month `year * 12 + month0`.
    pub(crate) fn from_month_ordinal(kind: PeriodKind, month_ordinal: i32) -> Self {
        let ordinal = match kind {
            PeriodKind::Month => month_ordinal,
            PeriodKind::Quarter => month_ordinal.div_euclid(3),
            PeriodKind::Year => month_ordinal.div_euclid(12),
        };
        Period { kind, ordinal }
    }

    /// A period from its kind and ordinal (see [`Period::ordinal`]). An ordinal beyond the
    /// years ±[`MAX_PERIOD_YEAR`] is taken as the nearest one within them, so that every
    /// period has a first and a last day.
    pub fn from_ordinal(kind: PeriodKind, ordinal: i32) -> Self {
        let y = MAX_PERIOD_YEAR;
        let (lo, hi) = match kind {
            PeriodKind::Month => (-y * 12, y * 12 + 11),
            PeriodKind::Quarter => (-y * 4, y * 4 + 3),
            PeriodKind::Year => (-y, y),
        };
        Period {
            kind,
            ordinal: ordinal.clamp(lo, hi),
        }
    }

    /// A month written as text (`2025-03`); anything else, a quarter or a year too, is
    /// [`Error::InvalidArgument`] naming `month`.
    ///
    /// ```
    /// use utklar_core::Period;
    ///
    /// assert_eq!(Period::parse_month("2025-03")?, Period::month(2025, 3)?);
    /// let e = Period::parse_month("2025-Q1").unwrap_err();
    /// assert_eq!(e.to_string(), "month: \"2025-Q1\" is not a month: use YYYY-MM");
    /// # Ok::<(), utklar_core::Error>(())
    /// ```
    pub fn parse_month(text: &str) -> Result<Self, Error> {
        text.parse::<Period>()
            .ok()
            .filter(|p| p.kind() == PeriodKind::Month)
            .ok_or_else(|| Error::InvalidArgument {
                name: "month".into(),
                message: format!("{text:?} is not a month: use YYYY-MM"),
            })
    }

    /// A month period.
    pub fn month(year: i32, month: u32) -> Result<Self, Error> {
        if !(-MAX_PERIOD_YEAR..=MAX_PERIOD_YEAR).contains(&year) {
            return Err(Error::InvalidArgument {
                name: "period".into(),
                message: format!("year {year} is outside ±{MAX_PERIOD_YEAR}"),
            });
        }
        if !(1..=12).contains(&month) {
            return Err(Error::InvalidArgument {
                name: "period".into(),
                message: format!("month {month} is not 1–12"),
            });
        }
        Ok(Period {
            kind: PeriodKind::Month,
            ordinal: year * 12 + month as i32 - 1,
        })
    }

    /// The kind of period.
    pub fn kind(self) -> PeriodKind {
        self.kind
    }

    /// The ordinal: months since year 0 for months, quarters since year 0 for quarters, the
    /// year for years. Consecutive periods have consecutive ordinals.
    pub fn ordinal(self) -> i32 {
        self.ordinal
    }

    /// The calendar year the period lies in.
    pub fn year(self) -> i32 {
        match self.kind {
            PeriodKind::Month => self.ordinal.div_euclid(12),
            PeriodKind::Quarter => self.ordinal.div_euclid(4),
            PeriodKind::Year => self.ordinal,
        }
    }

    /// The first day of the period.
    pub fn first_day(self) -> NaiveDate {
        let m0 = match self.kind {
            PeriodKind::Month => self.ordinal.rem_euclid(12),
            PeriodKind::Quarter => self.ordinal.rem_euclid(4) * 3,
            PeriodKind::Year => 0,
        };
        // Within ±MAX_PERIOD_YEAR every first day exists.
        NaiveDate::from_ymd_opt(self.year(), m0 as u32 + 1, 1).unwrap_or(NaiveDate::MIN)
    }

    /// The period after this one.
    #[must_use]
    pub fn next(self) -> Self {
        Period::from_ordinal(self.kind, self.ordinal.saturating_add(1))
    }

    /// The period before this one.
    #[must_use]
    pub fn prev(self) -> Self {
        Period::from_ordinal(self.kind, self.ordinal.saturating_sub(1))
    }

    /// The last day of the period.
    pub fn last_day(self) -> NaiveDate {
        let m0 = match self.kind {
            PeriodKind::Month => self.ordinal.rem_euclid(12),
            PeriodKind::Quarter => self.ordinal.rem_euclid(4) * 3 + 2,
            PeriodKind::Year => 11,
        } as u32;
        let first_of_last_month =
            NaiveDate::from_ymd_opt(self.year(), m0 + 1, 1).unwrap_or(NaiveDate::MAX);
        first_of_last_month
            .checked_add_months(chrono::Months::new(1))
            .and_then(|d| d.pred_opt())
            .unwrap_or(NaiveDate::MAX)
    }

    /// Calendar days in the period (28–31, 90–92, 365–366).
    pub fn days(self) -> u32 {
        (self.last_day() - self.first_day()).num_days() as u32 + 1
    }

    /// Months in the period.
    pub fn months(self) -> u32 {
        self.kind.months()
    }

    /// Whether `date` is in the period.
    pub fn contains(self, date: NaiveDate) -> bool {
        Period::of(self.kind, date) == self
    }
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.kind {
            PeriodKind::Month => write!(
                f,
                "{:04}-{:02}",
                self.year(),
                self.ordinal.rem_euclid(12) + 1
            ),
            PeriodKind::Quarter => {
                write!(f, "{:04}-Q{}", self.year(), self.ordinal.rem_euclid(4) + 1)
            }
            PeriodKind::Year => write!(f, "{:04}", self.ordinal),
        }
    }
}

impl fmt::Debug for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Period({self})")
    }
}

impl FromStr for Period {
    type Err = Error;

    /// Parses `2025-03`, `2025-Q1` (or `2025Q1`) or `2025`.
    fn from_str(s: &str) -> Result<Self, Error> {
        let bad = || Error::InvalidArgument {
            name: "period".into(),
            message: format!("{s:?} is not a period: use 2025-03, 2025-Q1 or 2025"),
        };
        let t = s.trim();
        let year_of = |y: &str| -> Result<i32, Error> {
            if y.len() == 4 && y.bytes().all(|b| b.is_ascii_digit()) {
                y.parse().map_err(|_| bad())
            } else {
                Err(bad())
            }
        };
        if t.len() == 4 {
            return Ok(Period {
                kind: PeriodKind::Year,
                ordinal: year_of(t)?,
            });
        }
        let upper = t.to_ascii_uppercase();
        if let Some((y, q)) = upper.split_once("-Q").or_else(|| upper.split_once('Q')) {
            let year = year_of(y)?;
            let q: i32 = q.parse().map_err(|_| bad())?;
            if !(1..=4).contains(&q) {
                return Err(bad());
            }
            return Ok(Period {
                kind: PeriodKind::Quarter,
                ordinal: year * 4 + q - 1,
            });
        }
        if let Some((y, m)) = t.split_once('-') {
            let year = year_of(y)?;
            if m.len() != 2 {
                return Err(bad());
            }
            let m: u32 = m.parse().map_err(|_| bad())?;
            return Period::month(year, m).map_err(|_| bad());
        }
        Err(bad())
    }
}

impl Serialize for Period {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Period {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, dd: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, dd).unwrap()
    }

    #[test]
    fn periods_of_dates_and_their_lengths() {
        let p = Period::of(PeriodKind::Month, d(2024, 2, 10));
        assert_eq!((p.to_string(), p.days()), ("2024-02".into(), 29));
        assert_eq!(Period::of(PeriodKind::Month, d(2023, 2, 10)).days(), 28);
        assert_eq!(Period::of(PeriodKind::Month, d(2017, 1, 31)).days(), 31);
        assert_eq!(
            Period::of(PeriodKind::Quarter, d(2025, 12, 31)).to_string(),
            "2025-Q4"
        );
        assert_eq!(Period::of(PeriodKind::Quarter, d(2025, 12, 31)).days(), 92);
        assert_eq!(Period::of(PeriodKind::Quarter, d(2023, 2, 1)).days(), 90);
        assert_eq!(Period::of(PeriodKind::Year, d(2023, 6, 1)).days(), 365);
        assert_eq!(Period::of(PeriodKind::Year, d(2024, 6, 1)).days(), 366);
        assert_eq!(
            Period::of(PeriodKind::Month, d(2025, 12, 5))
                .next()
                .to_string(),
            "2026-01"
        );
        assert_eq!(
            Period::of(PeriodKind::Quarter, d(2025, 1, 5))
                .prev()
                .to_string(),
            "2024-Q4"
        );
        assert!(p.contains(d(2024, 2, 29)) && !p.contains(d(2024, 3, 1)));
        assert_eq!(p.last_day(), d(2024, 2, 29));
    }

    #[test]
    fn parse_and_display_round_trip() {
        for s in ["2025-03", "2025-Q1", "2025", "1990-01", "2100-Q4"] {
            assert_eq!(s.parse::<Period>().unwrap().to_string(), s);
        }
        assert_eq!("2025q2".parse::<Period>().unwrap().to_string(), "2025-Q2");
        for bad in ["", "2025-13", "2025-Q5", "25-01", "2025-1", "x"] {
            assert!(bad.parse::<Period>().is_err(), "{bad}");
        }
    }
}
