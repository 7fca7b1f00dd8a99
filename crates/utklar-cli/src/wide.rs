//! `utklar indicators --wide`: one indicator with the periods in columns, one row per group and
//! care type (the layout analysts build by hand from the long output).
//!
//! Every value is read from the core's [`IndicatorRow`], never recomputed here; a period in
//! which a group has no row (no discharged episode) is an empty cell, as is a suppressed row
//! and a value that cannot be computed.

use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;

use serde::ser::{SerializeMap, Serializer};
use serde::Serialize;
use utklar_core::{CareType, Group, GroupBy, IndicatorRow, Period};

use crate::fail::Failure;
use crate::indicators::group_name;
use crate::output::{csv_num, opt, thousands, Table};
use crate::sheetout::{Cell, Lang, Sheet};

/// The indicator `--wide` puts in the cells (`--value`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Value {
    /// Mean ready days of the episodes with at least one (national definition).
    #[default]
    #[value(name = "mean_days")]
    MeanDays,
    /// Mean ready days of all episodes, day 0 included.
    #[value(name = "mean_days_incl_day0")]
    MeanDaysInclDay0,
    /// The share discharged on the ready date (0–1; a percentage in table and xlsx).
    #[value(name = "goal_attainment")]
    GoalAttainment,
    /// Ready days per 1 000 inhabitants, annualised (needs --population).
    #[value(name = "days_per_1000")]
    DaysPer1000,
    /// Ready days divided by the days of the period.
    #[value(name = "occupied_beds")]
    OccupiedBeds,
    /// Occupied beds as a percentage of available beds (--by county with --beds).
    #[value(name = "bed_share_pct")]
    BedSharePct,
    /// Counted episodes.
    #[value(name = "episodes")]
    Episodes,
    /// Episodes discharged on the ready date.
    #[value(name = "day0")]
    Day0,
    /// Episodes with at least one ready day.
    #[value(name = "ready_ge1")]
    ReadyGe1,
    /// The sum of ready days.
    #[value(name = "ready_days")]
    ReadyDays,
}

/// One value of a row, as the core gave it.
#[derive(Debug, Clone, Copy, PartialEq)]
enum V {
    Count(u64),
    Real(f64),
}

impl Value {
    /// The field name of the long output (`mean_days`).
    pub fn name(self) -> &'static str {
        match self {
            Value::MeanDays => "mean_days",
            Value::MeanDaysInclDay0 => "mean_days_incl_day0",
            Value::GoalAttainment => "goal_attainment",
            Value::DaysPer1000 => "days_per_1000",
            Value::OccupiedBeds => "occupied_beds",
            Value::BedSharePct => "bed_share_pct",
            Value::Episodes => "episodes",
            Value::Day0 => "day0",
            Value::ReadyGe1 => "ready_ge1",
            Value::ReadyDays => "ready_days",
        }
    }

    /// The row's value; `None` when suppressed or not computable.
    fn of(self, r: &IndicatorRow) -> Option<V> {
        let real = |x: Option<f64>| x.filter(|v| v.is_finite()).map(V::Real);
        let count =
            |f: fn(&utklar_core::Measures) -> u64| r.published_measures().map(|m| V::Count(f(&m)));
        match self {
            Value::MeanDays => real(r.mean_days),
            Value::MeanDaysInclDay0 => real(r.mean_days_incl_day0),
            Value::GoalAttainment => real(r.goal_attainment),
            Value::DaysPer1000 => real(r.days_per_1000),
            Value::OccupiedBeds => real(r.occupied_beds),
            Value::BedSharePct => real(r.bed_share_pct),
            Value::Episodes => count(utklar_core::Measures::episodes),
            Value::Day0 => count(|m| m.day0),
            Value::ReadyGe1 => count(|m| m.ready_ge1),
            Value::ReadyDays => count(|m| m.ready_days),
        }
    }

    /// Decimals shown in the table and the xlsx number format, as the long table rounds.
    fn decimals(self) -> u8 {
        match self {
            Value::DaysPer1000 => 0,
            _ => 1,
        }
    }

    /// The value as the long table writes it (one decimal, goal attainment in percent, days
    /// per 1 000 whole, counts grouped by thousands).
    fn table_text(self, v: V) -> String {
        match v {
            V::Count(n) => thousands(n),
            V::Real(x) if self == Value::GoalAttainment => opt(Some(x * 100.0), 1),
            V::Real(x) => opt(Some(x), i32::from(self.decimals())),
        }
    }

    fn cell(self, v: Option<V>) -> Cell {
        match v {
            None => Cell::Empty,
            Some(V::Count(n)) => i64::try_from(n).map_or(Cell::Num(n as f64, 0), Cell::Int),
            Some(V::Real(x)) if self == Value::GoalAttainment => Cell::share(Some(x)),
            Some(V::Real(x)) => Cell::num(Some(x), self.decimals()),
        }
    }
}

