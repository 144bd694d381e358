//! A class's gradings as a teacher uses them: `gradebook.csv` for a
//! spreadsheet or an LMS, and `report.html`, one self-contained page (no
//! network, one small inline script to sort): the stages that failed most
//! across the class, then the class as a student × program grid coloured by
//! verdict, each cell opening that grading's whole report.
//!
//! Both are made from the gradings' `--json` reports (with their points), so
//! `lab-grade merge` makes the same files from shards' folders as `lab-grade
//! class` does from its own gradings.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use serde_json::Value;

use crate::points::{number, round};
use crate::stage::StageKind;

/// A class's gradings, by student and program.
#[derive(Debug, Clone)]
pub struct Book {
    /// The programs, in the gradebook's column order.
    pub programs: Vec<String>,
    /// The students, in name order.
    pub students: Vec<String>,
    cells: BTreeMap<(String, String), Value>,
}

/// A stage that failed for many students.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Common {
    /// The program.
    pub program: String,
    /// The stage.
    pub stage: String,
    /// Its kind.
    pub kind: String,
    /// How many students' programs failed it.
    pub failed: usize,
    /// Of how many that ran it.
    pub of: usize,
}

impl Book {
    /// The book of `gradings` (each with its `student` and `program`).
    pub fn new(programs: Vec<String>, gradings: Vec<Value>) -> Book {
        let mut cells = BTreeMap::new();
        for grading in gradings {
            let student = text_of(&grading, "student");
            let program = text_of(&grading, "program");
            cells.insert((student, program), grading);
        }
        let mut students: Vec<String> = cells.keys().map(|(s, _)| s.clone()).collect();
        students.dedup();
        Book {
            programs,
            students,
            cells,
        }
    }

    /// The grading of `student`'s `program`, if there is one.
    pub fn cell(&self, student: &str, program: &str) -> Option<&Value> {
        self.cells.get(&(student.to_string(), program.to_string()))
    }

    /// The most `program` is worth: the highest maximum among its gradings.
    pub fn program_max(&self, program: &str) -> f64 {
        self.cells
            .iter()
            .filter(|((_, p), _)| p == program)
            .filter_map(|(_, g)| g["points"]["max"].as_f64())
            .fold(0.0, f64::max)
    }

    /// `student`'s points in all, and the most they could be.
    pub fn total(&self, student: &str) -> (f64, f64) {
        let earned = self
            .programs
            .iter()
            .filter_map(|p| self.cell(student, p))
            .filter_map(|g| g["points"]["earned"].as_f64())
            .sum::<f64>();
        let max = self
            .programs
            .iter()
            .map(|p| self.program_max(p))
            .sum::<f64>();
        (round(earned), round(max))
    }

    /// The gradebook: a header row, then one row per student: for each
    /// program its points and `passed/total` per kind, then the total points and
    /// the maximum.
    pub fn csv(&self) -> String {
        let mut header = vec!["student".to_string()];
        for program in &self.programs {
            header.push(format!("{program} points"));
            for kind in StageKind::ALL {
                header.push(format!("{program} {kind}"));
            }
        }
        header.push("total".into());
        header.push("max".into());
        let mut out = csv_row(&header);
        for student in &self.students {
            let mut row = vec![student.clone()];
            for program in &self.programs {
                match self.cell(student, program) {
                    Some(g) => {
                        row.push(number(g["points"]["earned"].as_f64().unwrap_or(0.0)));
                        for kind in StageKind::ALL {
                            row.push(tally(g, kind));
                        }
                    }
                    None => row.extend(std::iter::repeat_n(String::new(), 4)),
                }
            }
            let (earned, max) = self.total(student);
            row.push(number(earned));
            row.push(number(max));
            out.push_str(&csv_row(&row));
        }
        out
    }

    /// The stages that failed for the most students, most first (those no
    /// student failed are left out).
    pub fn failing_most(&self) -> Vec<Common> {
        let mut counts: BTreeMap<(String, String), Common> = BTreeMap::new();
        for ((_, program), grading) in &self.cells {
            // A program that could not start (or whose grading was given up) is
            // counted apart, not as a failure of every stage.
            if grading["status"] == "error" {
                continue;
            }
            for stage in grading["stages"].as_array().into_iter().flatten() {
                let result = stage["result"].as_str().unwrap_or_default();
                if result != "passed" && result != "failed" {
                    continue;
                }
                let id = text_of(stage, "id");
                let common = counts
                    .entry((program.clone(), id.clone()))
                    .or_insert_with(|| Common {
                        program: program.clone(),
                        stage: id,
                        kind: text_of(stage, "kind"),
                        failed: 0,
                        of: 0,
                    });
                common.of += 1;
                common.failed += usize::from(result == "failed");
            }
        }
        let mut list: Vec<Common> = counts.into_values().filter(|c| c.failed > 0).collect();
        list.sort_by(|a, b| {
            b.failed
                .cmp(&a.failed)
                .then(a.program.cmp(&b.program))
                .then(a.stage.cmp(&b.stage))
        });
        list
    }

