//! Points: what a grading is worth, for a gradebook.
//!
//! An instructor gives each kind of stage its points (`--points
//! lesson=70,robustness=30,conventions=0`, the default, or a file holding the
//! same); a kind's points are shared equally among its stages that count (a
//! stage skipped for lack of `--flags` or signals does not), so a program earns
//! `points × passed / total` of each kind. A kind with no stage that counts adds
//! nothing to the maximum.

use std::fmt;
use std::path::Path;

use serde_json::json;

use crate::report::Report;
use crate::stage::StageKind;

/// The points each kind of stage is worth, in the order of [`StageKind::ALL`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Points([f64; 3]);

impl Default for Points {
    /// `lesson=70,robustness=30,conventions=0`.
    fn default() -> Points {
        Points([70.0, 30.0, 0.0])
    }
}

impl Points {
    /// The points of `kind`.
    pub fn of(&self, kind: StageKind) -> f64 {
        self.0[index(kind)]
    }

    /// Parses `lesson=70,robustness=30,conventions=0` (commas or new lines
    /// between the parts, `#` starts a comment); a kind left out is worth 0.
    pub fn parse(text: &str) -> Result<Points, String> {
        let mut points = [0.0; 3];
        let mut seen = [false; 3];
        let parts = text
            .lines()
            .map(|line| line.split('#').next().unwrap_or(""))
            .flat_map(|line| line.split(','))
            .map(str::trim)
            .filter(|part| !part.is_empty());
        for part in parts {
            let (name, value) = part
                .split_once('=')
                .ok_or_else(|| format!("{part:?}: write KIND=POINTS, e.g. lesson=70"))?;
            let kind = StageKind::from_name(name.trim()).ok_or_else(|| {
                format!(
                    "{:?} is not a kind: lesson, robustness or conventions",
                    name.trim()
                )
            })?;
            let value: f64 = value
                .trim()
                .parse()
                .map_err(|_| format!("{part:?}: the points must be a number"))?;
            if !value.is_finite() || value < 0.0 {
                return Err(format!("{part:?}: the points must be 0 or more"));
            }
            if std::mem::replace(&mut seen[index(kind)], true) {
                return Err(format!("{name} is given twice"));
            }
            points[index(kind)] = value;
        }
        if !seen.contains(&true) {
            return Err("no points given: write e.g. lesson=70,robustness=30".into());
        }
        Ok(Points(points))
    }

    /// What `--points` accepts: the points themselves, or the name of a file
    /// holding them.
    pub fn from_arg(arg: &str) -> Result<Points, String> {
        if arg.contains('=') {
            return Points::parse(arg);
        }
        let text = std::fs::read_to_string(Path::new(arg))
            .map_err(|e| format!("cannot read the points file {arg:?}: {e}"))?;
        Points::parse(&text).map_err(|e| format!("{arg}: {e}"))
    }

    /// The kinds worth any points.
    pub fn kinds_with_points(&self) -> Vec<StageKind> {
        StageKind::ALL
            .into_iter()
            .filter(|&k| self.of(k) > 0.0)
            .collect()
    }
}

impl fmt::Display for Points {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let parts: Vec<String> = StageKind::ALL
            .iter()
            .map(|&k| format!("{k}={}", number(self.of(k))))
            .collect();
        f.write_str(&parts.join(","))
    }
}

fn index(kind: StageKind) -> usize {
    match kind {
        StageKind::Lesson => 0,
        StageKind::Robustness => 1,
        StageKind::Conventions => 2,
    }
}

/// One kind's share of a score.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct KindScore {
    /// The kind.
    pub kind: StageKind,
    /// Its stages that passed.
    pub passed: usize,
    /// Its stages that counted.
    pub total: usize,
    /// The points earned.
    pub earned: f64,
    /// The most it can earn: its points, or 0 when none of its stages counted.
    pub max: f64,
}

/// A grading's points.
#[derive(Debug, Clone, PartialEq)]
pub struct Score {
    /// One part per kind, in the order of [`StageKind::ALL`].
    pub kinds: Vec<KindScore>,
}

