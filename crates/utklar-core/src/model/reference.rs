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
use crate::model::municipality::{County, Municipality};
use crate::model::period::Period;

const POPULATION_CSV: &str = include_str!("../../data/population.csv");

/// The population of one municipality in one year.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct PopulationRow {
    /// All ages.
    pub pop_total: u64,
    /// Aged 65 or older.
    pub pop_65plus: u64,
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

    /// Sets a municipality's population for a year.
    pub fn insert(&mut self, municipality: Municipality, year: i32, row: PopulationRow) {
        self.by_muni
            .entry(municipality)
            .or_default()
            .insert(year, row);
    }

    /// Reads one text row: `municipality, year, pop_total, pop_65plus`.
    pub fn insert_text(
        &mut self,
        municipality: &str,
        year: &str,
        total: &str,
        plus65: &str,
    ) -> Result<(), Error> {
        let m: Municipality = municipality.parse()?;
        let num = |name: &str, s: &str| -> Result<u64, Error> {
            s.trim().parse().map_err(|_| Error::InvalidArgument {
                name: name.into(),
                message: format!("{s:?} is not a whole number"),
            })
        };
        let year = num("year", year)? as i32;
        self.insert(
            m,
            year,
            PopulationRow {
                pop_total: num("pop_total", total)?,
                pop_65plus: num("pop_65plus", plus65)?,
            },
        );
        Ok(())
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
            total.pop_total += r.pop_total;
            total.pop_65plus += r.pop_65plus;
        }
        Some(total)
    }
}

/// Available staffed beds (*disponibla vårdplatser*) per county and period
/// (`county,period,available_beds`).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Beds {
    map: HashMap<(County, Period), f64>,
}

impl Beds {
    /// An empty table.
    pub fn new() -> Self {
        Beds::default()
    }

    /// Sets a county's available beds in a period.
    pub fn insert(&mut self, county: County, period: Period, beds: f64) {
        self.map.insert((county, period), beds);
    }

    /// Reads one text row: `county, period, available_beds`.
    pub fn insert_text(&mut self, county: &str, period: &str, beds: &str) -> Result<(), Error> {
        let b: f64 = beds.trim().parse().map_err(|_| Error::InvalidArgument {
            name: "available_beds".into(),
            message: format!("{beds:?} is not a number"),
        })?;
        if !b.is_finite() || b < 0.0 {
            return Err(Error::InvalidArgument {
                name: "available_beds".into(),
                message: format!("{beds:?} is not a non-negative number"),
            });
        }
        self.insert(county.parse()?, period.parse()?, b);
        Ok(())
    }

    /// A county's beds in exactly this period.
    pub fn get(&self, county: County, period: Period) -> Option<f64> {
        self.map.get(&(county, period)).copied()
    }
}