    /// The class report: one self-contained HTML page.
    pub fn html(&self) -> String {
        let mut out = String::new();
        out.push_str(concat!(
            "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n",
            "<title>Class report</title>\n<style>\n",
            "body{font-family:system-ui,sans-serif;margin:1.5em;color:#222}\n",
            "table{border-collapse:collapse}\n",
            "th,td{border:1px solid #bbb;padding:.3em .5em;vertical-align:top;text-align:left}\n",
            "th[data-sort]{cursor:pointer;background:#eee}\n",
            "th[data-sort]:hover{background:#ddd}\n",
            "td.pass{background:#c8e6c9}td.fail{background:#ffcdd2}",
            "td.error{background:#ffe0b2}td.none{background:#eee}\n",
            "td.num{text-align:right;white-space:nowrap}\n",
            "summary{cursor:pointer;white-space:nowrap}\n",
            "pre{white-space:pre-wrap;max-width:90ch;font-size:.85em;background:#fff;",
            "border:1px solid #999;padding:.5em}\n",
            ".legend span{padding:0 .5em;margin-right:.5em}\n",
            "</style>\n</head>\n<body>\n<h1>Class report</h1>\n",
        ));
        let programs = self.programs.join(", ");
        let _ = writeln!(
            out,
            "<p>{} students × {} programs ({}).</p>",
            self.students.len(),
            self.programs.len(),
            escape(&programs)
        );
        out.push_str("<h2>What failed most</h2>\n");
        let common = self.failing_most();
        if common.is_empty() {
            out.push_str("<p>No stage failed.</p>\n");
        } else {
            out.push_str("<ol id=\"failing\">\n");
            for c in common.iter().take(12) {
                let _ = writeln!(
                    out,
                    "<li>{} · <b>{}</b> ({}): {} of {} students</li>",
                    escape(&c.program),
                    escape(&c.stage),
                    escape(&c.kind),
                    c.failed,
                    c.of
                );
            }
            out.push_str("</ol>\n");
        }
        for program in &self.programs {
            let errors = self
                .students
                .iter()
                .filter(|s| {
                    self.cell(s, program)
                        .is_some_and(|g| g["status"] == "error")
                })
                .count();
            if errors > 0 {
                let _ = writeln!(
                    out,
                    "<p>{}: {errors} of {} students' programs could not be graded (missing, could not start, or given up).</p>",
                    escape(program),
                    self.students.len()
                );
            }
        }
        out.push_str(concat!(
            "<h2>The class</h2>\n<p class=\"legend\">",
            "<span class=\"pass\" style=\"background:#c8e6c9\">pass</span>",
            "<span style=\"background:#ffcdd2\">fail</span>",
            "<span style=\"background:#ffe0b2\">error: missing, could not start, or given up</span>",
            " Click a cell to open its report; click a heading to sort.</p>\n",
            "<table id=\"grid\">\n<thead><tr><th data-sort=\"text\">Student</th>",
        ));
        for program in &self.programs {
            let _ = write!(
                out,
                "<th data-sort=\"number\">{} <small>/{}</small></th>",
                escape(program),
                number(self.program_max(program))
            );
        }
        out.push_str("<th data-sort=\"number\">Total</th></tr></thead>\n<tbody>\n");
        for student in &self.students {
            let _ = write!(
                out,
                "<tr data-student=\"{0}\"><td data-value=\"{0}\">{0}</td>",
                escape(student)
            );
            for program in &self.programs {
                match self.cell(student, program) {
                    Some(g) => {
                        let status = match g["status"].as_str() {
                            Some("pass") => "pass",
                            Some("fail") => "fail",
                            _ => "error",
                        };
                        let earned = g["points"]["earned"].as_f64().unwrap_or(0.0);
                        let max = g["points"]["max"].as_f64().unwrap_or(0.0);
                        let _ = write!(
                            out,
                            "<td class=\"{status}\" data-program=\"{}\" data-value=\"{}\"><details><summary>{} {}/{}</summary><pre>{}</pre></details></td>",
                            escape(program),
                            number(earned),
                            status.to_uppercase(),
                            number(earned),
                            number(max),
                            escape(&report_text(g))
                        );
                    }
                    None => {
                        let _ = write!(
                            out,
                            "<td class=\"none\" data-program=\"{}\" data-value=\"0\">not graded</td>",
                            escape(program)
                        );
                    }
                }
            }
            let (earned, max) = self.total(student);
            let _ = writeln!(
                out,
                "<td class=\"num\" data-value=\"{0}\">{0}/{1}</td></tr>",
                number(earned),
                number(max)
            );
        }
        out.push_str("</tbody>\n</table>\n");
        out.push_str(SORT_SCRIPT);
        out.push_str("</body>\n</html>\n");
        out
    }
}

