//! `utklar indicators`: the national indicators from an episode file.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use utklar_core::{
    extras, Beds, Error, Group, GroupBy, IndicatorOptions, IndicatorRow, MeasureSet, Mode,
    NegativeDays, PeriodKind, Population,
};

use crate::fail::{self, Failure};
use crate::input::{read_beds, read_population, EpisodeArgs};
use crate::output::{csv_num, opt, thousands, Format, Table};
use crate::sheetout::{
    output_path, write_excel_sv, write_xlsx, Cell, Dialect, Lang, Sheet, SheetArgs,
};
use crate::stream::{account, list_problems, measure_file};
use crate::wide::{Value as WideValue, Wide};

/// Options of `utklar indicators`.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Examples:
  utklar indicators --episodes export.csv --population builtin
  utklar indicators --episodes export.csv --by county --period quarter --format csv > ind.csv
  utklar indicators --episodes export.csv --population pop.csv --beds beds.csv --by county --format json
  utklar indicators --episodes export.csv --wide --value goal_attainment --period quarter
  utklar indicators --episodes export.xlsx --wide --format xlsx --output per-month.xlsx --lang sv

Rows that cannot be used (bad dates, unknown codes, negative days, repeated ids …) are left out
and counted on standard error; --strict stops instead, lists them and exits with status 1.
Exit status: 0 success; 1 data problems under --strict or --negative-days error; 2 unusable
arguments or files.")]
pub struct Args {
    #[command(flatten)]
    pub input: EpisodeArgs,
    /// Population per municipality and year, a CSV with municipality,year,pop_total,pop_65plus;
    /// or `builtin` for the embedded SCB figures of 30 September 2022 (used for later years
    /// too). Without it, days per 1 000 inhabitants is left empty (null).
    #[arg(long, value_name = "FILE|builtin")]
    pub population: Option<String>,
    /// Available staffed beds per county and period, a CSV with county,period,available_beds
    /// (period written like 2025-03, 2025-Q1 or 2025, matching --period). Needed for the bed
    /// share, which exists at county level only (--by county).
    #[arg(long, value_name = "FILE")]
    pub beds: Option<PathBuf>,
    /// Reporting period: month, quarter or year. An episode belongs to the period of its
    /// discharge date.
    #[arg(long, default_value_t = utklar_core::IndicatorOptions::default().period, value_name = "month|quarter|year")]
    pub period: PeriodKind,
    /// Group by municipality (kommun), county (län: first two digits of the code) or the whole
    /// nation. Care types are always reported separately.
    #[arg(
        long,
        default_value_t = utklar_core::GroupBy::default(),
        value_name = "municipality|county|nation"
    )]
    pub by: GroupBy,
    /// Discharge before the ready date (minusdagar): exclude the row and count it (default),
    /// treat it as day 0, or stop with an error listing the rows.
    #[arg(long, default_value_t = utklar_core::IndicatorOptions::default().negative_days, value_name = "exclude|day0|error")]
    pub negative_days: NegativeDays,
    /// Stop at bad rows instead of leaving them out: every bad row is listed and the exit
    /// status is 1.
    #[arg(long)]
    pub strict: bool,
    /// Count only patients at least this old at discharge, 0–150 (SKR used 65 for
    /// 2014–2016); rows with no age are then left out.
    #[arg(long, value_name = "YEARS")]
    pub min_age: Option<i64>,
    /// table: aligned and rounded as SKR publishes (days and beds to one decimal, percentages
    /// to one decimal, days per 1 000 to whole numbers); csv and json: full precision, with the
    /// field names municipality (or county), care_type, period, episodes, day0, ready_ge1,
    /// ready_days, goal_attainment (a share 0–1), mean_days, mean_days_incl_day0,
    /// days_per_1000, occupied_beds, bed_share_pct.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
    /// Small-cell suppression for publication: rows with 1 to K−1 episodes have their measures
    /// and indicators blanked (empty, null in JSON) and are marked suppressed (a `suppressed`
    /// column in CSV, `"suppressed": true` in JSON); when one row of a county (or one county of
    /// the nation) is suppressed in a care type and period, the next-smallest is too, so that
    /// it cannot be recovered from the county's total. With --also-by, the parts of a group
    /// are suppressed so (the next-smallest part of the same group goes too). 0 and 1
    /// suppress nothing.
    #[arg(long, value_name = "K")]
    pub suppress_below: Option<u64>,
    /// Periods in columns: one row per group and care type, one column per period of the
    /// report (month, quarter or year as --period), holding the indicator chosen with --value.
    /// A period in which the group has no episode, a suppressed row and a value that cannot be
    /// computed are empty cells (the table writes `–` for the last). Works with every
    /// --format; in JSON each row is {group, "care_type", "values": {period: value or null}}.
    #[arg(long)]
    pub wide: bool,
    /// The indicator in the cells of --wide, named as the field of the long output (default
    /// mean_days); only with --wide.
    #[arg(long, value_enum, value_name = "FIELD", requires = "wide")]
    pub value: Option<WideValue>,
    /// What to count: episodes (vårdtillfällen: the indicators, the default) or persons
    /// (distinct patient_id per group, care type and period among the counted episodes, with
    /// the episodes and the episodes without a patient_id beside them; VGR counts persons).
    /// persons reads the whole file into memory; not with --wide or --suppress-below.
    #[arg(long, value_enum, default_value_t = Count::Episodes, value_name = "episodes|persons", conflicts_with_all = ["wide", "suppress_below"])]
    pub count: Count,
    /// Group by a column of the file too (e.g. hospital or clinic), beside --by: one row per
    /// group, value of the column, care type and period; repeat for several columns. The
    /// output has a column of each name after the group's. Its values are read like ids
    /// (text trimmed, a blank cell is its own empty value) and, like ids, refused when they
    /// look like personal identity numbers. Reads the whole file into memory; not with
    /// --wide or --count persons.
    #[arg(long = "also-by", value_name = "COLUMN", conflicts_with = "wide")]
    pub also_by: Vec<String>,
    #[command(flatten)]
    pub sheet_out: SheetArgs,
}

