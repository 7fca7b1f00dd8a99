//! Amounts per care day in integer öre, and the one rounding rule.
//!
//! ```
//! use utklar_core::{payment::Amounts, Error};
//!
//! let mut amounts = Amounts::national();
//! assert_eq!(amounts.get(2024)?, 1_160_000); // 11 600 kr
//! assert_eq!(amounts.get(2025), Err(Error::MissingAmount { year: 2025 }));
//! amounts.set(2025, 1_090_000)?;
//! amounts.parse_override("2026=11200.50")?;
//! assert_eq!(amounts.get(2026)?, 1_120_050);
//! # Ok::<(), Error>(())
//! ```

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::error::Error;
use crate::model::episode::CareType;
use crate::model::municipality::Municipality;
use crate::model::period::Period;

/// The national amounts per care day (law 5 kap. 6 §) that have a source: year, öre, source.
///
/// Socialstyrelsen sets the amount each year in a regulation (*föreskrifter om belopp för vård
/// av utskrivningsklara patienter*, HSLF-FS). Only the years whose regulation, or an official
/// page citing it, was found are built in; the source text names it. 2018, 2021, 2023, 2025 and
/// 2026 have none yet (`docs/payments.md`): asking for them is [`Error::MissingAmount`].
///
/// ```
/// use utklar_core::payment::NATIONAL_AMOUNTS;
/// let (year, ore, source) = NATIONAL_AMOUNTS[0];
/// assert_eq!((year, ore), (2019, 780_000));
/// assert!(source.contains("HSLF-FS 2018:67"));
/// ```
pub const NATIONAL_AMOUNTS: [(i32, i64, &str); 4] = [
    (
        2019,
        780_000,
        "HSLF-FS 2018:67, Socialstyrelsens föreskrifter om belopp för vård av utskrivningsklara patienter för år 2019, 1 §: 7 800 kronor för ett vårddygn (lagen.nu/hslf-fs/2018:67)",
    ),
    (
        2020,
        820_000,
        "Region Stockholm, Gemensam rutin för samverkan vid utskrivning från psykiatrisk heldygnsvård (from 1 January 2020), Det kommunala betalningsansvaret: 8 200 kronor per patient and day in accordance with Socialstyrelsen's regulation (psykiatristod.se)",
    ),
    (
        2022,
        930_000,
        "Vårdsamverkan Skåne, Belopp för vård av utskrivningsklara patienter (2021-12-14), citing Socialstyrelsen's regulation: 9 300 kronor per vårddygn in 2022",
    ),
    (
        2024,
        1_160_000,
        "SKR, Fakta om utskrivningsklara patienter (April 2024), citing Socialstyrelsen (HSLF-FS 2023:40): 11 600 kr per dag in 2024",
    ),
];

/// The source of the built-in national amount of `year`, if there is one.
///
/// ```
/// use utklar_core::payment::amount_source;
/// assert!(amount_source(2024).unwrap().contains("HSLF-FS 2023:40"));
/// assert_eq!(amount_source(2025), None);
/// ```
pub fn amount_source(year: i32) -> Option<&'static str> {
    NATIONAL_AMOUNTS.iter().find(|a| a.0 == year).map(|a| a.2)
}

/// Amounts per care day by calendar year, in öre (1 kr = 100 öre).
///
/// [`Amounts::national`] holds only the sourced national amounts (`docs/payments.md`); any other year
/// must be given by the caller, and asking for a missing year is [`Error::MissingAmount`].
///
/// Deserializing checks every year and amount as [`Amounts::set`] does.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(try_from = "RawAmounts")]
pub struct Amounts {
    by_year: BTreeMap<i32, i64>,
}

/// The serialized form of [`Amounts`], before its checks.
#[derive(Deserialize)]
struct RawAmounts {
    by_year: BTreeMap<i32, i64>,
}

impl TryFrom<RawAmounts> for Amounts {
    type Error = Error;
    fn try_from(raw: RawAmounts) -> Result<Self, Error> {
        let mut a = Amounts::empty();
        for (y, o) in raw.by_year {
            a.set(y, o)?;
        }
        Ok(a)
    }
}

impl Amounts {
    /// No amounts at all.
    pub fn empty() -> Self {
        Amounts::default()
    }

