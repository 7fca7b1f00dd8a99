//! Reference data the indicators need: population and available beds.
//!
//! [`Population::builtin`] is the embedded `data/population.csv`: all 290 municipalities,
//! registered population total and aged 65+, **reference date 30 September 2022** (SCB), see
//! `data/SOURCES.md`. It is right for examples, demos and tests; real reports should be given
//! the figures their publisher uses (SKR: the mean population of the year, or 31 December of
//! the previous year).
//!
//! ```
//! use utklar_core::{Population, Municipality};
//!
//! let pop = Population::builtin();
//! let kalmar: Municipality = "0880".parse()?;
//! let row = pop.get(kalmar, 2022).unwrap();
//! assert!(row.pop_65plus > 10_000 && row.pop_total > row.pop_65plus);
//! // A later year falls back to the latest earlier year given.
//! assert_eq!(pop.get(kalmar, 2025), Some(row));
//! assert_eq!(pop.get(kalmar, 2021), None);
//! # Ok::<(), utklar_core::Error>(())
//! ```

use std::collections::{BTreeMap, HashMap};

use serde::{Deserialize, Serialize};

use crate::error::Error;
use crate::model::episode::CareType;
use crate::model::municipality::{County, Municipality};
use crate::model::period::Period;

const POPULATION_CSV: &str = include_str!("../../data/population.csv");

/// A reference year of 1990–2100; the error names the column `year`.
fn check_year(year: i32) -> Result<(), Error> {
    if (1990..=2100).contains(&year) {
        Ok(())
    } else {
        Err(Error::InvalidArgument {
            name: "year".into(),
            message: "is outside 1990–2100".into(),
        })
    }
}

/// The population of one municipality in one year.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct PopulationRow {
    /// All ages.
    pub pop_total: u64,
    /// Aged 65 or older.
    pub pop_65plus: u64,
}

/// The largest population of one municipality accepted (ten times Sweden's): a larger figure
/// is a typing error.
pub const MAX_POPULATION: u64 = 100_000_000;

/// The largest number of available beds of one county and period accepted.
pub const MAX_BEDS: f64 = 1_000_000.0;

impl PopulationRow {
    /// A checked row: at most [`MAX_POPULATION`] people, and no more aged 65+ than in total.
    /// The error ([`Error::InvalidArgument`]) names the column, never the figures.
    ///
    /// ```
    /// use utklar_core::PopulationRow;
    /// assert!(PopulationRow::new(41_000, 9_000).is_ok());
    /// let err = PopulationRow::new(9_000, 41_000).unwrap_err();
    /// assert_eq!(err.to_string(), "pop_65plus: more people aged 65 or older than in total");
    /// ```
    pub fn new(pop_total: u64, pop_65plus: u64) -> Result<Self, Error> {
        let row = PopulationRow {
            pop_total,
            pop_65plus,
        };
        row.check()?;
        Ok(row)
    }

    /// Checks the row as [`PopulationRow::new`] does.
    pub fn check(&self) -> Result<(), Error> {
        let bad = |name: &str, message: String| Error::InvalidArgument {
            name: name.into(),
            message,
        };
        if self.pop_total > MAX_POPULATION {
            return Err(bad(
                "pop_total",
                format!("more than {MAX_POPULATION} people in one municipality"),
            ));
        }
        if self.pop_65plus > self.pop_total {
            return Err(bad(
                "pop_65plus",
                "more people aged 65 or older than in total".into(),
            ));
        }
        Ok(())
    }
}

/// A whole number of people from a cell; the error names the column, never the cell.
fn count_of(name: &str, s: &str) -> Result<u64, Error> {
    let t = s.trim();
    let bad = |message: &str| Error::InvalidArgument {
        name: name.into(),
        message: message.into(),
    };
    if let Some(rest) = t.strip_prefix('-') {
        if !rest.is_empty() && rest.bytes().all(|b| b.is_ascii_digit()) {
            return Err(bad("is negative: a number of people is 0 or more"));
        }
    }
    if t.is_empty() {
        return Err(bad("is empty: give a whole number"));
    }
    if !t.bytes().all(|b| b.is_ascii_digit()) {
        return Err(bad("is not a whole number"));
    }
    t.parse().map_err(|_| bad("is too large"))
}

/// Population per municipality and year (`municipality,year,pop_total,pop_65plus`).
///
/// [`Population::get`] takes the figure of the asked year, or else the latest earlier year
/// given (SKR's 2023 practice: the population at the end of the previous year), or nothing.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Population {
    by_muni: HashMap<Municipality, BTreeMap<i32, PopulationRow>>,
}

impl Population {
    /// An empty table.
    pub fn new() -> Self {
        Population::default()
    }

