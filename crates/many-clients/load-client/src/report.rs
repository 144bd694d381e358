//! What a run gives: requests per second, latency percentiles, failures by kind.
//!
//! Latencies go into an HDR histogram (hdrhistogram), which keeps every value to
//! 3 significant digits in a fixed, small amount of memory, so the percentiles are
//! exact enough however many requests there were.

use std::fmt::Write as _;
use std::io;
use std::time::Duration;

use hdrhistogram::Histogram;

/// Why a request failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Failure {
    /// Nothing listens there, or the queue is full (connection refused).
    Refused,
    /// The server reset or closed the connection in the middle of the request.
    Reset,
    /// No answer within the timeout: connecting, sending or reading.
    TimedOut,
    /// An answer, not the expected one.
    WrongReply {
        /// What was expected.
        expected: String,
        /// What came.
        got: String,
    },
    /// Anything else the system reported.
    Other(String),
}

impl From<io::Error> for Failure {
    fn from(error: io::Error) -> Self {
        use io::ErrorKind::*;
        match error.kind() {
            ConnectionRefused => Failure::Refused,
            ConnectionReset | ConnectionAborted | BrokenPipe | UnexpectedEof => Failure::Reset,
            TimedOut | WouldBlock => Failure::TimedOut,
            _ => Failure::Other(error.to_string()),
        }
    }
}

/// The kinds of failure, in the order the report lists them.
const KINDS: [&str; 5] = ["refused", "reset", "timed out", "wrong reply", "other"];

impl Failure {
    fn index(&self) -> usize {
        match self {
            Failure::Refused => 0,
            Failure::Reset => 1,
            Failure::TimedOut => 2,
            Failure::WrongReply { .. } => 3,
            Failure::Other(_) => 4,
        }
    }
}

/// The results of a run.
#[derive(Debug)]
pub struct Summary {
    /// Requests answered as expected.
    pub ok: u64,
    /// Failed requests, by kind (see [`KINDS`]).
    failed: [u64; 5],
    /// The first failure of each kind, to show what it was.
    first: [Option<Failure>; 5],
    /// Latencies of the requests answered, in microseconds.
    latencies: Histogram<u64>,
    /// How long the run took.
    pub elapsed: Duration,
}

impl Summary {
    /// Nothing yet.
    pub fn new() -> anyhow::Result<Summary> {
        // From 1 µs to an hour, 3 significant digits: a fixed ~200 KB, whatever the count.
        let latencies = Histogram::new_with_bounds(1, 3_600_000_000, 3)?;
        Ok(Summary::with(latencies))
    }

    fn with(latencies: Histogram<u64>) -> Summary {
        Summary {
            ok: 0,
            failed: [0; 5],
            first: Default::default(),
            latencies,
            elapsed: Duration::ZERO,
        }
    }

    /// A request answered as expected, after `latency`.
    pub fn record_ok(&mut self, latency: Duration) {
        self.ok += 1;
        let micros = u64::try_from(latency.as_micros()).unwrap_or(u64::MAX);
        self.latencies.saturating_record(micros.max(1));
    }

    /// A request that failed.
    pub fn record_failure(&mut self, failure: Failure) {
        let i = failure.index();
        self.failed[i] += 1;
        self.first[i].get_or_insert(failure);
    }

    /// How many requests failed, all kinds together.
    pub fn failed(&self) -> u64 {
        self.failed.iter().sum()
    }

    /// How many requests failed as `kind` did.
    #[cfg(test)]
    pub fn failures_of(&self, kind: &Failure) -> u64 {
        self.failed[kind.index()]
    }

    /// The first failure of the run, if any.
    pub fn first_failure(&self) -> Option<&Failure> {
        self.first.iter().flatten().next()
    }

    /// Requests answered per second.
    pub fn requests_per_sec(&self) -> f64 {
        let seconds = self.elapsed.as_secs_f64();
        if seconds > 0.0 {
            self.ok as f64 / seconds
        } else {
            0.0
        }
    }

    /// The latency below which `quantile` of the requests were answered, in milliseconds.
    pub fn latency_ms(&self, quantile: f64) -> f64 {
        if self.latencies.is_empty() {
            return 0.0;
        }
        self.latencies.value_at_quantile(quantile) as f64 / 1000.0
    }

    /// The longest latency, in milliseconds.
    pub fn max_ms(&self) -> f64 {
        self.latencies.max() as f64 / 1000.0
    }

    /// One JSON object with exactly the fields a script needs.
    pub fn json(&self) -> String {
        format!(
            "{{\"requests_per_sec\":{:.3},\"p50_ms\":{:.3},\"p90_ms\":{:.3},\"p99_ms\":{:.3},\
             \"max_ms\":{:.3},\"ok\":{},\"failed\":{}}}",
            self.requests_per_sec(),
            self.latency_ms(0.50),
            self.latency_ms(0.90),
            self.latency_ms(0.99),
            self.max_ms(),
            self.ok,
            self.failed()
        )
    }