impl Score {
    /// The points `report` earns.
    pub fn of(report: &Report, points: &Points) -> Score {
        let kinds = StageKind::ALL
            .into_iter()
            .map(|kind| {
                let tally = report.tally(kind);
                let max = if tally.total == 0 {
                    0.0
                } else {
                    points.of(kind)
                };
                let earned = if tally.total == 0 {
                    0.0
                } else {
                    max * tally.passed as f64 / tally.total as f64
                };
                KindScore {
                    kind,
                    passed: tally.passed,
                    total: tally.total,
                    earned,
                    max,
                }
            })
            .collect();
        Score { kinds }
    }

    /// Points earned in all.
    pub fn earned(&self) -> f64 {
        self.kinds.iter().map(|k| k.earned).sum()
    }

    /// The most it could earn.
    pub fn max(&self) -> f64 {
        self.kinds.iter().map(|k| k.max).sum()
    }

    /// The text report's points line: `points 79/100 (lesson 70/70 ·
    /// robustness 9/30)` (a kind worth nothing is left out).
    pub fn line(&self) -> String {
        let parts: Vec<String> = self
            .kinds
            .iter()
            .filter(|k| k.max > 0.0)
            .map(|k| format!("{} {}/{}", k.kind, number(k.earned), number(k.max)))
            .collect();
        format!(
            "points {}/{} ({})",
            number(self.earned()),
            number(self.max()),
            parts.join(" · ")
        )
    }

    /// As JSON: `{"earned", "max", "kinds": {"lesson": {"earned", "max",
    /// "passed", "total"}, ...}}`, the points rounded to hundredths.
    pub fn json(&self) -> serde_json::Value {
        let mut kinds = serde_json::Map::new();
        for k in &self.kinds {
            kinds.insert(
                k.kind.name().into(),
                json!({
                    "earned": round(k.earned),
                    "max": round(k.max),
                    "passed": k.passed,
                    "total": k.total,
                }),
            );
        }
        json!({
            "earned": round(self.earned()),
            "max": round(self.max()),
            "kinds": kinds,
        })
    }
}

/// A text report with `line` (a [`Score::line`]) put just before its last two
/// lines (the totals per kind and the verdict), which stay the report's end.
pub fn insert_before_totals(report: &str, line: &str) -> String {
    let body = report.strip_suffix('\n').unwrap_or(report);
    let mut ends = body.rmatch_indices('\n').map(|(i, _)| i);
    match (ends.next(), ends.next()) {
        (Some(_), Some(at)) => format!("{}\n{line}{}\n", &body[..at], &body[at..]),
        _ => format!("{line}\n{report}"),
    }
}

