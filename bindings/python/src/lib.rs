//! `utklar._utklar`: the compiled module under the `utklar` Python package.
//!
//! It translates and calls the core, nothing more: Arrow columns in (see [`input`]), the
//! core's columnar entry point or its episode values, Arrow tables out (see [`output`]),
//! core errors to Python exceptions (see [`errors`]). Every formula and rule stays in
//! `utklar-core`. The GIL is released while the core computes and while the input stream is
//! read.

mod errors;
mod input;
mod output;
mod payment;

use std::str::FromStr;

use arrow_array::ffi_stream::RecordBatchStreamReader;
use chrono::NaiveDate;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};
use utklar_core::time;
use utklar_core::validate::{self, Field, Mode, NegativeDays, Problem, Reason};
use utklar_core::{
    extras, measure_columns, synth, Beds, CareType, County, Episode, EpisodeColumns, Error,
    ExclusionReport, Group, GroupBy, IndicatorOptions, IndicatorReport, MeasureSet, Municipality,
    PeriodKind, Population,
};

use crate::input::{problem, Batch, ColumnMap};
use crate::output::{ArrowTable, TableBuilder};

/// Rows per slice of a record batch: the decode buffers stay this small whatever the size of
/// the input table.
const SLICE_ROWS: usize = 16_384;

/// Most worker threads one `indicators` call uses.
const MAX_THREADS: usize = 8;

fn arrow_err(e: &arrow_schema::ArrowError) -> Error {
    Error::InvalidArgument {
        name: "episodes".into(),
        message: format!("cannot read the Arrow stream: {e}"),
    }
}

/// Calls `f` on every slice of at most [`SLICE_ROWS`] rows of the stream, with the index of
/// its first row.
fn for_each_slice(
    reader: RecordBatchStreamReader,
    map: &ColumnMap,
    mut f: impl FnMut(&Batch<'_>, usize) -> Result<(), Error>,
) -> Result<u64, Error> {
    let mut offset = 0usize;
    for batch in reader {
        let batch = batch.map_err(|e| arrow_err(&e))?;
        let n = batch.num_rows();
        let mut start = 0;
        while start < n {
            let len = SLICE_ROWS.min(n - start);
            let slice = batch.slice(start, len);
            let b = Batch::new(&slice, map).map_err(|(field, message)| Error::InvalidArgument {
                name: field.as_str().into(),
                message,
            })?;
            f(&b, offset)?;
            offset += len;
            start += len;
        }
    }
    Ok(offset as u64)
}

/// The decode buffers of one slice, in the shape of [`EpisodeColumns`].
#[derive(Default)]
struct Buffers {
    municipality: Vec<u16>,
    care_type: Vec<u8>,
    ready_day: Vec<i32>,
    ready_minute: Vec<i32>,
    discharge_day: Vec<i32>,
    discharge_minute: Vec<i32>,
    admitted_day: Vec<i32>,
    admitted_minute: Vec<i32>,
    age: Vec<i32>,
}

impl Buffers {
    fn clear(&mut self) {
        self.municipality.clear();
        self.care_type.clear();
        self.ready_day.clear();
        self.ready_minute.clear();
        self.discharge_day.clear();
        self.discharge_minute.clear();
        self.admitted_day.clear();
        self.admitted_minute.clear();
        self.age.clear();
    }

    fn columns(&self, from: usize, to: usize, row_offset: usize) -> EpisodeColumns<'_> {
        EpisodeColumns {
            municipality: &self.municipality[from..to],
            care_type: &self.care_type[from..to],
            ready_day: &self.ready_day[from..to],
            discharge_day: &self.discharge_day[from..to],
            ready_second: Some(&self.ready_minute[from..to]),
            discharge_second: Some(&self.discharge_minute[from..to]),
            admitted_day: Some(&self.admitted_day[from..to]),
            admitted_second: Some(&self.admitted_minute[from..to]),
            age: Some(&self.age[from..to]),
            row_offset,
        }
    }
}

/// Checks the cells the columnar entry point does not read (ids, flags, home-ready and
/// planned dates), as the core's text reader does, so a row excluded from the CLI's result is
/// excluded here too. Column by column; the problems of a row keep this order once sorted.
fn other_cells(b: &Batch<'_>, offset: usize, probs: &mut Vec<Problem>) {
    b.check_present(Field::EpisodeId, offset, probs);
    b.check_notice(Field::HomeReadyAt, offset, probs);
    b.check_date(Field::PlannedDischargeDate, offset, probs);
    for f in [
        Field::AdmissionNoticeSent,
        Field::SipRequired,
        Field::SipCalled,
        Field::RegionBlocked,
    ] {
        if b.can_fail(f) {
            for i in 0..b.len {
                if let Err(r) = b.flag(f, i) {
                    problem(probs, offset + i, f, r);
                }
            }
        }
    }
}