    /// The embedded table: SCB, 30 September 2022, all 290 municipalities (as year 2022).
    pub fn builtin() -> Self {
        let mut p = Population::new();
        for line in POPULATION_CSV.lines().skip(1) {
            let f: Vec<&str> = line.trim_end_matches('\r').split(',').collect();
            if f.len() < 4 {
                continue;
            }
            let m: Municipality = f[0].parse().expect("embedded code");
            p.insert(
                m,
                f[1].parse().expect("embedded year"),
                PopulationRow {
                    pop_total: f[2].parse().expect("embedded total"),
                    pop_65plus: f[3].parse().expect("embedded 65+"),
                },
            );
        }
        p
    }

    /// Sets a municipality's population for a year, unchecked (the figures of code that knows
    /// them); [`Population::try_insert`] checks them.
    pub fn insert(&mut self, municipality: Municipality, year: i32, row: PopulationRow) {
        self.by_muni
            .entry(municipality)
            .or_default()
            .insert(year, row);
    }

    /// Sets a municipality's population for a year, checked: a year of 1990–2100 and a row
    /// [`PopulationRow::check`] accepts.
    pub fn try_insert(
        &mut self,
        municipality: Municipality,
        year: i32,
        row: PopulationRow,
    ) -> Result<(), Error> {
        check_year(year)?;
        row.check()?;
        self.insert(municipality, year, row);
        Ok(())
    }

    /// Reads one text row: `municipality, year, pop_total, pop_65plus`, checked as
    /// [`Population::try_insert`] checks. An error ([`Error::InvalidArgument`]) names the
    /// column and never repeats the cell (a misplaced column could hold a personal identity
    /// number); the caller adds the line.
    ///
    /// ```
    /// use utklar_core::Population;
    /// let mut pop = Population::new();
    /// pop.insert_text("0880", "2024", "71000", "15000")?;
    /// let err = pop.insert_text("0880", "2024", "19121212-1212", "15000").unwrap_err();
    /// assert_eq!(err.to_string(), "pop_total: is not a whole number");
    /// let err = pop.insert_text("0880", "2024", "1000", "2000").unwrap_err();
    /// assert!(err.to_string().starts_with("pop_65plus: more people aged 65"));
    /// # Ok::<(), utklar_core::Error>(())
    /// ```
    pub fn insert_text(
        &mut self,
        municipality: &str,
        year: &str,
        total: &str,
        plus65: &str,
    ) -> Result<(), Error> {
        let m: Municipality = municipality.parse().map_err(|_| Error::InvalidArgument {
            name: "municipality".into(),
            message: "is not one of the 290 4-digit SCB codes (e.g. 0880 for Kalmar)".into(),
        })?;
        let year = count_of("year", year)?;
        let year = i32::try_from(year).unwrap_or(i32::MAX);
        let row = PopulationRow {
            pop_total: count_of("pop_total", total)?,
            pop_65plus: count_of("pop_65plus", plus65)?,
        };
        self.try_insert(m, year, row)
    }

    /// Whether the table is empty.
    pub fn is_empty(&self) -> bool {
        self.by_muni.is_empty()
    }

    /// A municipality's population in `year`, or the latest earlier year given.
    pub fn get(&self, municipality: Municipality, year: i32) -> Option<PopulationRow> {
        self.by_muni
            .get(&municipality)?
            .range(..=year)
            .next_back()
            .map(|(_, r)| *r)
    }

    /// The sum over municipalities; `None` when any of them has no figure.
    pub fn sum(
        &self,
        municipalities: impl Iterator<Item = Municipality>,
        year: i32,
    ) -> Option<PopulationRow> {
        let mut total = PopulationRow::default();
        for m in municipalities {
            let r = self.get(m, year)?;
            // Checked rows cannot overflow; unchecked ones give no figure rather than a wrong one.
            total.pop_total = total.pop_total.checked_add(r.pop_total)?;
            total.pop_65plus = total.pop_65plus.checked_add(r.pop_65plus)?;
        }
        Some(total)
    }
}

/// Available staffed beds (*disponibla vårdplatser*) per county and period
/// (`county,period,available_beds`), for all care or for one care type
/// (`county,period,care_type,available_beds`; SKR reports psychiatric beds apart).
///
/// The bed share of a care type uses that care type's beds when they are given, and the
/// all-care beds otherwise ([`Beds::get_for`]).
///
/// ```
/// use utklar_core::{Beds, CareType};
/// let mut beds = Beds::new();
/// beds.insert_text("08", "2025-01", "412.5")?;
/// beds.insert_care_text("08", "2025-01", "psychiatric", "40")?;
/// let (kalmar, jan) = ("08".parse()?, "2025-01".parse()?);
/// assert_eq!(beds.get_for(kalmar, jan, CareType::Psychiatric), Some(40.0));
/// assert_eq!(beds.get_for(kalmar, jan, CareType::Somatic), Some(412.5));
/// assert_eq!(beds.get(kalmar, jan), Some(412.5));
/// # Ok::<(), utklar_core::Error>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Beds {
    map: HashMap<(County, Period, Option<CareType>), f64>,
}