/// One line of the pivot: the rows of a group and care type by period.
type Cells<'a> = BTreeMap<Period, &'a IndicatorRow>;

/// The report pivoted: the periods (columns, in time order) and one line per group and care
/// type (in group and care-type order) with the row of each period it has.
pub struct Wide<'a> {
    by: GroupBy,
    value: Value,
    periods: Vec<Period>,
    lines: Vec<((Group, CareType), Cells<'a>)>,
}

impl<'a> Wide<'a> {
    /// Pivots the report's rows; the columns are the periods that occur in the report.
    pub fn new(rows: &'a [IndicatorRow], by: GroupBy, value: Value) -> Self {
        let mut periods = BTreeSet::new();
        let mut lines: BTreeMap<(Group, CareType), Cells<'a>> = BTreeMap::new();
        for r in rows {
            periods.insert(r.period);
            lines
                .entry((r.group, r.care_type))
                .or_default()
                .insert(r.period, r);
        }
        Wide {
            by,
            value,
            periods: periods.into_iter().collect(),
            lines: lines.into_iter().collect(),
        }
    }

    /// The line's values, one per period (`None`: no row, suppressed or not computable),
    /// and whether the period had a row at all.
    fn values<'s>(
        &'s self,
        cells: &'s Cells<'a>,
    ) -> impl Iterator<Item = (Period, Option<&'a IndicatorRow>, Option<V>)> + 's {
        self.periods.iter().map(move |p| {
            let row = cells.get(p).copied();
            (*p, row, row.and_then(|r| self.value.of(r)))
        })
    }

    /// The aligned table: the values rounded as the long table rounds them; a period with no
    /// row or a suppressed row is blank, a value that cannot be computed an en dash.
    pub fn write_table(&self, out: &mut dyn Write) -> Result<(), Failure> {
        let mut headers = vec![group_header(self.by).to_string(), "care type".to_string()];
        headers.extend(self.periods.iter().map(ToString::to_string));
        let header_refs: Vec<&str> = headers.iter().map(String::as_str).collect();
        let mut right = vec![false, false];
        right.extend(self.periods.iter().map(|_| true));
        let mut t = Table::new(&header_refs, &right);
        for ((g, c), cells) in &self.lines {
            let mut line = vec![group_name(*g), c.to_string()];
            line.extend(self.values(cells).map(|(_, row, v)| match (row, v) {
                (Some(_), Some(v)) => self.value.table_text(v),
                (Some(r), None) if !r.suppressed => "–".to_string(),
                _ => String::new(),
            }));
            t.row(line);
        }
        writeln!(out, "{} by {}", self.value.name(), self.period_word())?;
        t.write(out)?;
        if self.lines.is_empty() {
            writeln!(out, "(no discharged episodes to report)")?;
        }
        Ok(())
    }

    fn period_word(&self) -> &'static str {
        self.periods.first().map_or("period", |p| p.kind().as_str())
    }

    /// Plain CSV: the group's code (as the long CSV: `municipality` or `county`, none for the
    /// nation), `care_type`, then one column per period, full precision, empty cells.
    pub fn write_csv(&self, out: &mut dyn Write) -> Result<(), Failure> {
        let mut w = csv::Writer::from_writer(out);
        let mut header: Vec<String> = Vec::new();
        if self.by != GroupBy::Nation {
            header.push(group_header(self.by).to_string());
        }
        header.push("care_type".to_string());
        header.extend(self.periods.iter().map(ToString::to_string));
        w.write_record(&header)?;
        for ((g, c), cells) in &self.lines {
            let mut rec: Vec<String> = Vec::with_capacity(header.len());
            match g {
                Group::Municipality(m) => rec.push(m.to_string()),
                Group::County(k) => rec.push(k.to_string()),
                Group::Nation => {}
            }
            rec.push(c.to_string());
            rec.extend(self.values(cells).map(|(_, _, v)| match v {
                None => String::new(),
                Some(V::Count(n)) => n.to_string(),
                Some(V::Real(x)) => csv_num(Some(x)),
            }));
            w.write_record(&rec)?;
        }
        w.flush()?;
        Ok(())
    }

    /// The sheet of xlsx and excel-sv output: the group's code and name, the care type, then
    /// one numeric column per period (goal attainment as a percentage), empty cells.
    pub fn sheet(&self, lang: Lang) -> Sheet {
        let group: (&str, &str) = match self.by {
            GroupBy::Municipality => ("municipality", "Kommun"),
            GroupBy::County => ("county", "Län"),
            GroupBy::Nation => ("nation", "Riket"),
        };
        let name = if lang == Lang::Sv {
            "Indikatorer"
        } else {
            "Indicators"
        };
        let mut sheet = Sheet::new(
            name,
            &[group, ("name", "Namn"), ("care_type", "Vårdform")],
            lang,
        );
        sheet
            .headers
            .extend(self.periods.iter().map(ToString::to_string));
        for ((g, c), cells) in &self.lines {
            let (code, name) = match g {
                Group::Municipality(m) => (m.to_string(), m.name().to_string()),
                Group::County(k) => (k.to_string(), k.name().to_string()),
                Group::Nation => (String::new(), group_name(*g)),
            };
            let mut row = vec![
                Cell::Text(code),
                Cell::Text(name),
                Cell::Text(c.to_string()),
            ];
            row.extend(self.values(cells).map(|(_, _, v)| self.value.cell(v)));
            sheet.rows.push(row);
        }
        sheet
    }

    /// JSON: an array of objects with the group field (as in the long JSON), `care_type` and
    /// `values`, an object from every period of the report to the value or `null`.
    pub fn write_json(&self, out: &mut dyn Write) -> Result<(), Failure> {
        let lines: Vec<JsonLine<'_, 'a>> = self
            .lines
            .iter()
            .map(|(key, cells)| JsonLine {
                wide: self,
                key: *key,
                cells,
            })
            .collect();
        serde_json::to_writer_pretty(&mut *out, &lines)?;
        writeln!(out)?;
        Ok(())
    }
}

struct JsonLine<'w, 'a> {
    wide: &'w Wide<'a>,
    key: (Group, CareType),
    cells: &'w Cells<'a>,
}

struct JsonValues<'w, 'a>(&'w JsonLine<'w, 'a>);

impl Serialize for JsonLine<'_, '_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(None)?;
        match self.key.0 {
            Group::Municipality(x) => m.serialize_entry("municipality", &x)?,
            Group::County(c) => m.serialize_entry("county", &c)?,
            Group::Nation => {}
        }
        m.serialize_entry("care_type", &self.key.1)?;
        m.serialize_entry("values", &JsonValues(self))?;
        m.end()
    }
}

impl Serialize for JsonValues<'_, '_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let line = self.0;
        s.collect_map(line.wide.values(line.cells).map(|(p, _, v)| {
            let v: Option<serde_json::Value> = v.map(|v| match v {
                V::Count(n) => n.into(),
                V::Real(x) => x.into(),
            });
            (p.to_string(), v)
        }))
    }
}

fn group_header(by: GroupBy) -> &'static str {
    match by {
        GroupBy::Municipality => "municipality",
        GroupBy::County => "county",
        GroupBy::Nation => "nation",
    }
}
