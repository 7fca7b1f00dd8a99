//! Output: aligned tables rounded as SKR rounds, and the progress bar.

use std::io::{self, IsTerminal, Write};
use std::time::{Duration, Instant};

/// Output format of a command.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Format {
    /// An aligned table for reading, rounded as SKR publishes (one decimal for days).
    #[default]
    Table,
    /// CSV with a header, full precision, empty cells for values that cannot be computed.
    Csv,
    /// JSON, full precision, `null` for values that cannot be computed.
    Json,
    /// An Excel workbook written to --output: numbers as numbers, the header row frozen.
    Xlsx,
}

/// Rounds half away from zero to `decimals` places, as spreadsheets and SKR's tables do
/// (4.25 → 4.3, where `format!("{:.1}")` alone would give 4.2).
pub fn round(x: f64, decimals: i32) -> String {
    let scale = 10f64.powi(decimals);
    let r = (x * scale).round() / scale;
    let r = if r == 0.0 { 0.0 } else { r }; // no "-0.0"
    format!("{r:.prec$}", prec = decimals.max(0) as usize)
}

/// Like [`round`], with the digits before the decimal point grouped by thousands (8 647.0).
pub fn round_grouped(x: f64, decimals: i32) -> String {
    let r = round(x, decimals);
    let (sign, body) = r.strip_prefix('-').map_or(("", r.as_str()), |b| ("-", b));
    let (int, frac) = body
        .split_once('.')
        .map_or((body, None), |(i, f)| (i, Some(f)));
    let grouped = int
        .parse::<u64>()
        .map_or_else(|_| int.to_string(), thousands);
    match frac {
        Some(f) => format!("{sign}{grouped}.{f}"),
        None => format!("{sign}{grouped}"),
    }
}

/// A present value rounded, or an en dash for a value that cannot be computed.
pub fn opt(x: Option<f64>, decimals: i32) -> String {
    match x {
        Some(v) if v.is_finite() => round(v, decimals),
        _ => "–".to_string(),
    }
}

/// A whole number with a space between thousands (12 345), as Swedish tables write it.
pub fn thousands(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::with_capacity(s.len() + s.len() / 3);
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i) % 3 == 0 {
            out.push(' ');
        }
        out.push(c);
    }
    out
}

/// A value for CSV: full precision (Rust prints the shortest text that reads back to the same
/// number), empty for absent.
pub fn csv_num(x: Option<f64>) -> String {
    match x {
        Some(v) if v.is_finite() => v.to_string(),
        _ => String::new(),
    }
}

/// A text table with columns aligned (text left, numbers right).
pub struct Table {
    headers: Vec<String>,
    right: Vec<bool>,
    rows: Vec<Vec<String>>,
}

impl Table {
    /// A table with these column headers; `right[i]` aligns column `i` to the right.
    pub fn new(headers: &[&str], right: &[bool]) -> Self {
        Table {
            headers: headers.iter().map(|s| (*s).to_string()).collect(),
            right: right.to_vec(),
            rows: Vec::new(),
        }
    }

    /// Adds a row.
    pub fn row(&mut self, cells: Vec<String>) {
        self.rows.push(cells);
    }

    /// Inserts a column at `at` with its header, alignment and one cell per row so far.
    pub fn insert_column(
        &mut self,
        at: usize,
        header: &str,
        right: bool,
        cells: impl IntoIterator<Item = String>,
    ) {
        let at = at.min(self.headers.len());
        self.headers.insert(at, header.to_string());
        self.right.insert(at.min(self.right.len()), right);
        let mut cells = cells.into_iter();
        for r in &mut self.rows {
            r.insert(at.min(r.len()), cells.next().unwrap_or_default());
        }
    }

