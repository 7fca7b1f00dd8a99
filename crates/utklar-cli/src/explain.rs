//! `utklar explain`: one row per input row — how the indicators count it and, under an
//! agreement, why it is (or is not) on the invoice. The rows are the core's
//! (`utklar_core::explain`); this module only formats them.

use std::io::Write;

use utklar_core::explain::{Billing, Counting, ExplainRow, Explanation};
use utklar_core::{NegativeDays, PeriodKind};

use crate::fail::Failure;
use crate::input::EpisodeArgs;
use crate::output::{csv_num, opt, round_grouped, thousands, Format, Table};
use crate::payment::{
    core, kronor, load_agreement, load_amounts, not_billed_words, read_episodes_with, AMOUNT_HELP,
};
use crate::sheetout::{
    output_path, write_excel_sv, write_xlsx, Cell, Dialect, Lang, Sheet, SheetArgs,
};

/// Options of `utklar explain`.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Examples:
  utklar explain --episodes export.csv
  utklar explain --episodes export.csv --agreement kalmar --format csv > why.csv
  utklar explain --episodes export.xlsx --agreement statutory --amount 2025=10900 --format xlsx --output why.xlsx

One row per input row, in input order: its line in the file (or sheet row), the data row, the
episode, municipality, care type, ready and discharge dates, the period it is counted in and its
ready days; whether it counts in the indicators (counted, open, outside_age, or excluded with the
reason); and with --agreement, where it stands on the invoice: billed on its own line (billed
days, amount, rule), covered by its municipality-period's line (average_over_threshold: the
period's days and amount are on that line, not the row's), or not billed with the reason; with
the mean, threshold and liability of its municipality-period under an average or mixed model.
The counted rows add up to `utklar indicators`; the billed amounts plus the period lines add up
to `utklar invoice`. The whole file is held in memory, as for invoice.
Exit status: 0 success; 2 unusable arguments or files, or a billed day in a year without an
amount.")]
pub struct Args {
    #[command(flatten)]
    pub input: EpisodeArgs,
    /// The agreement to explain the invoice of: a preset name or a TOML file (as for `utklar
    /// invoice`). Without it, only the indicators' side.
    #[arg(long, value_name = "PRESET|FILE")]
    pub agreement: Option<String>,
    #[arg(long = "amount", value_name = "YEAR=KRONOR", long_help = AMOUNT_HELP, help = "Amount per care day for a year, in kronor (e.g. 2025=10900); repeatable", requires = "agreement")]
    pub amounts: Vec<String>,
    /// The indicators' period: month, quarter or year (of the discharge date).
    #[arg(long, default_value_t = utklar_core::IndicatorOptions::default().period, value_name = "month|quarter|year")]
    pub period: PeriodKind,
    /// Negative days in the indicators: excluded (default) or day 0 (`error` lists them here
    /// as excluded). The invoice always takes them as bad data.
    #[arg(long, default_value_t = utklar_core::IndicatorOptions::default().negative_days, value_name = "exclude|day0|error")]
    pub negative_days: NegativeDays,
    /// The indicators' minimum age, 0–150 (as for `utklar indicators`).
    #[arg(long, value_name = "YEARS")]
    pub min_age: Option<i64>,
    /// table: for reading (amounts in kronor); csv: line (sheet_row for a spreadsheet) and
    /// the fields row, episode_id, municipality, care_type, ready_date, discharge_date,
    /// period, ready_days, counting, reason, billing, invoice_period, billed_days,
    /// amount_ore, rule, not_billed, mean_days, threshold, triggered; json: an array of
    /// objects with those fields (null where a field does not apply); xlsx: a workbook
    /// (--output) with dates as date cells and amounts in kronor.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
    #[command(flatten)]
    pub sheet_out: SheetArgs,
}

#[derive(serde::Serialize)]
struct JsonRow<'a> {
    line: u64,
    #[serde(flatten)]
    row: &'a ExplainRow,
}

