//! Population and beds files: the file mechanics only; each row's values are read by the
//! core ([`Population::insert_text`], [`Beds::insert_text`]).

use std::io::Read;
use std::path::Path;

use utklar_core::{Beds, Population};

use crate::reader::{CsvReader, Record};
use crate::Error;

/// The column of each name in `wanted` (matched case-insensitively, surrounding spaces
/// ignored); every one is required.
pub(crate) fn columns(header: &[String], wanted: &[&'static str]) -> Result<Vec<usize>, Error> {
    let mut out: Vec<Option<usize>> = vec![None; wanted.len()];
    for (i, h) in header.iter().enumerate() {
        if let Some(w) = wanted.iter().position(|w| w.eq_ignore_ascii_case(h.trim())) {
            if let Some(j) = out[w] {
                return Err(Error::DuplicateColumn {
                    field: wanted[w],
                    first: header[j].clone(),
                    second: h.clone(),
                });
            }
            out[w] = Some(i);
        }
    }
    if out.iter().all(Option::is_none) {
        return Err(Error::NoHeader {
            required: wanted.to_vec(),
        });
    }
    out.iter()
        .zip(wanted)
        .map(|(c, w)| {
            c.ok_or_else(|| Error::MissingColumn {
                column: w,
                header: crate::error::shown_header(header),
            })
        })
        .collect()
}

/// Calls `row` with each record's wanted cells as text; the number of rows read.
fn each_row<R: Read, const N: usize>(
    mut csv: CsvReader<R>,
    wanted: [&'static str; N],
    mut row: impl FnMut(u64, [&str; N]) -> Result<(), utklar_core::Error>,
) -> Result<usize, Error> {
    let cols = columns(csv.header(), &wanted)?;
    let mut record = Record::new();
    let mut rows = 0;
    while csv.read_record(&mut record)? {
        rows += 1;
        let line = record.line();
        let mut cells = [""; N];
        for (k, (cell, &c)) in cells.iter_mut().zip(&cols).enumerate() {
            *cell = std::str::from_utf8(record.get(c).unwrap_or_default()).map_err(|_| {
                Error::NotUtf8 {
                    line,
                    column: wanted[k].to_string(),
                }
            })?;
        }
        row(line, cells).map_err(|error| Error::Value { line, error })?;
    }
    Ok(rows)
}

/// Reads a population file: the columns `municipality`, `year`, `pop_total` and
/// `pop_65plus`, in any order, among others.
///
/// ```
/// let text = "YEAR;pop_65plus;municipality;pop_total\r\n2025;14848;0880;70000\r\n";
/// let pop = utklar_csv::read_population_from(text.as_bytes())?;
/// let kalmar = "0880".parse()?;
/// assert_eq!(pop.get(kalmar, 2025).map(|r| r.pop_total), Some(70000));
///
/// let bad = "municipality,year,pop_total,pop_65plus\r\n0880,2025,1,1\r\n0999,2025,1,1\r\n";
/// let e = utklar_csv::read_population_from(bad.as_bytes()).unwrap_err();
/// assert_eq!(e.line(), Some(3));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn read_population(path: impl AsRef<Path>) -> Result<Population, Error> {
    population_of(CsvReader::open(path)?)
}

/// [`read_population`] from any source.
pub fn read_population_from(source: impl Read) -> Result<Population, Error> {
    population_of(CsvReader::new(source)?)
}

/// [`read_population`] from an opened CSV file.
pub fn population_of<R: Read>(csv: CsvReader<R>) -> Result<Population, Error> {
    let mut pop = Population::new();
    each_row(
        csv,
        ["municipality", "year", "pop_total", "pop_65plus"],
        |_, [m, y, t, p]| pop.insert_text(m, y, t, p),
    )?;
    if pop.is_empty() {
        return Err(Error::NoRows { what: "population" });
    }
    Ok(pop)
}

/// Reads a beds file: the columns `county`, `period` and `available_beds`, and optionally
/// `care_type` (`somatic`, `psychiatric`, or empty for all care): the bed share of a care type
/// uses its own beds when given, the all-care beds otherwise.
///
/// ```
/// use utklar_core::CareType;
/// let text = "county,period,care_type,available_beds\n08,2025-03,,410\n08,2025-03,psychiatric,38\n";
/// let beds = utklar_csv::read_beds_from(text.as_bytes())?;
/// let (kalmar, march) = ("08".parse().unwrap(), "2025-03".parse().unwrap());
/// assert_eq!(beds.get_for(kalmar, march, CareType::Psychiatric), Some(38.0));
/// assert_eq!(beds.get_for(kalmar, march, CareType::Somatic), Some(410.0));
/// let bad = "county,period,care_type,available_beds\n08,2025-03,dental,3\n";
/// assert_eq!(utklar_csv::read_beds_from(bad.as_bytes()).unwrap_err().line(), Some(2));
/// # Ok::<(), utklar_csv::Error>(())
/// ```
///
/// ```
/// let beds = utklar_csv::read_beds_from("county\tperiod\tavailable_beds\n08\t2025-03\t410\n".as_bytes())?;
/// # let _ = beds;
/// let e = utklar_csv::read_beds_from("county,period,available_beds\n".as_bytes()).unwrap_err();
/// assert_eq!(e.to_string(), "no beds rows after the header");
/// # Ok::<(), utklar_csv::Error>(())
/// ```
pub fn read_beds(path: impl AsRef<Path>) -> Result<Beds, Error> {
    beds_of(CsvReader::open(path)?)
}

/// [`read_beds`] from any source.
pub fn read_beds_from(source: impl Read) -> Result<Beds, Error> {
    beds_of(CsvReader::new(source)?)
}

/// [`read_beds`] from an opened CSV file.
pub fn beds_of<R: Read>(csv: CsvReader<R>) -> Result<Beds, Error> {
    let mut beds = Beds::new();
    // The care_type column is optional: without it every row is for all care.
    let with_care = csv
        .header()
        .iter()
        .any(|h| h.trim().eq_ignore_ascii_case("care_type"));
    let rows = if with_care {
        each_row(
            csv,
            ["county", "period", "care_type", "available_beds"],
            |_, [c, p, t, b]| beds.insert_care_text(c, p, t, b),
        )?
    } else {
        each_row(
            csv,
            ["county", "period", "available_beds"],
            |_, [c, p, b]| beds.insert_text(c, p, b),
        )?
    };
    if rows == 0 {
        return Err(Error::NoRows { what: "beds" });
    }
    Ok(beds)
}
