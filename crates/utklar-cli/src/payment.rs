//! `utklar invoice`, `utklar compare` and `utklar presets`: the payment engine of the core.

use std::io::Write;
use std::path::Path;

use utklar_core::input::{EpisodeFacts, EpisodeSet, Unreadable};
use utklar_core::payment::{
    counties, preset_names, preset_text, Agreement, Amounts, Comparison, Invoice, Ledger,
    LedgerInvoice, Line, Model, NotBilledReason, Total, NATIONAL_AMOUNTS,
};
use utklar_core::{Episode, Error, ExclusionReport};

use crate::fail::{self, Failure};
use crate::input::{csv_failure, EpisodeArgs, EpisodeSource};
use crate::output::{csv_num, opt, round_grouped, thousands, Format, Progress, Table};
use crate::sheetout::{Cell, Dialect, Lang, Sheet, SheetArgs};
use crate::stream::describe;

pub(crate) const AMOUNT_HELP: &str = "\
The amount per care day for a year, in kronor: YEAR=KRONOR (e.g. 2025=10900). Repeat for
several years. Built in are only the sourced national amounts (`utklar amounts` lists them
with their sources): 2019 7 800, 2020 8 200, 2022 9 300 and 2024 11 600 kr; a billed day in any other year needs its amount here (the
command stops and names the year otherwise). Overrides a built-in year too.";

/// Options of `utklar invoice`.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Examples:
  utklar invoice --episodes export.csv --agreement kalmar
  utklar invoice --episodes export.csv --agreement statutory --amount 2025=10900 --format json
  utklar invoice --episodes export.csv --agreement our_agreement.toml --lines --format csv

The invoice has, per municipality, care type and period: billed days, the amount, and the
evaluation (the mean that decided the period, the threshold, liable or not); with --lines, each
billed episode and the rule that billed it; and the count of episodes not billed per reason
(open, within grace, average not exceeded, missing admission notice, SIP not called, region
blocked, bad data). Billed + not billed = every episode read.
The invoice needs all episodes at once (averages are per municipality and period): the file is
held in memory compactly, about 24 bytes per episode besides its ids (with --format xlsx, or csv
with --csv-dialect excel-sv, every episode not billed is listed: about 200 bytes). Rows that cannot be read (see `utklar validate`)
are in no invoice; they are counted on standard error, and --strict stops instead (exit 1).
Exit status: 0 success; 1 bad rows under --strict; 2 unusable arguments or files, or a billed
day in a year without an amount.")]
pub struct InvoiceArgs {
    #[command(flatten)]
    pub input: EpisodeArgs,
    /// The agreement: a preset name (statutory, kalmar, vgr, sormland; `utklar presets` lists
    /// them) or a TOML file written like `utklar presets kalmar` prints.
    #[arg(long, value_name = "PRESET|FILE")]
    pub agreement: String,
    #[arg(long = "amount", value_name = "YEAR=KRONOR", long_help = AMOUNT_HELP, help = "Amount per care day for a year, in kronor (e.g. 2025=10900); repeatable")]
    pub amounts: Vec<String>,
    /// List each billed episode (and each municipality-period billed as a whole) instead of the
    /// totals (csv), or after them (table). JSON always has both.
    #[arg(long)]
    pub lines: bool,
    /// Stop at rows that cannot be read, listing them, instead of leaving them out.
    #[arg(long)]
    pub strict: bool,
    /// table: rounded for reading (amounts in kronor); csv: the totals (or --lines) with
    /// amounts in öre and full precision; json: an object with `lines`, `totals`,
    /// `not_billed` (reason → count) and `episodes_in`; xlsx: a workbook (--output) with
    /// the sheets totals, lines and not billed.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
    #[command(flatten)]
    pub sheet_out: SheetArgs,
}

/// Options of `utklar compare`.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Examples:
  utklar compare --episodes export.csv --agreement statutory --agreement kalmar
  utklar compare --episodes export.csv --agreement kalmar --agreement vgr --agreement mine.toml --format csv

One row per municipality, care type and period, with each agreement's billed days and amount
side by side. Where the agreements' periods differ (Kalmar bills psychiatric care per quarter),
the rows use the coarsest, so every agreement's amounts add up in the same rows.
Exit status: 0 success; 1 bad rows under --strict; 2 unusable arguments or files, or a billed
day in a year without an amount.")]
pub struct CompareArgs {
    #[command(flatten)]
    pub input: EpisodeArgs,
    /// An agreement to compare: a preset name or a TOML file. Give two or more.
    #[arg(
        long = "agreement",
        value_name = "PRESET|FILE",
        required = true,
        num_args = 1
    )]
    pub agreements: Vec<String>,
    #[arg(long = "amount", value_name = "YEAR=KRONOR", long_help = AMOUNT_HELP, help = "Amount per care day for a year, in kronor (e.g. 2025=10900); repeatable")]
    pub amounts: Vec<String>,
    /// Stop at rows that cannot be read, listing them, instead of leaving them out.
    #[arg(long)]
    pub strict: bool,
    /// table: amounts in kronor; csv: `<name>_billed_days` and `<name>_amount_ore` per
    /// agreement, full precision; json: `names` and `rows` (each municipality, care_type,
    /// period, billed_days and amount_ore as arrays in the order of `names`) and `totals_ore`;
    /// xlsx: the csv's columns as a workbook (--output).
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
    #[command(flatten)]
    pub sheet_out: SheetArgs,
}

