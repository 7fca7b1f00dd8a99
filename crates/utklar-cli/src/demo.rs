//! `utklar demo`: the main job on a generated year of Kalmar län, no files needed.

use std::io::Write;

use utklar_core::payment::{self, Agreement, Amounts, Invoice, NotBilledReason};
use utklar_core::synth::{self, SynthOptions};
use utklar_core::{
    measure_columns, measure_episodes, CareType, County, Episode, Group, GroupBy, IndicatorOptions,
    IndicatorRow, Period, PeriodKind, Population,
};

use crate::fail::Failure;
use crate::indicators::group_name;
use crate::output::{opt, round, round_grouped, thousands, Table};
use crate::payment::not_billed_words;
use crate::stream::account;

/// The demo's year: 2024 has a sourced national amount per care day (docs/payments.md), so the
/// invoices need no `--amount`.
pub const YEAR: i32 = 2024;

/// Options of `utklar demo`.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Example:
  utklar demo

The data are generated (seeded, the same every run): a realistic year of the 12
municipalities of Kalmar län, volumes following their 65+ population, and a generated national
year for comparison. Nothing is read from disk. The output ends with the commands that do the
same on your own export.")]
pub struct Args {
    /// The seed of the generated data.
    #[arg(long, default_value_t = 2025)]
    pub seed: u64,
    /// Where to write the demo's monthly report (HTML, as `utklar report` writes it); by
    /// default utklar-demo-report.html in the system's temporary directory.
    #[arg(long, value_name = "FILE.html")]
    pub report: Option<std::path::PathBuf>,
}

fn somatic(rows: &[IndicatorRow]) -> impl Iterator<Item = &IndicatorRow> {
    rows.iter().filter(|r| r.care_type == CareType::Somatic)
}

