//! `utklar.indicators(..., also_by=[...])`: the core's indicators grouped by the caller's
//! columns too (`EpisodeSet::indicators_also_by`), read through `utklar_arrow::read_set_also`.

use pyo3::prelude::*;
use pyo3::types::PyDict;
use utklar_core::{GroupBy, IndicatorRow};

use crate::output::ArrowTable;
use crate::{
    arrow_to_py, beds_of, core, indicator_rows_table, open, options, parse, population_of,
    report_dict,
};

/// The indicators grouped by `by` and by the values of the columns `also_by` (see
/// `utklar.indicators`): the table (the group's column, then a column of each name, then the
/// indicators' fields) and the exclusion report.
#[pyfunction]
#[pyo3(signature = (episodes, also_by, *, period="month", by="municipality", negative_days="exclude", population=None, beds=None, strict=false, min_age=None, suppress_below=None, allow_personal_ids=false))]
#[allow(clippy::too_many_arguments)]
pub fn indicators_also_by<'py>(
    py: Python<'py>,
    episodes: &Bound<'py, PyAny>,
    also_by: Vec<String>,
    period: &str,
    by: &str,
    negative_days: &str,
    population: Option<&Bound<'py, PyAny>>,
    beds: Option<&Bound<'py, PyAny>>,
    strict: bool,
    min_age: Option<i64>,
    suppress_below: Option<u64>,
    allow_personal_ids: bool,
) -> PyResult<(ArrowTable, Bound<'py, PyDict>)> {
    let opts = options(py, period, negative_days, strict, min_age)?;
    let by: GroupBy = parse(py, by)?;
    let population = population_of(py, population)?;
    let beds = beds_of(py, beds)?;
    let reader = open(episodes)?;
    let set = py
        .detach(|| utklar_arrow::read_set_also(reader, allow_personal_ids, &also_by))
        .map_err(|e| arrow_to_py(py, e))?;
    let mut report = core(
        py,
        py.detach(|| set.indicators_also_by(&opts, by, population.as_ref(), beds.as_ref())),
    )?;
    if let Some(k) = suppress_below {
        report.suppress_below(k);
    }
    // The caller's columns keep the caller's spelling.
    let also: Vec<(&str, Vec<Option<String>>)> = also_by
        .iter()
        .enumerate()
        .map(|(k, name)| {
            let values = report.rows.iter().map(|r| r.also.get(k).cloned().flatten());
            (name.trim(), values.collect())
        })
        .collect();
    let rows: Vec<IndicatorRow> = report.rows.iter().map(|r| r.row.clone()).collect();
    let table = indicator_rows_table(&rows, by, suppress_below.is_some(), &also);
    Ok((table, report_dict(py, &report.exclusions)?))
}
