//! `mcast monitor`: groups (from the command line and a groups file, with
//! labels), how silence and the alarms are judged, the hook, and metrics.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::time::Duration;

use anyhow::Result;

use super::duration::check_optional_duration;
use super::groups_file::{parse_groups_file, Listed};
use super::receive::{parse_bytes, silence_rule, ReceiveConfig, StopRule};
use super::{parse_groups, parse_port, Group, IfaceTable};
use crate::analysis::alarm::{AlarmRules, Heartbeat};
use crate::cli;
use crate::usage;

/// Most sources analysed per group (`--max-sources`): memory stays bounded
/// at groups x sources streams.
pub const MAX_SOURCES: usize = 1024;

#[derive(Debug, Clone)]
pub struct MonitorConfig {
    /// Groups, iface, buffer, `--duration`, silence rule and `--metrics`.
    pub receive: ReceiveConfig,
    /// Per group in `receive.groups`: its label from the groups file.
    pub labels: Vec<Option<String>>,
    /// The groups given as arguments (kept on a reload).
    pub arg_groups: Vec<Group>,
    pub groups_file: Option<PathBuf>,
    pub port: u16,
    pub interval: Duration,
    pub rules: AlarmRules,
    pub on_alarm: Option<String>,
    pub max_sources: usize,
    pub json: bool,
}

impl MonitorConfig {
    /// The groups and labels with the groups file read again (SIGHUP).
    pub fn reread(&self) -> Result<(Vec<Group>, Vec<Option<String>>)> {
        combine(&self.arg_groups, self.groups_file.as_deref(), self.port)
    }
}

/// Largest groups file read: 65,536 lines of a group and a long label
/// fit many times over; `/dev/zero` by mistake does not hang mcast.
const MAX_FILE: usize = 16 << 20;

/// Up to one byte more than [`MAX_FILE`], so too large is noticed.
fn read_bounded(path: &std::path::Path) -> std::io::Result<Vec<u8>> {
    use std::io::Read;
    let mut bytes = Vec::new();
    std::fs::File::open(path)?
        .take(MAX_FILE as u64 + 1)
        .read_to_end(&mut bytes)?;
    Ok(bytes)
}

/// Arguments first (unlabelled), then the file's groups; each group once.
fn combine(
    arg_groups: &[Group],
    file: Option<&std::path::Path>,
    port: u16,
) -> Result<(Vec<Group>, Vec<Option<String>>)> {
    let mut groups = arg_groups.to_vec();
    let mut labels = vec![None; groups.len()];
    if let Some(path) = file {
        let name = crate::escape::controls(&path.display().to_string()).into_owned();
        let bytes =
            read_bounded(path).map_err(|e| usage!("--groups-file {name}: cannot read it: {e}"))?;
        if bytes.len() > MAX_FILE {
            return Err(usage!(
                "--groups-file {name} is larger than {} MiB; list one group per line",
                MAX_FILE >> 20
            ));
        }
        let listed = parse_groups_file(&bytes, &name, port)?;
        let given: std::collections::HashSet<Group> = groups.iter().copied().collect();
        for Listed { group, label, line } in listed {
            if given.contains(&group) {
                return Err(usage!(
                    "{name} line {line}: group {group} is also given on the command line; name each group once"
                ));
            }
            groups.push(group);
            labels.push(label);
        }
    }
    Ok((groups, labels))
}

/// `ADDR:PORT`, `[V6ADDR]:PORT`, or a bare `PORT` on 127.0.0.1.
pub fn parse_metrics_addr(text: &str) -> Result<SocketAddr> {
    let t = text.trim();
    if let Ok(port) = t.parse::<u16>() {
        return Ok(SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), port));
    }
    t.parse::<SocketAddr>().map_err(|_| {
        usage!(
            "--metrics {} is not valid; give ADDR:PORT, e.g. 127.0.0.1:9100 or [::1]:9100, or a port",
            crate::escape::controls(text)
        )
    })
}

fn heartbeat(text: &str) -> Result<Heartbeat> {
    let bad = || {
        usage!(
            "--heartbeat {} is not valid; give N/M with 1 <= N <= M <= {}, e.g. 3/5",
            crate::escape::controls(text),
            Heartbeat::MAX_M
        )
    };
    let (n, m) = text.split_once('/').ok_or_else(bad)?;
    let n: u32 = n.trim().parse().map_err(|_| bad())?;
    let m: u32 = m.trim().parse().map_err(|_| bad())?;
    if n == 0 || n > m || m > Heartbeat::MAX_M {
        return Err(bad());
    }
    Ok(Heartbeat { n, m })
}

