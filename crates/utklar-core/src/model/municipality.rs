//! Municipalities (*kommuner*) and counties (*län*): the 290 codes of SCB, embedded.
//!
//! A [`Municipality`] is a validated 4-digit municipality code (*kommunkod*); its first two
//! digits are its [`County`] code (*länskod*). The table comes from `data/kommuner.csv` (see
//! `data/SOURCES.md`) and is compiled into the crate, so looking a code up never does I/O.
//!
//! ```
//! use utklar_core::{Municipality, County};
//!
//! let kalmar: Municipality = "0880".parse()?;
//! assert_eq!(kalmar.name(), "Kalmar");
//! assert_eq!(kalmar.county(), County::new(8)?);
//! assert_eq!(kalmar.county().name(), "Kalmar län");
//! assert_eq!(Municipality::by_name("kalmar"), Some(kalmar));
//! assert_eq!(County::new(8)?.municipalities().count(), 12);
//! assert!("0999".parse::<Municipality>().is_err());
//! # Ok::<(), utklar_core::Error>(())
//! ```

use std::fmt;
use std::str::FromStr;
use std::sync::OnceLock;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::error::Error;

/// Number of municipalities in Sweden (and in the embedded table).
pub const MUNICIPALITY_COUNT: usize = 290;

const KOMMUNER_CSV: &str = include_str!("../../data/kommuner.csv");

struct Entry {
    code: u16,
    name: &'static str,
    county: u8,
    county_name: &'static str,
}

struct Table {
    entries: Vec<Entry>,
    /// Any `u16` code -> dense index, or `u16::MAX`.
    by_code: Box<[u16; 65_536]>,
}

/// The table, built on first use. Inlined (its check that the table is built is one load
/// and a comparison): the columnar readers look a code up for every row.
#[inline]
fn table() -> &'static Table {
    static TABLE: OnceLock<Table> = OnceLock::new();
    TABLE.get_or_init(build_table)
}

#[cold]
fn build_table() -> Table {
    {
        let mut entries = Vec::with_capacity(MUNICIPALITY_COUNT);
        for line in KOMMUNER_CSV.lines().skip(1) {
            let line = line.trim_end_matches('\r');
            if line.is_empty() {
                continue;
            }
            let mut f = line.split(',');
            let (Some(code), Some(name), Some(county), Some(county_name)) =
                (f.next(), f.next(), f.next(), f.next())
            else {
                unreachable!("embedded kommuner.csv has four columns")
            };
            entries.push(Entry {
                code: code.parse().expect("embedded code is numeric"),
                name,
                county: county.parse().expect("embedded county is numeric"),
                county_name,
            });
        }
        entries.sort_by_key(|e| e.code);
        let mut by_code: Box<[u16; 65_536]> = vec![u16::MAX; 65_536]
            .into_boxed_slice()
            .try_into()
            .expect("65 536 entries");
        for (i, e) in entries.iter().enumerate() {
            by_code[e.code as usize] = i as u16;
        }
        Table { entries, by_code }
    }
}

/// A Swedish municipality (*kommun*), one of the 290 codes of SCB.
///
/// Internally the dense index 0..290 in code order, so it can index arrays directly.
/// Serialises as its 4-digit code string (`"0880"`).
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Municipality(u16);

impl Municipality {
    /// The municipality with this numeric code (`880` for Kalmar, code `"0880"`).
    ///
    /// ```
    /// # use utklar_core::Municipality;
    /// assert_eq!(Municipality::from_code(880)?.name(), "Kalmar");
    /// # Ok::<(), utklar_core::Error>(())
    /// ```
    #[inline]
    pub fn from_code(code: u16) -> Result<Self, Error> {
        Self::index_of_code(code)
            .map(Municipality)
            .ok_or_else(|| Error::UnknownMunicipality(format!("{code:04}")))
    }

    /// The dense index (0..290) of a numeric code, or `None` when the code is not one of the 290.
    #[inline]
    pub fn index_of_code(code: u16) -> Option<u16> {
        let idx = table().by_code[code as usize];
        (idx != u16::MAX).then_some(idx)
    }

