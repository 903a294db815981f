//! `sockopt` output: an aligned text table per family, or JSON Lines
//! records (`sockopt` per option, `join` per group).

use std::fmt::Write as _;

use super::{errno_text, Section};
use crate::config::IfaceTable;

/// Longest line the text table aims for.
const WIDTH: usize = 100;

/// The text table for one family, with its joins below. Notes wrap in
/// their own column so the table stays within 100 columns where it can.
pub fn render_text(section: &Section, ifaces: &IfaceTable) -> String {
    let header = ["OPTION", "LEVEL", "VALUE", "REQUESTED", "DEFAULT"];
    let cells: Vec<[String; 5]> = section
        .rows
        .iter()
        .map(|r| {
            let star = if r.row.default.sysctl().is_some() {
                "*"
            } else {
                ""
            };
            [
                r.row.name().to_string(),
                r.row.level.name.to_string(),
                r.value
                    .as_ref()
                    .map_or_else(|_| "-".to_string(), |v| v.display(ifaces)),
                r.requested().unwrap_or_else(|| "-".to_string()),
                format!("{}{star}", r.default.display(ifaces)),
            ]
        })
        .collect();
    let mut widths = header.map(str::len);
    for row in &cells {
        for (w, c) in widths.iter_mut().zip(row) {
            *w = (*w).max(c.chars().count());
        }
    }
    let indent: usize = widths.iter().map(|w| w + 2).sum();
    let notes_width = WIDTH.saturating_sub(indent).max(30);
    let mut out = String::new();
    let _ = writeln!(out, "{} UDP socket", section.family.name());
    let mut line = |cols: &[&str], notes: &[String]| {
        let mut first = String::new();
        for (c, w) in cols.iter().zip(widths) {
            let _ = write!(first, "{c:<w$}  ");
        }
        let mut lines = notes.iter().flat_map(|n| wrap(n, notes_width));
        match lines.next() {
            Some(note) => first.push_str(&note),
            None => first.truncate(first.trim_end().len()),
        }
        out.push_str(&first);
        out.push('\n');
        for more in lines {
            let _ = writeln!(out, "{:indent$}{more}", "");
        }
    };
    line(&header, &["NOTES".to_string()]);
    for (report, row) in section.rows.iter().zip(&cells) {
        let cols: Vec<&str> = row.iter().map(String::as_str).collect();
        line(&cols, &report.notes());
    }
    let sysctls: Vec<&str> = section
        .rows
        .iter()
        .filter_map(|r| r.row.default.sysctl())
        .collect();
    if !sysctls.is_empty() {
        let text = format!("* default from this host's sysctls: {}", sysctls.join(", "));
        for l in wrap(&text, WIDTH) {
            let _ = writeln!(out, "{l}");
        }
    }
    for j in &section.joins {
        let _ = match &j.error {
            None => writeln!(out, "{}: joined", j.describe()),
            Some(e) => writeln!(out, "{}: {}", j.describe(), errno_text(e)),
        };
    }
    out
}

/// Word-wraps `text` into lines of at most `width` characters (longer
/// words stay whole).
pub(super) fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut cur = String::new();
    for word in text.split_whitespace() {
        if !cur.is_empty() && cur.chars().count() + 1 + word.chars().count() > width {
            lines.push(std::mem::take(&mut cur));
        }
        if !cur.is_empty() {
            cur.push(' ');
        }
        cur.push_str(word);
    }
    if !cur.is_empty() {
        lines.push(cur);
    }
    lines
}