/// Measures one slice into `total`: readable rows go to the core's columnar entry point in
/// runs; each unreadable row is excluded with its problems, in row order.
fn measure_slice(
    b: &Batch<'_>,
    offset: usize,
    slice_opts: &IndicatorOptions,
    total: &mut MeasureSet,
    buf: &mut Buffers,
    probs: &mut Vec<Problem>,
) -> Result<(), Error> {
    buf.clear();
    // Column by column into the buffers; every problem found is pushed with its row.
    probs.clear();
    b.municipality_column(offset, &mut buf.municipality, probs);
    b.care_type_column(offset, &mut buf.care_type, probs);
    b.notice_column(
        Field::ReadyAt,
        true,
        offset,
        &mut buf.ready_day,
        &mut buf.ready_minute,
        probs,
    );
    b.notice_column(
        Field::DischargedAt,
        false,
        offset,
        &mut buf.discharge_day,
        &mut buf.discharge_minute,
        probs,
    );
    b.notice_column(
        Field::AdmittedAt,
        false,
        offset,
        &mut buf.admitted_day,
        &mut buf.admitted_minute,
        probs,
    );
    // The core counts times of day in seconds.
    for m in buf
        .ready_minute
        .iter_mut()
        .chain(buf.discharge_minute.iter_mut())
        .chain(buf.admitted_minute.iter_mut())
    {
        if *m >= 0 {
            *m *= 60;
        }
    }
    b.age_column(offset, &mut buf.age, probs);
    other_cells(b, offset, probs);
    // The problems of each row together, in row order (a stable sort keeps the order of the
    // checks within a row).
    probs.sort_by_key(|p| p.row);
    let mut bad: Vec<(usize, Vec<Problem>)> = Vec::new();
    let mut k = 0;
    while k < probs.len() {
        let row = probs[k].row;
        let n = probs[k..].iter().take_while(|p| p.row == row).count();
        bad.push((row - offset, probs[k..k + n].to_vec()));
        k += n;
    }
    // Runs of readable rows go to the core's columnar entry point; each unreadable row is
    // excluded with its problems, in row order.
    let mut start = 0;
    let run = |from: usize, to: usize, total: &mut MeasureSet| -> Result<(), Error> {
        if from < to {
            let set = measure_columns(&buf.columns(from, to, offset + from), slice_opts)?;
            total.merge(&set)?;
        }
        Ok(())
    };
    for (i, p) in bad {
        run(start, i, total)?;
        total.push_problems(p);
        start = i + 1;
    }
    run(start, b.len, total)
}

fn batch_err((field, message): (Field, String)) -> Error {
    Error::InvalidArgument {
        name: field.as_str().into(),
        message,
    }
}

/// Measures of a whole stream (measures merge by addition). Each record batch is cut
/// into slices of [`SLICE_ROWS`]; the slices are shared out in contiguous runs to one thread
/// per core (at most [`MAX_THREADS`]), each with its own decode buffers and measures, merged
/// in row order.
fn measure_stream(
    reader: RecordBatchStreamReader,
    map: &ColumnMap,
    opts: &IndicatorOptions,
) -> Result<MeasureSet, Error> {
    // Slices are measured leniently with negative days excluded (or day0); strict mode and the
    // `error` policy are applied once, over all rows, by `finish`.
    let slice_opts = IndicatorOptions {
        mode: Mode::Lenient,
        negative_days: if opts.negative_days == NegativeDays::Day0 {
            NegativeDays::Day0
        } else {
            NegativeDays::Exclude
        },
        ..opts.clone()
    };
    // At most MAX_THREADS workers: each holds a slice's decode buffers (about 0.5 MB), which
    // bounds the memory used beside the input table whatever the machine.
    let threads = std::thread::available_parallelism()
        .map_or(1, std::num::NonZero::get)
        .min(MAX_THREADS);
    let mut total = MeasureSet::new(opts.period);
    let mut offset = 0usize;
    for batch in reader {
        let batch = batch.map_err(|e| arrow_err(&e))?;
        let n = batch.num_rows();
        let slices = n.div_ceil(SLICE_ROWS);
        let workers = threads.min(slices).max(1);
        let per = slices.div_ceil(workers).max(1);
        let work = |w: usize| -> Result<MeasureSet, Error> {
            let mut set = MeasureSet::new(opts.period);
            let mut buf = Buffers::default();
            let mut probs = Vec::new();
            for k in (w * per)..((w + 1) * per).min(slices) {
                let start = k * SLICE_ROWS;
                let slice = batch.slice(start, SLICE_ROWS.min(n - start));
                let b = Batch::new(&slice, map).map_err(batch_err)?;
                measure_slice(
                    &b,
                    offset + start,
                    &slice_opts,
                    &mut set,
                    &mut buf,
                    &mut probs,
                )?;
            }
            Ok(set)
        };
        let results: Vec<Result<MeasureSet, Error>> = if workers == 1 {
            vec![work(0)]
        } else {
            std::thread::scope(|s| {
                let handles: Vec<_> = (0..workers).map(|w| s.spawn(move || work(w))).collect();
                handles
                    .into_iter()
                    .map(|h| {
                        h.join().unwrap_or_else(|_| {
                            Err(Error::InvalidArgument {
                                name: "episodes".into(),
                                message: "a worker thread failed".into(),
                            })
                        })
                    })
                    .collect()
            })
        };
        for r in results {
            total.merge(&r?)?;
        }
        offset += n;
    }
    total.finish(opts)
}

/// Reads every row as an [`Episode`] value with the core's parsing. Returns the episodes, the
/// input row of each, the problems of the rows that could not be read, and the row count.
struct Read {
    episodes: Vec<Episode>,
    rows: Vec<usize>,
    problems: Vec<Problem>,
    /// The row and `episode_id` (when it has one) of each row that could not be read.
    bad_ids: Vec<(usize, Option<String>)>,
    rows_in: u64,
}