    /// The numeric code written in `text` when it is 3 or 4 ASCII digits and nothing else
    /// (`b"0880"` and `b"880"` give `880`), else `None`. This is the digit rule of
    /// [`Municipality::from_str`](std::str::FromStr), which first trims white space and then
    /// checks the code against the table ([`Municipality::index_of_code`]); columnar readers
    /// use it on raw cell bytes to skip building a string per cell.
    ///
    /// ```
    /// # use utklar_core::Municipality;
    /// assert_eq!(Municipality::code_of_digits(b"0880"), Some(880));
    /// assert_eq!(Municipality::code_of_digits(b"880"), Some(880));
    /// assert_eq!(Municipality::code_of_digits(b"08800"), None);
    /// assert_eq!(Municipality::code_of_digits(b" 880"), None);
    /// ```
    #[inline]
    pub fn code_of_digits(text: &[u8]) -> Option<u16> {
        let digit = |b: u8| {
            let d = b.wrapping_sub(b'0');
            (d < 10).then_some(u16::from(d))
        };
        match *text {
            [a, b, c] => Some(digit(a)? * 100 + digit(b)? * 10 + digit(c)?),
            [a, b, c, d] => Some(digit(a)? * 1000 + digit(b)? * 100 + digit(c)? * 10 + digit(d)?),
            _ => None,
        }
    }

    /// The lookup table from any numeric code to its dense index (`u16::MAX` when the code is
    /// not one of the 290), for columnar code that maps many codes at once: indexing it with a
    /// `u16` never fails.
    pub fn code_index_table() -> &'static [u16; 65_536] {
        &table().by_code
    }

    /// The municipality at a dense index (0..290, in code order).
    pub fn from_index(index: usize) -> Option<Self> {
        (index < table().entries.len()).then_some(Municipality(index as u16))
    }

    /// All 290 municipalities in code order.
    pub fn all() -> impl Iterator<Item = Municipality> {
        (0..table().entries.len() as u16).map(Municipality)
    }

    /// Looks a municipality up by its name, ignoring case (`"Göteborg"`, `"malmö"`).
    pub fn by_name(name: &str) -> Option<Self> {
        let name = name.trim();
        table()
            .entries
            .iter()
            .position(|e| {
                e.name.eq_ignore_ascii_case(name) || e.name.to_lowercase() == name.to_lowercase()
            })
            .map(|i| Municipality(i as u16))
    }

    /// A municipality by its code (`"0880"`) or its name ([`by_name`](Self::by_name)): the
    /// code's error when neither names one.
    pub fn by_code_or_name(s: &str) -> Result<Self, Error> {
        s.parse().or_else(|e| Self::by_name(s).ok_or(e))
    }

    #[inline]
    fn entry(self) -> &'static Entry {
        &table().entries[self.0 as usize]
    }

    /// The dense index 0..290 (code order).
    #[inline]
    pub fn index(self) -> usize {
        self.0 as usize
    }

    /// The numeric code (`880` for `"0880"`).
    #[inline]
    pub fn code(self) -> u16 {
        self.entry().code
    }

    /// The name (`"Kalmar"`).
    pub fn name(self) -> &'static str {
        self.entry().name
    }

    /// The county (*län*): the first two digits of the code.
    pub fn county(self) -> County {
        County(self.entry().county)
    }
}

impl fmt::Display for Municipality {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}", self.code())
    }
}

impl fmt::Debug for Municipality {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Municipality({:04} {})", self.code(), self.name())
    }
}

impl FromStr for Municipality {
    type Err = Error;

    /// Parses a 4-digit code (`"0880"`). A 3-digit code (`"880"`, a spreadsheet that dropped
    /// the leading zero) is accepted too.
    fn from_str(s: &str) -> Result<Self, Error> {
        let t = crate::text::trim(s);
        Self::code_of_digits(t.as_bytes())
            .and_then(Self::index_of_code)
            .map(Municipality)
            .ok_or_else(|| Error::UnknownMunicipality(s.to_string()))
    }
}

