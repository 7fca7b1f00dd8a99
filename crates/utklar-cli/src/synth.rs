//! `utklar synth`: a generated episode file (seeded, reproducible).

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::PathBuf;

use utklar_core::synth::{generate_each, SynthOptions};
use utklar_core::{County, Episode, Municipality};

use crate::fail::{self, Failure};
use crate::output::Progress;

/// Options of `utklar synth`.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Examples:
  utklar synth --county 08 --year 2024 --output kalmar_2024.csv
  utklar synth --episodes 20000000 --seed 1 --output big.csv
  utklar synth --municipality 0880 --episodes 500 | utklar indicators --episodes -

The file has the standard columns: episode_id, patient_id, municipality, care_type,
admitted_at, ready_at, discharged_at, home_ready_at, planned_discharge_date, age,
admission_notice_sent, sip_required, sip_called, region_blocked. The data are invented: about
60 % discharged on day 0, a long tail of ready days, some notices after 12.00, a few open
episodes and a few negative days (to exercise the checks). Ids are pseudonymous (E00000001,
P0000001). The same options and seed always give the same file.")]
pub struct Args {
    /// Number of episodes; 0 (the default) is the realistic volume of the chosen area over
    /// --months (about 0.39 episodes per inhabitant aged 65+ and year).
    #[arg(long, default_value_t = SynthOptions::default().episodes, value_name = "N")]
    pub episodes: usize,
    /// The seed: the same seed and options give the same file.
    #[arg(long, default_value_t = SynthOptions::default().seed)]
    pub seed: u64,
    /// The first year of discharges, 1991–2100.
    #[arg(long, default_value_t = SynthOptions::default().year)]
    pub year: i32,
    /// Months of discharges from January of --year, 1–120 (and not past December 2100).
    #[arg(long, default_value_t = SynthOptions::default().months)]
    pub months: u32,
    /// Only this county (län), by its 2-digit code (08 = Kalmar län) or name (Kalmar). Repeat
    /// for several.
    #[arg(long, value_name = "CODE|NAME", conflicts_with = "municipality")]
    pub county: Vec<String>,
    /// Only this municipality, by its 4-digit code (0880) or name (Kalmar). Repeat for several.
    #[arg(long, value_name = "CODE|NAME")]
    pub municipality: Vec<String>,
    /// Write to this file instead of standard output.
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

/// Parses a municipality code or name.
pub fn municipality(s: &str) -> Result<Municipality, Failure> {
    Municipality::by_code_or_name(s).map_err(|e| fail::arg("--municipality", &e))
}

fn bool_text(b: bool) -> &'static str {
    if b {
        "true"
    } else {
        "false"
    }
}

/// The episode column names (docs/episodes.md), in order.
pub const COLUMNS: [&str; 14] = [
    "episode_id",
    "patient_id",
    "municipality",
    "care_type",
    "admitted_at",
    "ready_at",
    "discharged_at",
    "home_ready_at",
    "planned_discharge_date",
    "age",
    "admission_notice_sent",
    "sip_required",
    "sip_called",
    "region_blocked",
];

/// Writes one episode as a CSV record in [`COLUMNS`] order.
pub fn write_episode<W: Write>(w: &mut csv::Writer<W>, e: &Episode) -> csv::Result<()> {
    let o = |x: Option<String>| x.unwrap_or_default();
    w.write_record([
        e.episode_id.as_str(),
        e.patient_id.as_deref().unwrap_or(""),
        &e.municipality.to_string(),
        e.care_type.as_str(),
        &o(e.admitted_at.map(|t| t.to_string())),
        &e.ready_at.to_string(),
        &o(e.discharged_at.map(|t| t.to_string())),
        &o(e.home_ready_at.map(|t| t.to_string())),
        &o(e.planned_discharge_date.map(|d| d.to_string())),
        &o(e.age.map(|a| a.to_string())),
        bool_text(e.admission_notice_sent),
        bool_text(e.sip_required),
        bool_text(e.sip_called),
        bool_text(e.region_blocked),
    ])
}

/// Runs `utklar synth`.
pub fn run(a: &Args, stdout: &mut dyn Write) -> Result<(), Failure> {
    let mut municipalities = Vec::new();
    for c in &a.county {
        let county = County::by_code_or_name(c).map_err(|e| fail::arg("--county", &e))?;
        municipalities.extend(county.municipalities());
    }
    for m in &a.municipality {
        municipalities.push(municipality(m)?);
    }
    let opts = SynthOptions {
        seed: a.seed,
        episodes: a.episodes,
        year: a.year,
        months: a.months,
        municipalities,
        ..SynthOptions::default()
    };
    // The core's option names, spelled as flags (only --year and --months can be wrong here).
    opts.check().map_err(|e| match e {
        utklar_core::Error::InvalidArgument { name, message } => {
            Failure::usage(format!("--{}: {message}", name.replace('_', "-")))
        }
        other => Failure::usage(other.to_string()),
    })?;
    let mut file;
    let out: &mut dyn Write = match &a.output {
        Some(path) => {
            file = BufWriter::with_capacity(
                1 << 16,
                File::create(path).map_err(|e| {
                    Failure::usage(format!("{}: cannot be written ({e})", path.display()))
                })?,
            );
            &mut file
        }
        None => stdout,
    };
    let mut w = csv::Writer::from_writer(out);
    w.write_record(COLUMNS)?;
    let mut result = Ok(());
    let mut n = 0u64;
    let mut progress = Progress::new(None, "episodes written");
    generate_each(&opts, |e| {
        if result.is_ok() {
            result = write_episode(&mut w, &e);
            if let Err(err) = &result {
                if matches!(err.kind(), csv::ErrorKind::Io(io) if io.kind() == std::io::ErrorKind::BrokenPipe)
                {
                    // The reader has gone (`utklar synth | head`): stop at once, quietly.
                    std::process::exit(0);
                }
            }
            n += 1;
            progress.tick(0, n);
        }
    });
    progress.finish();
    result?;
    w.flush()?;
    if let Some(path) = &a.output {
        eprintln!("utklar: wrote {n} episodes to {}", path.display());
    }
    Ok(())
}