impl Beds {
    /// An empty table.
    pub fn new() -> Self {
        Beds::default()
    }

    /// Sets a county's available beds for all care in a period, unchecked;
    /// [`Beds::try_insert`] checks.
    pub fn insert(&mut self, county: County, period: Period, beds: f64) {
        self.map.insert((county, period, None), beds);
    }

    /// Sets a county's available beds for all care in a period, checked: a finite number from
    /// 0 to [`MAX_BEDS`], and a period of 1990–2100.
    pub fn try_insert(&mut self, county: County, period: Period, beds: f64) -> Result<(), Error> {
        self.try_insert_for(county, period, None, beds)
    }

    /// Sets a county's available beds in a period for one care type (`Some`) or all care
    /// (`None`), checked as [`Beds::try_insert`] checks.
    pub fn try_insert_for(
        &mut self,
        county: County,
        period: Period,
        care: Option<CareType>,
        beds: f64,
    ) -> Result<(), Error> {
        if !beds.is_finite() || !(0.0..=MAX_BEDS).contains(&beds) {
            return Err(Error::InvalidArgument {
                name: "available_beds".into(),
                message: format!("is not a number of beds: use 0 to {MAX_BEDS}"),
            });
        }
        check_year(period.year()).map_err(|_| Error::InvalidArgument {
            name: "period".into(),
            message: "is outside 1990–2100".into(),
        })?;
        self.map.insert((county, period, care), beds);
        Ok(())
    }

    /// Reads one text row: `county, period, available_beds`, checked as [`Beds::try_insert`]
    /// checks. An error names the column and never repeats the cell.
    ///
    /// ```
    /// use utklar_core::Beds;
    /// let mut beds = Beds::new();
    /// beds.insert_text("08", "2025-01", "412.5")?;
    /// let err = beds.insert_text("08", "2025-01", "-3").unwrap_err();
    /// assert!(err.to_string().starts_with("available_beds: is not a number of beds"));
    /// let err = beds.insert_text("19121212-1212", "2025-01", "3").unwrap_err();
    /// assert!(!err.to_string().contains("1212"));
    /// # Ok::<(), utklar_core::Error>(())
    /// ```
    pub fn insert_text(&mut self, county: &str, period: &str, beds: &str) -> Result<(), Error> {
        self.insert_care_text(county, period, "", beds)
    }

    /// Reads one text row with a care type: `county, period, care_type, available_beds`. An
    /// empty `care_type` means all care; otherwise `somatic` or `psychiatric` (as the episode
    /// file spells them). An error names the column and never repeats the cell.
    ///
    /// ```
    /// use utklar_core::Beds;
    /// let mut beds = Beds::new();
    /// beds.insert_care_text("08", "2025-01", "somatic", "380")?;
    /// let err = beds.insert_care_text("08", "2025-01", "geriatric", "3").unwrap_err();
    /// assert!(err.to_string().starts_with("care_type:"), "{err}");
    /// assert!(!err.to_string().contains("geriatric"));
    /// # Ok::<(), utklar_core::Error>(())
    /// ```
    pub fn insert_care_text(
        &mut self,
        county: &str,
        period: &str,
        care_type: &str,
        beds: &str,
    ) -> Result<(), Error> {
        let bad = |name: &str, message: &str| Error::InvalidArgument {
            name: name.into(),
            message: message.into(),
        };
        let county: County = county.parse().map_err(|_| {
            bad(
                "county",
                "is not one of the 21 2-digit county codes (e.g. 08)",
            )
        })?;
        let period: Period = period
            .parse()
            .map_err(|_| bad("period", "is not a period: use 2025-03, 2025-Q1 or 2025"))?;
        let care = if crate::text::is_blank(care_type) {
            None
        } else {
            Some(care_type.parse::<CareType>().map_err(|_| {
                bad(
                    "care_type",
                    "is not a care type: use somatic or psychiatric, or leave it empty for all care",
                )
            })?)
        };
        let b: f64 = beds
            .trim()
            .parse()
            .map_err(|_| bad("available_beds", "is not a number"))?;
        self.try_insert_for(county, period, care, b)
    }

    /// A county's beds for all care in exactly this period.
    pub fn get(&self, county: County, period: Period) -> Option<f64> {
        self.map.get(&(county, period, None)).copied()
    }