/// Runs `utklar explain`.
pub fn run(a: &Args, out: &mut dyn Write) -> Result<(), Failure> {
    let agreement = a.agreement.as_deref().map(load_agreement).transpose()?;
    let amounts = load_amounts(&a.amounts)?;
    let mut lines: Vec<u64> = Vec::new();
    let mut sheet = false;
    let (set, label) = read_episodes_with(&a.input, false, &[], false, |places, line| {
        sheet = places.is_sheet();
        lines.push(line);
    })?;
    let opts = crate::indicators::options_of_min_age(a.min_age)?
        .period(a.period)
        .negative_days(a.negative_days);
    let x = set
        .explain(&opts, agreement.as_ref().map(|g| (g, &amounts)))
        .map_err(|e| core(&e))?;
    let line = |r: &ExplainRow| lines.get(r.row).copied().unwrap_or(r.row as u64 + 2);
    match a.format {
        Format::Json => {
            let rows: Vec<JsonRow<'_>> = x
                .rows
                .iter()
                .map(|r| JsonRow {
                    line: line(r),
                    row: r,
                })
                .collect();
            serde_json::to_writer_pretty(&mut *out, &rows)?;
            writeln!(out)?;
        }
        Format::Csv if a.sheet_out.csv_dialect == Dialect::ExcelSv => {
            write_excel_sv(&explain_sheet(&x, &line, sheet, a.sheet_out.lang), out)?;
        }
        Format::Csv => write_csv(&x, &line, sheet, out)?,
        Format::Xlsx => write_xlsx(
            output_path(a.sheet_out.output.as_ref())?,
            &[explain_sheet(&x, &line, sheet, a.sheet_out.lang)],
        )?,
        Format::Table => write_table(&x, &line, sheet, out)?,
    }
    out.flush()?;
    if set.none_usable() {
        return Err(crate::fail::none_usable(&label, set.rows_in()));
    }
    Ok(())
}

fn opt_text<T: ToString>(x: Option<T>) -> String {
    x.map_or(String::new(), |v| v.to_string())
}

fn write_csv(
    x: &Explanation,
    line: &dyn Fn(&ExplainRow) -> u64,
    sheet: bool,
    out: &mut dyn Write,
) -> Result<(), Failure> {
    let mut w = csv::Writer::from_writer(out);
    let mut header = vec![if sheet { "sheet_row" } else { "line" }];
    header.extend(ExplainRow::FIELDS);
    w.write_record(&header)?;
    for r in &x.rows {
        w.write_record([
            line(r).to_string(),
            r.row.to_string(),
            r.episode_id.clone().unwrap_or_default(),
            opt_text(r.municipality),
            opt_text(r.care_type.map(utklar_core::CareType::as_str)),
            opt_text(r.ready_date),
            opt_text(r.discharge_date),
            opt_text(r.period),
            opt_text(r.ready_days),
            r.counting.to_string(),
            opt_text(r.reason.map(utklar_core::Reason::as_str)),
            opt_text(r.billing),
            opt_text(r.invoice_period),
            csv_num(r.billed_days),
            opt_text(r.amount_ore),
            opt_text(r.rule),
            opt_text(r.not_billed),
            csv_num(r.mean_days),
            csv_num(r.threshold),
            opt_text(r.triggered),
        ])?;
    }
    w.flush()?;
    Ok(())
}

/// The rows as a sheet: dates as date cells, amounts in kronor (and öre), headers in English
/// (the CSV field names) or Swedish.
fn explain_sheet(
    x: &Explanation,
    line: &dyn Fn(&ExplainRow) -> u64,
    sheet: bool,
    lang: Lang,
) -> Sheet {
    let mut s = Sheet::new(
        if lang == Lang::Sv {
            "Förklaring"
        } else {
            "Explain"
        },
        &[
            if sheet {
                ("sheet_row", "Rad i bladet")
            } else {
                ("line", "Rad i filen")
            },
            ("row", "Datarad"),
            ("episode_id", "Vårdtillfälle"),
            ("municipality", "Kommun"),
            ("care_type", "Vårdform"),
            ("ready_date", "Utskrivningsklar"),
            ("discharge_date", "Utskriven"),
            ("period", "Period"),
            ("ready_days", "Utskrivningsklara dagar"),
            ("counting", "I indikatorerna"),
            ("reason", "Skäl"),
            ("billing", "Fakturan"),
            ("invoice_period", "Fakturaperiod"),
            ("billed_days", "Debiterade dagar"),
            ("amount_ore", "Belopp öre"),
            ("amount_kr", "Belopp kr"),
            ("rule", "Regel"),
            ("not_billed", "Ej debiterad, skäl"),
            ("mean_days", "Medel dagar"),
            ("threshold", "Tröskel"),
            ("triggered", "Utlöst"),
        ],
        lang,
    );
    let text = |t: Option<String>| t.map_or(Cell::Empty, Cell::Text);
    for r in &x.rows {
        s.rows.push(vec![
            Cell::Int(line(r) as i64),
            Cell::Int(r.row as i64),
            text(r.episode_id.clone()),
            text(r.municipality.map(|m| m.to_string())),
            text(r.care_type.map(|c| c.as_str().to_string())),
            Cell::date(r.ready_date),
            Cell::date(r.discharge_date),
            text(r.period.map(|p| p.to_string())),
            r.ready_days.map_or(Cell::Empty, Cell::Int),
            Cell::Text(r.counting.to_string()),
            text(r.reason.map(|c| c.as_str().to_string())),
            text(r.billing.map(|b| b.to_string())),
            text(r.invoice_period.map(|p| p.to_string())),
            Cell::num(r.billed_days, 1),
            r.amount_ore.map_or(Cell::Empty, Cell::Int),
            r.amount_ore
                .map_or(Cell::Empty, |o| Cell::Num(o as f64 / 100.0, 2)),
            text(r.rule.map(|x| x.to_string())),
            text(r.not_billed.map(|x| x.to_string())),
            Cell::num(r.mean_days, 2),
            Cell::num(r.threshold, 2),
            text(r.triggered.map(|b| b.to_string())),
        ]);
    }
    s
}