    /// The report for a person, a few lines.
    pub fn text(&self) -> String {
        let mut text = String::new();
        let _ = writeln!(
            text,
            "requests per second: {:.1} ({} in {:.2} s)",
            self.requests_per_sec(),
            self.ok,
            self.elapsed.as_secs_f64()
        );
        let _ = writeln!(
            text,
            "latency: p50 {:.2} ms, p90 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
            self.latency_ms(0.50),
            self.latency_ms(0.90),
            self.latency_ms(0.99),
            self.max_ms()
        );
        let kinds: Vec<String> = KINDS
            .iter()
            .zip(self.failed)
            .map(|(kind, n)| format!("{kind} {n}"))
            .collect();
        let _ = writeln!(
            text,
            "ok: {}, failed: {} ({})",
            self.ok,
            self.failed(),
            kinds.join(", ")
        );
        for failure in self.first.iter().flatten() {
            match failure {
                Failure::WrongReply { expected, got } => {
                    let _ = writeln!(
                        text,
                        "first wrong reply: expected {expected:?}, got {:?}",
                        shorten(got)
                    );
                }
                Failure::Other(error) => {
                    let _ = writeln!(text, "first other failure: {error}");
                }
                _ => {}
            }
        }
        text
    }
}

/// At most 80 characters of `text`, to show a reply on one line.
fn shorten(text: &str) -> String {
    match text.char_indices().nth(80) {
        Some((cut, _)) => format!("{}...", &text[..cut]),
        None => text.to_string(),
    }
}

/// A rate as a person reads it: whole requests per second (`17328/s`), with a
/// decimal only below 10 (`2.5/s`).
pub fn rate(per_sec: f64) -> String {
    if per_sec < 10.0 {
        format!("{per_sec:.1}/s")
    } else {
        format!("{per_sec:.0}/s")
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_come_from_the_latencies() {
        let mut summary = Summary::new().unwrap();
        for ms in 1..=100 {
            summary.record_ok(Duration::from_millis(ms));
        }
        summary.elapsed = Duration::from_secs(2);
        assert_eq!(summary.requests_per_sec(), 50.0);
        assert!((summary.latency_ms(0.5) - 50.0).abs() < 0.1);
        assert!((summary.latency_ms(0.9) - 90.0).abs() < 0.1);
        assert!((summary.max_ms() - 100.0).abs() < 0.1);
    }

    #[test]
    fn json_has_exactly_the_fields() {
        let mut summary = Summary::new().unwrap();
        summary.record_ok(Duration::from_millis(2));
        summary.record_failure(Failure::Refused);
        summary.elapsed = Duration::from_secs(1);
        assert_eq!(
            summary.json(),
            "{\"requests_per_sec\":1.000,\"p50_ms\":2.000,\"p90_ms\":2.000,\"p99_ms\":2.000,\
             \"max_ms\":2.000,\"ok\":1,\"failed\":1}"
        );
    }

    #[test]
    fn failures_are_counted_by_kind() {
        let mut a = Summary::new().unwrap();
        a.record_ok(Duration::from_millis(1));
        a.record_failure(Failure::TimedOut);
        a.record_failure(Failure::Reset);
        a.record_failure(Failure::WrongReply {
            expected: "ECHO: x\n".into(),
            got: "no".into(),
        });
        assert_eq!((a.ok, a.failed()), (1, 3));
        let text = a.text();
        assert!(
            text.contains("failed: 3 (refused 0, reset 1, timed out 1, wrong reply 1, other 0)"),
            "{text}"
        );
        assert!(
            text.contains("first wrong reply: expected \"ECHO: x\\n\", got \"no\""),
            "{text}"
        );
    }

    #[test]
    fn io_errors_are_sorted_into_kinds() {
        use io::ErrorKind::*;
        for (kind, failure) in [
            (ConnectionRefused, Failure::Refused),
            (ConnectionReset, Failure::Reset),
            (BrokenPipe, Failure::Reset),
            (WouldBlock, Failure::TimedOut),
            (TimedOut, Failure::TimedOut),
        ] {
            assert_eq!(Failure::from(io::Error::from(kind)), failure);
        }
    }

    #[test]
    fn a_rate_shows_no_more_digits_than_a_person_reads() {
        assert_eq!(super::rate(17_328.058_3), "17328/s");
        assert_eq!(super::rate(2.54), "2.5/s");
        assert_eq!(super::rate(0.0), "0.0/s");
    }
}