/// What `utklar indicators` counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Count {
    /// Episodes: the indicators.
    #[default]
    Episodes,
    /// Distinct persons (patient_id).
    Persons,
}

/// Loads `--population` (a file, or `builtin`).
pub fn load_population(arg: Option<&str>) -> Result<Option<Population>, Failure> {
    match arg {
        None => Ok(None),
        Some(s) if s.eq_ignore_ascii_case("builtin") && !Path::new(s).exists() => {
            Ok(Some(Population::builtin()))
        }
        Some(s) => read_population(Path::new(s)).map(Some),
    }
}

/// Runs `utklar indicators`.
pub fn run(a: &Args, out: &mut dyn Write) -> Result<(), Failure> {
    if a.count == Count::Persons {
        if !a.also_by.is_empty() {
            return Err(Failure::usage(
                "--also-by goes with the indicators, not with --count persons".to_string(),
            ));
        }
        return run_persons(a, out);
    }
    if !a.also_by.is_empty() {
        return run_also_by(a, out);
    }
    let population = load_population(a.population.as_deref())?;
    let beds: Option<Beds> = a.beds.as_deref().map(read_beds).transpose()?;
    let opts = options_of_min_age(a.min_age)?
        .period(a.period)
        .negative_days(a.negative_days)
        .mode(if a.strict {
            Mode::Strict
        } else {
            Mode::Lenient
        });
    let source = a.input.open()?;
    let mut streamed = measure_file(source, &opts, |_, _| Ok(()))?;
    let label = streamed.label.clone();
    let set = std::mem::replace(&mut streamed.set, MeasureSet::new(a.period));
    let set = match set.finish(&opts) {
        Ok(set) => set,
        Err(Error::Invalid(problems)) => {
            eprintln!(
                "utklar: {label}: {} problem(s) in {} row(s); nothing computed:",
                problems.len(),
                streamed.lines.len()
            );
            list_problems(&streamed, &problems, 50);
            let why = if a.strict {
                "drop --strict to leave bad rows out and count them"
            } else {
                "choose --negative-days exclude or day0 to go on"
            };
            return Err(Failure::Data(format!(
                "{label}: stopped at bad rows ({why})"
            )));
        }
        Err(e) => return Err(fail::arg("--episodes", &e)),
    };
    let mut report = set.indicators(a.by, population.as_ref(), beds.as_ref());
    let suppressed = a.suppress_below.map(|k| report.suppress_below(k));
    if a.wide {
        let wide = Wide::new(&report.rows, a.by, a.value.unwrap_or_default());
        match a.format {
            Format::Table => wide.write_table(out)?,
            Format::Csv if a.sheet_out.csv_dialect == Dialect::ExcelSv => {
                write_excel_sv(&wide.sheet(a.sheet_out.lang), out)?;
            }
            Format::Csv => wide.write_csv(out)?,
            Format::Xlsx => write_xlsx(
                output_path(a.sheet_out.output.as_ref())?,
                &[wide.sheet(a.sheet_out.lang)],
            )?,
            Format::Json => wide.write_json(out)?,
        }
    } else {
        match a.format {
            Format::Table => write_table(&report.rows, a.by, out)?,
            Format::Csv if a.sheet_out.csv_dialect == Dialect::ExcelSv => {
                let sheet =
                    indicator_sheet(&report.rows, a.by, suppressed.is_some(), a.sheet_out.lang);
                write_excel_sv(&sheet, out)?;
            }
            Format::Csv => write_csv(&report.rows, a.by, suppressed.is_some(), out)?,
            Format::Xlsx => {
                let sheet =
                    indicator_sheet(&report.rows, a.by, suppressed.is_some(), a.sheet_out.lang);
                write_xlsx(output_path(a.sheet_out.output.as_ref())?, &[sheet])?;
            }
            Format::Json => {
                serde_json::to_writer_pretty(&mut *out, &report.rows)?;
                writeln!(out)?;
            }
        }
    }
    out.flush()?;
    eprintln!("utklar: {}", account(&label, &report.exclusions, true));
    if let (Some(k), Some(n)) = (a.suppress_below, suppressed) {
        eprintln!("utklar: --suppress-below {k}: {n} row(s) suppressed");
    }
    if beds.is_some() && a.by != GroupBy::County {
        eprintln!("utklar: --beds is used at county level only: add --by county for the bed share");
    }
    if population.is_none() {
        eprintln!("utklar: no --population given: days per 1 000 inhabitants is empty (try --population builtin)");
    }
    if report.exclusions.none_usable() {
        return Err(fail::none_usable(&label, report.exclusions.rows_in));
    }
    Ok(())
}

