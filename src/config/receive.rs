//! What `join` and `listen` share: groups to receive, how to stop, the
//! receive buffer and the loss check.

use std::time::Duration;

use anyhow::Result;

use super::duration::check_optional_duration;
use super::{Group, Iface, IfaceTable};
use crate::analysis::media::{MediaOptions, RtpMode};
use crate::analysis::SilenceRule;
use crate::cli;
use crate::usage;

/// When a receiving command stops and what counts as success.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct StopRule {
    /// Stop after this many packets.
    pub count: Option<u64>,
    /// Deadline for `count` (1 when not given): failing it is exit 1.
    pub timeout: Option<Duration>,
    /// Stop after this long; not a failure.
    pub duration: Option<Duration>,
}

impl StopRule {
    /// Packets needed for success when a timeout makes this a check.
    pub fn required(&self) -> Option<u64> {
        self.timeout.map(|_| self.count.unwrap_or(1))
    }
}

/// Groups to receive and how to stop: what `join` and `listen` share.
#[derive(Debug, Clone)]
pub struct ReceiveConfig {
    pub groups: Vec<Group>,
    pub iface: Option<Iface>,
    pub stop: StopRule,
    /// Interfaces known at start, to name arrival interfaces.
    pub ifaces: IfaceTable,
    /// Receive buffer to ask the kernel for, per socket.
    pub rcvbuf: usize,
    /// `--lean`: no TTL or kernel timestamp per packet.
    pub lean: bool,
    /// Periodic per-stream statistics.
    pub stats_interval: Option<Duration>,
    /// Loss above this percentage makes the run fail (exit 1).
    pub max_loss: Option<f64>,
    /// When a group that was receiving counts as silent.
    pub silence: SilenceRule,
    /// Watch IGMP/MLD queries (where privileges allow) to explain a
    /// silence; off with `--no-querier-watch`.
    pub querier_watch: bool,
    /// `--metrics`: where to serve Prometheus metrics.
    pub metrics: Option<std::net::SocketAddr>,
    /// RTP and MPEG-TS analysis of foreign streams.
    pub media: MediaOptions,
}

pub(super) fn receive(
    groups_args: &cli::GroupArgs,
    args: &cli::ReceiveArgs,
) -> Result<ReceiveConfig> {
    let groups = super::groups(groups_args)?;
    let ifaces = IfaceTable::load()?;
    let iface = super::iface(groups_args.iface.as_deref(), &ifaces)?;
    if args.count == Some(0) {
        return Err(usage!("--count 0 is not valid; use 1 or more packets"));
    }
    // Before any socket: a deadline computed from these must not overflow.
    let timeout = check_optional_duration("--timeout", args.timeout)?;
    let duration = check_optional_duration("--duration", args.duration)?;
    if let Some(p) = args.max_loss {
        if !(0.0..=100.0).contains(&p) {
            return Err(usage!(
                "--max-loss {p} is not valid; give a percentage from 0 to 100"
            ));
        }
    }
    if args
        .stats_interval
        .is_some_and(|d| d < Duration::from_millis(10))
    {
        return Err(usage!(
            "--stats-interval is too short; use 10ms or more, e.g. 1s"
        ));
    }
    let stats_interval = check_optional_duration("--stats-interval", args.stats_interval)?;
    Ok(ReceiveConfig {
        groups,
        iface,
        stop: StopRule {
            count: args.count,
            timeout,
            duration,
        },
        ifaces,
        rcvbuf: parse_bytes(&args.rcvbuf, "--rcvbuf")?,
        lean: args.lean,
        stats_interval,
        max_loss: args.max_loss,
        silence: silence_rule(args.silent_after)?,
        querier_watch: !args.no_querier_watch,
        metrics: args
            .metrics
            .as_deref()
            .map(super::parse_metrics_addr)
            .transpose()?,
        media: media(&args.media)?,
    })
}

/// Most RTP clocks are 8 kHz to 90 kHz; anything up to 1 GHz is taken.
const MAX_RTP_CLOCK: u64 = 1_000_000_000;

pub fn media(args: &cli::MediaArgs) -> Result<MediaOptions> {
    let rtp_clock = match args.rtp_clock {
        None => None,
        Some(hz @ 1..=MAX_RTP_CLOCK) => u32::try_from(hz).ok(),
        Some(hz) => {
            return Err(usage!(
                "--rtp-clock {hz} is not valid; give the RTP clock rate in Hz, 1 to {MAX_RTP_CLOCK}, e.g. 90000"
            ))
        }
    };
    Ok(MediaOptions {
        rtp: match (args.rtp, args.no_rtp) {
            (true, _) => RtpMode::Force,
            (_, true) => RtpMode::Off,
            _ => RtpMode::Auto,
        },
        rtp_clock,
    })
}

/// `--silent-after`: a fixed limit, or learned from each group's rate.
pub fn silence_rule(after: Option<Duration>) -> Result<SilenceRule> {
    match after {
        None => Ok(SilenceRule::Auto),
        Some(d) if d < Duration::from_millis(100) => Err(usage!(
            "--silent-after {} is too short; use 100ms or more, e.g. 5s",
            humantime::format_duration(d)
        )),
        Some(d) => Ok(SilenceRule::After(
            check_optional_duration("--silent-after", Some(d))?.unwrap_or(d),
        )),
    }
}

/// `65536`, `512K`, `4M` (binary multiples), up to 1 GiB.
pub fn parse_bytes(text: &str, flag: &str) -> Result<usize> {
    let t = text.trim();
    let (num, mult) = match t.char_indices().last() {
        Some((i, 'k' | 'K')) => (&t[..i], 1024),
        Some((i, 'm' | 'M')) => (&t[..i], 1024 * 1024),
        Some((i, 'g' | 'G')) => (&t[..i], 1024 * 1024 * 1024),
        _ => (t, 1),
    };
    match num.trim().parse::<usize>() {
        Ok(n) if (1..=(1 << 30) / mult).contains(&n) => Ok(n * mult),
        _ => Err(usage!(
            "{flag} {text} is not valid; give bytes from 1 to 1G, e.g. 65536, 512K or 4M"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn byte_sizes() {
        assert_eq!(parse_bytes("4M", "--rcvbuf").unwrap(), 4 << 20);
        assert_eq!(parse_bytes("512k", "--rcvbuf").unwrap(), 512 << 10);
        assert_eq!(parse_bytes("65536", "--rcvbuf").unwrap(), 65536);
        let e = parse_bytes("lots", "--rcvbuf").unwrap_err().to_string();
        assert_eq!(
            e,
            "--rcvbuf lots is not valid; give bytes from 1 to 1G, e.g. 65536, 512K or 4M"
        );
        assert!(parse_bytes("0", "--rcvbuf").is_err());
        assert!(parse_bytes("2G", "--rcvbuf").is_err());
    }

    #[test]
    fn stop_rule_requires_one_packet_by_default() {
        let rule = StopRule {
            timeout: Some(Duration::from_secs(1)),
            ..StopRule::default()
        };
        assert_eq!(rule.required(), Some(1));
        assert_eq!(StopRule::default().required(), None);
    }
}
