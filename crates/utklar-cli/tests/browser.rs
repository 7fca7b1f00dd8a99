//! The demo's report in a real browser: headless Chromium (Debian's `chromium`; `make
//! test-report` installs it when missing) renders it to PNG and to PDF without console
//! errors; the screenshot is not blank and every chart has its title, axes and indicator
//! line. Ignored by a plain `cargo test` (it needs the browser): `make test-report` runs it.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

mod chart_check;

fn chromium() -> PathBuf {
    PathBuf::from(std::env::var_os("UTKLAR_CHROMIUM").unwrap_or_else(|| "/usr/bin/chromium".into()))
}

/// Runs headless Chromium with a new empty profile and no network side-traffic; returns
/// its standard error (with the page's console messages, `--enable-logging=stderr`).
fn run_chromium(dir: &Path, args: &[String]) -> String {
    let profile = dir.join(format!("profile-{}", args.len()));
    let _ = fs::remove_dir_all(&profile);
    fs::create_dir_all(&profile).unwrap();
    let out = Command::new(chromium())
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--hide-scrollbars",
            "--enable-logging=stderr",
            "--v=0",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(args)
        .output()
        .unwrap_or_else(|e| {
            panic!(
                "{} does not run ({e}): `make chromium` installs it",
                chromium().display()
            )
        });
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(out.status.success(), "chromium failed: {err}");
    err
}

/// Console messages and failed loads in chromium's log.
fn page_errors(log: &str) -> Vec<&str> {
    log.lines()
        .filter(|l| {
            l.contains("CONSOLE")
                || l.contains("Uncaught")
                || l.contains("Failed to load resource")
                || l.contains("net::ERR_")
        })
        .collect()
}

#[test]
#[ignore = "needs chromium: make test-report"]
fn the_demo_report_renders_in_chromium() {
    let d = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("utklar-browser-test");
    let _ = fs::remove_dir_all(&d);
    fs::create_dir_all(&d).unwrap();
    let html = d.join("demo-report.html");
    let demo = Command::new(env!("CARGO_BIN_EXE_utklar"))
        .args(["demo", "--report", html.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(demo.status.success());
    assert!(
        String::from_utf8_lossy(&demo.stdout).contains(html.to_str().unwrap()),
        "the demo prints the path"
    );
    let page = fs::read_to_string(&html).unwrap();
    let charts = chart_check::charts_of(&page);
    assert_eq!(
        charts.len(),
        24,
        "12 municipalities of Kalmar län × 2 care types"
    );
    for c in &charts {
        chart_check::check_chart(c);
    }
    let url = format!("file://{}", html.display());

    let png = d.join("page.png");
    let log = run_chromium(
        &d,
        &[
            "--window-size=900,1270".into(),
            format!("--screenshot={}", png.display()),
            url.clone(),
        ],
    );
    assert!(page_errors(&log).is_empty(), "{:?}", page_errors(&log));
    let decoder = png::Decoder::new(std::io::BufReader::new(fs::File::open(&png).unwrap()));
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size()];
    let info = reader.next_frame(&mut buf).unwrap();
    assert_eq!((info.width, info.height), (900, 1270));
    let px = info.color_type.samples();
    let pixels: Vec<&[u8]> = buf[..info.buffer_size()].chunks(px).collect();
    let first = pixels[0];
    let differ = pixels.iter().filter(|p| p[..3] != first[..3]).count();
    assert!(
        differ > pixels.len() / 50,
        "the page is blank ({differ} pixels differ)"
    );
    // The indicator's red is drawn (the charts are on the first page).
    let red = pixels
        .iter()
        .filter(|p| p[0] > 150 && p[1] < 80 && p[2] < 80)
        .count();
    assert!(
        red > 100,
        "no indicator line on the first page ({red} red pixels)"
    );

    let pdf = d.join("page.pdf");
    let log = run_chromium(
        &d,
        &[
            "--no-pdf-header-footer".into(),
            format!("--print-to-pdf={}", pdf.display()),
            url,
        ],
    );
    assert!(page_errors(&log).is_empty(), "{:?}", page_errors(&log));
    let bytes = fs::read(&pdf).unwrap();
    assert!(bytes.starts_with(b"%PDF-"));
    let text = String::from_utf8_lossy(&bytes);
    let pages = text.matches("/Type /Page").count() - text.matches("/Type /Pages").count();
    assert!(pages >= 5, "one page at least per section: {pages} pages");
    assert!(
        bytes.len() > 20_000,
        "the PDF has the charts ({} bytes)",
        bytes.len()
    );
}