/// `utklar indicators --also-by COLUMN`: the core's indicators per group and value of the
/// caller's columns (`EpisodeSet::indicators_also_by`).
fn run_also_by(a: &Args, out: &mut dyn Write) -> Result<(), Failure> {
    let population = load_population(a.population.as_deref())?;
    let beds: Option<Beds> = a.beds.as_deref().map(read_beds).transpose()?;
    let opts = options_of_min_age(a.min_age)?
        .period(a.period)
        .negative_days(a.negative_days)
        .mode(if a.strict {
            Mode::Strict
        } else {
            Mode::Lenient
        });
    let (set, label) =
        crate::payment::read_episodes_with(&a.input, a.strict, &a.also_by, true, |_, _| {})?;
    let mut report = set
        .indicators_also_by(&opts, a.by, population.as_ref(), beds.as_ref())
        .map_err(|e| match e {
            Error::Invalid(_) => Failure::Data(format!(
                "{label}: stopped at bad rows (choose --negative-days exclude or day0 to go on)"
            )),
            e => fail::arg("--episodes", &e),
        })?;
    let suppressed = a.suppress_below.map(|k| report.suppress_below(k));
    let names = &report.names;
    let value = |v: &Option<String>| v.clone().unwrap_or_default();
    match a.format {
        Format::Json => {
            #[derive(serde::Serialize)]
            struct Row<'a> {
                #[serde(flatten)]
                also: BTreeMap<&'a str, Option<&'a str>>,
                #[serde(flatten)]
                row: &'a IndicatorRow,
            }
            let rows: Vec<Row<'_>> = report
                .rows
                .iter()
                .map(|r| Row {
                    also: names
                        .iter()
                        .map(String::as_str)
                        .zip(r.also.iter().map(Option::as_deref))
                        .collect(),
                    row: &r.row,
                })
                .collect();
            serde_json::to_writer_pretty(&mut *out, &rows)?;
            writeln!(out)?;
        }
        Format::Csv | Format::Xlsx => {
            let rows: Vec<IndicatorRow> = report.rows.iter().map(|r| r.row.clone()).collect();
            let mut sheet = indicator_sheet(&rows, a.by, suppressed.is_some(), a.sheet_out.lang);
            // The caller's columns after the group's code and name.
            for (k, n) in names.iter().enumerate() {
                sheet.headers.insert(2 + k, n.clone());
            }
            for (cells, r) in sheet.rows.iter_mut().zip(&report.rows) {
                for (k, v) in r.also.iter().enumerate() {
                    cells.insert(2 + k, v.clone().map_or(Cell::Empty, Cell::Text));
                }
            }
            if a.format == Format::Xlsx {
                write_xlsx(output_path(a.sheet_out.output.as_ref())?, &[sheet])?;
            } else if a.sheet_out.csv_dialect == Dialect::ExcelSv {
                write_excel_sv(&sheet, out)?;
            } else {
                let mut w = csv::Writer::from_writer(&mut *out);
                let mut header: Vec<&str> = Vec::new();
                match a.by {
                    GroupBy::Municipality => header.push("municipality"),
                    GroupBy::County => header.push("county"),
                    GroupBy::Nation => {}
                }
                header.extend(names.iter().map(String::as_str));
                header.extend(CSV_FIELDS);
                if suppressed.is_some() {
                    header.push(IndicatorRow::SUPPRESSED);
                }
                w.write_record(&header)?;
                for r in &report.rows {
                    let mut rec = csv_record(&r.row);
                    let at = usize::from(a.by != GroupBy::Nation);
                    for (k, v) in r.also.iter().enumerate() {
                        rec.insert(at + k, value(v));
                    }
                    if suppressed.is_some() {
                        rec.push(r.row.suppressed.to_string());
                    }
                    w.write_record(&rec)?;
                }
                w.flush()?;
            }
        }
        Format::Table => {
            let rows: Vec<IndicatorRow> = report.rows.iter().map(|r| r.row.clone()).collect();
            let mut t = table(&rows, a.by);
            for (k, n) in names.iter().enumerate() {
                t.insert_column(
                    1 + k,
                    n,
                    false,
                    report.rows.iter().map(|r| value(&r.also[k])),
                );
            }
            t.write(out)?;
            if rows.is_empty() {
                writeln!(out, "(no discharged episodes to report)")?;
            }
        }
    }
    out.flush()?;
    eprintln!("utklar: {}", account(&label, &report.exclusions, true));
    if let (Some(k), Some(n)) = (a.suppress_below, suppressed) {
        eprintln!("utklar: --suppress-below {k}: {n} row(s) suppressed");
    }
    if set.none_usable() {
        return Err(fail::none_usable(&label, set.rows_in()));
    }
    Ok(())
}

