//! Reference data: population and available beds, municipality and county names.

use std::ffi::c_char;

use utklar_core::reference::PopulationRow;
use utklar_core::{Beds, County, Municipality, Period, Population};

use crate::error::{boundary, boundary_or, utklar_result, CError};
use crate::ffi::{arg_mut, arg_str, free, into_raw, utklar_str, Out};

/// Population per municipality and year, for days per 1 000 inhabitants. Opaque; create with
/// `utklar_population_new` or `utklar_population_new_builtin`, free with
/// `utklar_population_free`.
#[allow(non_camel_case_types)]
pub struct utklar_population {
    pub(crate) inner: Population,
}

/// Available staffed beds per county and period, for the bed share. Opaque; create with
/// `utklar_beds_new`, free with `utklar_beds_free`.
#[allow(non_camel_case_types)]
pub struct utklar_beds {
    pub(crate) inner: Beds,
}

/// Creates an empty population table in `*out`.
#[no_mangle]
pub extern "C" fn utklar_population_new(out: *mut *mut utklar_population) -> utklar_result {
    boundary(|| {
        let out = Out::new(out, "out")?;
        out.write(into_raw(utklar_population {
            inner: Population::new(),
        }));
        Ok(())
    })
}

/// Creates the embedded population table in `*out`: SCB, 30 September 2022, all 290
/// municipalities (used for 2022 and every later year until a later figure is set).
#[no_mangle]
pub extern "C" fn utklar_population_new_builtin(out: *mut *mut utklar_population) -> utklar_result {
    boundary(|| {
        let out = Out::new(out, "out")?;
        out.write(into_raw(utklar_population {
            inner: Population::builtin(),
        }));
        Ok(())
    })
}

/// Sets a municipality's population in `year`: all ages and aged 65 or older. A later year
/// than any given uses the latest earlier figure.
///
/// Fails with `UTKLAR_RESULT_UNKNOWN_MUNICIPALITY` for a code that is not one of the 290, or
/// `UTKLAR_RESULT_INVALID_ARGUMENT` for a year outside 1990–2100, more than 100 000 000
/// people, or more people aged 65 or older than in total; `utklar_last_error_message` names
/// the argument (`year`, `pop_total`, `pop_65plus`), never the figures. Nothing is set then.
#[no_mangle]
pub extern "C" fn utklar_population_set(
    population: *mut utklar_population,
    municipality: u16,
    year: i32,
    pop_total: u64,
    pop_65plus: u64,
) -> utklar_result {
    boundary(|| {
        let p = arg_mut(population, "population")?;
        let m = Municipality::from_code(municipality)?;
        p.inner.try_insert(
            m,
            year,
            PopulationRow {
                pop_total,
                pop_65plus,
            },
        )?;
        Ok(())
    })
}

/// Frees a population table; NULL is a no-op.
#[no_mangle]
pub extern "C" fn utklar_population_free(population: *mut utklar_population) {
    boundary_or((), || free(population));
}

/// Creates an empty table of available beds in `*out`.
#[no_mangle]
pub extern "C" fn utklar_beds_new(out: *mut *mut utklar_beds) -> utklar_result {
    boundary(|| {
        let out = Out::new(out, "out")?;
        out.write(into_raw(utklar_beds { inner: Beds::new() }));
        Ok(())
    })
}

/// Sets a county's available beds in a period. `period` is UTF-8 text of `period_len` bytes:
/// `"2025-03"` (month), `"2025-Q1"` (quarter) or `"2025"` (year); beds are used only for
/// indicator rows of that exact period.
///
/// Fails with `UTKLAR_RESULT_UNKNOWN_COUNTY`, or `UTKLAR_RESULT_INVALID_ARGUMENT` for a period
/// text that cannot be read or outside 1990–2100, or a number of beds that is negative, not
/// finite or above 1 000 000; `utklar_last_error_message` names the argument (`period`,
/// `available_beds`), never its value. Nothing is set then.
#[no_mangle]
pub extern "C" fn utklar_beds_set(
    beds: *mut utklar_beds,
    county: u8,
    period: *const c_char,
    period_len: usize,
    available_beds: f64,
) -> utklar_result {
    boundary(|| {
        let b = arg_mut(beds, "beds")?;
        let period = arg_str(period, period_len, "period")?;
        let county = County::new(county)?;
        let period: Period = period.parse().map_err(|_| CError::Argument {
            name: "period",
            message: "is not a period: use 2025-03, 2025-Q1 or 2025".into(),
        })?;
        b.inner.try_insert(county, period, available_beds)?;
        Ok(())
    })
}

/// Frees a table of beds; NULL is a no-op.
#[no_mangle]
pub extern "C" fn utklar_beds_free(beds: *mut utklar_beds) {
    boundary_or((), || free(beds));
}

/// Writes the name of a municipality (`"Kalmar"` for 880) to `*out`, a static UTF-8 string.
#[no_mangle]
pub extern "C" fn utklar_municipality_name(code: u16, out: *mut utklar_str) -> utklar_result {
    boundary(|| {
        let out = Out::new(out, "out")?;
        let m = Municipality::from_code(code)?;
        out.write(utklar_str::of(m.name()));
        Ok(())
    })
}

/// Writes the name of a county (`"Kalmar län"` for 8) to `*out`, a static UTF-8 string.
#[no_mangle]
pub extern "C" fn utklar_county_name(code: u8, out: *mut utklar_str) -> utklar_result {
    boundary(|| {
        let out = Out::new(out, "out")?;
        let c = County::new(code)?;
        out.write(utklar_str::of(c.name()));
        Ok(())
    })
}