    /// A county's beds for a care type in exactly this period: that care type's beds when
    /// given, else the all-care beds.
    pub fn get_for(&self, county: County, period: Period, care: CareType) -> Option<f64> {
        self.map
            .get(&(county, period, Some(care)))
            .or_else(|| self.map.get(&(county, period, None)))
            .copied()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn pop_err(cells: [&str; 4]) -> String {
        let mut p = Population::new();
        match p.insert_text(cells[0], cells[1], cells[2], cells[3]) {
            Err(Error::InvalidArgument { name, message }) => format!("{name}: {message}"),
            other => panic!("{cells:?}: {other:?}"),
        }
    }

    #[test]
    fn population_rows_are_checked_and_name_the_column() {
        let mut p = Population::new();
        p.insert_text("0880", "2024", " 71000 ", "15000").unwrap();
        p.insert_text("0880", "2023", "100", "100").unwrap();
        assert_eq!(
            p.get("0880".parse().unwrap(), 2024),
            Some(PopulationRow {
                pop_total: 71_000,
                pop_65plus: 15_000
            })
        );
        let cases = [
            (["0880", "2024", "1000", "1001"], "pop_65plus: more people"),
            (["0880", "2024", "-5", "0"], "pop_total: is negative"),
            (["0880", "2024", "5", "-1"], "pop_65plus: is negative"),
            (["0880", "2024", "", "1"], "pop_total: is empty"),
            (
                ["0880", "2024", "1.5", "1"],
                "pop_total: is not a whole number",
            ),
            (
                ["0880", "2024", "99999999999999999999999", "1"],
                "pop_total: is too large",
            ),
            (["0880", "2024", "100000001", "1"], "pop_total: more than"),
            (["0880", "2101", "10", "1"], "year: is outside"),
            (["0880", "1989", "10", "1"], "year: is outside"),
            (["0880", "-2024", "10", "1"], "year: is negative"),
            (["9999", "2024", "10", "1"], "municipality: is not one of"),
        ];
        for (cells, want) in cases {
            let msg = pop_err(cells);
            assert!(msg.starts_with(want), "{cells:?}: {msg}");
        }
        assert!(p
            .try_insert(
                "0880".parse().unwrap(),
                2024,
                PopulationRow {
                    pop_total: 1,
                    pop_65plus: 2
                }
            )
            .is_err());
    }

    #[test]
    fn beds_are_checked_and_name_the_column() {
        let mut b = Beds::new();
        b.insert_text("08", "2025-Q1", "0").unwrap();
        b.insert_text("08", "2025", "1000000").unwrap();
        for (cells, want) in [
            (
                ["08", "2025-01", "-1"],
                "available_beds: is not a number of beds",
            ),
            (
                ["08", "2025-01", "NaN"],
                "available_beds: is not a number of beds",
            ),
            (
                ["08", "2025-01", "inf"],
                "available_beds: is not a number of beds",
            ),
            (
                ["08", "2025-01", "1000001"],
                "available_beds: is not a number of beds",
            ),
            (["08", "2025-01", "x"], "available_beds: is not a number"),
            (["08", "2101-01", "1"], "period: is outside"),
            (["08", "2025-13", "1"], "period: is not a period"),
            (["99", "2025-01", "1"], "county: is not one of"),
        ] {
            let err = b.insert_text(cells[0], cells[1], cells[2]).unwrap_err();
            assert!(err.to_string().starts_with(want), "{cells:?}: {err}");
        }
    }

    proptest! {
        /// Whatever a cell holds, no message repeats it. (A cell that is not a personal
        /// number starts with `Q` and a digit, which no message holds, so that finding it in
        /// one is a leak and not a word of the message: `" - "` trims to a hyphen, which
        /// "4-digit" holds.)
        #[test]
        fn messages_never_repeat_a_cell(
            cell in "[0-9]{6,8}[-+]?[0-9]{4}|Q[0-9][A-Za-z0-9 -]{3,18}",
            column in 0usize..4,
        ) {
            let mut cells = ["0880", "2024", "1000", "10"].map(String::from);
            cells[column] = cell.clone();
            let mut p = Population::new();
            if let Err(e) = p.insert_text(&cells[0], &cells[1], &cells[2], &cells[3]) {
                prop_assert!(!e.to_string().contains(cell.trim()), "{e}");
            }
            let mut b = Beds::new();
            let mut bc = ["08", "2025-01", "10"].map(String::from);
            bc[column % 3] = cell.clone();
            if let Err(e) = b.insert_text(&bc[0], &bc[1], &bc[2]) {
                prop_assert!(!e.to_string().contains(cell.trim()), "{e}");
            }
        }
    }
}
