//! `load-client sweep`: the same load for several client counts against several
//! servers, as a table and as a chart of requests per second against clients.
//!
//! The servers run already, each on its own port; the sweep measures them one
//! after the other, so they never compete for the machine.

use std::io::IsTerminal;
use std::path::PathBuf;

use indicatif::{ProgressBar, ProgressStyle};

use crate::{Workload, chart, load};

/// The flags of `load-client sweep`.
#[derive(clap::Args)]
pub struct SweepArgs {
    /// A server to measure, as NAME=PORT (on --ip); one --server for each
    #[arg(long = "server", value_name = "NAME=PORT", required = true, value_parser = parse_server)]
    servers: Vec<(String, u16)>,

    /// The servers' IP address (or localhost)
    #[arg(long, visible_alias = "host", default_value = "127.0.0.1")]
    ip: String,

    /// The numbers of clients at once to measure, separated by commas
    #[arg(long, value_name = "N,N,...", value_delimiter = ',', default_value = "1,2,4,8,16,32,64,128",
          value_parser = clap::value_parser!(u32).range(1..=10_000))]
    clients: Vec<u32>,

    /// Where to write the SVG chart
    #[arg(long, value_name = "FILE", default_value = "many-clients-sweep.svg")]
    out: PathBuf,

    #[command(flatten)]
    workload: Workload,
}

/// Runs the sweep, prints its table and writes its chart.
pub fn run(args: &SweepArgs) -> anyhow::Result<()> {
    // -- Every address is checked before anything is sent to any of them
    let mut plans = Vec::new();
    for (name, port) in &args.servers {
        let runs = args
            .clients
            .iter()
            .map(|&clients| args.workload.plan(&args.ip, *port, clients))
            .collect::<anyhow::Result<Vec<_>>>()?;
        plans.push((name, runs));
    }

    let mut series = Vec::new();
    println!(
        "{:<24} {:>8} {:>12} {:>10} {:>8}",
        "server", "clients", "requests/s", "p99 ms", "failed"
    );
    for (name, runs) in plans {
        let mut points = Vec::new();
        for plan in runs {
            let progress = progress_bar(&format!("{name}, {} clients", plan.clients));
            let summary = load::run(&plan, &progress)?;
            progress.finish_and_clear();
            println!(
                "{:<24} {:>8} {:>12.1} {:>10.2} {:>8}",
                name,
                plan.clients,
                summary.requests_per_sec(),
                summary.latency_ms(0.99),
                summary.failed()
            );
            points.push((plan.clients, summary.requests_per_sec()));
        }
        series.push((name.clone(), points));
    }

    let workload = match args.workload.plan(&args.ip, 0, u32::MAX) {
        Ok(plan) => crate::describe_wait(&plan),
        Err(_) => String::new(),
    };
    chart::draw(&args.out, &workload, &series)?;
    println!("Chart written to {}", args.out.display());
    Ok(())
}

/// A spinner with `what` on a terminal, nothing elsewhere.
fn progress_bar(what: &str) -> ProgressBar {
    if !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let style = crate::progress_style("{spinner} {msg}: {pos} requests, {rate}")
        .unwrap_or_else(ProgressStyle::default_spinner);
    let bar = ProgressBar::new_spinner().with_style(style);
    bar.set_message(what.to_string());
    bar
}

/// Reads `NAME=PORT`.
fn parse_server(text: &str) -> Result<(String, u16), String> {
    let (name, port) = text
        .rsplit_once('=')
        .ok_or_else(|| format!("'{text}' is not NAME=PORT, such as echo-server2=8081"))?;
    let port =
        lab_common::args::parse_server_port(port).map_err(|why| format!("{why} (in '{text}')"))?;
    if name.is_empty() {
        return Err(format!("'{text}' has no name before the '='"));
    }
    Ok((name.to_string(), port))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::parse_server;

    #[test]
    fn servers_are_name_equals_port() {
        assert_eq!(
            parse_server("echo-server2=8081").unwrap(),
            ("echo-server2".to_string(), 8081)
        );
        assert!(parse_server("echo-server2").is_err());
        assert!(parse_server("echo=port").is_err());
        assert!(parse_server("=8080").is_err());
        assert!(parse_server("echo=0").is_err());
    }
}