/// The indicator options with `--min-age` (the core checks its range).
pub(crate) fn options_of_min_age(min_age: Option<i64>) -> Result<IndicatorOptions, Failure> {
    IndicatorOptions::default()
        .checked_min_age(min_age)
        .map_err(|e| match e {
            utklar_core::Error::InvalidArgument { message, .. } => {
                Failure::usage(format!("--min-age: {message}"))
            }
            other => Failure::usage(other.to_string()),
        })
}

/// `utklar indicators --count persons`: the core's per-person counts (`extras::persons`).
fn run_persons(a: &Args, out: &mut dyn Write) -> Result<(), Failure> {
    let opts = options_of_min_age(a.min_age)?
        .period(a.period)
        .negative_days(a.negative_days);
    let (set, label) =
        crate::payment::read_episodes_with(&a.input, a.strict, &[], true, |_, _| {})?;
    let measured = set
        .measure(&opts)
        .map_err(|e| fail::arg("--episodes", &e))?;
    // In the order of the indicators' rows: group, care type, period.
    let mut counts: Vec<_> = extras::persons(set.episodes(), &opts, a.by)
        .into_iter()
        .collect();
    counts.sort_by_key(|((p, g, c), _)| (*g, *c, *p));
    let sv = a.sheet_out.lang == Lang::Sv;
    let group = match a.by {
        GroupBy::Municipality => ("municipality", "Kommun"),
        GroupBy::County => ("county", "Län"),
        GroupBy::Nation => ("nation", "Riket"),
    };
    let sheet = || {
        let mut s = Sheet::new(
            if sv { "Personer" } else { "Persons" },
            &[
                group,
                ("name", "Namn"),
                ("care_type", "Vårdform"),
                ("period", "Period"),
                ("episodes", "Vårdtillfällen"),
                ("persons", "Personer"),
                ("without_patient_id", "Utan patient-id"),
            ],
            a.sheet_out.lang,
        );
        for ((p, g, c), n) in &counts {
            let (code, name) = match g {
                Group::Municipality(m) => (m.to_string(), m.name().to_string()),
                Group::County(c) => (c.to_string(), c.name().to_string()),
                Group::Nation => (String::new(), group_name(*g)),
            };
            s.rows.push(vec![
                Cell::Text(code),
                Cell::Text(name),
                Cell::Text(c.to_string()),
                Cell::Text(p.to_string()),
                Cell::Int(n.episodes as i64),
                Cell::Int(n.persons as i64),
                Cell::Int(n.without_patient_id as i64),
            ]);
        }
        s
    };
    match a.format {
        Format::Json => {
            #[derive(serde::Serialize)]
            struct Row<'a> {
                #[serde(skip_serializing_if = "Option::is_none")]
                municipality: Option<String>,
                #[serde(skip_serializing_if = "Option::is_none")]
                county: Option<String>,
                care_type: &'a str,
                period: String,
                #[serde(flatten)]
                count: &'a extras::PersonCount,
            }
            let rows: Vec<Row<'_>> = counts
                .iter()
                .map(|((p, g, c), n)| Row {
                    municipality: match g {
                        Group::Municipality(m) => Some(m.to_string()),
                        _ => None,
                    },
                    county: match g {
                        Group::County(c) => Some(c.to_string()),
                        _ => None,
                    },
                    care_type: c.as_str(),
                    period: p.to_string(),
                    count: n,
                })
                .collect();
            serde_json::to_writer_pretty(&mut *out, &rows)?;
            writeln!(out)?;
        }
        Format::Csv if a.sheet_out.csv_dialect == Dialect::ExcelSv => {
            write_excel_sv(&sheet(), out)?;
        }
        Format::Csv => {
            let mut w = csv::Writer::from_writer(&mut *out);
            let mut header: Vec<&str> = Vec::new();
            if a.by != GroupBy::Nation {
                header.push(group.0);
            }
            header.extend([
                "care_type",
                "period",
                "episodes",
                "persons",
                "without_patient_id",
            ]);
            w.write_record(&header)?;
            for ((p, g, c), n) in &counts {
                let mut rec: Vec<String> = Vec::with_capacity(6);
                match g {
                    Group::Municipality(m) => rec.push(m.to_string()),
                    Group::County(c) => rec.push(c.to_string()),
                    Group::Nation => {}
                }
                rec.extend([
                    c.to_string(),
                    p.to_string(),
                    n.episodes.to_string(),
                    n.persons.to_string(),
                    n.without_patient_id.to_string(),
                ]);
                w.write_record(&rec)?;
            }
            w.flush()?;
        }
        Format::Xlsx => write_xlsx(output_path(a.sheet_out.output.as_ref())?, &[sheet()])?,
        Format::Table => {
            let mut t = Table::new(
                &[
                    group_header(a.by),
                    "care type",
                    "period",
                    "episodes",
                    "persons",
                    "no patient_id",
                ],
                &[false, false, false, true, true, true],
            );
            for ((p, g, c), n) in &counts {
                t.row(vec![
                    group_name(*g),
                    c.to_string(),
                    p.to_string(),
                    thousands(n.episodes),
                    thousands(n.persons),
                    thousands(n.without_patient_id),
                ]);
            }
            t.write(out)?;
            if counts.is_empty() {
                writeln!(out, "(no discharged episodes to report)")?;
            }
        }
    }
    out.flush()?;
    eprintln!("utklar: {}", account(&label, measured.report(), true));
    if set.none_usable() {
        return Err(fail::none_usable(&label, set.rows_in()));
    }
    Ok(())
}

