//! `index.html`: one self-contained page per output set (`compare --out`, `sweep --out`) to
//! open in a browser or attach to a design doc. Everything is inline: the SVG charts, the
//! CSS and a few lines of script that sort the tables; nothing is fetched (no network, no
//! CDN), so the page reads the same offline and in ten years. Criterion's HTML report is the
//! model: the summary first, then the charts, then a section per policy.

use std::fmt::Write as _;

/// A table: headings and rows of cells, as they are shown.
#[derive(Debug, Clone, Default)]
pub struct Table {
    /// Column headings.
    pub headings: Vec<String>,
    /// Rows of cells, one per heading.
    pub rows: Vec<Vec<String>>,
}

/// A section of the page: a heading, a line of text and tables.
#[derive(Debug, Clone, Default)]
pub struct Section {
    /// The section's heading.
    pub title: String,
    /// A line under the heading.
    pub text: String,
    /// Its tables, each with a caption.
    pub tables: Vec<(String, Table)>,
}

/// The page.
#[derive(Debug, Clone, Default)]
pub struct Page {
    /// The page's title and first heading.
    pub title: String,
    /// The line under it (span, start, seed, currency).
    pub subtitle: String,
    /// The summary table, sortable.
    pub summary: Table,
    /// Charts as `(name, SVG text)`.
    pub charts: Vec<(String, String)>,
    /// Sections after the charts (one per policy).
    pub sections: Vec<Section>,
    /// The scenario file as written, shown at the end.
    pub scenario_text: String,
}

/// Text for HTML: the five characters that could end an element or attribute, escaped.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for character in text.chars() {
        match character {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            other => out.push(other),
        }
    }
    out
}