/// Options of `utklar presets`.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Examples:
  utklar presets                      # list them
  utklar presets kalmar               # print Kalmar's agreement as TOML
  utklar presets vgr > mine.toml      # start your own agreement from VGR's, then
  utklar invoice --episodes export.csv --agreement mine.toml
  utklar presets --counties           # the 21 counties: model family, preset, source

Each preset states its source and every assumption made where the source is silent.")]
pub struct PresetsArgs {
    /// A preset to print as TOML (the form --agreement FILE reads); without it, the list.
    #[arg(value_name = "NAME", conflicts_with = "counties")]
    pub name: Option<String>,
    /// List the 21 counties instead: code, name, model family (individual, average, mixed or
    /// unknown), the preset if there is one, and its source or "no public source found".
    #[arg(long)]
    pub counties: bool,
    /// Output format of --counties.
    #[arg(long, value_enum, default_value_t = Format::Table, requires = "counties")]
    pub format: Format,
}

/// Options of `utklar amounts`.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
The national amount per care day (law 5 kap. 6 §) that Socialstyrelsen sets each year, for the
years whose regulation (or an official page citing it) was found, with that source. Any other
year is given to invoice and compare with --amount YEAR=KRONOR.")]
pub struct AmountsArgs {
    /// Output format: table, csv or json (fields year, ore, source).
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

/// Runs `utklar amounts`.
pub fn run_amounts(a: &AmountsArgs, out: &mut dyn Write) -> Result<(), Failure> {
    #[derive(serde::Serialize)]
    struct Row {
        year: i32,
        ore: i64,
        source: &'static str,
    }
    let rows: Vec<Row> = NATIONAL_AMOUNTS
        .iter()
        .map(|&(year, ore, source)| Row { year, ore, source })
        .collect();
    match a.format {
        Format::Xlsx => return Err(crate::fail::no_xlsx()),
        Format::Json => {
            serde_json::to_writer_pretty(&mut *out, &rows)?;
            writeln!(out)?;
        }
        Format::Csv => {
            let mut w = csv::Writer::from_writer(&mut *out);
            w.write_record(["year", "ore", "source"])?;
            for r in &rows {
                w.write_record([r.year.to_string(), r.ore.to_string(), r.source.to_string()])?;
            }
            w.flush()?;
        }
        Format::Table => {
            let mut t = Table::new(&["year", "kr per day", "source"], &[false, true, false]);
            for r in &rows {
                t.row(vec![
                    r.year.to_string(),
                    kronor(r.ore),
                    r.source.to_string(),
                ]);
            }
            t.write(out)?;
            writeln!(
                out,
                "\nAny other year: --amount YEAR=KRONOR on invoice and compare (a billed day in a year\n\
                 without an amount stops the command, naming the year)."
            )?;
        }
    }
    out.flush()?;
    Ok(())
}

fn write_counties(format: Format, out: &mut dyn Write) -> Result<(), Failure> {
    let all = counties();
    match format {
        Format::Xlsx => return Err(crate::fail::no_xlsx()),
        Format::Json => {
            serde_json::to_writer_pretty(&mut *out, &all)?;
            writeln!(out)?;
        }
        Format::Csv => {
            let mut w = csv::Writer::from_writer(&mut *out);
            w.write_record(["county", "name", "model", "preset", "source"])?;
            for c in &all {
                w.write_record([
                    c.county.to_string(),
                    c.county.name().to_string(),
                    c.model_text(),
                    c.preset.unwrap_or("").to_string(),
                    c.source.to_string(),
                ])?;
            }
            w.flush()?;
        }
        Format::Table => {
            let mut t = Table::new(
                &["county", "name", "model", "preset", "source"],
                &[false, false, false, false, false],
            );
            for c in &all {
                t.row(vec![
                    c.county.to_string(),
                    c.county.name().to_string(),
                    c.model_text(),
                    c.preset.unwrap_or("-").to_string(),
                    c.source.to_string(),
                ]);
            }
            t.write(out)?;
            writeln!(
                out,
                "\nSKR (2024) counts 5 counties on an individual model, 9 on an average model and 7 on a\n\
                 mixed one; a family is shown only where a source names it."
            )?;
        }
    }
    out.flush()?;
    Ok(())
}

/// Reads `--agreement`: a TOML file when one exists at that path, else a preset name.
pub fn load_agreement(arg: &str) -> Result<Agreement, Failure> {
    let path = Path::new(arg);
    if path.is_file() {
        let text = std::fs::read_to_string(path)
            .map_err(|e| Failure::usage(format!("{arg}: cannot be read as UTF-8 text ({e})")))?;
        return Agreement::from_toml(&text).map_err(|e| Failure::usage(format!("{arg}: {e}")));
    }
    match Agreement::preset(arg) {
        Ok(a) => Ok(a),
        Err(Error::UnknownPreset(_)) => Err(Failure::usage(format!(
            "--agreement {arg}: no such file, and no preset of that name (presets: {})",
            preset_names().join(", ")
        ))),
        Err(e) => Err(fail::arg("--agreement", &e)),
    }
}

/// The amounts: the sourced national ones, with the `--amount` overrides.
pub fn load_amounts(args: &[String]) -> Result<Amounts, Failure> {
    let mut amounts = Amounts::national();
    for a in args {
        amounts
            .parse_override(a)
            .map_err(|e| fail::arg("--amount", &e))?;
    }
    Ok(amounts)
}

/// Reads every readable episode of a file; the rows that cannot be read are accounted for in
/// the report (and listed, with `strict`, as an exit-status-1 failure).
pub fn read_episodes(input: &EpisodeArgs, strict: bool) -> Result<(EpisodeSet, String), Failure> {
    read_episodes_with(input, strict, &[], false, |_, _| {})
}

/// [`read_episodes`], with each episode's values of the caller's columns `also` (`--also-by`),
/// calling `on_line` with how the file names its places and the file line (sheet row) of every
/// row, in order; `quiet` leaves the note on unreadable rows to the caller (whose own account
/// counts them).
pub fn read_episodes_with(
    input: &EpisodeArgs,
    strict: bool,
    also: &[String],
    quiet: bool,
    mut on_line: impl FnMut(&utklar_csv::Places, u64),
) -> Result<(EpisodeSet, String), Failure> {
    let mut source = input.open()?;
    let label = source.label.clone();
    let places = source.file.places();
    let mut set = EpisodeSet::new();
    if !also.is_empty() {
        source.file.also_by(also).map_err(|e| match e {
            utklar_csv::Error::Refused(Error::InvalidArgument { message, .. }) => {
                Failure::usage(format!("{label}: --also-by {message}"))
            }
            e => crate::input::csv_failure(&label, &e),
        })?;
        set.set_also_names(also.iter().map(|n| n.trim().to_string()).collect());
    }
    let tally = Tally::new(strict, places);
    let label = read_source(source, tally, quiet, |places, r| {
        on_line(places, r.line);
        match r.read {
            Ok(e) => set.push_read_also(r.row, Ok(e), r.also),
            Err(u) => set.push_read(r.row, Err(u)),
        }
    })?;
    Ok((set, label))
}

/// What a file's rows go to, in row order, as [`read_into`] reads them.
pub trait RowSink {
    /// A row of a CSV file, read straight into its values (checked, no episode made), with its
    /// ids as the input layer reads them.
    fn facts(
        &mut self,
        row: usize,
        facts: &EpisodeFacts,
        episode_id: &str,
        patient_id: Option<&str>,
    );
    /// A row read whole (a spreadsheet's), or a row of any file that could not be read.
    fn read(&mut self, row: usize, read: Result<Episode, Unreadable>);
}

impl RowSink for Ledger {
    fn facts(
        &mut self,
        _: usize,
        facts: &EpisodeFacts,
        episode_id: &str,
        patient_id: Option<&str>,
    ) {
        self.push_facts(facts, episode_id, patient_id);
    }
    fn read(&mut self, _: usize, read: Result<Episode, Unreadable>) {
        self.push(read);
    }
}

/// Reads every row of the file into `sink`: a CSV file on two threads as `indicators` reads
/// it (each row checked into plain values, no episode made), a spreadsheet row by row. Returns
/// the file's label.
pub fn read_into(
    input: &EpisodeArgs,
    strict: bool,
    sink: &mut dyn RowSink,
) -> Result<String, Failure> {
    let source = input.open()?;
    let label = source.label.clone();
    let places = source.file.places();
    let mut tally = Tally::new(strict, places);
    let file = match source.file.into_csv() {
        Ok(file) => file,
        Err(file) => {
            let source = EpisodeSource { label, file };
            return read_source(source, tally, false, |_, r| sink.read(r.row, r.read));
        }
    };
    let mut progress = Progress::new(file.csv().size(), "rows");
    let read = utklar_csv::read_rows(
        file,
        crate::stream::threads(),
        |r| {
            tally.rows_in += 1;
            let (id, patient) = r.ids();
            match r.result {
                Ok(facts) => sink.facts(r.row, facts, id.unwrap_or(""), patient),
                Err(problems) => {
                    let episode_id = id.map(str::to_string);
                    tally.bad_row(r.line, &problems);
                    sink.read(
                        r.row,
                        Err(Unreadable {
                            row: r.row,
                            episode_id,
                            problems,
                        }),
                    );
                }
            }
            Ok::<(), Box<utklar_csv::Error>>(())
        },
        |bytes, rows| progress.tick(bytes, rows),
    );
    read.map_err(|e| csv_failure(&label, &e))?;
    progress.finish();
    tally.finish(&label, false)?;
    Ok(label)
}

/// [`read_episodes`] into a [`Ledger`] ([`read_into`]): the same rows, in about 24 bytes an
/// episode besides its ids (an [`EpisodeSet`] holds about 200), for invoices and comparisons
/// of files of any size.
pub fn read_ledger(input: &EpisodeArgs, strict: bool) -> Result<(Ledger, String), Failure> {
    let mut ledger = Ledger::new();
    let label = read_into(input, strict, &mut ledger)?;
    Ok((ledger, label))
}

/// The rows that cannot be read, as a file is read: counted by reason, the first listed for
/// `--strict`.
struct Tally {
    strict: bool,
    places: utklar_csv::Places,
    rows_in: u64,
    bad: ExclusionReport,
    listed: Vec<String>,
}

impl Tally {
    fn new(strict: bool, places: utklar_csv::Places) -> Self {
        Tally {
            strict,
            places,
            rows_in: 0,
            bad: ExclusionReport::default(),
            listed: Vec::new(),
        }
    }