/// The group's name for a table: `0880 Kalmar`, `08 Kalmar län`, `Sweden`.
pub fn group_name(g: Group) -> String {
    match g {
        Group::Municipality(m) => format!("{m} {}", m.name()),
        Group::County(c) => format!("{c} {}", c.name()),
        Group::Nation => "Sweden".to_string(),
    }
}

fn group_header(by: GroupBy) -> &'static str {
    match by {
        GroupBy::Municipality => "municipality",
        GroupBy::County => "county",
        GroupBy::Nation => "nation",
    }
}

/// The indicator rows as a table.
fn table(rows: &[IndicatorRow], by: GroupBy) -> Table {
    let mut t = Table::new(
        &[
            group_header(by),
            "care type",
            "period",
            "episodes",
            "day 0",
            "≥1 day",
            "ready days",
            "goal %",
            "mean days",
            "mean incl. 0",
            "days/1000",
            "occupied beds",
            "bed share %",
        ],
        &[
            false, false, false, true, true, true, true, true, true, true, true, true, true,
        ],
    );
    for r in rows {
        let m = r.published_measures();
        let count = |f: fn(&utklar_core::Measures) -> u64| {
            m.as_ref().map_or("–".into(), |m| thousands(f(m)))
        };
        t.row(vec![
            group_name(r.group),
            r.care_type.to_string(),
            r.period.to_string(),
            count(utklar_core::Measures::episodes),
            count(|m| m.day0),
            count(|m| m.ready_ge1),
            count(|m| m.ready_days),
            opt(r.goal_attainment.map(|g| g * 100.0), 1),
            opt(r.mean_days, 1),
            opt(r.mean_days_incl_day0, 1),
            opt(r.days_per_1000, 0),
            opt(r.occupied_beds, 1),
            opt(r.bed_share_pct, 1),
        ]);
    }
    t
}