/// An id for a heading: letters, digits and dashes.
fn anchor(text: &str) -> String {
    text.chars()
        .map(|character| {
            if character.is_ascii_alphanumeric() {
                character.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect()
}

fn table(out: &mut String, table: &Table) {
    out.push_str("<div class=\"scroll\"><table class=\"sortable\"><thead><tr>");
    for heading in &table.headings {
        let _ = write!(out, "<th title=\"sort\">{}</th>", escape(heading));
    }
    out.push_str("</tr></thead><tbody>\n");
    for row in &table.rows {
        out.push_str("<tr>");
        for cell in row {
            // Numbers align right to compare by eye; words and settings read from the left.
            let class = if cell.trim_start_matches(['+', '-']).parse::<f64>().is_ok() {
                ""
            } else {
                " class=\"text\""
            };
            let _ = write!(out, "<td{class}>{}</td>", escape(cell));
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody></table></div>\n");
}

const STYLE: &str = "body{font-family:'DejaVu Sans',system-ui,sans-serif;margin:2rem auto;max-width:1240px;padding:0 1rem;color:#222}\
h1{font-size:1.6rem;margin-bottom:.2rem}h2{margin-top:2.2rem;border-bottom:1px solid #ddd;padding-bottom:.3rem}\
.subtitle{color:#555;margin-top:0}nav a{margin-right:1rem}\
.scroll{overflow-x:auto}table{border-collapse:collapse;font-size:.85rem;margin:.6rem 0}\
th,td{border:1px solid #ddd;padding:.25rem .5rem;text-align:right;white-space:nowrap}\
th{background:#f4f4f4;cursor:pointer;user-select:none}th:first-child,td:first-child{text-align:left}\
td.text{text-align:left}figure{margin:1rem 0}figure svg{max-width:100%;height:auto;display:block}\
figcaption{color:#555;font-size:.85rem}pre{background:#f7f7f7;padding:1rem;overflow-x:auto;font-size:.8rem}";

/// Sorts a table by the clicked column (numbers as numbers), and records, for whoever
/// checks the page, each chart's rendered size and any script error.
const SCRIPT: &str = "addEventListener('error',e=>{document.body.dataset.errors=(document.body.dataset.errors||'')+e.message+';'});\
document.querySelectorAll('table.sortable th').forEach((th,i)=>th.addEventListener('click',()=>{\
const body=th.closest('table').tBodies[0],rows=[...body.rows],up=th.dataset.dir!=='up';th.dataset.dir=up?'up':'down';\
const key=r=>{const t=r.cells[i].textContent.trim(),n=parseFloat(t.replace(/[^0-9.eE+-]/g,''));return isNaN(n)?t:n};\
rows.sort((a,b)=>{const x=key(a),y=key(b);return (x<y?-1:x>y?1:0)*(up?1:-1)});rows.forEach(r=>body.appendChild(r))}));\
addEventListener('load',()=>{document.body.dataset.charts=[...document.querySelectorAll('figure svg')].map(s=>{const r=s.getBoundingClientRect();return Math.round(r.width)+'x'+Math.round(r.height)}).join(' ')});";

/// The page as HTML text.
pub fn render(page: &Page) -> String {
    let mut out = String::new();
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width,initial-scale=1\"><title>{}</title><style>{STYLE}</style></head><body>\n<h1>{}</h1>\n<p class=\"subtitle\">{}</p>\n<nav><a href=\"#summary\">summary</a><a href=\"#charts\">charts</a>",
        escape(&page.title),
        escape(&page.title),
        escape(&page.subtitle)
    );
    for section in &page.sections {
        let _ = write!(
            out,
            "<a href=\"#{}\">{}</a>",
            anchor(&section.title),
            escape(&section.title)
        );
    }
    out.push_str("<a href=\"#scenario\">scenario</a></nav>\n<h2 id=\"summary\">Summary</h2>\n");
    table(&mut out, &page.summary);
    out.push_str("<h2 id=\"charts\">Charts</h2>\n");
    for (name, svg) in &page.charts {
        let _ = writeln!(
            out,
            "<figure>{}<figcaption>{}</figcaption></figure>",
            svg.trim(),
            escape(name)
        );
    }
    for section in &page.sections {
        let _ = write!(
            out,
            "<h2 id=\"{}\">{}</h2>\n<p>{}</p>\n",
            anchor(&section.title),
            escape(&section.title),
            escape(&section.text)
        );
        for (caption, contents) in &section.tables {
            let _ = writeln!(out, "<h3>{}</h3>", escape(caption));
            table(&mut out, contents);
        }
    }
    let _ = write!(
        out,
        "<h2 id=\"scenario\">Scenario</h2>\n<pre>{}</pre>\n<script>{SCRIPT}</script>\n</body></html>\n",
        escape(&page.scenario_text)
    );
    out
}

/// A CSV's header and rows as a table (the outputs' own files, already in memory).
pub fn csv_table(bytes: &[u8]) -> Table {
    let mut reader = csv::Reader::from_reader(bytes);
    let headings = reader
        .headers()
        .map(|headers| headers.iter().map(str::to_string).collect())
        .unwrap_or_default();
    let rows = reader
        .records()
        .filter_map(Result::ok)
        .map(|record| record.iter().map(str::to_string).collect())
        .collect();
    Table { headings, rows }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_escaped_and_the_page_is_self_contained() {
        let page = Page {
            title: "a <b> & \"c\"".into(),
            scenario_text: "[scenario]\nname = \"</pre><script>\"".into(),
            summary: Table {
                headings: vec!["policy".into()],
                rows: vec![vec!["<x>".into()]],
            },
            ..Page::default()
        };
        let html = render(&page);
        assert!(html.contains("<title>a &lt;b&gt; &amp; &quot;c&quot;</title>"));
        assert!(html.contains("name = &quot;&lt;/pre&gt;&lt;script&gt;&quot;"));
        assert!(html.contains("<td class=\"text\">&lt;x&gt;</td>"));
        assert!(
            !html.contains("http://") && !html.contains("https://"),
            "{html}"
        );
    }
}