    /// A row that cannot be read, at `line`.
    fn bad_row(&mut self, line: u64, problems: &[utklar_core::Problem]) {
        if self.strict && self.listed.len() < 50 {
            for p in problems {
                self.listed.push(format!(
                    "  {} (data row {}): {}: {} ({})",
                    self.places.place(line, Some(p.field)),
                    p.row,
                    p.field,
                    p.reason,
                    fail::hint(p.reason)
                ));
            }
        }
        self.bad.exclude(problems.iter().cloned());
    }

    /// The end of the file: the unreadable rows on standard error (unless `quiet`: the
    /// caller's own account counts them), or (`--strict`) the failure that lists them.
    fn finish(mut self, label: &str, quiet: bool) -> Result<(), Failure> {
        self.bad.rows_in = self.rows_in;
        let bad = &self.bad;
        if bad.excluded() == 0 {
            return Ok(());
        }
        let why: Vec<String> = bad
            .reasons()
            .map(|(r, n)| format!("{} {}", thousands(n), describe(r)))
            .collect();
        if self.strict {
            eprintln!("utklar: {label}: rows that cannot be read:");
            for l in &self.listed {
                eprintln!("{l}");
            }
            return Err(Failure::Data(format!(
                "{label}: {} of {} rows cannot be read ({}); nothing computed (drop --strict to leave them out)",
                thousands(bad.excluded()),
                thousands(bad.rows_in),
                why.join(", ")
            )));
        }
        if !quiet {
            eprintln!(
                "utklar: {label}: {} of {} rows cannot be read and are billed in no invoice ({}); `utklar validate --episodes {label}` lists them",
                thousands(bad.excluded()),
                thousands(bad.rows_in),
                why.join(", ")
            );
        }
        Ok(())
    }
}

/// A row of a file as [`read_source`] gives it on: its input row, the line it starts on, the
/// episode or why it cannot be read, and its `--also-by` values.
struct SourceRow {
    row: usize,
    line: u64,
    read: Result<Episode, Unreadable>,
    also: Vec<Option<String>>,
}

/// Reads every row of an opened source, giving each (in row order) to `push` with the file's
/// places; the rows that cannot be read are accounted for by `tally` (on standard error
/// unless `quiet`). Returns the label.
fn read_source(
    mut source: EpisodeSource,
    mut tally: Tally,
    quiet: bool,
    mut push: impl FnMut(&utklar_csv::Places, SourceRow),
) -> Result<String, Failure> {
    let label = source.label.clone();
    let mut progress = Progress::new(source.size(), "rows");
    while let Some(item) = source.next_item()? {
        tally.rows_in += 1;
        let row = (tally.rows_in - 1) as usize;
        let read = match item.result {
            Ok(e) => Ok(e),
            Err(problems) => {
                tally.bad_row(item.line, &problems);
                Err(Unreadable {
                    row,
                    episode_id: item.episode_id,
                    problems,
                })
            }
        };
        let line = item.line;
        push(
            &tally.places,
            SourceRow {
                row,
                line,
                read,
                also: item.also,
            },
        );
        progress.tick(source.bytes_read(), tally.rows_in);
    }
    progress.finish();
    tally.finish(&label, quiet)?;
    Ok(label)
}

/// Öre as kronor for a table: `12 345.50`.
pub fn kronor(ore: i64) -> String {
    let sign = if ore < 0 { "-" } else { "" };
    let a = ore.unsigned_abs();
    format!("{sign}{}.{:02}", thousands(a / 100), a % 100)
}

pub(crate) fn core(e: &Error) -> Failure {
    match e {
        Error::Invalid(_) => Failure::Data(e.to_string()),
        Error::MissingAmount { year } => Failure::usage(format!("{e} (--amount {year}=KRONOR)")),
        _ => Failure::usage(e.to_string()),
    }
}

fn yes_no(t: Option<bool>) -> String {
    match t {
        Some(true) => "yes".into(),
        Some(false) => "no".into(),
        None => "–".into(),
    }
}

/// A reason in words, for tables.
pub fn not_billed_words(r: NotBilledReason) -> &'static str {
    match r {
        NotBilledReason::Open => "still in hospital",
        NotBilledReason::DuplicateEpisodeId => "repeated episode_id (bad data)",
        NotBilledReason::NegativeDays => "negative days (bad data)",
        NotBilledReason::InvalidDates => "dates before admission (bad data)",
        NotBilledReason::MissingAdmissionNotice => "no admission notice (5 kap. 3 §)",
        NotBilledReason::SipNotCalled => "SIP required, not called (5 kap. 3 §)",
        NotBilledReason::RegionBlocked => "blocked by the region (5 kap. 5 §)",
        NotBilledReason::WithinGrace => "within the grace days",
        NotBilledReason::AverageNotExceeded => "average not exceeded",
        NotBilledReason::InvalidRow => "row cannot be read (bad data)",
        NotBilledReason::BeforeLaw => "before the law (or the agreement) applied",
        _ => "other",
    }
}