fn read_episodes(reader: RecordBatchStreamReader, map: &ColumnMap) -> Result<Read, Error> {
    let mut out = Read {
        episodes: Vec::new(),
        rows: Vec::new(),
        problems: Vec::new(),
        bad_ids: Vec::new(),
        rows_in: 0,
    };
    let mut probs: Vec<Problem> = Vec::new();
    out.rows_in = for_each_slice(reader, map, |b, offset| {
        for i in 0..b.len {
            let row = offset + i;
            let id = b.text(Field::EpisodeId, i);
            if id.is_none() {
                problem(&mut probs, row, Field::EpisodeId, Reason::MissingField);
            }
            let municipality = match b.municipality(i) {
                Ok(code) => Municipality::from_code(code).map_err(|_| {
                    problem(
                        &mut probs,
                        row,
                        Field::Municipality,
                        Reason::UnknownMunicipality,
                    );
                }),
                Err(r) => {
                    problem(&mut probs, row, Field::Municipality, r);
                    Err(())
                }
            };
            let care = b.care_type(i).map_err(|r| {
                problem(&mut probs, row, Field::CareType, r);
            });
            let mut notice = |f: Field, required: bool| match b.notice(f, i) {
                Ok(Some(c)) if time::day_in_range(c.day) => Some(c.notice()),
                Ok(Some(_)) => {
                    problem(&mut probs, row, f, Reason::DateOutOfRange);
                    None
                }
                Ok(None) => {
                    if required {
                        problem(&mut probs, row, f, Reason::MissingField);
                    }
                    None
                }
                Err(r) => {
                    problem(&mut probs, row, f, r);
                    None
                }
            };
            let ready = notice(Field::ReadyAt, true);
            let admitted = notice(Field::AdmittedAt, false);
            let discharged = notice(Field::DischargedAt, false);
            let home_ready = notice(Field::HomeReadyAt, false);
            let planned = b.date(Field::PlannedDischargeDate, i).unwrap_or_else(|r| {
                problem(&mut probs, row, Field::PlannedDischargeDate, r);
                None
            });
            let age = b.age(i).unwrap_or_else(|r| {
                problem(&mut probs, row, Field::Age, r);
                None
            });
            let mut flag = |f: Field, default: bool| match b.flag(f, i) {
                Ok(v) => v.unwrap_or(default),
                Err(r) => {
                    problem(&mut probs, row, f, r);
                    default
                }
            };
            let admission_notice_sent = flag(Field::AdmissionNoticeSent, true);
            let sip_required = flag(Field::SipRequired, false);
            let sip_called = flag(Field::SipCalled, false);
            let region_blocked = flag(Field::RegionBlocked, false);
            match (id, municipality, care, ready) {
                (Some(id), Ok(municipality), Ok(care), Some(ready_at)) if probs.is_empty() => {
                    let care_type = CareType::from_code(care).unwrap_or(CareType::Somatic);
                    out.episodes.push(Episode {
                        episode_id: id.into_owned(),
                        patient_id: b
                            .text(Field::PatientId, i)
                            .map(std::borrow::Cow::into_owned),
                        municipality,
                        care_type,
                        admitted_at: admitted,
                        ready_at,
                        discharged_at: discharged,
                        home_ready_at: home_ready,
                        planned_discharge_date: planned,
                        age,
                        admission_notice_sent,
                        sip_required,
                        sip_called,
                        region_blocked,
                    });
                    out.rows.push(row);
                }
                (id, ..) => {
                    out.bad_ids
                        .push((row, id.map(std::borrow::Cow::into_owned)));
                    out.problems.append(&mut probs);
                }
            }
            probs.clear();
        }
        Ok(())
    })?;
    Ok(out)
}

fn open(
    py: Python<'_>,
    episodes: &Bound<'_, PyAny>,
) -> PyResult<(RecordBatchStreamReader, ColumnMap)> {
    let reader = input::open_stream(episodes, "episodes")?;
    let map = ColumnMap::new(&reader_schema(&reader));
    map.require(py, &Field::REQUIRED)?;
    Ok((reader, map))
}

fn reader_schema(r: &RecordBatchStreamReader) -> arrow_schema::SchemaRef {
    use arrow_array::RecordBatchReader;
    r.schema()
}

fn core<T>(py: Python<'_>, r: Result<T, Error>) -> PyResult<T> {
    r.map_err(|e| errors::to_py(py, e))
}

/// The exclusion report as a dict (the Python layer wraps it in `utklar.ExclusionReport`).
fn report_dict<'py>(py: Python<'py>, r: &ExclusionReport) -> PyResult<Bound<'py, PyDict>> {
    let d = PyDict::new(py);
    d.set_item("rows_in", r.rows_in)?;
    d.set_item("counted", r.counted)?;
    d.set_item("open", r.open)?;
    d.set_item("outside_age", r.outside_age)?;
    d.set_item("excluded", r.excluded())?;
    let by = PyDict::new(py);
    for (reason, n) in r.reasons() {
        by.set_item(reason.as_str(), n)?;
    }
    d.set_item("by_reason", by)?;
    d.set_item("problems", errors::problem_tuples(py, &r.problems)?)?;
    d.set_item("json", report_json(r))?;
    Ok(d)
}

