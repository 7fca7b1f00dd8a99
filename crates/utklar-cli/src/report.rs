//! `utklar report`: the county's monthly follow-up report as one self-contained HTML file
//! (`utklar-report` builds the model from the core's results and renders it).

use std::io::Write;
use std::path::PathBuf;

use utklar_core::input::{EpisodeFacts, Unreadable};
use utklar_core::{County, Episode, Period};
use utklar_report::{render_html, Lang, ReportError, ReportInput, ReportOptions};

use crate::fail::{self, Failure};
use crate::indicators::load_population;
use crate::input::EpisodeArgs;
use crate::payment::{load_agreement, load_amounts, read_into, RowSink};

/// Options of `utklar report`.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Examples:
  utklar report --episodes export.csv --county 08 --population builtin --output kalmar.html
  utklar report --episodes export.csv --county 14 --month 2025-03 --amount 2025=10900 --lang en

One HTML file, nothing fetched (inline SVG charts and CSS), printable on A4 with a page break
between sections: the data read (rows counted, open, excluded by reason); per care type twelve
months of mean ready days per municipality against the county's indicator line, the month's
table per municipality and for the county, goal attainment beside the nation's (only when the
data cover all 21 counties); the month's invoice under the agreement; the definitions.
A billed day in a year without an amount does not stop the report: its invoice section says
which year is missing (give --amount YEAR=KRONOR) and the command warns on standard error.
Exit status: 0 success; 1 bad rows under --strict; 2 unusable arguments or files, an unknown
county, or a month outside the data.")]
pub struct Args {
    #[command(flatten)]
    pub input: EpisodeArgs,
    /// The county (län): its two-digit code (08) or its name (Kalmar län).
    #[arg(long, value_name = "CODE")]
    pub county: String,
    /// The month (YYYY-MM); the latest month with a discharged episode by default.
    #[arg(long, value_name = "YYYY-MM")]
    pub month: Option<String>,
    /// The agreement of the invoice: a preset or a TOML file; by default the county's preset
    /// when it has one (`utklar presets --counties`), else statutory.
    #[arg(long, value_name = "PRESET|FILE")]
    pub agreement: Option<String>,
    /// Amount per care day for a year, in kronor (e.g. 2025=10900); repeatable.
    #[arg(long = "amount", value_name = "YEAR=KRONOR")]
    pub amounts: Vec<String>,
    /// Population per municipality and year (a CSV as for `utklar indicators`), or `builtin`;
    /// without it days per 1 000 inhabitants is empty.
    #[arg(long, value_name = "FILE|builtin")]
    pub population: Option<String>,
    /// Small-cell suppression of the municipalities' rows (as `utklar indicators
    /// --suppress-below`); the county's totals and the invoice are not suppressed.
    #[arg(long, value_name = "K")]
    pub suppress_below: Option<u64>,
    /// The page's language: sv (default) or en.
    #[arg(long, default_value_t = Lang::default().to_string(), value_name = "sv|en")]
    pub lang: String,
    /// Stop at rows that cannot be read, listing them, instead of leaving them out.
    #[arg(long)]
    pub strict: bool,
    /// The HTML file to write; `-` writes standard output. Default:
    /// utklar-report-CC-YYYY-MM.html in the current directory.
    #[arg(long, value_name = "FILE.html")]
    pub output: Option<PathBuf>,
}

/// Parses `--county`: a code, or a county's name (any case, with or without `län`, with or
/// without its genitive s).
pub fn parse_county(arg: &str) -> Result<County, Failure> {
    County::by_code_or_name(arg).map_err(|_| {
        Failure::usage(format!(
            "--county {arg}: no such county (give its two-digit code, 01–25, or its name; `utklar presets --counties` lists them)"
        ))
    })
}

/// The report's input, counting the rows and the episodes among them.
struct Sink {
    input: ReportInput,
    rows_in: u64,
    episodes: u64,
}

impl RowSink for Sink {
    fn facts(
        &mut self,
        row: usize,
        facts: &EpisodeFacts,
        episode_id: &str,
        patient_id: Option<&str>,
    ) {
        self.rows_in += 1;
        self.episodes += 1;
        self.input.push_facts(row, facts, episode_id, patient_id);
    }

    fn read(&mut self, row: usize, read: Result<Episode, Unreadable>) {
        self.rows_in += 1;
        self.episodes += u64::from(read.is_ok());
        self.input.push(row, read);
    }
}

/// Runs `utklar report`.
pub fn run(a: &Args, out: &mut dyn Write) -> Result<(), Failure> {
    let county = parse_county(&a.county)?;
    let lang: Lang = a
        .lang
        .parse()
        .map_err(|e: String| Failure::usage(format!("--lang: {e}")))?;
    let month = a
        .month
        .as_deref()
        .map(|m| {
            // The core decides what a month is; the message is the command line's.
            Period::parse_month(m)
                .map_err(|_| Failure::usage(format!("--month {m}: not a month (use YYYY-MM)")))
        })
        .transpose()?;
    let mut opts = ReportOptions::new(county);
    // Without --agreement, the county's preset (or `statutory`), as `ReportOptions::new` set.
    if let Some(name) = &a.agreement {
        opts.agreement = load_agreement(name)?;
    }
    opts.amounts = load_amounts(&a.amounts)?;
    opts.population = load_population(a.population.as_deref())?;
    opts.suppress_below = a.suppress_below;
    opts.month = month;
    opts.lang = lang;
    // One pass over the file: the measures of every row, and only the county's episodes kept
    // (for its invoice), so that a national file costs one county's memory.
    // A CSV file is read on two threads as `indicators` reads it.
    let mut sink = Sink {
        input: ReportInput::new(&opts),
        rows_in: 0,
        episodes: 0,
    };
    let label = read_into(&a.input, a.strict, &mut sink)?;
    if sink.episodes == 0 && sink.rows_in > 0 {
        return Err(fail::none_usable(&label, sink.rows_in));
    }
    let report = sink.input.finish(&opts).map_err(|e| match e {
        ReportError::MonthOutsideData { .. } => Failure::usage(format!("--month: {e}")),
        ReportError::NoData => Failure::usage(format!("{label}: {e}")),
        ReportError::Core(e) => fail::arg("--episodes", &e),
        other => Failure::usage(other.to_string()),
    })?;
    let html = render_html(&report);
    let path = a
        .output
        .clone()
        .unwrap_or_else(|| PathBuf::from(format!("utklar-report-{county}-{}.html", report.month)));
    if path.as_os_str() == "-" {
        out.write_all(html.as_bytes())?;
    } else {
        std::fs::write(&path, html.as_bytes())
            .map_err(|e| Failure::usage(format!("{}: cannot write ({e})", path.display())))?;
        eprintln!(
            "utklar: wrote {} ({} {}, agreement {}, {} bytes)",
            path.display(),
            county.name(),
            report.month,
            report.agreement.name,
            html.len()
        );
    }
    if let utklar_report::InvoicePart::MissingAmount { year } = report.invoice {
        eprintln!(
            "utklar: no amount per care day for {year}: the report's invoice section is empty (--amount {year}=KRONOR)"
        );
    }
    Ok(())
}