/// Runs `utklar invoice`.
pub fn run_invoice(a: &InvoiceArgs, out: &mut dyn Write) -> Result<(), Failure> {
    let agreement = load_agreement(&a.agreement)?;
    let amounts = load_amounts(&a.amounts)?;
    let sheets = a.format == Format::Xlsx
        || (a.format == Format::Csv && a.sheet_out.csv_dialect == Dialect::ExcelSv);
    let none_usable = if sheets {
        // A workbook lists every episode not billed: the whole invoice, from the whole set.
        let (set, label) = read_episodes(&a.input, a.strict)?;
        // Every input row is in the invoice: unreadable rows are not billed, as bad data.
        let inv = set.invoice(&agreement, &amounts).map_err(|e| core(&e))?;
        let sheets = invoice_sheets(&inv, a.sheet_out.lang);
        if a.format == Format::Xlsx {
            a.sheet_out.write(true, &sheets, out)?;
        } else {
            crate::sheetout::write_excel_sv(&sheets[usize::from(a.lines)], out)?;
        }
        set.none_usable()
            .then(|| fail::none_usable(&label, set.rows_in()))
    } else {
        // The other outputs count the episodes not billed: the compact ledger, in bounded
        // memory whatever the file's size.
        let (ledger, label) = read_ledger(&a.input, a.strict)?;
        let inv = ledger.invoice(&agreement, &amounts).map_err(|e| core(&e))?;
        match a.format {
            Format::Json => {
                serde_json::to_writer_pretty(&mut *out, &inv)?;
                writeln!(out)?;
            }
            Format::Csv if a.lines => write_lines_csv(&inv, out)?,
            Format::Csv => write_totals_csv(&inv, out)?,
            _ => write_invoice_table(&inv, &agreement, a.lines, out)?,
        }
        ledger
            .none_usable()
            .then(|| fail::none_usable(&label, ledger.rows_in()))
    };
    out.flush()?;
    none_usable.map_or(Ok(()), Err)
}