    /// The sourced national amounts: 2019 7 800 kr, 2020 8 200 kr, 2022 9 300 kr, 2024
    /// 11 600 kr ([`NATIONAL_AMOUNTS`]).
    pub fn national() -> Self {
        Amounts {
            by_year: NATIONAL_AMOUNTS.iter().map(|a| (a.0, a.1)).collect(),
        }
    }

    /// Sets (or overrides) the amount of a year in öre. A negative amount, one above 100
    /// million kr, or a year outside 1990–2100 is [`Error::InvalidArgument`].
    pub fn set(&mut self, year: i32, ore: i64) -> Result<&mut Self, Error> {
        if !(1990..=2100).contains(&year) {
            return Err(Error::InvalidArgument {
                name: "amount".into(),
                message: format!("year {year} is outside 1990–2100"),
            });
        }
        if !(0..=super::agreement::MAX_ORE).contains(&ore) {
            return Err(Error::InvalidArgument {
                name: "amount".into(),
                message: format!(
                    "the amount for {year} ({ore} öre) is not an amount per day: use 0 to {} öre",
                    super::agreement::MAX_ORE
                ),
            });
        }
        self.by_year.insert(year, ore);
        Ok(self)
    }

    /// The same amounts with one more year set.
    pub fn with(mut self, year: i32, ore: i64) -> Result<Self, Error> {
        self.set(year, ore)?;
        Ok(self)
    }

    /// Sets a year from text `YEAR=KRONOR` (kronor with up to two decimals, `.` or `,`): the
    /// form of the command line's `--amount 2025=10900`.
    pub fn parse_override(&mut self, text: &str) -> Result<&mut Self, Error> {
        let bad = |m: &str| Error::InvalidArgument {
            name: "amount".into(),
            message: format!("{text:?}: {m}; use YEAR=KRONOR, e.g. 2025=10900"),
        };
        let (y, kr) = text.split_once('=').ok_or_else(|| bad("no '='"))?;
        let year: i32 = y
            .trim()
            .parse()
            .map_err(|_| bad("the year is not a number"))?;
        let ore = parse_kronor(kr.trim()).ok_or_else(|| bad("the amount is not kronor"))?;
        self.set(year, ore)
    }

    /// The amount of a year in öre, or [`Error::MissingAmount`] naming the year.
    pub fn get(&self, year: i32) -> Result<i64, Error> {
        self.by_year
            .get(&year)
            .copied()
            .ok_or(Error::MissingAmount { year })
    }

    /// The years with an amount and their amounts in öre, by year.
    pub fn years(&self) -> impl Iterator<Item = (i32, i64)> + '_ {
        self.by_year.iter().map(|(&y, &o)| (y, o))
    }
}

/// Kronor text (`10900`, `10900.5`, `10 900,50`) to öre; `None` if not an amount.
fn parse_kronor(s: &str) -> Option<i64> {
    let s: String = s.chars().filter(|c| !c.is_whitespace()).collect();
    let (int, frac) = match s.split_once(['.', ',']) {
        Some((i, f)) => (i, f),
        None => (s.as_str(), ""),
    };
    if int.is_empty() || !int.bytes().all(|b| b.is_ascii_digit()) || int.len() > 12 {
        return None;
    }
    if frac.len() > 2 || !frac.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let mut ore = int.parse::<i64>().ok()? * 100;
    if !frac.is_empty() {
        let f: i64 = frac.parse().ok()?;
        ore += if frac.len() == 1 { f * 10 } else { f };
    }
    Some(ore)
}

/// The municipality, care type and period an amount belongs to: what
/// [`Error::AmountOverflow`] names.
#[derive(Debug, Clone, Copy)]
pub(crate) struct At {
    pub municipality: Municipality,
    pub care: CareType,
    pub period: Period,
}

/// An exact amount in öre as `i64`, or [`Error::AmountOverflow`] naming `what` and `at`.
pub(crate) fn exact_ore(ore: i128, what: &str, at: At) -> Result<i64, Error> {
    i64::try_from(ore).map_err(|_| Error::AmountOverflow {
        what: what.into(),
        municipality: at.municipality.to_string(),
        care_type: at.care.to_string(),
        period: at.period.to_string(),
        ore,
    })
}