pub fn monitor(args: &cli::MonitorArgs) -> Result<MonitorConfig> {
    let port = parse_port(&args.port.to_string())?;
    let mut arg_groups = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for text in &args.groups {
        for g in parse_groups(text, port)? {
            if !seen.insert(g) {
                return Err(usage!("group {g} is given twice; name each group once"));
            }
            arg_groups.push(g);
        }
    }
    let (groups, labels) = combine(&arg_groups, args.groups_file.as_deref(), port)?;
    if args.interval < Duration::from_millis(100) {
        return Err(usage!(
            "--interval is too short; use 100ms or more, e.g. 1s"
        ));
    }
    let interval =
        check_optional_duration("--interval", Some(args.interval))?.unwrap_or(args.interval);
    if let Some(r) = args.min_rate {
        if !(r.is_finite() && r > 0.0) {
            return Err(usage!(
                "--min-rate {r} is not valid; give packets per second above 0, e.g. 50"
            ));
        }
    }
    if let Some(p) = args.max_loss {
        if !(0.0..=100.0).contains(&p) {
            return Err(usage!(
                "--max-loss {p} is not valid; give a percentage from 0 to 100"
            ));
        }
    }
    if !(1..=MAX_SOURCES).contains(&args.max_sources) {
        return Err(usage!(
            "--max-sources {} is not valid; give 1 to {MAX_SOURCES}",
            args.max_sources
        ));
    }
    if args
        .on_alarm
        .as_deref()
        .is_some_and(|c| c.trim().is_empty())
    {
        return Err(usage!(
            "--on-alarm is empty; give a command, e.g. 'logger -t mcast'"
        ));
    }
    let heartbeat = args.heartbeat.as_deref().map(heartbeat).transpose()?;
    let metrics = args
        .metrics
        .as_deref()
        .map(parse_metrics_addr)
        .transpose()?;
    let ifaces = IfaceTable::load()?;
    let iface = super::iface(args.iface.as_deref(), &ifaces)?;
    let duration = check_optional_duration("--duration", args.duration)?;
    Ok(MonitorConfig {
        receive: ReceiveConfig {
            groups,
            iface,
            stop: StopRule {
                duration,
                ..StopRule::default()
            },
            ifaces,
            rcvbuf: parse_bytes(&args.rcvbuf, "--rcvbuf")?,
            lean: false,
            stats_interval: None,
            max_loss: None,
            silence: silence_rule(args.silent_after)?,
            // Monitor's `silent` alarm carries no query evidence (yet).
            querier_watch: false,
            metrics,
            media: super::receive::media(&args.media)?,
        },
        labels,
        arg_groups,
        groups_file: args.groups_file.clone(),
        port,
        interval,
        rules: AlarmRules {
            heartbeat,
            min_rate: args.min_rate,
            max_loss: args.max_loss,
            max_cc_errors: args.max_cc_errors,
        },
        on_alarm: args.on_alarm.clone(),
        max_sources: args.max_sources,
        json: args.json,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn metrics_addresses() {
        assert_eq!(
            parse_metrics_addr("9100").unwrap().to_string(),
            "127.0.0.1:9100"
        );
        assert_eq!(
            parse_metrics_addr("0.0.0.0:9100").unwrap().to_string(),
            "0.0.0.0:9100"
        );
        assert_eq!(
            parse_metrics_addr("[::1]:9100").unwrap().to_string(),
            "[::1]:9100"
        );
        assert_eq!(
            parse_metrics_addr("localhost:x").unwrap_err().to_string(),
            "--metrics localhost:x is not valid; give ADDR:PORT, e.g. 127.0.0.1:9100 or [::1]:9100, or a port"
        );
    }

    #[test]
    fn heartbeats() {
        assert_eq!(heartbeat("3/5").unwrap(), Heartbeat { n: 3, m: 5 });
        for bad in ["0/5", "6/5", "1/65", "3", "a/b", "3/"] {
            assert!(heartbeat(bad).is_err(), "{bad}");
        }
    }
}