/// What the invoice writers read: an [`Invoice`], or a [`LedgerInvoice`] whose lines get
/// their ids as they are written.
trait InvoiceView {
    fn totals(&self) -> &[Total];
    fn each_line(&self, f: &mut dyn FnMut(&Line) -> Result<(), Failure>) -> Result<(), Failure>;
    fn billed_days(&self) -> f64;
    fn amount_ore(&self) -> i64;
    fn billed_episodes(&self) -> u64;
    fn episodes_in(&self) -> u64;
    fn not_billed_counts(&self) -> Vec<(NotBilledReason, u64)>;
}

impl InvoiceView for LedgerInvoice<'_> {
    fn totals(&self) -> &[Total] {
        &self.totals
    }
    fn each_line(&self, f: &mut dyn FnMut(&Line) -> Result<(), Failure>) -> Result<(), Failure> {
        self.lines().iter().try_for_each(|l| f(&self.line(l)))
    }
    fn billed_days(&self) -> f64 {
        LedgerInvoice::billed_days(self)
    }
    fn amount_ore(&self) -> i64 {
        LedgerInvoice::amount_ore(self)
    }
    fn billed_episodes(&self) -> u64 {
        LedgerInvoice::billed_episodes(self)
    }
    fn episodes_in(&self) -> u64 {
        self.episodes_in
    }
    fn not_billed_counts(&self) -> Vec<(NotBilledReason, u64)> {
        LedgerInvoice::not_billed_counts(self)
    }
}