/// `a + b`, exact in 128 bits, or [`Error::AmountOverflow`] (only a sum of more than about
/// 10^20 lines could get there).
pub(crate) fn add_ore(a: i128, b: i128, what: &str, at: At) -> Result<i128, Error> {
    a.checked_add(b).ok_or_else(|| Error::AmountOverflow {
        what: what.into(),
        municipality: at.municipality.to_string(),
        care_type: at.care.to_string(),
        period: at.period.to_string(),
        ore: if b < 0 { i128::MIN } else { i128::MAX },
    })
}

/// `num / den` rounded to the nearest integer, halves away from zero (`docs/payments.md`). `den > 0`.
pub(crate) fn div_round(num: i128, den: i128) -> i128 {
    debug_assert!(den > 0);
    let q = num / den;
    let r = num % den;
    if 2 * r.abs() >= den {
        q + num.signum()
    } else {
        q
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rounding_is_half_away_from_zero() {
        assert_eq!(div_round(5, 10), 1);
        assert_eq!(div_round(15, 10), 2);
        assert_eq!(div_round(14, 10), 1);
        assert_eq!(div_round(-5, 10), -1);
        assert_eq!(div_round(-15, 10), -2);
        assert_eq!(div_round(-14, 10), -1);
        assert_eq!(div_round(0, 7), 0);
        assert_eq!(div_round(1, 3), 0);
        assert_eq!(div_round(2, 3), 1);
    }

    #[test]
    fn national_amounts_are_the_sourced_ones_only() {
        let a = Amounts::national();
        let years: Vec<(i32, i64)> = a.years().collect();
        assert_eq!(
            years,
            [
                (2019, 780_000),
                (2020, 820_000),
                (2022, 930_000),
                (2024, 1_160_000)
            ]
        );
        for y in [2018, 2021, 2023, 2025] {
            assert_eq!(a.get(y), Err(Error::MissingAmount { year: y }));
        }
    }

    #[test]
    fn every_built_in_amount_has_its_source() {
        // Hand-copied from each source: (year, kronor, the words the source text must name).
        let expected = [
            (2019, 7_800, "HSLF-FS 2018:67"),
            (2020, 8_200, "8 200 kronor"),
            (2022, 9_300, "9 300 kronor"),
            (2024, 11_600, "HSLF-FS 2023:40"),
        ];
        assert_eq!(NATIONAL_AMOUNTS.len(), expected.len());
        let a = Amounts::national();
        for (year, kr, cite) in expected {
            assert_eq!(a.get(year).unwrap(), kr * 100, "{year}");
            let source = amount_source(year).unwrap();
            assert!(source.contains(cite), "{year}: {source}");
        }
        // Every year of the law without a sourced amount stays an error naming the year.
        for year in [2018, 2021, 2023, 2025, 2026] {
            assert_eq!(a.get(year), Err(Error::MissingAmount { year }));
            assert_eq!(amount_source(year), None);
            assert!(a
                .get(year)
                .unwrap_err()
                .to_string()
                .contains(&year.to_string()));
        }
    }

    #[test]
    fn deserializing_checks_the_amounts() {
        let ok: Amounts = serde_json::from_str(r#"{"by_year":{"2024":1160000}}"#).unwrap();
        assert_eq!(ok.get(2024).unwrap(), 1_160_000);
        for bad in [
            r#"{"by_year":{"2024":-1}}"#,
            r#"{"by_year":{"2024":9223372036854775807}}"#,
            r#"{"by_year":{"1989":100}}"#,
        ] {
            assert!(serde_json::from_str::<Amounts>(bad).is_err(), "{bad}");
        }
        let round: Amounts =
            serde_json::from_str(&serde_json::to_string(&Amounts::national()).unwrap()).unwrap();
        assert_eq!(round, Amounts::national());
    }

    #[test]
    fn overrides() {
        let mut a = Amounts::national();
        a.set(2024, 1).unwrap();
        assert_eq!(a.get(2024).unwrap(), 1);
        assert!(a.set(2025, -1).is_err());
        assert!(a.set(1989, 1).is_err());
        a.parse_override("2023 = 10 500,5").unwrap();
        assert_eq!(a.get(2023).unwrap(), 1_050_050);
        for bad in ["2023", "x=1", "2023=", "2023=1.234", "2023=-5", "2023=1e3"] {
            assert!(a.parse_override(bad).is_err(), "{bad}");
        }
    }
}
