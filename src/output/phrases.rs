//! Words for human-readable lines that several commands print.

use crate::analysis::alarm::Reason;
use crate::config::{Group, Iface};
use crate::record::{AlarmRecord, SilenceRecord, Stamp};

/// `1 group`, `3 groups`.
pub fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}

/// The first few groups by name; a long list is cut.
pub fn group_list(groups: &[Group]) -> String {
    const SHOWN: usize = 4;
    let mut names: Vec<String> = groups.iter().take(SHOWN).map(Group::to_string).collect();
    if groups.len() > SHOWN {
        names.push(format!("and {} more", groups.len() - SHOWN));
    }
    names.join(", ")
}

/// `mc0 (index 3)`, or the interface the routes choose when none was given.
pub fn iface_name(iface: Option<&Iface>) -> String {
    iface.map_or_else(
        || "the interface the kernel's routes choose".to_string(),
        |i| i.to_string(),
    )
}

/// `on mc0 (index 3)`.
pub fn iface_text(iface: Option<&Iface>) -> String {
    format!("on {}", iface_name(iface))
}

/// `listen`'s first line on stderr.
pub fn listening(groups: &[Group], iface: Option<&Iface>, rcvbuf: usize) -> String {
    format!(
        "listening for {} {} {} (receive buffer {} KiB)",
        plural(groups.len(), "group"),
        group_list(groups),
        iface_text(iface),
        rcvbuf / 1024
    )
}

/// `join`'s first line on stderr.
pub fn joined(groups: &[Group], iface: Option<&Iface>, sockets: usize) -> String {
    format!(
        "joined {} {} {} ({}); Ctrl-C to leave",
        plural(groups.len(), "group"),
        group_list(groups),
        iface_text(iface),
        plural(sockets, "socket")
    )
}

/// Seconds for people: `850 ms`, `2.5 s`.
pub fn secs_text(s: f64) -> String {
    if s < 1.0 {
        format!("{:.0} ms", s * 1e3)
    } else {
        format!("{s:.1} s")
    }
}

/// The live line for a `silence` record (`join`, `listen`).
pub fn silence(rec: &SilenceRecord<'_>) -> String {
    let group = rec.group.0;
    if rec.state == "ended" {
        return format!(
            "{group} is receiving again after {} of silence",
            secs_text(rec.after_s)
        );
    }
    let mut s = format!(
        "{group} went silent: nothing for {}",
        secs_text(rec.after_s)
    );
    match (rec.expected_interval_s, rec.last_packet) {
        (Some(every), Some(last)) => s.push_str(&format!(
            " (a packet was due every {}; the last came at {})",
            secs_text(every),
            Stamp::rfc3339(last).time_of_day()
        )),
        (None, Some(last)) => s.push_str(&format!(
            " (the last packet came at {})",
            Stamp::rfc3339(last).time_of_day()
        )),
        _ => s.push_str(" since the join"),
    }
    let proto = if rec.group.0.is_ipv6() { "MLD" } else { "IGMP" };
    match rec.query_seen {
        Some(false) => {
            let run = match rec.iface {
                Some(i) => format!("mcast querier -i {}", crate::escape::name(i)),
                None => "mcast querier".to_string(),
            };
            s.push_str(&format!(
                "; no {proto} query seen since the join: a snooping switch without a \
                 querier (or a firewall that drops queries) ages the membership out \
                 (run `{run}`)"
            ));
        }
        Some(true) => {
            let mut seen = Vec::new();
            if let Some(n) = rec.queries {
                seen.push(format!("{n} since the join"));
            }
            if let Some(q) = rec.querier {
                seen.push(format!("querier {q}"));
            }
            if let Some(v) = rec.querier_version {
                seen.push(v.to_string());
            }
            let seen = if seen.is_empty() {
                String::new()
            } else {
                format!(" ({})", seen.join(", "))
            };
            s.push_str(&format!(
                "; {proto} queries arrive{seen}: the source or the route stopped, not the membership"
            ));
        }
        None => {}
    }
    s
}

/// The stderr line for an `alarm` record (`monitor`).
pub fn alarm(rec: &AlarmRecord<'_>) -> String {
    let who = match rec.label {
        Some(l) => format!("{} ({})", rec.group.0, crate::escape::name(l)),
        None => rec.group.0.to_string(),
    };
    let what = match (rec.reason, rec.value, rec.threshold) {
        (Reason::Silent, Some(v), Some(t)) if rec.unit == "intervals" => {
            format!("silent in {v:.0} recent intervals (limit {t:.0})")
        }
        (Reason::Silent, Some(v), Some(t)) if rec.state == "raised" => {
            format!("no packet for {} (limit {})", secs_text(v), secs_text(t))
        }
        (Reason::Silent, None, Some(t)) if rec.state == "raised" => {
            format!("no packet since the join (limit {})", secs_text(t))
        }
        (Reason::Silent, _, _) if rec.state == "cleared" => "receiving again".to_string(),
        (Reason::Silent, _, _) => "silent".to_string(),
        (Reason::MinRate, Some(v), Some(t)) => format!("rate {v:.1}/s (minimum {t}/s)"),
        (Reason::MaxLoss, Some(v), Some(t)) => format!("loss {v:.2}% (maximum {t}%)"),
        (Reason::CcErrors, Some(v), Some(t)) => {
            format!("{v} MPEG-TS continuity errors in the interval (maximum {t})")
        }
        (r, _, _) => r.name().to_string(),
    };
    format!("alarm {}: {who}: {what}", rec.state)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plurals_and_lists() {
        assert_eq!(plural(1, "group"), "1 group");
        assert_eq!(plural(0, "socket"), "0 sockets");
        let groups = crate::config::parse_groups("239.1.1.1+6", 5000).unwrap();
        assert_eq!(
            group_list(&groups),
            "239.1.1.1:5000, 239.1.1.2:5000, 239.1.1.3:5000, 239.1.1.4:5000, and 2 more"
        );
        assert_eq!(
            iface_text(None),
            "on the interface the kernel's routes choose"
        );
    }
}
