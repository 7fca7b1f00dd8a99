//! The charts: one small multiple per municipality, drawn with `plotters`' SVG backend (text
//! is written as SVG `<text>`, measured by plotters with fixed ratios: no font file is read).

use plotters::prelude::*;
use plotters::style::RGBColor;
use utklar_core::Period;

use crate::lang::Lang;
use crate::model::IndicatorLine;

/// The colour of the indicator line (the agreement's threshold, or the county's mean), as the
/// SVG writes it.
pub const INDICATOR_COLOUR: &str = "#C62828";
/// The colour of the axes (both drawn in every chart).
pub const AXIS_COLOUR: &str = "#444444";
/// The colour of the municipality's line.
pub const MUNICIPALITY_COLOUR: &str = "#1F5FA8";
/// The colour of the county's line drawn beside a threshold.
pub const COUNTY_COLOUR: &str = "#8A8A8A";

const INDICATOR: RGBColor = RGBColor(0xC6, 0x28, 0x28);
const MUNICIPALITY: RGBColor = RGBColor(0x1F, 0x5F, 0xA8);
const AXIS: RGBColor = RGBColor(0x44, 0x44, 0x44);
const COUNTY: RGBColor = RGBColor(0x8A, 0x8A, 0x8A);

/// The size of a small multiple, in SVG units (scaled by the page's CSS).
pub const SIZE: (u32, u32) = (220, 150);

/// What one chart shows.
pub struct ChartSpec<'a> {
    /// The title (the municipality's name).
    pub title: &'a str,
    /// The municipality's means, aligned with `months`.
    pub values: &'a [Option<f64>],
    /// The county's means, aligned with `months`.
    pub county: &'a [Option<f64>],
    /// The indicator line.
    pub indicator: IndicatorLine,
    /// The months, oldest first.
    pub months: &'a [Period],
    /// The top of the y axis (shared by the small multiples of a care type).
    pub y_max: f64,
    /// Labels' language.
    pub lang: Lang,
}

/// Contiguous runs of present values as (x, y) points.
fn runs(values: &[Option<f64>]) -> Vec<Vec<(f64, f64)>> {
    let mut out: Vec<Vec<(f64, f64)>> = Vec::new();
    let mut cur = Vec::new();
    for (i, v) in values.iter().enumerate() {
        match v {
            Some(y) if y.is_finite() => cur.push((i as f64, *y)),
            _ => {
                if !cur.is_empty() {
                    out.push(std::mem::take(&mut cur));
                }
            }
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

/// The top of a y axis that holds every value and the threshold, with some room above.
pub fn y_max<'a>(values: impl IntoIterator<Item = &'a Option<f64>>, line: IndicatorLine) -> f64 {
    let mut top = match line {
        IndicatorLine::Threshold(t) => t,
        IndicatorLine::CountyMean => 0.0,
    };
    for v in values.into_iter().flatten() {
        if v.is_finite() && *v > top {
            top = *v;
        }
    }
    (top * 1.15).max(1.0)
}

/// Draws one small multiple as an SVG document.
pub fn small_multiple(spec: &ChartSpec<'_>) -> Result<String, String> {
    let mut svg = String::new();
    draw(spec, &mut svg)?;
    Ok(svg)
}

fn draw(spec: &ChartSpec<'_>, svg: &mut String) -> Result<(), String> {
    let lang = spec.lang;
    let months = spec.months;
    let last = months.len().saturating_sub(1).max(1) as f64;
    {
        let root = SVGBackend::with_string(svg, SIZE).into_drawing_area();
        root.fill(&WHITE).map_err(text)?;
        let mut chart = ChartBuilder::on(&root)
            .caption(spec.title, ("sans-serif", 15))
            .margin(5)
            .x_label_area_size(20)
            .y_label_area_size(30)
            .build_cartesian_2d(-0.3f64..last + 0.3, 0f64..spec.y_max)
            .map_err(text)?;
        let x_label = |x: &f64| {
            let i = x.round();
            if (x - i).abs() < 1e-9 && i >= 0.0 {
                months
                    .get(i as usize)
                    .map(|p| lang.month_short(*p))
                    .unwrap_or_default()
            } else {
                String::new()
            }
        };
        let y_label = |y: &f64| lang.number(*y, 1);
        chart
            .configure_mesh()
            .disable_x_mesh()
            .x_labels(4)
            .y_labels(4)
            .x_label_formatter(&x_label)
            .y_label_formatter(&y_label)
            .label_style(("sans-serif", 11))
            .max_light_lines(0)
            .bold_line_style(RGBColor(0xE0, 0xE0, 0xE0))
            .axis_style(AXIS)
            .draw()
            .map_err(text)?;
        match spec.indicator {
            IndicatorLine::Threshold(t) => {
                chart
                    .draw_series(LineSeries::new(
                        [(-0.3, t), (last + 0.3, t)],
                        INDICATOR.stroke_width(2),
                    ))
                    .map_err(text)?;
                for run in runs(spec.county) {
                    chart
                        .draw_series(LineSeries::new(run, COUNTY.stroke_width(1)))
                        .map_err(text)?;
                }
            }
            IndicatorLine::CountyMean => {
                for run in runs(spec.county) {
                    chart
                        .draw_series(LineSeries::new(run, INDICATOR.stroke_width(2)))
                        .map_err(text)?;
                }
            }
        }
        for run in runs(spec.values) {
            chart
                .draw_series(LineSeries::new(run.clone(), MUNICIPALITY.stroke_width(2)))
                .map_err(text)?;
            chart
                .draw_series(
                    run.into_iter()
                        .map(|p| Circle::new(p, 2, MUNICIPALITY.filled())),
                )
                .map_err(text)?;
        }
        root.present().map_err(text)?;
    }
    Ok(())
}

fn text(e: impl std::fmt::Display) -> String {
    e.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gaps_split_the_line_and_the_axis_holds_the_threshold() {
        let v = [
            Some(1.0),
            None,
            Some(2.0),
            Some(f64::NAN),
            Some(3.0),
            Some(4.0),
        ];
        assert_eq!(
            runs(&v),
            vec![
                vec![(0.0, 1.0)],
                vec![(2.0, 2.0)],
                vec![(4.0, 3.0), (5.0, 4.0)]
            ]
        );
        assert!(y_max(&[Some(0.2)], IndicatorLine::Threshold(3.0)) > 3.0);
        assert!(y_max(&[Some(5.0)], IndicatorLine::CountyMean) > 5.0);
        assert_eq!(y_max(&[None], IndicatorLine::CountyMean), 1.0);
    }

    #[test]
    fn a_chart_is_an_svg_with_its_title_and_lines() {
        let months: Vec<Period> = (1..=12).map(|m| Period::month(2024, m).unwrap()).collect();
        let values: Vec<Option<f64>> = (0..12)
            .map(|i| (i != 3).then_some(i as f64 / 10.0))
            .collect();
        let svg = small_multiple(&ChartSpec {
            title: "Kalmar",
            values: &values,
            county: &values,
            indicator: IndicatorLine::Threshold(0.8),
            months: &months,
            y_max: 1.5,
            lang: Lang::Sv,
        })
        .unwrap();
        assert!(svg.starts_with("<svg"));
        assert!(svg.contains(">\nKalmar\n</text>"));
        assert!(svg.contains(&format!("stroke=\"{INDICATOR_COLOUR}\"")));
        assert_eq!(
            svg.matches(&format!("stroke=\"{MUNICIPALITY_COLOUR}\""))
                .count(),
            2,
            "two runs"
        );
        assert!(svg.contains(">\njan\n</text>"));
    }
}