/// Sorts the grid by the clicked column (again: the other way), by each
/// cell's `data-value`.
const SORT_SCRIPT: &str = r##"<script>
document.querySelectorAll("#grid th[data-sort]").forEach(function (th, column) {
  var ascending = false;
  th.addEventListener("click", function () {
    ascending = !ascending;
    var numeric = th.dataset.sort === "number";
    var body = document.querySelector("#grid tbody");
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (a, b) {
      var x = a.cells[column].dataset.value, y = b.cells[column].dataset.value;
      var order = numeric ? parseFloat(x) - parseFloat(y) : x.localeCompare(y);
      return ascending ? order : -order;
    });
    rows.forEach(function (row) { body.appendChild(row); });
  });
});
</script>
"##;

/// A grading's whole report as text, from its JSON: each stage, its kind and,
/// for a failure, what was sent, expected and got; the totals, the verdict and
/// the points.
pub fn report_text(grading: &Value) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "Grading {}: {}",
        text_of(grading, "program"),
        text_of(grading, "command")
    );
    let stages = grading["stages"].as_array().cloned().unwrap_or_default();
    let width = stages
        .iter()
        .map(|s| text_of(s, "id").len())
        .max()
        .unwrap_or(0);
    for stage in &stages {
        let required = stage["required"].as_bool().unwrap_or(true);
        let mark = match stage["result"].as_str() {
            Some("passed") => "PASS",
            Some("failed") if required => "FAIL",
            Some("failed") => "MISS",
            Some("skipped") => "SKIP",
            _ => "----",
        };
        let reason = stage["reason"]
            .as_str()
            .map(|r| format!(" ({r})"))
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "  {mark} {:width$}  {:11}  {}{reason}",
            text_of(stage, "id"),
            text_of(stage, "kind"),
            text_of(stage, "checks"),
        );
        if let Some(text) = stage["failure"]["text"].as_str() {
            for line in text.lines() {
                let _ = writeln!(out, "       {line}");
            }
        }
    }
    let kinds: Vec<String> = StageKind::ALL
        .iter()
        .filter_map(|k| {
            let t = &grading["kinds"][k.name()];
            let total = t["total"].as_u64().unwrap_or(0);
            (total > 0).then(|| format!("{k} {}/{total}", t["passed"].as_u64().unwrap_or(0)))
        })
        .collect();
    let _ = writeln!(out, "{}", kinds.join(" · "));
    let _ = writeln!(out, "{}", text_of(grading, "verdict"));
    let points = &grading["points"];
    let _ = writeln!(
        out,
        "points {}/{}",
        number(points["earned"].as_f64().unwrap_or(0.0)),
        number(points["max"].as_f64().unwrap_or(0.0))
    );
    out
}

/// `passed/total` of `kind` in a grading.
fn tally(grading: &Value, kind: StageKind) -> String {
    let t = &grading["points"]["kinds"][kind.name()];
    format!(
        "{}/{}",
        t["passed"].as_u64().unwrap_or(0),
        t["total"].as_u64().unwrap_or(0)
    )
}

fn text_of(value: &Value, key: &str) -> String {
    value[key].as_str().unwrap_or_default().to_string()
}

/// One CSV row (RFC 4180): a field with a comma, a quote or a line break is
/// quoted, its quotes doubled; a field a spreadsheet would take for a formula
/// (`=`, `+`, `-`, `@` first, and not a number) gets a `'` before it.
pub fn csv_row(fields: &[String]) -> String {
    let fields: Vec<String> = fields
        .iter()
        .map(|field| {
            let formula = field.starts_with(['=', '+', '-', '@']) && field.parse::<f64>().is_err();
            let field = if formula {
                format!("'{field}")
            } else {
                field.clone()
            };
            if field.contains([',', '"', '\n', '\r']) {
                format!("\"{}\"", field.replace('"', "\"\""))
            } else {
                field
            }
        })
        .collect();
    format!("{}\r\n", fields.join(","))
}