fn counting_words(r: &ExplainRow) -> String {
    match (r.counting, r.reason) {
        (Counting::Counted, _) => "counted".into(),
        (Counting::Open, _) => "open (in hospital)".into(),
        (Counting::OutsideAge, _) => "outside --min-age".into(),
        (Counting::Excluded, Some(reason)) => format!("excluded: {}", reason.as_str()),
        (Counting::Excluded, None) => "excluded".into(),
    }
}

fn billing_words(r: &ExplainRow) -> String {
    match r.billing {
        None => String::new(),
        Some(Billing::Billed) => opt_text(r.rule),
        Some(Billing::PeriodLine) => "in the period's line (average_over_threshold)".into(),
        Some(Billing::NotBilled) => r.not_billed.map_or("not billed".into(), |n| {
            format!("not billed: {}", not_billed_words(n))
        }),
    }
}

fn write_table(
    x: &Explanation,
    line: &dyn Fn(&ExplainRow) -> u64,
    sheet: bool,
    out: &mut dyn Write,
) -> Result<(), Failure> {
    let billing = x.invoice.is_some();
    let mut headers = vec![
        if sheet { "sheet row" } else { "line" },
        "episode",
        "municipality",
        "care type",
        "ready",
        "discharged",
        "period",
        "ready days",
        "indicators",
    ];
    let mut right = vec![true, false, false, false, false, false, false, true, false];
    if billing {
        headers.extend(["billed days", "amount (kr)", "invoice", "mean", "threshold"]);
        right.extend([true, true, false, true, true]);
    }
    let mut t = Table::new(&headers, &right);
    for r in &x.rows {
        let mut cells = vec![
            line(r).to_string(),
            r.episode_id.clone().unwrap_or_default(),
            opt_text(r.municipality.map(|m| format!("{m} {}", m.name()))),
            opt_text(r.care_type),
            opt_text(r.ready_date),
            opt_text(r.discharge_date),
            opt_text(r.period),
            opt_text(r.ready_days),
            counting_words(r),
        ];
        if billing {
            cells.extend([
                r.billed_days.map_or(String::new(), |d| round_grouped(d, 1)),
                r.amount_ore.map_or(String::new(), kronor),
                billing_words(r),
                r.mean_days.map_or(String::new(), |m| opt(Some(m), 2)),
                r.threshold.map_or(String::new(), |m| opt(Some(m), 2)),
            ]);
        }
        t.row(cells);
    }
    t.write(out)?;
    let count = |c: Counting| thousands(x.rows.iter().filter(|r| r.counting == c).count() as u64);
    writeln!(
        out,
        "\n{} rows: {} counted, {} open, {} outside the age restriction, {} excluded.",
        thousands(x.rows.len() as u64),
        count(Counting::Counted),
        count(Counting::Open),
        count(Counting::OutsideAge),
        count(Counting::Excluded)
    )?;
    if let Some(inv) = &x.invoice {
        let sum = |keep: fn(&utklar_core::payment::Line) -> bool| {
            inv.sum_of(keep)
                .map(|s| s.amount_ore)
                .map_err(|e| crate::payment::core(&e))
        };
        writeln!(
            out,
            "Invoice {}: {} kr ({} kr on the rows' own lines, {} kr on municipality-period lines).",
            inv.agreement,
            kronor(sum(|_| true)?),
            kronor(sum(|l| l.index.is_some())?),
            kronor(sum(|l| l.index.is_none())?)
        )?;
    }
    Ok(())
}