/// The report as Python's `json.dumps(ExclusionReport.to_dict())` writes it (the metadata a
/// pyarrow result carries), written here because many thousand problems take Python's
/// encoder milliseconds. Same keys in the same order, `", "` and `": "` separators, strings
/// escaped to ASCII.
fn report_json(r: &ExclusionReport) -> String {
    use std::fmt::Write;
    fn text(out: &mut String, s: &str) {
        out.push('"');
        for c in s.chars() {
            match c {
                '"' => out.push_str("\\\""),
                '\\' => out.push_str("\\\\"),
                '\n' => out.push_str("\\n"),
                '\r' => out.push_str("\\r"),
                '\t' => out.push_str("\\t"),
                '\u{8}' => out.push_str("\\b"),
                '\u{c}' => out.push_str("\\f"),
                ' '..='~' => out.push(c),
                _ => {
                    for u in c.encode_utf16(&mut [0; 2]) {
                        let _ = write!(out, "\\u{u:04x}");
                    }
                }
            }
        }
        out.push('"');
    }
    let mut s = String::with_capacity(160 + r.problems.len() * 48);
    let _ = write!(
        s,
        "{{\"rows_in\": {}, \"counted\": {}, \"open\": {}, \"outside_age\": {}, \"excluded\": {}, \"by_reason\": {{",
        r.rows_in,
        r.counted,
        r.open,
        r.outside_age,
        r.excluded()
    );
    for (k, (reason, n)) in r.reasons().enumerate() {
        if k > 0 {
            s.push_str(", ");
        }
        text(&mut s, reason.as_str());
        let _ = write!(s, ": {n}");
    }
    s.push_str("}, \"problems\": [");
    for (k, p) in r.problems.iter().enumerate() {
        if k > 0 {
            s.push_str(", ");
        }
        let _ = write!(s, "[{}, ", p.row);
        text(&mut s, p.field.as_str());
        s.push_str(", ");
        text(&mut s, p.reason.as_str());
        s.push(']');
    }
    s.push_str("]}");
    s
}

fn population_of(py: Python<'_>, p: Option<&Bound<'_, PyAny>>) -> PyResult<Option<Population>> {
    let Some(p) = p else { return Ok(None) };
    if let Ok(s) = p.extract::<String>() {
        return if s == "builtin" {
            Ok(Some(Population::builtin()))
        } else {
            Err(errors::invalid_argument(
                py,
                "population",
                format!("{s:?}: give a table (municipality, year, pop_total, pop_65plus) or \"builtin\""),
            ))
        };
    }
    let mut pop = Population::new();
    reference_rows(
        py,
        p,
        "population",
        &["municipality", "year", "pop_total", "pop_65plus"],
        |v| pop.insert_text(&v[0], &v[1], &v[2], &v[3]),
    )?;
    Ok(Some(pop))
}

fn beds_of(py: Python<'_>, b: Option<&Bound<'_, PyAny>>) -> PyResult<Option<Beds>> {
    let Some(b) = b else { return Ok(None) };
    let mut beds = Beds::new();
    reference_rows(
        py,
        b,
        "beds",
        &["county", "period", "available_beds"],
        |v| beds.insert_text(&v[0], &v[1], &v[2]),
    )?;
    Ok(Some(beds))
}

/// Reads a small reference table (population, beds) as text cells, row by row, into the
/// core's own text readers.
fn reference_rows(
    py: Python<'_>,
    table: &Bound<'_, PyAny>,
    what: &str,
    columns: &[&str],
    mut f: impl FnMut(&[String]) -> Result<(), Error>,
) -> PyResult<()> {
    use arrow_array::RecordBatchReader;
    let reader = input::open_stream(table, what)?;
    let schema = reader.schema();
    let mut idx = Vec::new();
    for c in columns {
        let i = schema
            .fields()
            .iter()
            .position(|f| f.name().eq_ignore_ascii_case(c))
            .ok_or_else(|| {
                errors::invalid_argument(
                    py,
                    what,
                    format!(
                        "missing column `{c}`: the table needs {}",
                        columns.join(", ")
                    ),
                )
            })?;
        idx.push(i);
    }
    for batch in reader {
        let batch = core(py, batch.map_err(|e| arrow_err(&e)))?;
        let cells: Vec<Vec<Option<String>>> = idx
            .iter()
            .map(|&i| input::cells_as_text(batch.column(i).as_ref()))
            .collect::<Result<_, _>>()
            .map_err(|m| errors::invalid_argument(py, what, m))?;
        for r in 0..batch.num_rows() {
            let row: Vec<String> = cells
                .iter()
                .map(|c| c[r].clone().unwrap_or_default())
                .collect();
            f(&row).map_err(|e| errors::to_py_in(py, e, Some(&format!("{what} row {r}"))))?;
        }
    }
    Ok(())
}

fn indicator_table(report: &IndicatorReport, by: GroupBy) -> ArrowTable {
    let rows = &report.rows;
    let mut t = TableBuilder::default();
    match by {
        GroupBy::Municipality | GroupBy::County => {
            let name = if by == GroupBy::County {
                "county"
            } else {
                "municipality"
            };
            t.text(
                name,
                rows.iter().map(|r| match r.group {
                    Group::Nation => None,
                    g => Some(g.to_string()),
                }),
            );
        }
        GroupBy::Nation => {}
    }
    t.text("care_type", rows.iter().map(|r| Some(r.care_type.as_str())));
    t.text("period", rows.iter().map(|r| Some(r.period.to_string())));
    t.int(
        "episodes",
        rows.iter().map(|r| Some(r.measures.episodes() as i64)),
    );
    t.int("day0", rows.iter().map(|r| Some(r.measures.day0 as i64)));
    t.int(
        "ready_ge1",
        rows.iter().map(|r| Some(r.measures.ready_ge1 as i64)),
    );
    t.int(
        "ready_days",
        rows.iter().map(|r| Some(r.measures.ready_days as i64)),
    );
    t.float("goal_attainment", rows.iter().map(|r| r.goal_attainment));
    t.float("mean_days", rows.iter().map(|r| r.mean_days));
    t.float(
        "mean_days_incl_day0",
        rows.iter().map(|r| r.mean_days_incl_day0),
    );
    t.float("days_per_1000", rows.iter().map(|r| r.days_per_1000));
    t.float("occupied_beds", rows.iter().map(|r| r.occupied_beds));
    t.float("bed_share_pct", rows.iter().map(|r| r.bed_share_pct));
    t.finish()
}