    /// Writes the table.
    pub fn write(&self, out: &mut dyn Write) -> io::Result<()> {
        let n = self.headers.len();
        let mut width: Vec<usize> = self.headers.iter().map(|h| h.chars().count()).collect();
        for r in &self.rows {
            for (w, c) in width.iter_mut().zip(r) {
                *w = (*w).max(c.chars().count());
            }
        }
        let line = |out: &mut dyn Write, cells: &[String]| -> io::Result<()> {
            let mut s = String::new();
            for (i, w) in width.iter().enumerate() {
                let c = cells.get(i).map_or("", String::as_str);
                let pad = w.saturating_sub(c.chars().count());
                if i > 0 {
                    s.push_str("  ");
                }
                if self.right.get(i).copied().unwrap_or(false) {
                    s.extend(std::iter::repeat_n(' ', pad));
                    s.push_str(c);
                } else {
                    s.push_str(c);
                    if i + 1 < n {
                        s.extend(std::iter::repeat_n(' ', pad));
                    }
                }
            }
            writeln!(out, "{}", s.trim_end())
        };
        line(out, &self.headers)?;
        let rule: Vec<String> = width.iter().map(|w| "─".repeat(*w)).collect();
        line(out, &rule)?;
        for r in &self.rows {
            line(out, r)?;
        }
        Ok(())
    }
}

/// A progress bar on standard error, drawn only when standard error is a terminal.
pub struct Progress {
    enabled: bool,
    total: Option<u64>,
    start: Instant,
    last: Instant,
    drawn: bool,
    what: &'static str,
}

impl Progress {
    /// A bar for reading `total` bytes (unknown for standard input).
    pub fn new(total: Option<u64>, what: &'static str) -> Self {
        let now = Instant::now();
        Progress {
            enabled: io::stderr().is_terminal(),
            total,
            start: now,
            last: now,
            drawn: false,
            what,
        }
    }

    /// Updates the bar; cheap to call often (it redraws at most five times a second, and not
    /// at all during the first second).
    pub fn tick(&mut self, done_bytes: u64, rows: u64) {
        if !self.enabled || rows % 4096 != 0 {
            return;
        }
        let now = Instant::now();
        if now.duration_since(self.last) < Duration::from_millis(200)
            || now.duration_since(self.start) < Duration::from_secs(1)
        {
            return;
        }
        self.last = now;
        self.drawn = true;
        let secs = now.duration_since(self.start).as_secs_f64().max(1e-9);
        let rate = rows as f64 / secs;
        let mut err = io::stderr().lock();
        let _ = match self.total {
            Some(t) if t > 0 => {
                let frac = (done_bytes as f64 / t as f64).clamp(0.0, 1.0);
                let filled = (frac * 30.0) as usize;
                write!(
                    err,
                    "\r[{}{}] {:>3.0} %  {} {}  {} rows/s ",
                    "#".repeat(filled),
                    " ".repeat(30 - filled),
                    frac * 100.0,
                    thousands(rows),
                    self.what,
                    thousands(rate as u64)
                )
            }
            _ => write!(
                err,
                "\r{} {}  {} rows/s ",
                thousands(rows),
                self.what,
                thousands(rate as u64)
            ),
        };
        let _ = err.flush();
    }

    /// Clears the bar.
    pub fn finish(&mut self) {
        if self.drawn {
            let mut err = io::stderr().lock();
            let _ = write!(err, "\r\x1b[2K");
            let _ = err.flush();
            self.drawn = false;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rounds_half_away_from_zero_like_skr() {
        assert_eq!(round(4.17, 1), "4.2");
        assert_eq!(round(4.25, 1), "4.3");
        assert_eq!(round(150.6, 0), "151");
        assert_eq!(round(-0.04, 1), "0.0");
        assert_eq!(round_grouped(8647.04, 1), "8 647.0");
        assert_eq!(round_grouped(-1234.0, 0), "-1 234");
        assert_eq!(round_grouped(12.25, 1), "12.3");
        assert_eq!(opt(None, 1), "–");
        assert_eq!(opt(Some(f64::NAN), 1), "–");
    }

    #[test]
    fn thousands_are_grouped() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1000), "1 000");
        assert_eq!(thousands(20_000_000), "20 000 000");
    }

    #[test]
    fn table_aligns_by_characters() {
        let mut t = Table::new(&["name", "n"], &[false, true]);
        t.row(vec!["Mörbylånga".into(), "5".into()]);
        t.row(vec!["Kalmar".into(), "12".into()]);
        let mut out = Vec::new();
        t.write(&mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[2], "Mörbylånga   5");
        assert_eq!(lines[3], "Kalmar      12");
    }
}