/// Öre as kronor in a cell: a number shown with two decimals.
fn kr_cell(ore: i64) -> Cell {
    Cell::Num(ore as f64 / 100.0, 2)
}

/// The invoice as sheets: totals, lines and not billed.
fn invoice_sheets(inv: &Invoice, lang: Lang) -> Vec<Sheet> {
    let sv = lang == Lang::Sv;
    let mut totals = Sheet::new(
        if sv { "Summor" } else { "Totals" },
        &[
            ("municipality", "Kommun"),
            ("name", "Namn"),
            ("care_type", "Vårdform"),
            ("period", "Period"),
            ("billed_days", "Debiterade dagar"),
            ("amount_ore", "Belopp öre"),
            ("amount_kr", "Belopp kr"),
            ("mean_days", "Medel dagar"),
            ("threshold", "Tröskel"),
            ("triggered", "Utlöst"),
        ],
        lang,
    );
    for t in &inv.totals {
        totals.rows.push(vec![
            Cell::Text(t.municipality.to_string()),
            Cell::Text(t.municipality.name().to_string()),
            Cell::Text(t.care_type.as_str().to_string()),
            Cell::Text(t.period.to_string()),
            Cell::Num(t.billed_days, 1),
            Cell::Int(t.amount_ore),
            kr_cell(t.amount_ore),
            Cell::num(t.mean_days, 2),
            Cell::num(t.threshold, 2),
            t.triggered
                .map_or(Cell::Empty, |b| Cell::Text(yes_no(Some(b)))),
        ]);
    }
    let mut lines = Sheet::new(
        if sv { "Rader" } else { "Lines" },
        &[
            ("episode_id", "Vårdtillfälle"),
            ("municipality", "Kommun"),
            ("care_type", "Vårdform"),
            ("period", "Period"),
            ("billed_days", "Debiterade dagar"),
            ("amount_ore", "Belopp öre"),
            ("amount_kr", "Belopp kr"),
            ("rule", "Regel"),
        ],
        lang,
    );
    for l in &inv.lines {
        lines.rows.push(vec![
            Cell::Text(l.episode_id.clone().unwrap_or_default()),
            Cell::Text(l.municipality.to_string()),
            Cell::Text(l.care_type.as_str().to_string()),
            Cell::Text(l.period.to_string()),
            Cell::Num(l.billed_days, 1),
            Cell::Int(l.amount_ore),
            kr_cell(l.amount_ore),
            Cell::Text(l.rule.as_str().to_string()),
        ]);
    }
    let mut not = Sheet::new(
        if sv { "Ej debiterade" } else { "Not billed" },
        &[
            ("episode_id", "Vårdtillfälle"),
            ("reason", "Skäl"),
            ("words", "Förklaring"),
        ],
        lang,
    );
    for n in &inv.not_billed {
        not.rows.push(vec![
            Cell::Text(n.episode_id.clone()),
            Cell::Text(n.reason.as_str().to_string()),
            Cell::Text(not_billed_words(n.reason).to_string()),
        ]);
    }
    vec![totals, lines, not]
}

/// The comparison as a sheet: the csv's columns, amounts in öre and kronor.
fn compare_sheet(c: &Comparison, names: &[String], lang: Lang) -> Sheet {
    let sv = lang == Lang::Sv;
    let mut sheet = Sheet::new(
        if sv { "Jämförelse" } else { "Comparison" },
        &[
            ("municipality", "Kommun"),
            ("name", "Namn"),
            ("care_type", "Vårdform"),
            ("period", "Period"),
        ],
        lang,
    );
    for n in names {
        if sv {
            sheet.headers.push(format!("{n} debiterade dagar"));
            sheet.headers.push(format!("{n} belopp kr"));
        } else {
            sheet.headers.push(format!("{n}_billed_days"));
            sheet.headers.push(format!("{n}_amount_kr"));
        }
    }
    for r in &c.rows {
        let mut row = vec![
            Cell::Text(r.municipality.to_string()),
            Cell::Text(r.municipality.name().to_string()),
            Cell::Text(r.care_type.to_string()),
            Cell::Text(r.period.to_string()),
        ];
        for i in 0..names.len() {
            row.push(Cell::Num(r.billed_days[i], 1));
            row.push(kr_cell(r.amount_ore[i]));
        }
        sheet.rows.push(row);
    }
    sheet
}

