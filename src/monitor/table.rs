//! `monitor`'s live table on a terminal: worst groups first, as many as
//! fit, and a line saying how many more are fine.

use std::fmt::Write as _;

/// One group's row.
#[derive(Debug, Clone)]
pub struct Row {
    pub name: String,
    pub label: String,
    pub packets: u64,
    pub rate_pps: f64,
    pub loss_pct: Option<f64>,
    pub last_age_s: Option<f64>,
    pub silent: bool,
    /// `rtp`, `mpegts` or `rtp/mpegts`, when recognised.
    pub format: Option<&'static str>,
    /// MPEG-TS continuity errors so far, with a transport stream.
    pub cc_errors: Option<u64>,
    /// Active alarm reasons.
    pub alarms: Vec<&'static str>,
}

impl Row {
    /// Higher is worse: alarms, then silence, then loss, then quiet time.
    /// Loss includes RTP loss; continuity errors stand in for the loss of
    /// a transport stream over plain UDP.
    fn badness(&self) -> (usize, bool, u64, u64, u64) {
        (
            self.alarms.len(),
            self.silent,
            (self.loss_pct.unwrap_or(0.0) * 1000.0) as u64,
            self.cc_errors.unwrap_or(0),
            (self.last_age_s.unwrap_or(f64::MAX / 2.0) * 1000.0) as u64,
        )
    }
}

/// The MEDIA column: `RTP`, `TS 3cc`, `RTP/TS 0cc` (continuity errors so
/// far), `-` for anything else.
fn media(r: &Row) -> String {
    let format = match r.format {
        Some("rtp") => "RTP",
        Some("mpegts") => "TS",
        Some("rtp/mpegts") => "RTP/TS",
        _ => return "-".to_string(),
    };
    match r.cc_errors {
        Some(n) => format!("{format} {n}cc"),
        None => format.to_string(),
    }
}

/// The table, `max_rows` groups at most, worst first.
pub fn lines(mut rows: Vec<Row>, max_rows: usize) -> Vec<String> {
    rows.sort_by_key(|r| std::cmp::Reverse(r.badness()));
    let alarmed = rows.iter().filter(|r| !r.alarms.is_empty()).count();
    let mut out = vec![format!("{} groups, {} with alarms", rows.len(), alarmed)];
    out.push(format!(
        "{:<30} {:<16} {:>10} {:>9} {:>7} {:>12} {:>8}  STATE",
        "GROUP", "LABEL", "PACKETS", "RATE/s", "LOSS", "MEDIA", "LAST"
    ));
    let shown = rows.len().min(max_rows);
    for r in &rows[..shown] {
        let mut line = String::new();
        let loss = r
            .loss_pct
            .map_or_else(|| "-".into(), |l| format!("{l:.1}%"));
        let age = r
            .last_age_s
            .map_or_else(|| "never".into(), |a| format!("{a:.1}s"));
        let state = if r.alarms.is_empty() {
            "ok".to_string()
        } else {
            r.alarms.join(",")
        };
        let label: String = r.label.chars().take(16).collect();
        let _ = write!(
            line,
            "{:<30} {:<16} {:>10} {:>9.1} {:>7} {:>12} {:>8}  {}",
            r.name,
            label,
            r.packets,
            r.rate_pps,
            loss,
            media(r),
            age,
            state
        );
        out.push(line);
    }
    if rows.len() > shown {
        out.push(format!("... and {} more groups", rows.len() - shown));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(name: &str, alarms: Vec<&'static str>, loss: Option<f64>) -> Row {
        Row {
            name: name.into(),
            label: String::new(),
            packets: 1,
            rate_pps: 1.0,
            loss_pct: loss,
            last_age_s: Some(0.1),
            silent: alarms.contains(&"silent"),
            format: None,
            cc_errors: None,
            alarms,
        }
    }

    #[test]
    fn worst_first_and_cut() {
        let rows = vec![
            row("ok", vec![], None),
            row("lossy", vec![], Some(3.0)),
            row("dead", vec!["silent"], None),
        ];
        let l = lines(rows, 2);
        assert_eq!(l[0], "3 groups, 1 with alarms");
        assert!(l[2].starts_with("dead "), "{l:?}");
        assert!(l[3].starts_with("lossy "), "{l:?}");
        assert_eq!(l[4], "... and 1 more groups");
    }

    #[test]
    fn media_column_and_continuity_errors_rank() {
        let clean = Row {
            format: Some("rtp/mpegts"),
            cc_errors: Some(0),
            ..row("clean", vec![], Some(0.0))
        };
        let broken = Row {
            format: Some("mpegts"),
            cc_errors: Some(12),
            ..row("broken", vec![], None)
        };
        let plain = Row {
            format: Some("rtp"),
            ..row("plain", vec![], Some(0.0))
        };
        let l = lines(vec![clean, plain, broken], 5);
        assert!(l[1].contains(" MEDIA "), "{l:?}");
        assert!(
            l[2].starts_with("broken ") && l[2].contains(" TS 12cc "),
            "{l:?}"
        );
        assert!(
            l.iter()
                .any(|x| x.starts_with("clean ") && x.contains(" RTP/TS 0cc ")),
            "{l:?}"
        );
        assert!(
            l.iter()
                .any(|x| x.starts_with("plain ") && x.contains(" RTP ")),
            "{l:?}"
        );
    }
}
