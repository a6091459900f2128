//! The gate's verdict as people and CI read it: text, Markdown for a pull request, JUnit XML.

use super::*;

impl Report {
    /// The report for a terminal: changes as a table, failures first, then the headline.
    pub fn to_text(&self) -> String {
        let mut table = vec![
            [
                "status",
                "scenario/policy",
                "metric",
                "old",
                "new",
                "delta",
                "delta %",
                "allowed",
            ]
            .map(String::from)
            .to_vec(),
        ];
        for (key, finding) in self.rows() {
            let mut row = vec![finding.label().to_string(), key.to_string()];
            row.extend(finding.cells(self.currency(key)));
            table.push(row);
        }
        // A file that could not run has no values: every column keeps its meaning ("-"), and
        // why it could not run follows the table.
        for (file, _) in &self.errored {
            let mut row = vec!["ERROR".to_string(), file.clone()];
            row.extend(std::array::from_fn::<String, 6, _>(|_| "-".into()));
            table.push(row);
        }
        let mut out = String::new();
        if table.len() > 1 {
            out.push_str(&crate::report::aligned(&table, 3));
            out.push('\n');
        }
        for (file, message) in &self.errored {
            let _ = writeln!(out, "{file}: could not run: {}", first_line(message));
        }
        out.push_str(&self.headline());
        out.push('\n');
        out
    }

    /// The report as Markdown (for `--markdown` and `$GITHUB_STEP_SUMMARY`).
    pub fn to_markdown(&self) -> String {
        let mut out = format!("## scaleplan check\n\n**{}**\n\n", self.headline());
        let rows = self.rows();
        if !rows.is_empty() {
            out.push_str(
                "| status | scenario/policy | metric | old | new | delta | delta % | allowed |\n",
            );
            out.push_str("| --- | --- | --- | ---: | ---: | ---: | ---: | ---: |\n");
            for (key, finding) in rows {
                let _ = writeln!(
                    out,
                    "| {} | `{key}` | {} |",
                    finding.label(),
                    finding.cells(self.currency(key)).join(" | ")
                );
            }
        }
        for (file, message) in &self.errored {
            let _ = writeln!(
                out,
                "\n### `{file}` could not run\n\n```text\n{}```",
                message
            );
        }
        if !self.current.is_empty() {
            out.push_str("\n### Current values\n\n| scenario/policy | cost | instance-hours | SLA violation | unserved requests |\n| --- | ---: | ---: | ---: | ---: |\n");
            for (key, currency, values) in &self.current {
                let _ = writeln!(
                    out,
                    "| `{key}` | {} {currency} | {} | {} | {} |",
                    GATE_METRICS[0].show(values[0]),
                    GATE_METRICS[1].show(values[1]),
                    GATE_METRICS[2].show(values[2]),
                    GATE_METRICS[3].show(values[3])
                );
            }
        }
        out
    }

    /// JUnit XML: one test case per scenario/policy, one failure per failing case listing
    /// each regression and broken budget; new entries are skipped cases.
    pub fn to_junit(&self) -> String {
        let failures = self
            .keys
            .iter()
            .filter(|(_, findings)| findings.iter().any(|finding| finding.fails(self.strict)))
            .count();
        let skipped = self
            .keys
            .iter()
            .filter(|(_, findings)| {
                findings
                    .iter()
                    .any(|finding| matches!(finding, Finding::New))
                    && !self.strict
            })
            .count();
        let tests = self.keys.len() + self.errored.len();
        let errors = self.errored.len();
        let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        let _ = writeln!(
            out,
            "<testsuites name=\"scaleplan check\" tests=\"{tests}\" failures=\"{failures}\" errors=\"{errors}\">"
        );
        let _ = writeln!(
            out,
            "  <testsuite name=\"scaleplan check\" tests=\"{tests}\" failures=\"{failures}\" errors=\"{errors}\" skipped=\"{skipped}\">"
        );
        // A file that could not run is one errored case named after the file.
        for (file, message) in &self.errored {
            let _ = writeln!(
                out,
                "    <testcase classname=\"{0}\" name=\"{0}\">\n      <error message=\"{1}\">{2}</error>\n    </testcase>",
                xml_escape(file),
                xml_escape(first_line(message)),
                xml_escape(message)
            );
        }
        for (key, findings) in &self.keys {
            let (scenario, policy) = key.split_once('/').unwrap_or((key, ""));
            let _ = write!(
                out,
                "    <testcase classname=\"{}\" name=\"{}\"",
                xml_escape(scenario),
                xml_escape(policy)
            );
            let failing: Vec<&Finding> = findings
                .iter()
                .filter(|finding| finding.fails(self.strict))
                .collect();
            if failing.is_empty()
                && !findings
                    .iter()
                    .any(|finding| matches!(finding, Finding::New))
            {
                out.push_str("/>\n");
                continue;
            }
            out.push_str(">\n");
            if failing.is_empty() {
                out.push_str("      <skipped message=\"not in the baseline\"/>\n");
            } else {
                let lines: Vec<String> = failing
                    .iter()
                    .map(|finding| {
                        let [metric, old, new, delta, percent, allowed] =
                            finding.cells(self.currency(key));
                        format!(
                            "{} {metric}: {old} -> {new} ({delta}, {percent}; allowed {allowed})",
                            finding.label()
                        )
                    })
                    .collect();
                let _ = writeln!(
                    out,
                    "      <failure type=\"regression\" message=\"{}\">{}</failure>",
                    xml_escape(&lines.join("; ")),
                    xml_escape(&lines.join("\n"))
                );
            }
            out.push_str("    </testcase>\n");
        }
        out.push_str("  </testsuite>\n</testsuites>\n");
        out
    }
}

/// The first line of an error's text, without its `error: ` prefix.
fn first_line(message: &str) -> &str {
    message
        .lines()
        .next()
        .unwrap_or("")
        .trim_start_matches("error: ")
}

fn xml_escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&apos;")
}