fn parse<T: FromStr<Err = Error>>(py: Python<'_>, s: &str) -> PyResult<T> {
    core(py, s.parse())
}

fn options(
    py: Python<'_>,
    period: &str,
    negative_days: &str,
    strict: bool,
    min_age: Option<i64>,
) -> PyResult<IndicatorOptions> {
    let min_age = match min_age {
        None => None,
        Some(a) => Some(u16::try_from(a).ok().filter(|a| *a <= 150).ok_or_else(|| {
            errors::invalid_argument(py, "min_age", format!("{a} is not an age 0–150"))
        })?),
    };
    Ok(IndicatorOptions {
        period: parse::<PeriodKind>(py, period)?,
        negative_days: parse::<NegativeDays>(py, negative_days)?,
        min_age,
        mode: if strict { Mode::Strict } else { Mode::Lenient },
    })
}

/// The national indicators of an episode table (see `utklar.indicators`).
#[pyfunction]
#[pyo3(signature = (episodes, *, period="month", by="municipality", negative_days="exclude", population=None, beds=None, strict=false, min_age=None))]
#[allow(clippy::too_many_arguments)]
fn indicators<'py>(
    py: Python<'py>,
    episodes: &Bound<'py, PyAny>,
    period: &str,
    by: &str,
    negative_days: &str,
    population: Option<&Bound<'py, PyAny>>,
    beds: Option<&Bound<'py, PyAny>>,
    strict: bool,
    min_age: Option<i64>,
) -> PyResult<(ArrowTable, Bound<'py, PyDict>)> {
    let opts = options(py, period, negative_days, strict, min_age)?;
    let by: GroupBy = parse(py, by)?;
    let population = population_of(py, population)?;
    let beds = beds_of(py, beds)?;
    let (reader, map) = open(py, episodes)?;
    let report = core(
        py,
        py.detach(|| {
            measure_stream(reader, &map, &opts)
                .map(|set| set.indicators(by, population.as_ref(), beds.as_ref()))
        }),
    )?;
    Ok((
        indicator_table(&report, by),
        report_dict(py, &report.exclusions)?,
    ))
}

/// Every problem of every row (see `utklar.validate`).
#[pyfunction]
#[pyo3(signature = (episodes, *, negative_days="exclude"))]
fn validate_rows<'py>(
    py: Python<'py>,
    episodes: &Bound<'py, PyAny>,
    negative_days: &str,
) -> PyResult<(ArrowTable, u64)> {
    let policy: NegativeDays = parse(py, negative_days)?;
    let (reader, map) = open(py, episodes)?;
    let (problems, rows_in) = core(
        py,
        py.detach(|| {
            let read = read_episodes(reader, &map)?;
            let mut problems = read.problems;
            problems.extend(
                validate::check_episodes(&read.episodes, policy)
                    .into_iter()
                    .map(|p| Problem {
                        row: read.rows[p.row],
                        ..p
                    }),
            );
            problems.sort_by_key(|p| (p.row, p.field));
            Ok((problems, read.rows_in))
        }),
    )?;
    let mut t = TableBuilder::default();
    t.int("row", problems.iter().map(|p| Some(p.row as i64)));
    t.text("column", problems.iter().map(|p| Some(p.field.as_str())));
    t.text("reason", problems.iter().map(|p| Some(p.reason.as_str())));
    t.text("hint", problems.iter().map(|p| Some(p.reason.hint())));
    Ok((t.finish(), rows_in))
}

/// Patients ready and not yet discharged on a date (see `utklar.census`).
#[pyfunction]
#[pyo3(signature = (episodes, on))]
fn census<'py>(
    py: Python<'py>,
    episodes: &Bound<'py, PyAny>,
    on: NaiveDate,
) -> PyResult<(ArrowTable, Bound<'py, PyDict>)> {
    let (reader, map) = open(py, episodes)?;
    let (waiting, report) = core(
        py,
        py.detach(|| {
            let read = read_episodes(reader, &map)?;
            let waiting: Vec<extras::Waiting> = extras::census(&read.episodes, on)?
                .into_iter()
                .map(|w| extras::Waiting {
                    row: read.rows[w.row],
                    ..w
                })
                .collect();
            let mut report = ExclusionReport::default();
            report.rows_in = read.rows_in;
            report.counted = read.episodes.len() as u64;
            let mut problems = read.problems;
            problems.sort_by_key(|p| p.row);
            let mut i = 0;
            while i < problems.len() {
                let row = problems[i].row;
                let j = problems[i..].iter().take_while(|p| p.row == row).count();
                report.exclude(problems[i..i + j].iter().cloned());
                i += j;
            }
            Ok((waiting, report))
        }),
    )?;
    let mut t = TableBuilder::default();
    t.int("row", waiting.iter().map(|w| Some(w.row as i64)));
    t.text(
        "episode_id",
        waiting.iter().map(|w| Some(w.episode_id.as_str())),
    );
    t.text(
        "municipality",
        waiting.iter().map(|w| Some(w.municipality.to_string())),
    );
    t.text(
        "care_type",
        waiting.iter().map(|w| Some(w.care_type.as_str())),
    );
    t.date(
        "ready_date",
        waiting.iter().map(|w| Some(time::day_number(w.ready_date))),
    );
    t.int(
        "waited_days",
        waiting.iter().map(|w| Some(i64::from(w.waited_days))),
    );
    Ok((t.finish(), report_dict(py, &report)?))
}