fn write_lines_csv(inv: &impl InvoiceView, out: &mut dyn Write) -> Result<(), Failure> {
    let mut w = csv::Writer::from_writer(out);
    w.write_record([
        "episode_id",
        "municipality",
        "care_type",
        "period",
        "billed_days",
        "amount_ore",
        "rule",
    ])?;
    inv.each_line(&mut |l| {
        w.write_record([
            l.episode_id.as_deref().unwrap_or(""),
            &l.municipality.to_string(),
            l.care_type.as_str(),
            &l.period.to_string(),
            &l.billed_days.to_string(),
            &l.amount_ore.to_string(),
            l.rule.as_str(),
        ])?;
        Ok(())
    })?;
    w.flush()?;
    Ok(())
}

fn write_totals_csv(inv: &impl InvoiceView, out: &mut dyn Write) -> Result<(), Failure> {
    let mut w = csv::Writer::from_writer(out);
    w.write_record([
        "municipality",
        "care_type",
        "period",
        "billed_days",
        "amount_ore",
        "mean_days",
        "threshold",
        "triggered",
    ])?;
    for t in inv.totals() {
        w.write_record([
            t.municipality.to_string().as_str(),
            t.care_type.as_str(),
            &t.period.to_string(),
            &t.billed_days.to_string(),
            &t.amount_ore.to_string(),
            &csv_num(t.mean_days),
            &csv_num(t.threshold),
            t.triggered.map_or("", |b| if b { "true" } else { "false" }),
        ])?;
    }
    w.flush()?;
    Ok(())
}

fn write_invoice_table(
    inv: &impl InvoiceView,
    agreement: &Agreement,
    lines: bool,
    out: &mut dyn Write,
) -> Result<(), Failure> {
    writeln!(out, "Agreement {}: {}\n", agreement.name, agreement.title)?;
    let mut t = Table::new(
        &[
            "municipality",
            "care type",
            "period",
            "billed days",
            "amount (kr)",
            "mean days",
            "threshold",
            "liable",
        ],
        &[false, false, false, true, true, true, true, false],
    );
    for x in inv.totals() {
        t.row(vec![
            format!("{} {}", x.municipality, x.municipality.name()),
            x.care_type.to_string(),
            x.period.to_string(),
            round_grouped(x.billed_days, 1),
            kronor(x.amount_ore),
            opt(x.mean_days, 2),
            opt(x.threshold, 2),
            yes_no(x.triggered),
        ]);
    }
    t.write(out)?;
    if lines {
        writeln!(out)?;
        let mut l = Table::new(
            &[
                "episode",
                "municipality",
                "care type",
                "period",
                "billed days",
                "amount (kr)",
                "rule",
            ],
            &[false, false, false, false, true, true, false],
        );
        inv.each_line(&mut |x| {
            l.row(vec![
                x.episode_id
                    .clone()
                    .unwrap_or_else(|| format!("({} episodes)", x.episodes)),
                x.municipality.to_string(),
                x.care_type.to_string(),
                x.period.to_string(),
                round_grouped(x.billed_days, 1),
                kronor(x.amount_ore),
                x.rule.to_string(),
            ]);
            Ok(())
        })?;
        l.write(out)?;
    }
    writeln!(
        out,
        "\nTotal: {} billed days, {} kr, {} of {} episodes billed.",
        round_grouped(inv.billed_days(), 1),
        kronor(inv.amount_ore()),
        thousands(inv.billed_episodes()),
        thousands(inv.episodes_in())
    )?;
    let not: Vec<String> = inv
        .not_billed_counts()
        .into_iter()
        .filter(|(_, n)| *n > 0)
        .map(|(r, n)| format!("{} {}", thousands(n), not_billed_words(r)))
        .collect();
    if !not.is_empty() {
        writeln!(out, "Not billed: {}.", not.join(", "))?;
    }
    Ok(())
}

/// Names for the compared agreements: each agreement's name, made unique with `#2`, `#3`.
fn unique_names(agreements: &[Agreement]) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    for a in agreements {
        let mut name = a.name.clone();
        let mut k = 2;
        while names.contains(&name) {
            name = format!("{}#{k}", a.name);
            k += 1;
        }
        names.push(name);
    }
    names
}

#[derive(serde::Serialize)]
struct CompareJson<'a> {
    #[serde(flatten)]
    comparison: &'a Comparison,
    totals_ore: Vec<i64>,
}