/// `x` rounded to hundredths.
pub fn round(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

/// A number of points as people write it: `70`, `11.67`.
pub fn number(x: f64) -> String {
    let text = format!("{:.2}", round(x));
    text.trim_end_matches('0').trim_end_matches('.').to_string()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use super::*;
    use crate::report::StageResult;
    use crate::stage::{Failure, Outcome};

    fn report(outcomes: Vec<(StageKind, Outcome)>) -> Report {
        Report {
            program: "echo-server2".into(),
            command: "python3 x.py".into(),
            stages: outcomes
                .into_iter()
                .map(|(kind, outcome)| StageResult {
                    id: "s",
                    checks: "c",
                    kind,
                    outcome,
                })
                .collect(),
            required: Vec::new(),
        }
    }

    fn failed() -> Outcome {
        Outcome::Failed(Box::new(Failure::new("a", "b", "c", "d")))
    }

    #[test]
    fn the_default_is_seventy_thirty_nothing() {
        let points = Points::default();
        assert_eq!(points.to_string(), "lesson=70,robustness=30,conventions=0");
        assert_eq!(Points::parse(&points.to_string()).unwrap(), points);
    }

    #[test]
    fn points_parse_from_a_list_or_lines_with_comments() {
        let points = Points::parse("lesson=60\n# the rest\nrobustness = 25, conventions=15\n");
        assert_eq!(points.unwrap(), Points([60.0, 25.0, 15.0]));
        assert_eq!(
            Points::parse("lesson=100").unwrap(),
            Points([100.0, 0.0, 0.0])
        );
        assert_eq!(
            Points::parse("lesson=100").unwrap().kinds_with_points(),
            vec![StageKind::Lesson]
        );
    }

    #[test]
    fn bad_points_say_what_is_wrong() {
        assert!(
            Points::parse("lessons=3")
                .unwrap_err()
                .contains("not a kind")
        );
        assert!(Points::parse("lesson=x").unwrap_err().contains("number"));
        assert!(
            Points::parse("lesson=-1")
                .unwrap_err()
                .contains("0 or more")
        );
        assert!(Points::parse("lesson").unwrap_err().contains("KIND=POINTS"));
        assert!(
            Points::parse("lesson=1,lesson=2")
                .unwrap_err()
                .contains("twice")
        );
        assert!(Points::parse("").unwrap_err().contains("no points"));
        assert!(
            Points::from_arg("/no/such/file")
                .unwrap_err()
                .contains("cannot read")
        );
    }

    #[test]
    fn a_file_of_points_is_read() {
        let file = std::env::temp_dir().join(format!("lab-grade-points-{}", std::process::id()));
        std::fs::write(&file, "lesson=50\nrobustness=50\n").unwrap();
        let points = Points::from_arg(file.to_str().unwrap()).unwrap();
        let _ = std::fs::remove_file(&file);
        assert_eq!(points, Points([50.0, 50.0, 0.0]));
    }

    #[test]
    fn a_kind_s_points_are_shared_equally_among_its_stages_that_count() {
        let report = report(vec![
            (StageKind::Lesson, Outcome::Passed),
            (StageKind::Lesson, Outcome::Passed),
            (StageKind::Lesson, failed()),
            (StageKind::Robustness, Outcome::Passed),
            (StageKind::Robustness, Outcome::NotRun("x".into())),
            (StageKind::Robustness, Outcome::Skipped("flags".into())),
            (StageKind::Conventions, Outcome::Skipped("flags".into())),
        ]);
        let score = Score::of(&report, &Points::default());
        assert_eq!(score.kinds[0].earned, 70.0 * 2.0 / 3.0);
        assert_eq!(score.kinds[1].earned, 15.0, "half of the two that count");
        assert_eq!(score.kinds[2].max, 0.0, "no stage counted");
        assert_eq!(score.max(), 100.0);
        assert_eq!(number(score.earned()), "61.67");
        assert_eq!(
            score.line(),
            "points 61.67/100 (lesson 46.67/70 · robustness 15/30)"
        );
        let value = score.json();
        assert_eq!(value["earned"], 61.67);
        assert_eq!(value["kinds"]["lesson"]["passed"], 2);
        assert_eq!(value["kinds"]["lesson"]["total"], 3);
        assert_eq!(value["kinds"]["robustness"]["max"], 30.0);
    }

    #[test]
    fn a_kind_without_stages_adds_nothing_to_the_maximum() {
        let report = report(vec![(StageKind::Lesson, Outcome::Passed)]);
        let score = Score::of(&report, &Points::default());
        assert_eq!((score.earned(), score.max()), (70.0, 70.0));
    }

    #[test]
    fn the_points_line_goes_before_the_totals_and_the_verdict() {
        let report = "Grading x\n  PASS a\nlesson 1/1\nPASS: yes.\n";
        assert_eq!(
            insert_before_totals(report, "points 70/100"),
            "Grading x\n  PASS a\npoints 70/100\nlesson 1/1\nPASS: yes.\n"
        );
        assert_eq!(insert_before_totals("PASS\n", "p"), "p\nPASS\n");
    }

    #[test]
    fn numbers_are_written_without_needless_decimals() {
        assert_eq!(number(70.0), "70");
        assert_eq!(number(2.5), "2.5");
        assert_eq!(number(100.0 / 3.0), "33.33");
        assert_eq!(number(0.0), "0");
    }
}