fn micros(t: Option<utklar_core::NoticeTime>) -> Option<i64> {
    t.map(|t| {
        let secs = i64::from(t.day()) * 86_400
            + t.time.map_or(0, |x| {
                use chrono::Timelike;
                i64::from(x.num_seconds_from_midnight())
            });
        secs * 1_000_000
            + t.time.map_or(0, |x| {
                use chrono::Timelike;
                i64::from(x.nanosecond() / 1000)
            })
    })
}

/// Episodes as a table with the episode columns (docs/episodes.md).
fn episode_table(eps: &[Episode]) -> ArrowTable {
    let mut t = TableBuilder::default();
    t.text(
        "episode_id",
        eps.iter().map(|e| Some(e.episode_id.as_str())),
    );
    t.text("patient_id", eps.iter().map(|e| e.patient_id.as_deref()));
    t.text(
        "municipality",
        eps.iter().map(|e| Some(e.municipality.to_string())),
    );
    t.text("care_type", eps.iter().map(|e| Some(e.care_type.as_str())));
    t.timestamp("admitted_at", eps.iter().map(|e| micros(e.admitted_at)));
    t.timestamp("ready_at", eps.iter().map(|e| micros(Some(e.ready_at))));
    t.timestamp("discharged_at", eps.iter().map(|e| micros(e.discharged_at)));
    t.timestamp("home_ready_at", eps.iter().map(|e| micros(e.home_ready_at)));
    t.date(
        "planned_discharge_date",
        eps.iter()
            .map(|e| e.planned_discharge_date.map(time::day_number)),
    );
    t.int("age", eps.iter().map(|e| e.age.map(i64::from)));
    t.boolean(
        "admission_notice_sent",
        eps.iter().map(|e| Some(e.admission_notice_sent)),
    );
    t.boolean("sip_required", eps.iter().map(|e| Some(e.sip_required)));
    t.boolean("sip_called", eps.iter().map(|e| Some(e.sip_called)));
    t.boolean("region_blocked", eps.iter().map(|e| Some(e.region_blocked)));
    t.finish()
}

#[allow(clippy::too_many_arguments)]
fn synth_options(
    py: Python<'_>,
    year: i32,
    months: u32,
    episodes: usize,
    county: Option<&str>,
    municipalities: Option<Vec<String>>,
    seed: u64,
    open_share: f64,
    negative_share: f64,
) -> PyResult<synth::SynthOptions> {
    if !(1990..=2099).contains(&year) {
        return Err(errors::invalid_argument(
            py,
            "year",
            format!("{year} is outside 1990–2099"),
        ));
    }
    if !(1..=120).contains(&months) {
        return Err(errors::invalid_argument(
            py,
            "months",
            format!("{months}: use 1–120"),
        ));
    }
    for (name, share) in [
        ("open_share", open_share),
        ("negative_share", negative_share),
    ] {
        if !(0.0..=1.0).contains(&share) {
            return Err(errors::invalid_argument(
                py,
                name,
                format!("{share} is not a share 0–1"),
            ));
        }
    }
    let mut munis: Vec<Municipality> = Vec::new();
    if let Some(c) = county {
        let c: County = parse(py, c)?;
        munis.extend(c.municipalities());
    }
    for m in municipalities.unwrap_or_default() {
        munis.push(parse(py, &m)?);
    }
    Ok(synth::SynthOptions {
        seed,
        episodes,
        year,
        months,
        municipalities: munis,
        open_share,
        negative_share,
    })
}

/// Generated episodes (see `utklar.synth`).
#[pyfunction]
#[pyo3(signature = (*, year=2025, months=12, episodes=0, county=None, municipalities=None, seed=2025, open_share=0.01, negative_share=0.003))]
#[allow(clippy::too_many_arguments)]
fn synth_episodes(
    py: Python<'_>,
    year: i32,
    months: u32,
    episodes: usize,
    county: Option<&str>,
    municipalities: Option<Vec<String>>,
    seed: u64,
    open_share: f64,
    negative_share: f64,
) -> PyResult<ArrowTable> {
    let opts = synth_options(
        py,
        year,
        months,
        episodes,
        county,
        municipalities,
        seed,
        open_share,
        negative_share,
    )?;
    Ok(py.detach(|| episode_table(&synth::generate(&opts))))
}