impl Serialize for Municipality {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Municipality {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

/// A Swedish county (*län*, also *region*), by its 2-digit code (`08` Kalmar län).
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct County(u8);

impl County {
    /// The county with this code; an error when no municipality belongs to it.
    pub fn new(code: u8) -> Result<Self, Error> {
        if table().entries.iter().any(|e| e.county == code) {
            Ok(County(code))
        } else {
            Err(Error::UnknownCounty(format!("{code:02}")))
        }
    }

    /// All 21 counties in code order.
    pub fn all() -> impl Iterator<Item = County> {
        let mut codes: Vec<u8> = table().entries.iter().map(|e| e.county).collect();
        codes.sort_unstable();
        codes.dedup();
        codes.into_iter().map(County)
    }

    /// The numeric code (`8` for `"08"`).
    pub fn code(self) -> u8 {
        self.0
    }

    /// The name (`"Kalmar län"`).
    pub fn name(self) -> &'static str {
        table()
            .entries
            .iter()
            .find(|e| e.county == self.0)
            .map_or("", |e| e.county_name)
    }

    /// Looks a county up by its name, ignoring case, with or without `län` and its genitive s
    /// (`"Kalmar län"`, `"kalmar"`, `"Västra Götaland"` and `"Västra Götalands län"` alike).
    ///
    /// ```
    /// use utklar_core::County;
    ///
    /// assert_eq!(County::by_name("kalmar").map(County::code), Some(8));
    /// assert_eq!(County::by_name("Gotland").map(County::code), Some(9));
    /// assert_eq!(County::by_name("VÄSTRA GÖTALANDS LÄN").map(County::code), Some(14));
    /// assert_eq!(County::by_name("Atlantis"), None);
    /// ```
    pub fn by_name(name: &str) -> Option<Self> {
        let want = name.trim().to_lowercase();
        let want = want.trim_end_matches(" län").trim_end();
        County::all().find(|c| {
            let name = c.name().to_lowercase();
            let name = name.trim_end_matches(" län");
            name == want || name.strip_suffix('s') == Some(want)
        })
    }

    /// A county by its code (`"08"`, `"8"`) or its name ([`by_name`](Self::by_name)):
    /// [`Error::UnknownCounty`] when neither names one.
    pub fn by_code_or_name(s: &str) -> Result<Self, Error> {
        s.parse().or_else(|e| Self::by_name(s).ok_or(e))
    }

    /// The county's municipalities in code order.
    pub fn municipalities(self) -> impl Iterator<Item = Municipality> {
        Municipality::all().filter(move |m| m.county() == self)
    }
}

impl fmt::Display for County {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:02}", self.0)
    }
}

impl fmt::Debug for County {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "County({:02} {})", self.0, self.name())
    }
}

impl FromStr for County {
    type Err = Error;

    /// Parses a 1- or 2-digit county code (`"08"`, `"8"`).
    fn from_str(s: &str) -> Result<Self, Error> {
        let t = s.trim();
        if t.is_empty() || t.len() > 2 || !t.bytes().all(|b| b.is_ascii_digit()) {
            return Err(Error::UnknownCounty(s.to_string()));
        }
        County::new(t.parse().map_err(|_| Error::UnknownCounty(s.to_string()))?)
            .map_err(|_| Error::UnknownCounty(s.to_string()))
    }
}

impl Serialize for County {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for County {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The digit rule as it was written before [`Municipality::code_of_digits`]: 3–4 ASCII
    /// digits parsed with `str::parse`.
    fn reference_code(t: &str) -> Option<u16> {
        ((3..=4).contains(&t.len()) && t.bytes().all(|b| b.is_ascii_digit()))
            .then(|| t.parse().ok())
            .flatten()
    }