fn write_table(rows: &[IndicatorRow], by: GroupBy, out: &mut dyn Write) -> Result<(), Failure> {
    table(rows, by).write(out)?;
    if rows.is_empty() {
        writeln!(out, "(no discharged episodes to report)")?;
    }
    Ok(())
}

/// The CSV columns: the JSON field names (`IndicatorRow::FIELDS`, docs/indicators.md) (after the group column, named as in the
/// JSON: `municipality` or `county`; none for the nation).
pub const CSV_FIELDS: [&str; 12] = IndicatorRow::FIELDS;

fn write_csv(
    rows: &[IndicatorRow],
    by: GroupBy,
    with_suppressed: bool,
    out: &mut dyn Write,
) -> Result<(), Failure> {
    let mut w = csv::Writer::from_writer(out);
    let mut header: Vec<&str> = Vec::new();
    match by {
        GroupBy::Municipality => header.push("municipality"),
        GroupBy::County => header.push("county"),
        GroupBy::Nation => {}
    }
    header.extend(CSV_FIELDS);
    if with_suppressed {
        header.push(IndicatorRow::SUPPRESSED);
    }
    w.write_record(&header)?;
    for r in rows {
        let mut rec = csv_record(r);
        if with_suppressed {
            rec.push(r.suppressed.to_string());
        }
        w.write_record(&rec)?;
    }
    w.flush()?;
    Ok(())
}

