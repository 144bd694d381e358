//! The sweep's chart: requests per second against clients at once, one line per
//! server, as an SVG file.
//!
//! plotters draws it with only its SVG backend: text is written as SVG `<text>`
//! elements that the browser renders, so no font is loaded and no system library
//! (such as fontconfig) is needed, on any system.

use std::path::Path;

use plotters::prelude::*;

/// One colour per server, in order (and again from the start past the fifth).
const COLOURS: [RGBColor; 5] = [
    RGBColor(200, 40, 40),
    RGBColor(30, 100, 200),
    RGBColor(30, 150, 60),
    RGBColor(150, 60, 170),
    RGBColor(220, 130, 0),
];

/// How each server's points are marked, in order (and again from the start past
/// the fifth), so that lines on top of each other stay apart.
#[derive(Clone, Copy)]
enum Marker {
    Circle,
    Triangle,
    Square,
    Cross,
    Ring,
}

const MARKERS: [Marker; 5] = [
    Marker::Circle,
    Marker::Triangle,
    Marker::Square,
    Marker::Cross,
    Marker::Ring,
];

/// A marker's size, in pixels from its centre.
const SIZE: i32 = 6;

/// Draws `series` (a server's name and its points: clients, requests per second)
/// into the SVG file `path`; `workload` says what each client did.
///
/// Both axes are logarithmic, and say so: the client counts double from one
/// measure to the next, and requests per second range from a few to thousands, so
/// a server that grows from 3 to 400 shows its growth next to one at 10,000. Every
/// client count measured is labelled, and every point is inside the chart.
pub fn draw(
    path: &Path,
    workload: &str,
    series: &[(String, Vec<(u32, f64)>)],
) -> anyhow::Result<()> {
    let points = series.iter().flat_map(|(_, points)| points);
    let mut counts: Vec<u32> = points.clone().map(|&(c, _)| c).collect();
    counts.sort_unstable();
    counts.dedup();
    let fewest = f64::from(counts.first().copied().unwrap_or(1));
    let most = f64::from(counts.last().copied().unwrap_or(1));
    let best = points.clone().map(|&(_, rps)| rps).fold(1.0, f64::max);
    let worst = points
        .map(|&(_, rps)| rps)
        .filter(|&rps| rps > 0.0)
        .fold(best, f64::min);
    // -- Room around the points: none sits on the chart's edge
    let (low, high) = (worst / 2.0, best * 2.0);
    let rate_marks: Vec<f64> = (-1..=7)
        .flat_map(|power| [1.0, 3.0].map(|m| m * 10f64.powi(power)))
        .filter(|&mark| (low..=high).contains(&mark))
        .collect();

    let root = SVGBackend::new(path, (900, 560)).into_drawing_area();
    root.fill(&WHITE)?;
    let (title, body) = root.split_vertically(60);
    title.draw_text(
        "Requests per second against clients at once",
        &("sans-serif", 22).into_text_style(&title),
        (20, 10),
    )?;
    title.draw_text(
        workload,
        &("sans-serif", 15).into_text_style(&title),
        (20, 38),
    )?;

    let mut chart = ChartBuilder::on(&body)
        .margin(20)
        .x_label_area_size(50)
        .y_label_area_size(75)
        .build_cartesian_2d(
            (fewest / 1.5..most * 1.5)
                .log_scale()
                .with_key_points(counts.iter().map(|&c| f64::from(c)).collect()),
            (low..high).log_scale().with_key_points(rate_marks),
        )?;
    chart
        .configure_mesh()
        .x_desc("clients at once (log scale: each count measured is marked)")
        .y_desc("requests per second (log scale)")
        .x_label_formatter(&|clients| format!("{clients:.0}"))
        .y_label_formatter(&|rps| {
            if *rps < 1.0 {
                format!("{rps:.1}")
            } else {
                format!("{rps:.0}")
            }
        })
        .draw()?;

    for (i, (name, points)) in series.iter().enumerate() {
        let colour = COLOURS[i % COLOURS.len()];
        let shape = MARKERS[i % MARKERS.len()];
        let points: Vec<(f64, f64)> = points
            .iter()
            .map(|&(clients, rps)| (f64::from(clients), rps.max(low)))
            .collect();
        // -- Every other server dashed: a line under another one still shows
        let line = if i % 2 == 0 {
            chart.draw_series(LineSeries::new(points.clone(), colour.stroke_width(2)))?
        } else {
            chart.draw_series(DashedLineSeries::new(
                points.clone(),
                10,
                6,
                colour.stroke_width(2),
            ))?
        };
        let line = line.label(name.as_str());
        let key = move |(x, y)| {
            EmptyElement::at((x, y)) + PathElement::new([(0, 0), (24, 0)], colour.stroke_width(2))
        };
        // -- Then the points, each server with its own marker (also in the legend)
        let (fill, pen) = (colour.filled(), colour.stroke_width(2));
        match shape {
            Marker::Circle => {
                line.legend(move |at| key(at) + Circle::new((12, 0), SIZE, fill));
                chart.draw_series(points.iter().map(|&p| Circle::new(p, SIZE, fill)))?;
            }
            Marker::Triangle => {
                line.legend(move |at| key(at) + TriangleMarker::new((12, 0), SIZE + 2, fill));
                chart.draw_series(
                    points
                        .iter()
                        .map(|&p| TriangleMarker::new(p, SIZE + 2, fill)),
                )?;
            }
            Marker::Square => {
                let square = [(-SIZE, -SIZE), (SIZE, SIZE)];
                line.legend(move |at| {
                    key(at) + Rectangle::new([(12 - SIZE, -SIZE), (12 + SIZE, SIZE)], pen)
                });
                chart.draw_series(
                    points
                        .iter()
                        .map(|&p| EmptyElement::at(p) + Rectangle::new(square, pen)),
                )?;
            }
            Marker::Cross => {
                line.legend(move |at| key(at) + Cross::new((12, 0), SIZE, pen));
                chart.draw_series(points.iter().map(|&p| Cross::new(p, SIZE, pen)))?;
            }
            Marker::Ring => {
                line.legend(move |at| key(at) + Circle::new((12, 0), SIZE + 2, pen));
                chart.draw_series(points.iter().map(|&p| Circle::new(p, SIZE + 2, pen)))?;
            }
        }
    }
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::UpperLeft)
        .background_style(WHITE.mix(0.9))
        .border_style(BLACK)
        .label_font(("sans-serif", 15))
        .draw()?;
    root.present()?;
    Ok(())
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::draw;

    #[test]
    fn draws_an_svg_with_every_server_named() {
        let dir = std::env::temp_dir().join(format!("load-client-chart-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("chart.svg");
        let series = vec![
            (
                "one at a time".to_string(),
                vec![(1, 100.0), (2, 110.0), (4, 105.0)],
            ),
            (
                "threads".to_string(),
                vec![(1, 100.0), (2, 200.0), (4, 400.0)],
            ),
        ];
        draw(&path, "each waiting 10 ms", &series).unwrap();
        let svg = std::fs::read_to_string(&path).unwrap();
        std::fs::remove_dir_all(&dir).unwrap();
        assert!(svg.starts_with("<svg"), "{svg}");
        for text in [
            "one at a time",
            "threads",
            "each waiting 10 ms",
            "clients at once",
        ] {
            assert!(svg.contains(text), "{text} missing from the chart");
        }
    }
}