    #[test]
    fn code_of_digits_agrees_with_the_parse_rule_on_every_short_string_of_digits() {
        let mut known = 0;
        for width in 1..=5 {
            for n in 0..10u32.pow(width) {
                let t = format!("{n:0w$}", w = width as usize);
                let code = Municipality::code_of_digits(t.as_bytes());
                assert_eq!(code, reference_code(&t), "{t}");
                let parsed = t.parse::<Municipality>().ok().map(Municipality::code);
                assert_eq!(
                    parsed,
                    code.filter(|c| Municipality::index_of_code(*c).is_some()),
                    "{t}"
                );
                known += usize::from(parsed.is_some());
            }
        }
        // Every code parses in its 4-digit form; those below 1000 also in 3 digits ("880").
        let below_1000 = Municipality::all().filter(|m| m.code() < 1000).count();
        assert_eq!(known, 290 + below_1000);
        for garbage in [
            "", "88", "88a", "0x80", "+880", "-880", "８８0", "880 ", " 0880", "0880\n", "1e3",
            "08 0", "\u{0}880", "٠٨٨٠",
        ] {
            assert_eq!(
                Municipality::code_of_digits(garbage.as_bytes()),
                reference_code(garbage),
                "{garbage:?}"
            );
            assert_eq!(
                Municipality::code_of_digits(garbage.as_bytes()),
                None,
                "{garbage:?}"
            );
        }
        // White space around the digits is the parser's business (it trims), not this rule's.
        assert_eq!(
            " 0880 "
                .parse::<Municipality>()
                .map(Municipality::code)
                .ok(),
            Some(880)
        );
    }

    #[test]
    fn table_has_290_municipalities_in_21_counties() {
        assert_eq!(Municipality::all().count(), 290);
        assert_eq!(County::all().count(), 21);
        for m in Municipality::all() {
            assert_eq!(m.code() / 100, u16::from(m.county().code()), "{m:?}");
        }
    }

    #[test]
    fn parses_and_rejects_codes() {
        assert_eq!(
            "0114".parse::<Municipality>().unwrap().name(),
            "Upplands Väsby"
        );
        assert_eq!("114".parse::<Municipality>().unwrap().code(), 114);
        assert_eq!(" 1480 ".parse::<Municipality>().unwrap().name(), "Göteborg");
        for bad in ["", "0000", "9999", "12345", "08x0", "-880"] {
            assert!(bad.parse::<Municipality>().is_err(), "{bad}");
        }
        assert!(Municipality::from_code(10_000).is_err());
    }

    #[test]
    fn names_look_up_case_insensitively() {
        assert_eq!(Municipality::by_name("GÖTEBORG").unwrap().code(), 1480);
        assert_eq!(Municipality::by_name("örebro").unwrap().code(), 1880);
        assert!(Municipality::by_name("Atlantis").is_none());
        assert_eq!(Municipality::by_code_or_name("0880").unwrap().code(), 880);
        assert_eq!(
            Municipality::by_code_or_name(" Kalmar ").unwrap().code(),
            880
        );
        assert!(matches!(
            Municipality::by_code_or_name("Atlantis"),
            Err(Error::UnknownMunicipality(_))
        ));
    }

    #[test]
    fn every_county_is_found_by_its_name_in_every_spelling() {
        for c in County::all() {
            let full = c.name();
            let short = full.strip_suffix(" län").unwrap();
            let bare = short.strip_suffix('s').unwrap_or(short);
            for spelling in [
                full,
                short,
                bare,
                &full.to_uppercase(),
                &bare.to_lowercase(),
            ] {
                assert_eq!(County::by_name(spelling), Some(c), "{spelling}");
                assert_eq!(County::by_code_or_name(spelling).unwrap(), c, "{spelling}");
            }
            assert_eq!(County::by_code_or_name(&c.to_string()).unwrap(), c);
        }
        assert_eq!(County::by_name("län"), None);
        assert!(matches!(
            County::by_code_or_name("99"),
            Err(Error::UnknownCounty(_))
        ));
    }

    #[test]
    fn serde_round_trip_as_code_string() {
        let m: Municipality = "0880".parse().unwrap();
        let json = serde_json::to_string(&m).unwrap();
        assert_eq!(json, "\"0880\"");
        assert_eq!(serde_json::from_str::<Municipality>(&json).unwrap(), m);
        let c = m.county();
        assert_eq!(serde_json::to_string(&c).unwrap(), "\"08\"");
    }
}