/// Runs the demo.
pub fn run(a: &Args, out: &mut dyn Write) -> Result<(), Failure> {
    let kalmar_lan = County::new(8).map_err(|e| crate::fail::arg("demo", &e))?;
    let gen = SynthOptions {
        seed: a.seed,
        ..SynthOptions::kalmar_year(YEAR)
    };
    let episodes = synth::generate(&gen);
    let population = Population::builtin();
    let monthly = IndicatorOptions::default();
    let yearly = IndicatorOptions::default().period(PeriodKind::Year);
    let core = |e: utklar_core::Error| crate::fail::arg("demo", &e);
    // Kalmar's indicator (mean ready days incl. day 0, somatic care) is the `kalmar` preset's
    // threshold: the agreement is its one home.
    let kalmar_threshold = Agreement::preset("kalmar")
        .map_err(core)?
        .rule(CareType::Somatic)
        .average
        .as_ref()
        .map_or(f64::NAN, |a| a.threshold_days);
    let month_set = measure_episodes(&episodes, &monthly).map_err(core)?;
    let year_set = measure_episodes(&episodes, &yearly).map_err(core)?;
    let nation_cols = synth::generate_columns(&SynthOptions {
        seed: a.seed,
        ..SynthOptions::national_year(YEAR)
    });
    let nation_set = measure_columns(&nation_cols.view(), &yearly).map_err(core)?;

    writeln!(
        out,
        "utklar demo: a generated year ({YEAR}) of {} ({} municipalities), {} episodes\n\
         (invented data, seed {}; population: SCB 30 Sep 2022, built in)\n",
        kalmar_lan.name(),
        kalmar_lan.municipalities().count(),
        thousands(episodes.len() as u64),
        a.seed
    )?;

    // 1. Monthly mean incl. day 0 per municipality against 0.8 days.
    writeln!(
        out,
        "1. Mean ready days including day 0, somatic care, per municipality and month,\n   \
         against {}'s indicator of {kalmar_threshold} days (* = above it)\n",
        kalmar_lan.name()
    )?;
    let by_muni = month_set.indicators(GroupBy::Municipality, Some(&population), None);
    let by_county = month_set.indicators(GroupBy::County, Some(&population), None);
    let months: Vec<Period> = (1..=12)
        .filter_map(|m| Period::month(YEAR, m).ok())
        .collect();
    let mut headers = vec!["municipality".to_string()];
    headers.extend(
        months
            .iter()
            .map(|p| p.first_day().format("%b").to_string()),
    );
    headers.push("months above".to_string());
    let header_refs: Vec<&str> = headers.iter().map(String::as_str).collect();
    let mut right = vec![true; header_refs.len()];
    right[0] = false;
    let mut grid = Table::new(&header_refs, &right);
    let mut groups: Vec<Group> = kalmar_lan
        .municipalities()
        .map(Group::Municipality)
        .collect();
    groups.push(Group::County(kalmar_lan));
    for g in groups {
        let rows: Vec<&IndicatorRow> = somatic(&by_muni.rows)
            .chain(somatic(&by_county.rows))
            .filter(|r| r.group == g)
            .collect();
        let mut cells = vec![group_name(g)];
        let mut above = 0;
        for p in &months {
            let v = rows
                .iter()
                .find(|r| r.period == *p)
                .and_then(|r| r.mean_days_incl_day0);
            cells.push(match v {
                Some(x) if x > kalmar_threshold => {
                    above += 1;
                    format!("{}*", round(x, 2))
                }
                Some(x) => format!("{} ", round(x, 2)),
                None => "– ".to_string(),
            });
        }
        cells.push(above.to_string());
        grid.row(cells);
    }
    grid.write(out)?;
    writeln!(
        out,
        "   (two decimals here because the indicator is 0.8; compared in full precision)\n"
    )?;

    // 2. Goal attainment for the year beside the nation.
    writeln!(
        out,
        "2. Goal attainment {YEAR} (share discharged on the ready date, day 0), somatic care,\n   \
         beside the national level (a generated national year)\n"
    )?;
    let year_muni = year_set.indicators(GroupBy::Municipality, Some(&population), None);
    let year_county = year_set.indicators(GroupBy::County, Some(&population), None);
    let year_nation = nation_set.indicators(GroupBy::Nation, Some(&population), None);
    let nation = somatic(&year_nation.rows).next();
    let mut t = Table::new(
        &[
            "municipality",
            "episodes",
            "day 0",
            "goal %",
            "vs nation",
            "mean days",
            "mean incl. 0",
            "days/1000 65+",
        ],
        &[false, true, true, true, true, true, true, true],
    );
    let nation_goal = nation.and_then(|n| n.goal_attainment);
    for r in somatic(&year_muni.rows)
        .chain(somatic(&year_county.rows))
        .chain(nation)
    {
        let diff = match (r.goal_attainment, nation_goal, r.group) {
            (_, _, Group::Nation) => String::new(),
            (Some(g), Some(n), _) => {
                let d = (g - n) * 100.0;
                format!("{}{}", if d >= 0.0 { "+" } else { "" }, round(d, 1))
            }
            _ => "–".to_string(),
        };
        t.row(vec![
            group_name(r.group),
            thousands(r.measures.episodes()),
            thousands(r.measures.day0),
            opt(r.goal_attainment.map(|g| g * 100.0), 1),
            diff,
            opt(r.mean_days, 1),
            opt(r.mean_days_incl_day0, 1),
            opt(r.days_per_1000, 0),
        ]);
    }
    t.write(out)?;
    writeln!(
        out,
        "   (vs nation: percentage points; mean days is the national definition, day-0 episodes\n   \
         not in the denominator)\n"
    )?;
    writeln!(
        out,
        "{}\n",
        account("   the generated rows", month_set.report(), false)
    )?;

    invoices(&episodes, out)?;
    let report_path = write_report(&episodes, a)?;

    writeln!(
        out,
        "The same on your own export (CSV, UTF-8, comma or semicolon; columns episode_id,\n\
         municipality, care_type, ready_at, discharged_at, …):\n\n  \
         utklar validate   --episodes your_export.csv\n  \
         utklar indicators --episodes your_export.csv --population builtin --format csv > indicators.csv\n  \
         utklar invoice    --episodes your_export.csv --agreement kalmar\n\n\
         `utklar <command> --help` explains every option; `utklar synth` writes a file like the one above."
    )?;
    writeln!(
        out,
        "\nThe demo's monthly report (utklar report, December {YEAR}, open it in a browser):\n  {}",
        report_path.display()
    )?;
    Ok(())
}

/// Writes the demo's report (`utklar report` over the same episodes: Kalmar län, the latest
/// month, the `kalmar` agreement, the built-in population) and returns its path.
fn write_report(episodes: &[Episode], a: &Args) -> Result<std::path::PathBuf, Failure> {
    let core = |e: utklar_core::Error| crate::fail::arg("demo", &e);
    let mut set = utklar_core::input::EpisodeSet::new();
    for (i, e) in episodes.iter().enumerate() {
        set.push_episode(i, e.clone());
    }
    let county = County::new(8).map_err(core)?;
    let mut opts = utklar_report::ReportOptions::new(county);
    let national = Amounts::national();
    // As in the invoices above: December of the year before at the demo year's amount.
    opts.amounts = national
        .clone()
        .with(YEAR - 1, national.get(YEAR).map_err(core)?)
        .map_err(core)?;
    opts.population = Some(Population::builtin());
    let report = utklar_report::Report::build(&set, &opts)
        .map_err(|e| Failure::usage(format!("demo: {e}")))?;
    let path = a
        .report
        .clone()
        .unwrap_or_else(|| std::env::temp_dir().join("utklar-demo-report.html"));
    std::fs::write(&path, utklar_report::render_html(&report))
        .map_err(|e| Failure::usage(format!("{}: cannot write ({e})", path.display())))?;
    Ok(path)
}