/// `text` safe inside HTML text and attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            // A control character (a student's program printed it) is shown, not kept.
            c if c.is_control() && c != '\n' && c != '\t' => {
                let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use super::*;
    use serde_json::json;

    fn grading(student: &str, program: &str, status: &str, earned: f64, failed: &[&str]) -> Value {
        let stages: Vec<Value> = ["replies", "invalid_utf8"]
            .iter()
            .map(|id| {
                let kind = if *id == "replies" {
                    "lesson"
                } else {
                    "robustness"
                };
                if failed.contains(id) {
                    json!({"id": id, "kind": kind, "checks": "c", "required": kind == "lesson",
                           "result": "failed", "failure": {"text": "     sent: <hi>\n"}})
                } else {
                    json!({"id": id, "kind": kind, "checks": "c", "required": kind == "lesson",
                           "result": "passed"})
                }
            })
            .collect();
        json!({
            "student": student, "program": program, "status": status,
            "command": "python3 x.py", "verdict": format!("{status}!"),
            "kinds": {"lesson": {"passed": 1, "total": 1}},
            "stages": stages,
            "points": {"earned": earned, "max": 100.0, "kinds": {
                "lesson": {"passed": 1, "total": 1}, "robustness": {"passed": 0, "total": 1},
                "conventions": {"passed": 0, "total": 0}}},
        })
    }

    fn book() -> Book {
        Book::new(
            vec!["echo-server2".into(), "happy-server".into()],
            vec![
                grading("bob", "echo-server2", "pass", 70.0, &["invalid_utf8"]),
                grading("ann", "echo-server2", "fail", 30.0, &["replies"]),
                grading("ann", "happy-server", "pass", 100.0, &[]),
                grading("bob", "happy-server", "error", 0.0, &["invalid_utf8"]),
            ],
        )
    }

    #[test]
    fn the_gradebook_has_a_row_per_student_with_points_and_tallies() {
        let csv = book().csv();
        let rows: Vec<&str> = csv.split("\r\n").collect();
        assert_eq!(
            rows[0],
            "student,echo-server2 points,echo-server2 lesson,echo-server2 robustness,echo-server2 conventions,\
             happy-server points,happy-server lesson,happy-server robustness,happy-server conventions,total,max"
        );
        assert_eq!(rows[1], "ann,30,1/1,0/1,0/0,100,1/1,0/1,0/0,130,200");
        assert_eq!(rows[2], "bob,70,1/1,0/1,0/0,0,1/1,0/1,0/0,70,200");
        assert_eq!(rows.len(), 4, "and the last line ends");
    }

    #[test]
    fn csv_fields_are_quoted_and_formulas_defused() {
        let row = csv_row(&[
            "a,b".into(),
            "say \"hi\"".into(),
            "=1+1".into(),
            "-3".into(),
        ]);
        assert_eq!(row, "\"a,b\",\"say \"\"hi\"\"\",'=1+1,-3\r\n");
    }

    #[test]
    fn the_stages_failing_most_come_first_with_their_counts() {
        let common = book().failing_most();
        assert_eq!(common[0].stage, "invalid_utf8");
        assert_eq!(common[0].program, "echo-server2");
        assert_eq!((common[0].failed, common[0].of), (1, 2));
        // bob's happy server could not start: not counted as failing its stages.
        assert_eq!(common.len(), 2);
    }

    #[test]
    fn the_page_is_self_contained_and_escapes_what_students_wrote() {
        let html = book().html();
        assert!(html.starts_with("<!DOCTYPE html>"));
        assert!(!html.contains("http://") && !html.contains("https://"));
        assert!(!html.contains("<link") && !html.contains(" src="));
        assert!(html.contains("sent: &lt;hi&gt;"), "escaped");
        assert!(
            html.contains(
                "<li>echo-server2 · <b>invalid_utf8</b> (robustness): 1 of 2 students</li>"
            )
        );
        assert!(
            html.contains("<td class=\"error\" data-program=\"happy-server\" data-value=\"0\">")
        );
        assert!(html.contains("<summary>FAIL 30/100</summary>"));
        assert!(html.contains("data-value=\"130\">130/200</td>"));
        assert!(html.contains("happy-server: 1 of 2 students' programs could not be graded"));
        assert_eq!(html.matches("<details>").count(), 4);
        assert_eq!(html.matches("</details>").count(), 4);
    }

    #[test]
    fn escape_keeps_markup_and_controls_out() {
        assert_eq!(
            escape("<a href='x'>&\"\u{1b}"),
            "&lt;a href=&#39;x&#39;&gt;&amp;&quot;\\u{1b}"
        );
    }

    #[test]
    fn the_report_text_has_every_stage_and_the_points() {
        let text = report_text(&grading("ann", "echo-server2", "fail", 30.0, &["replies"]));
        assert!(
            text.contains("  FAIL replies       lesson       c\n"),
            "{text}"
        );
        assert!(text.contains("       sent: <hi>\n"), "{text}");
        assert!(
            text.contains("  PASS invalid_utf8  robustness   c\n"),
            "{text}"
        );
        assert!(text.ends_with("fail!\npoints 30/100\n"), "{text}");
    }
}
