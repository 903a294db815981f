//! `monitor --groups-file`: one group per line, optionally followed by a
//! label (a channel name), e.g.
//!
//! ```text
//! # IPTV head end, VLAN 10
//! 239.10.0.1:5000   BBC One HD
//! 192.0.2.1,232.1.1.1:5000  SSM feed
//! 239.20.0.1+4      market data (four groups, one label)
//! ```
//!
//! Blank lines and lines starting with `#` are ignored. A pure parser:
//! every error names the line and why.

use anyhow::Result;

use super::{parse_groups, Group};
use crate::usage;

/// Longest label kept; labels end up in metric labels and table cells.
pub const MAX_LABEL: usize = 128;

/// A group and its label from a groups file, with the line it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Listed {
    pub group: Group,
    pub label: Option<String>,
    pub line: usize,
}

/// Parses the contents of a groups file (`name` is how errors call it).
pub fn parse_groups_file(bytes: &[u8], name: &str, default_port: u16) -> Result<Vec<Listed>> {
    let mut out: Vec<Listed> = Vec::new();
    let mut seen = std::collections::HashMap::new();
    for (i, raw) in bytes.split(|&b| b == b'\n').enumerate() {
        let line = i + 1;
        let Ok(text) = std::str::from_utf8(raw) else {
            return Err(usage!("{name} line {line}: not UTF-8 text"));
        };
        let text = text.trim();
        if text.is_empty() || text.starts_with('#') {
            continue;
        }
        let (spec, label) = match text.split_once(char::is_whitespace) {
            Some((s, l)) => (s, Some(l.trim())),
            None => (text, None),
        };
        if let Some(l) = label {
            if l.chars().any(char::is_control) {
                return Err(usage!(
                    "{name} line {line}: the label has control characters; use printable text"
                ));
            }
            if l.chars().count() > MAX_LABEL {
                return Err(usage!(
                    "{name} line {line}: the label is longer than {MAX_LABEL} characters"
                ));
            }
        }
        let groups = parse_groups(spec, default_port).map_err(|e| {
            usage!(
                "{name} line {line}: {}",
                crate::escape::controls(&format!("{e:#}"))
            )
        })?;
        for group in groups {
            if let Some(first) = seen.insert(group, line) {
                return Err(usage!(
                    "{name} line {line}: group {group} is already listed on line {first}; list each group once"
                ));
            }
            out.push(Listed {
                group,
                label: label.map(str::to_string),
                line,
            });
        }
    }
    if out.is_empty() {
        return Err(usage!(
            "{name} lists no groups; write one group per line, e.g. 239.1.1.1:5000 News"
        ));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Vec<Listed>> {
        parse_groups_file(text.as_bytes(), "groups.txt", 5000)
    }

    fn err(text: &str) -> String {
        parse(text).unwrap_err().to_string()
    }

    #[test]
    fn groups_labels_comments_and_ranges() {
        let got = parse(
            "# head end\r\n\n  239.10.0.1:6000   BBC One HD  \r\n192.0.2.1,232.1.1.1\n[ff15::1]:7000 \tv6 feed\n239.20.0.1+2 market # data\n",
        )
        .unwrap();
        let shown: Vec<(String, Option<&str>, usize)> = got
            .iter()
            .map(|l| (l.group.to_string(), l.label.as_deref(), l.line))
            .collect();
        assert_eq!(
            shown,
            [
                ("239.10.0.1:6000".into(), Some("BBC One HD"), 3),
                ("192.0.2.1,232.1.1.1:5000".into(), None, 4),
                ("[ff15::1]:7000".into(), Some("v6 feed"), 5),
                ("239.20.0.1:5000".into(), Some("market # data"), 6),
                ("239.20.0.2:5000".into(), Some("market # data"), 6),
            ]
        );
    }

    #[test]
    fn errors_name_the_line_and_why() {
        assert_eq!(
            err("239.1.1.1\n\n10.0.0.1 not multicast\n")
                .split(':')
                .next(),
            Some("groups.txt line 3")
        );
        assert!(err("239.1.1.1\n10.0.0.1\n").contains("10.0.0.1"));
        assert_eq!(
            err("239.1.1.1 a\n# x\n239.1.1.1:5000 b\n"),
            "groups.txt line 3: group 239.1.1.1:5000 is already listed on line 1; list each group once"
        );
        assert_eq!(
            err("239.1.1.1 bad\u{1b}[2Jlabel\n"),
            "groups.txt line 1: the label has control characters; use printable text"
        );
        assert!(err(&format!("239.1.1.1 {}\n", "x".repeat(200)))
            .starts_with("groups.txt line 1: the label is longer"));
        assert_eq!(
            parse_groups_file(b"239.1.1.1\n\xff\xfe\n", "g", 5000)
                .unwrap_err()
                .to_string(),
            "g line 2: not UTF-8 text"
        );
        assert!(err("# only comments\n\n").contains("lists no groups"));
        assert!(err("").contains("lists no groups"));
    }

    #[test]
    fn control_bytes_in_a_bad_group_are_escaped() {
        let e = err("239.1.1.\u{1b}[2J\n");
        assert!(e.starts_with("groups.txt line 1: "), "{e}");
        assert!(!e.chars().any(char::is_control), "{e:?}");
    }
}
