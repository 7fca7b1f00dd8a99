//! The report's cost beyond reading the file: reads an episode CSV into an `EpisodeSet`
//! (timed), then builds the report's model (the monthly measures and the county's invoice)
//! and renders the page (each timed), and prints the page's size.
//!
//! ```sh
//! utklar synth --episodes 850000 --seed 1 --output /tmp/nat.csv
//! cargo run --release -p utklar-report --example timing -- /tmp/nat.csv 14 2025=12000
//! ```

use std::time::Instant;

use utklar_core::input::{EpisodeSet, Unreadable};
use utklar_core::{County, Population};
use utklar_report::{render_html, Report, ReportOptions};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let path = args
        .next()
        .ok_or("usage: timing FILE.csv COUNTY [YEAR=KRONOR ...]")?;
    let county: County = args.next().ok_or("a county code")?.parse()?;
    let mut opts = ReportOptions::new(county);
    for a in args {
        opts.amounts.parse_override(&a)?;
    }
    opts.population = Some(Population::builtin());

    let t = Instant::now();
    let mut input = utklar_csv::EpisodeInput::open(&path, None)?;
    let mut set = EpisodeSet::new();
    let mut row = 0;
    while let Some(item) = input.next_row()? {
        match item.result {
            Ok(e) => set.push_read(row, Ok(e)),
            Err(problems) => set.push_read(
                row,
                Err(Unreadable {
                    row,
                    episode_id: item.episode_id,
                    problems,
                }),
            ),
        }
        row += 1;
    }
    let read = t.elapsed();

    let t = Instant::now();
    let report = Report::build(&set, &opts)?;
    let build = t.elapsed();
    let t = Instant::now();
    let html = render_html(&report);
    let render = t.elapsed();
    println!(
        "{row} rows; read {:.3} s; model {:.3} s; render {:.3} s; beyond reading {:.3} s; HTML {} bytes ({} {}, {} municipalities)",
        read.as_secs_f64(),
        build.as_secs_f64(),
        render.as_secs_f64(),
        (build + render).as_secs_f64(),
        html.len(),
        county.name(),
        report.month,
        report.care[0].series.len()
    );
    Ok(())
}