/// The invoice half: `kalmar` and `statutory` side by side, per municipality over the year.
fn invoices(episodes: &[Episode], out: &mut dyn Write) -> Result<(), Failure> {
    let core = |e: utklar_core::Error| crate::fail::arg("demo", &e);
    let national = Amounts::national();
    let per_day = national.get(YEAR).map_err(core)?;
    // Stays discharged in January began in December of the year before, which has no sourced
    // national amount: the demo prices those days at the demo year's amount, and says so.
    let amounts = national.with(YEAR - 1, per_day).map_err(core)?;
    let names = ["kalmar", "statutory"];
    let agreements: Vec<(&str, Agreement)> = names
        .iter()
        .map(|n| Agreement::preset(n).map(|a| (*n, a)))
        .collect::<Result<_, _>>()
        .map_err(core)?;
    let c = payment::compare(episodes, &agreements, &amounts).map_err(core)?;

    writeln!(
        out,
        "3. Invoices {YEAR}: the Kalmar agreement beside the law's default (statutory)\n   \
         kalmar: when a municipality's mean incl. day 0 exceeds 0.8 days in a month (somatic)\n   \
         or quarter (psychiatric), each patient is billed from day 4; statutory: every patient\n   \
         from day 4 (day 5 after a notice sent after 12.00). {} kr per care day ({YEAR};\n   \
         days in December {} priced at the same amount, an assumption: no sourced amount).\n",
        kronor_whole(per_day),
        YEAR - 1
    )?;
    let mut t = Table::new(
        &[
            "municipality",
            "kalmar: liable periods",
            "days",
            "kr",
            "statutory: days",
            "kr",
        ],
        &[false, true, true, true, true, true],
    );
    let kalmar_inv = &c.invoices[0];
    let mut sums = [(0.0f64, 0i64); 2];
    for m in County::new(8).map_err(core)?.municipalities() {
        let mut cells = vec![format!("{m} {}", m.name())];
        let liable = kalmar_inv
            .totals
            .iter()
            .filter(|t| t.municipality == m)
            .map(|t| (t.care_type, t.triggered == Some(true)))
            .fold([0u32; 2], |mut acc, (care, hit)| {
                acc[usize::from(care == CareType::Psychiatric)] += u32::from(hit);
                acc
            });
        cells.push(format!("{} mo + {} q", liable[0], liable[1]));
        for (i, sum) in sums.iter_mut().enumerate() {
            let (days, ore) = c
                .rows
                .iter()
                .filter(|r| r.municipality == m)
                .fold((0.0, 0i64), |(d, o), r| {
                    (d + r.billed_days[i], o + r.amount_ore[i])
                });
            sum.0 += days;
            sum.1 += ore;
            cells.push(round_grouped(days, 0));
            cells.push(kronor_whole(ore));
        }
        t.row(cells);
    }
    t.row(vec![
        "Kalmar län".into(),
        String::new(),
        round_grouped(sums[0].0, 0),
        kronor_whole(sums[0].1),
        round_grouped(sums[1].0, 0),
        kronor_whole(sums[1].1),
    ]);
    t.write(out)?;
    writeln!(
        out,
        "   (liable periods: somatic months and psychiatric quarters whose mean exceeded 0.8 days.\n   \
         They may differ from the * in table 1: the agreement's mean leaves out episodes failing\n   \
         the law's preconditions, which the indicators count.)\n"
    )?;
    let mut nb = Table::new(&["episodes", "kalmar", "statutory"], &[false, true, true]);
    nb.row(vec![
        "billed".into(),
        thousands(c.invoices[0].billed_episodes()),
        thousands(c.invoices[1].billed_episodes()),
    ]);
    let counts: Vec<Vec<(NotBilledReason, u64)>> =
        c.invoices.iter().map(Invoice::not_billed_counts).collect();
    for (k, (reason, _)) in counts[0].iter().enumerate() {
        let (a, b) = (counts[0][k].1, counts[1].get(k).map_or(0, |x| x.1));
        if a + b > 0 {
            nb.row(vec![
                format!("not billed: {}", not_billed_words(*reason)),
                thousands(a),
                thousands(b),
            ]);
        }
    }
    nb.row(vec![
        "all episodes".into(),
        thousands(c.invoices[0].episodes_in),
        thousands(c.invoices[1].episodes_in),
    ]);
    nb.write(out)?;
    writeln!(out)?;
    Ok(())
}

/// Öre as whole kronor, grouped: `1 234 567`.
fn kronor_whole(ore: i64) -> String {
    round_grouped(ore as f64 / 100.0, 0)
}