/// The core's own indicators over generated episode values, bypassing Arrow: the reference
/// the test suite compares `indicators` against.
#[pyfunction]
#[pyo3(signature = (*, year=2025, months=12, episodes=0, county=None, seed=2025, period="month", by="municipality", negative_days="exclude", min_age=None))]
#[allow(clippy::too_many_arguments)]
fn _core_indicators_of_synth<'py>(
    py: Python<'py>,
    year: i32,
    months: u32,
    episodes: usize,
    county: Option<&str>,
    seed: u64,
    period: &str,
    by: &str,
    negative_days: &str,
    min_age: Option<i64>,
) -> PyResult<(ArrowTable, Bound<'py, PyDict>)> {
    let sopts = synth_options(py, year, months, episodes, county, None, seed, 0.01, 0.003)?;
    let opts = options(py, period, negative_days, false, min_age)?;
    let by: GroupBy = parse(py, by)?;
    let pop = Population::builtin();
    let report = core(
        py,
        utklar_core::indicators(&synth::generate(&sopts), &opts, by, Some(&pop), None),
    )?;
    Ok((
        indicator_table(&report, by),
        report_dict(py, &report.exclusions)?,
    ))
}

/// An unreadable row: its number, its `episode_id` if it has one, and its problems.
type Unreadable = (usize, Option<String>, Vec<Problem>);

/// Readable episodes, each unreadable row with its problems, and the exclusion report.
fn read_for_payment(
    py: Python<'_>,
    episodes: &Bound<'_, PyAny>,
) -> PyResult<(Read, Vec<Unreadable>, ExclusionReport)> {
    let (reader, map) = open(py, episodes)?;
    let read = core(py, py.detach(|| read_episodes(reader, &map)))?;
    let mut unreadable: Vec<Unreadable> = Vec::new();
    let mut report = ExclusionReport::default();
    report.rows_in = read.rows_in;
    report.counted = read.episodes.len() as u64;
    let mut i = 0;
    let problems = &read.problems;
    for (row, id) in &read.bad_ids {
        let j = problems[i..].iter().take_while(|p| p.row == *row).count();
        let mine = problems[i..i + j].to_vec();
        report.exclude(mine.iter().cloned());
        unreadable.push((*row, id.clone(), mine));
        i += j;
    }
    Ok((read, unreadable, report))
}

/// An invoice (see `utklar.invoice`): lines, totals, not billed, a summary and the report of
/// unreadable rows.
#[pyfunction]
#[pyo3(signature = (episodes, agreement, *, amounts=None))]
#[allow(clippy::type_complexity)]
fn invoice<'py>(
    py: Python<'py>,
    episodes: &Bound<'py, PyAny>,
    agreement: &Bound<'py, PyAny>,
    amounts: Option<&Bound<'py, PyDict>>,
) -> PyResult<(
    ArrowTable,
    ArrowTable,
    ArrowTable,
    Bound<'py, PyDict>,
    Bound<'py, PyDict>,
)> {
    let agreement = payment::agreement_of(py, agreement)?;
    let amounts = payment::amounts_of(py, amounts)?;
    let (read, unreadable, report) = read_for_payment(py, episodes)?;
    let mut inv = core(
        py,
        py.detach(|| utklar_core::payment::invoice(&read.episodes, &agreement, &amounts)),
    )?;
    // Positions among the readable episodes become input rows; the unreadable rows join the
    // invoice as not billed (the core's `invalid_row` and bad-data reasons), as in the CLI.
    for n in &mut inv.not_billed {
        n.index = read.rows[n.index];
    }
    for l in &mut inv.lines {
        l.index = l.index.map(|i| read.rows[i]);
    }
    for (row, id, problems) in &unreadable {
        inv.add_unreadable(*row, id.as_deref(), problems);
    }
    inv.not_billed.sort_by_key(|n| n.index);
    let (lines, totals, not_billed) = payment::invoice_tables(&inv);
    let summary = PyDict::new(py);
    summary.set_item("agreement", &inv.agreement)?;
    summary.set_item("episodes_in", inv.episodes_in)?;
    summary.set_item("amount_ore", inv.amount_ore())?;
    summary.set_item("billed_days", inv.billed_days())?;
    summary.set_item("billed_episodes", inv.billed_episodes())?;
    let counts = PyDict::new(py);
    for (reason, n) in inv.not_billed_counts() {
        if n > 0 {
            counts.set_item(reason.as_str(), n)?;
        }
    }
    summary.set_item("not_billed", counts)?;
    Ok((
        lines,
        totals,
        not_billed,
        summary,
        report_dict(py, &report)?,
    ))
}

/// Several agreements over the same episodes (see `utklar.compare`).
#[pyfunction]
#[pyo3(signature = (episodes, agreements, *, amounts=None))]
fn compare<'py>(
    py: Python<'py>,
    episodes: &Bound<'py, PyAny>,
    agreements: &Bound<'py, PyAny>,
    amounts: Option<&Bound<'py, PyDict>>,
) -> PyResult<(ArrowTable, Bound<'py, PyDict>)> {
    let mut named: Vec<(String, utklar_core::payment::Agreement)> = Vec::new();
    if let Ok(d) = agreements.cast::<PyDict>() {
        for (k, v) in d.iter() {
            named.push((k.str()?.to_string(), payment::agreement_of(py, &v)?));
        }
    } else {
        for a in agreements.try_iter().map_err(|_| {
            errors::invalid_argument(
                py,
                "agreements",
                "give a list of agreements or a dict name -> agreement",
            )
        })? {
            let a = payment::agreement_of(py, &a?)?;
            named.push((a.name.clone(), a));
        }
    }
    if named.is_empty() {
        return Err(errors::invalid_argument(
            py,
            "agreements",
            "give at least one agreement",
        ));
    }
    for (i, (n, _)) in named.iter().enumerate() {
        if named[..i].iter().any(|(m, _)| m == n) {
            return Err(errors::invalid_argument(
                py,
                "agreements",
                format!("two agreements are named {n:?}: name variants apart (variant(name=...)) or pass a dict"),
            ));
        }
    }
    let amounts = payment::amounts_of(py, amounts)?;
    let (read, _unreadable, report) = read_for_payment(py, episodes)?;
    let c = core(
        py,
        py.detach(|| utklar_core::payment::compare(&read.episodes, &named, &amounts)),
    )?;
    Ok((payment::comparison_table(&c), report_dict(py, &report)?))
}