/// Runs `utklar compare`.
pub fn run_compare(a: &CompareArgs, out: &mut dyn Write) -> Result<(), Failure> {
    let agreements: Vec<Agreement> = a
        .agreements
        .iter()
        .map(|s| load_agreement(s))
        .collect::<Result<_, _>>()?;
    let amounts = load_amounts(&a.amounts)?;
    // The compact ledger: bounded memory whatever the file's size; the rows and totals are
    // those of the whole set's comparison.
    let (ledger, label) = read_ledger(&a.input, a.strict)?;
    let names = unique_names(&agreements);
    let pairs: Vec<(String, Agreement)> = names.iter().cloned().zip(agreements).collect();
    // Each agreement's invoice on a thread of its own, and the rows of their totals.
    let (rows, invoices) = ledger.compare(&pairs, &amounts).map_err(|e| core(&e))?;
    let totals: Vec<i64> = invoices.iter().map(LedgerInvoice::amount_ore).collect();
    let billed_days: Vec<f64> = invoices.iter().map(LedgerInvoice::billed_days).collect();
    drop(invoices);
    let c = Comparison {
        names: names.clone(),
        rows,
        invoices: Vec::new(),
    };
    match a.format {
        Format::Json => {
            serde_json::to_writer_pretty(
                &mut *out,
                &CompareJson {
                    comparison: &c,
                    totals_ore: totals,
                },
            )?;
            writeln!(out)?;
        }
        Format::Xlsx => {
            a.sheet_out
                .write(true, &[compare_sheet(&c, &names, a.sheet_out.lang)], out)?;
        }
        Format::Csv if a.sheet_out.csv_dialect == Dialect::ExcelSv => {
            crate::sheetout::write_excel_sv(&compare_sheet(&c, &names, a.sheet_out.lang), out)?;
        }
        Format::Csv => {
            let mut w = csv::Writer::from_writer(&mut *out);
            let mut header = vec![
                "municipality".to_string(),
                "care_type".into(),
                "period".into(),
            ];
            for n in &names {
                header.push(format!("{n}_billed_days"));
                header.push(format!("{n}_amount_ore"));
            }
            w.write_record(&header)?;
            for r in &c.rows {
                let mut rec = vec![
                    r.municipality.to_string(),
                    r.care_type.to_string(),
                    r.period.to_string(),
                ];
                for i in 0..names.len() {
                    rec.push(r.billed_days[i].to_string());
                    rec.push(r.amount_ore[i].to_string());
                }
                w.write_record(&rec)?;
            }
            w.flush()?;
        }
        Format::Table => {
            let mut headers = vec![
                "municipality".to_string(),
                "care type".into(),
                "period".into(),
            ];
            for n in &names {
                headers.push(format!("{n} days"));
                headers.push(format!("{n} kr"));
            }
            let refs: Vec<&str> = headers.iter().map(String::as_str).collect();
            let mut right = vec![true; refs.len()];
            right[..3].fill(false);
            let mut t = Table::new(&refs, &right);
            for r in &c.rows {
                let mut cells = vec![
                    format!("{} {}", r.municipality, r.municipality.name()),
                    r.care_type.to_string(),
                    r.period.to_string(),
                ];
                for i in 0..names.len() {
                    cells.push(round_grouped(r.billed_days[i], 1));
                    cells.push(kronor(r.amount_ore[i]));
                }
                t.row(cells);
            }
            let mut cells = vec!["Total".to_string(), String::new(), String::new()];
            for (days, total) in billed_days.iter().zip(&totals) {
                cells.push(round_grouped(*days, 1));
                cells.push(kronor(*total));
            }
            t.row(cells);
            t.write(out)?;
        }
    }
    out.flush()?;
    if ledger.none_usable() {
        return Err(fail::none_usable(&label, ledger.rows_in()));
    }
    Ok(())
}

fn model_text(m: Model) -> String {
    m.to_string()
}

/// Runs `utklar presets`.
pub fn run_presets(a: &PresetsArgs, out: &mut dyn Write) -> Result<(), Failure> {
    if a.counties {
        return write_counties(a.format, out);
    }
    if let Some(name) = &a.name {
        let text = preset_text(name).map_err(|_| {
            Failure::usage(format!(
                "no preset named {name:?} (presets: {})",
                preset_names().join(", ")
            ))
        })?;
        out.write_all(text.as_bytes())?;
        if !text.ends_with('\n') {
            writeln!(out)?;
        }
        out.flush()?;
        return Ok(());
    }
    let mut t = Table::new(
        &["name", "somatic", "psychiatric", "description"],
        &[false, false, false, false],
    );
    for name in preset_names() {
        let a = Agreement::preset(name).map_err(|e| core(&e))?;
        t.row(vec![
            name.to_string(),
            model_text(a.somatic.model),
            model_text(a.psychiatric.model),
            a.title.clone(),
        ]);
    }
    t.write(out)?;
    writeln!(
        out,
        "\n`utklar presets NAME` prints one as TOML, with its source and assumptions;\n\
         save it, change any parameter, and pass the file to --agreement."
    )?;
    out.flush()?;
    Ok(())
}
