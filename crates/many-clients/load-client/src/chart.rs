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

/// Draws `series` (a server's name and its points: clients, requests per second)
/// into the SVG file `path`; `workload` says what each client did.
pub fn draw(
    path: &Path,
    workload: &str,
    series: &[(String, Vec<(u32, f64)>)],
) -> anyhow::Result<()> {
    let points = series.iter().flat_map(|(_, points)| points);
    let most_clients = points.clone().map(|&(c, _)| c).max().unwrap_or(1);
    let fewest_clients = points.clone().map(|&(c, _)| c).min().unwrap_or(1);
    let best = points.map(|&(_, rps)| rps).fold(0.0, f64::max);

    let root = SVGBackend::new(path, (900, 540)).into_drawing_area();
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

    // -- Clients on a log scale (1, 2, 4, ... spread evenly), requests per second from 0
    let mut chart = ChartBuilder::on(&body)
        .margin(20)
        .x_label_area_size(45)
        .y_label_area_size(75)
        .build_cartesian_2d(
            (fewest_clients..most_clients.max(fewest_clients + 1)).log_scale(),
            0.0..(best * 1.1).max(1.0),
        )?;
    chart
        .configure_mesh()
        .x_desc("clients at once")
        .y_desc("requests per second")
        .x_label_formatter(&|clients| clients.to_string())
        .y_label_formatter(&|rps| format!("{rps:.0}"))
        .draw()?;

    for (i, (name, points)) in series.iter().enumerate() {
        let colour = COLOURS[i % COLOURS.len()];
        chart
            .draw_series(LineSeries::new(
                points.iter().copied(),
                colour.stroke_width(3),
            ))?
            .label(name.as_str())
            .legend(move |(x, y)| PathElement::new([(x, y), (x + 24, y)], colour.stroke_width(3)));
        chart.draw_series(
            points
                .iter()
                .map(|&point| Circle::new(point, 4, colour.filled())),
        )?;
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