/// A grid of thresholds × grace days over one agreement (see `utklar.sweep`).
#[pyfunction]
#[pyo3(signature = (episodes, agreement, *, thresholds=Vec::new(), grace_days=Vec::new(), amounts=None, by_municipality=false))]
fn sweep<'py>(
    py: Python<'py>,
    episodes: &Bound<'py, PyAny>,
    agreement: &Bound<'py, PyAny>,
    thresholds: Vec<f64>,
    grace_days: Vec<u32>,
    amounts: Option<&Bound<'py, PyDict>>,
    by_municipality: bool,
) -> PyResult<(ArrowTable, Bound<'py, PyDict>)> {
    let agreement = payment::agreement_of(py, agreement)?;
    let amounts = payment::amounts_of(py, amounts)?;
    let (read, _unreadable, report) = read_for_payment(py, episodes)?;
    let s = core(
        py,
        py.detach(|| {
            utklar_core::payment::sweep(
                &read.episodes,
                &agreement,
                &amounts,
                &thresholds,
                &grace_days,
            )
        }),
    )?;
    Ok((
        payment::sweep_table(&s, by_municipality),
        report_dict(py, &report)?,
    ))
}

/// The core's own invoice over generated episode values, bypassing Arrow: the reference the
/// test suite compares `invoice` against. Returns the amount, billed days, billed episodes and
/// the not-billed counts.
#[pyfunction]
#[pyo3(signature = (agreement, *, year=2024, months=12, episodes=0, county=None, seed=2025, amounts=None))]
#[allow(clippy::too_many_arguments)]
fn _core_invoice_of_synth<'py>(
    py: Python<'py>,
    agreement: &Bound<'py, PyAny>,
    year: i32,
    months: u32,
    episodes: usize,
    county: Option<&str>,
    seed: u64,
    amounts: Option<&Bound<'py, PyDict>>,
) -> PyResult<Bound<'py, PyDict>> {
    let agreement = payment::agreement_of(py, agreement)?;
    let amounts = payment::amounts_of(py, amounts)?;
    let sopts = synth_options(py, year, months, episodes, county, None, seed, 0.01, 0.003)?;
    let inv = core(
        py,
        utklar_core::payment::invoice(&synth::generate(&sopts), &agreement, &amounts),
    )?;
    let d = PyDict::new(py);
    d.set_item("amount_ore", inv.amount_ore())?;
    d.set_item("billed_days", inv.billed_days())?;
    d.set_item("billed_episodes", inv.billed_episodes())?;
    d.set_item("lines", inv.lines.len())?;
    let counts = PyDict::new(py);
    for (reason, n) in inv.not_billed_counts() {
        if n > 0 {
            counts.set_item(reason.as_str(), n)?;
        }
    }
    d.set_item("not_billed", counts)?;
    Ok(d)
}

/// The 290 municipalities: code, name, county code and county name.
#[pyfunction]
fn municipalities() -> ArrowTable {
    let all: Vec<Municipality> = Municipality::all().collect();
    let mut t = TableBuilder::default();
    t.text("municipality", all.iter().map(|m| Some(m.to_string())));
    t.text("name", all.iter().map(|m| Some(m.name())));
    t.text("county", all.iter().map(|m| Some(m.county().to_string())));
    t.text("county_name", all.iter().map(|m| Some(m.county().name())));
    t.finish()
}

/// Every reason a row can be excluded for, with its hint.
#[pyfunction]
fn reasons(py: Python<'_>) -> PyResult<Bound<'_, PyList>> {
    PyList::new(py, Reason::ALL.iter().map(|r| (r.as_str(), r.hint())))
}

/// The compiled module.
#[pymodule]
fn _utklar(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add("CORE_VERSION", utklar_core::VERSION)?;
    m.add_class::<ArrowTable>()?;
    m.add_class::<payment::Agreement>()?;
    m.add_function(wrap_pyfunction!(invoice, m)?)?;
    m.add_function(wrap_pyfunction!(compare, m)?)?;
    m.add_function(wrap_pyfunction!(sweep, m)?)?;
    m.add_function(wrap_pyfunction!(indicators, m)?)?;
    m.add_function(wrap_pyfunction!(validate_rows, m)?)?;
    m.add_function(wrap_pyfunction!(census, m)?)?;
    m.add_function(wrap_pyfunction!(synth_episodes, m)?)?;
    m.add_function(wrap_pyfunction!(_core_indicators_of_synth, m)?)?;
    m.add_function(wrap_pyfunction!(_core_invoice_of_synth, m)?)?;
    m.add_function(wrap_pyfunction!(municipalities, m)?)?;
    m.add_function(wrap_pyfunction!(reasons, m)?)?;
    errors::register(m)?;
    Ok(())
}