/// One indicator row's CSV cells: the group's code (none for the nation), then [`CSV_FIELDS`].
fn csv_record(r: &IndicatorRow) -> Vec<String> {
    let mut rec: Vec<String> = Vec::with_capacity(14);
    let m = r.published_measures();
    let count = |f: fn(&utklar_core::Measures) -> u64| {
        m.as_ref().map_or(String::new(), |m| f(m).to_string())
    };
    match r.group {
        Group::Municipality(m) => rec.push(m.to_string()),
        Group::County(c) => rec.push(c.to_string()),
        Group::Nation => {}
    }
    rec.extend([
        r.care_type.to_string(),
        r.period.to_string(),
        count(utklar_core::Measures::episodes),
        count(|m| m.day0),
        count(|m| m.ready_ge1),
        count(|m| m.ready_days),
        csv_num(r.goal_attainment),
        csv_num(r.mean_days),
        csv_num(r.mean_days_incl_day0),
        csv_num(r.days_per_1000),
        csv_num(r.occupied_beds),
        csv_num(r.bed_share_pct),
    ]);
    rec
}

/// The indicators as a sheet: the group's code and name, then every measure as a number
/// (goal attainment as a percentage), headers in English (the CSV field names) or Swedish.
pub fn indicator_sheet(
    rows: &[IndicatorRow],
    by: GroupBy,
    with_suppressed: bool,
    lang: Lang,
) -> Sheet {
    let group: (&str, &str) = match by {
        GroupBy::Municipality => ("municipality", "Kommun"),
        GroupBy::County => ("county", "Län"),
        GroupBy::Nation => ("nation", "Riket"),
    };
    let mut headers = vec![
        group,
        ("name", "Namn"),
        ("care_type", "Vårdform"),
        ("period", "Period"),
        ("episodes", "Vårdtillfällen"),
        ("day0", "Dag 0"),
        ("ready_ge1", "Minst 1 dag"),
        ("ready_days", "Utskrivningsklara dagar"),
        ("goal_attainment", "Måluppfyllelse"),
        ("mean_days", "Medel dagar"),
        ("mean_days_incl_day0", "Medel dagar inkl. dag 0"),
        ("days_per_1000", "Dagar per 1 000 inv."),
        ("occupied_beds", "Belagda vårdplatser"),
        ("bed_share_pct", "Andel av vårdplatser %"),
    ];
    if with_suppressed {
        headers.push((IndicatorRow::SUPPRESSED, "Undertryckt"));
    }
    let name = if lang == Lang::Sv {
        "Indikatorer"
    } else {
        "Indicators"
    };
    let mut sheet = Sheet::new(name, &headers, lang);
    for r in rows {
        let m = r.published_measures();
        let count = |f: fn(&utklar_core::Measures) -> u64| {
            m.as_ref().map_or(Cell::Empty, |m| Cell::Int(f(m) as i64))
        };
        let (code, name) = match r.group {
            Group::Municipality(m) => (m.to_string(), m.name().to_string()),
            Group::County(c) => (c.to_string(), c.name().to_string()),
            Group::Nation => (String::new(), group_name(r.group)),
        };
        let mut row = vec![
            Cell::Text(code),
            Cell::Text(name),
            Cell::Text(r.care_type.to_string()),
            Cell::Text(r.period.to_string()),
            count(utklar_core::Measures::episodes),
            count(|m| m.day0),
            count(|m| m.ready_ge1),
            count(|m| m.ready_days),
            Cell::share(r.goal_attainment),
            Cell::num(r.mean_days, 1),
            Cell::num(r.mean_days_incl_day0, 1),
            Cell::num(r.days_per_1000, 0),
            Cell::num(r.occupied_beds, 1),
            Cell::num(r.bed_share_pct, 1),
        ];
        if with_suppressed {
            row.push(Cell::Text(r.suppressed.to_string()));
        }
        sheet.rows.push(row);
    }
    sheet
}
