//! Checks of the report's charts shared by the report and browser tests.

use utklar_report::{AXIS_COLOUR, INDICATOR_COLOUR};

/// The `<figure class="chart">` elements that hold an SVG.
pub fn charts_of(html: &str) -> Vec<&str> {
    html.split("<figure class=\"chart\"")
        .skip(1)
        .map(|s| &s[..s.find("</figure>").unwrap()])
        .collect()
}

/// A chart has its title as text, a vertical and a horizontal axis, tick labels and the
/// indicator line.
pub fn check_chart(c: &str) {
    let title = c
        .split("data-title=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap();
    assert!(c.contains(&format!(">\n{title}\n</text>")), "title {title}");
    let axes: Vec<&str> = c
        .split("<polyline")
        .filter(|p| p.contains(&format!("stroke=\"{AXIS_COLOUR}\"")))
        .collect();
    let long = |p: &&str| {
        let pts = p
            .split("points=\"")
            .nth(1)
            .unwrap()
            .split('"')
            .next()
            .unwrap();
        let xy: Vec<(i32, i32)> = pts
            .split_whitespace()
            .map(|q| {
                let (x, y) = q.split_once(',').unwrap();
                (x.parse().unwrap(), y.parse().unwrap())
            })
            .collect();
        (xy[0], xy[1])
    };
    let vertical = axes
        .iter()
        .map(long)
        .any(|(a, b)| a.0 == b.0 && (a.1 - b.1).abs() > 50);
    let horizontal = axes
        .iter()
        .map(long)
        .any(|(a, b)| a.1 == b.1 && (a.0 - b.0).abs() > 100);
    assert!(vertical && horizontal, "axes of {title}");
    assert!(c.matches("</text>").count() >= 4, "tick labels of {title}");
    assert!(
        c.contains(&format!("stroke=\"{INDICATOR_COLOUR}\"")),
        "indicator line of {title}"
    );
}
