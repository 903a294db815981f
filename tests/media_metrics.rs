//! RTP and MPEG-TS figures in `/metrics` (issues #13 and #14): ffmpeg
//! streams into `mcast monitor --metrics` and `mcast join --metrics`
//! inside a private namespace, nftables drops a few percent of one
//! stream, and curl scrapes both endpoints there.
//!
//! Synchronization: the scrape is repeated until the lossy stream's
//! figures have appeared (a readiness wait, bounded by `WAIT`); the clean
//! stream's zero errors hold at every scrape, so they are asserted on the
//! last one, once its packets are counted there.

use std::process::Command;
use std::time::{Duration, Instant};

use crate::support::impair::Loss;
use crate::support::{addr_of, run_with_timeout, Netns, Running, Stream, JOIN_TIMEOUT, WAIT};

const LOSSY: &str = "239.45.0.1:5004";
const CLEAN: &str = "239.45.0.2:5006";

fn ffmpeg(ns: &Netns, seconds: &str, out: &[&str]) -> Command {
    let mut cmd = ns.command("ffmpeg");
    cmd.args(["-nostdin", "-hide_banner", "-loglevel", "error", "-re"])
        .args(["-f", "lavfi", "-i", "testsrc=size=160x120:rate=25"])
        .args(["-t", seconds, "-c:v", "mpeg2video", "-b:v", "1M"])
        .args(["-minrate", "1M", "-maxrate", "1M", "-bufsize", "500k"])
        .args(out);
    cmd
}

fn joined(ns: &Netns, cmd: Command, groups: &[&str]) -> Running {
    let mut r = ns.spawn(cmd).unwrap();
    for g in groups {
        r.wait_for_group(ns, addr_of(g), JOIN_TIMEOUT).unwrap();
    }
    r
}

fn scrape(ns: &Netns, port: u16) -> String {
    let mut cmd = ns.command("curl");
    cmd.args(["-s", "--max-time", "5"])
        .arg(format!("http://127.0.0.1:{port}/metrics"));
    run_with_timeout(cmd, WAIT)
        .map(|d| d.stdout)
        .unwrap_or_default()
}

/// The sample of `name` for `group` (its address), if any.
fn sample(text: &str, name: &str, group: &str) -> Option<f64> {
    let label = format!("group=\"{}\"", addr_of(group));
    text.lines()
        .filter(|l| l.starts_with(&format!("{name}{{")) && l.contains(&label))
        .find_map(|l| l.rsplit(' ').next()?.parse().ok())
}

/// Scrapes until the lossy stream's loss and the clean stream's packets
/// are both there.
fn scrape_until_counted(ns: &Netns, port: u16) -> String {
    let deadline = Instant::now() + WAIT;
    loop {
        let text = scrape(ns, port);
        let lost = sample(&text, "mcast_rtp_lost_packets_total", LOSSY).unwrap_or(0.0);
        let cc = sample(&text, "mcast_ts_continuity_errors_total", LOSSY).unwrap_or(0.0);
        let clean = sample(&text, "mcast_ts_packets_total", CLEAN).unwrap_or(0.0);
        if (lost > 0.0 && cc > 0.0 && clean > 500.0) || Instant::now() > deadline {
            return text;
        }
        std::thread::sleep(Duration::from_millis(200));
    }
}

#[test]
#[ignore = "needs root: creates network namespaces, runs ffmpeg"]
fn root_monitor_and_join_export_rtp_loss_and_ts_continuity_errors() {
    require_root!();
    let ns = Netns::new().unwrap();
    // The lab routes multicast to lo; these go out of mc0 to arrive on mc1.
    ns.ip(&["route", "add", "239.45.0.0/16", "dev", "mc0"])
        .unwrap();
    let loss = Loss::install_on_port(&ns, "mc1", 4, 5004).unwrap();
    let mut cmd = ns.mcast();
    cmd.args(["monitor", LOSSY, CLEAN, "-i", "mc1", "--json", "-q"])
        .args(["--interval", "200ms", "--metrics", "127.0.0.1:19465"])
        .args(["--max-cc-errors", "0"]);
    let mut monitor = joined(&ns, cmd, &[LOSSY, CLEAN]);
    let mut cmd = ns.mcast();
    cmd.args(["join", LOSSY, "-i", "mc1", "-d", "60s"])
        .args(["--metrics", "127.0.0.1:19466"]);
    let mut join = ns.spawn(cmd).unwrap();
    // It says where its metrics are once its group is joined (the
    // monitor's membership already counts for the namespace).
    join.wait_for_line(Stream::Stderr, JOIN_TIMEOUT, |l| l.contains("metrics at"))
        .unwrap();
    let mut clean = ns
        .spawn(ffmpeg(
            &ns,
            "3",
            &[
                "-f",
                "mpegts",
                "udp://239.45.0.2:5006?ttl=1&localaddr=192.0.2.1&pkt_size=1316",
            ],
        ))
        .unwrap();
    let lossy = run_with_timeout(
        ffmpeg(
            &ns,
            "3",
            &[
                "-f",
                "rtp_mpegts",
                "rtp://239.45.0.1:5004?ttl=1&localaddr=192.0.2.1",
            ],
        ),
        WAIT * 2,
    )
    .unwrap();
    assert_eq!(lossy.code(), Some(0), "ffmpeg: {}", lossy.stderr);
    let done = clean.finish(WAIT * 2).unwrap();
    assert_eq!(done.code(), Some(0), "ffmpeg: {}", done.stderr);

    let text = scrape_until_counted(&ns, 19465);
    let dropped = loss.dropped().unwrap();
    let shown = format!("nft dropped {dropped}; scrape:\n{text}");
    let get = |name: &str, group: &str| {
        sample(&text, name, group).unwrap_or_else(|| panic!("no {name} for {group}: {shown}"))
    };
    assert!(dropped > 0, "{shown}");
    let lost = get("mcast_rtp_lost_packets_total", LOSSY);
    assert!(lost > 0.0 && lost <= dropped as f64, "{shown}");
    // Nothing reorders on the veth: no declared loss was taken back.
    assert_eq!(
        get("mcast_rtp_recovered_packets_total", LOSSY),
        0.0,
        "{shown}"
    );
    assert!(
        get("mcast_ts_continuity_errors_total", LOSSY) > 0.0,
        "{shown}"
    );
    assert!(
        get("mcast_rtp_expected_packets_total", LOSSY) > 200.0,
        "{shown}"
    );
    assert!(get("mcast_rtp_jitter_seconds", LOSSY) >= 0.0, "{shown}");
    assert!(
        text.lines().any(
            |l| l.starts_with("mcast_stream_format_info{format=\"rtp/mpegts\"")
                && l.contains("group=\"239.45.0.1\"")
        ),
        "{shown}"
    );
    // The clean MPEG-TS over UDP: counted, recognised, no error; no RTP.
    assert!(get("mcast_ts_packets_total", CLEAN) > 500.0, "{shown}");
    for name in [
        "mcast_ts_continuity_errors_total",
        "mcast_ts_transport_errors_total",
        "mcast_ts_sync_losses_total",
    ] {
        assert_eq!(get(name, CLEAN), 0.0, "{name}: {shown}");
    }
    assert!(
        sample(&text, "mcast_rtp_lost_packets_total", CLEAN).is_none(),
        "{shown}"
    );
    assert!(text.contains("mcast_kernel_drops_total{"), "{shown}");

    // `join --metrics` shares the figures.
    let joined_text = scrape_until_counted_one(&ns, 19466);
    assert!(
        sample(&joined_text, "mcast_rtp_lost_packets_total", LOSSY).is_some_and(|l| l > 0.0),
        "join: {joined_text}"
    );
    assert!(
        joined_text.contains("mcast_kernel_drops_total{"),
        "join: {joined_text}"
    );

    join.interrupt().unwrap();
    let j = join.finish(WAIT).unwrap();
    assert_eq!(j.code(), Some(0), "join: {}", j.stderr);
    monitor.interrupt().unwrap();
    let m = monitor.finish(WAIT).unwrap();
    assert_eq!(m.code(), Some(0), "monitor: {}", m.stderr);
    // The group records carry the same figures, and the continuity errors
    // raised the cc_errors alarm for the lossy group only.
    let records = crate::support::json_lines(&m.stdout);
    let last = records
        .iter()
        .rev()
        .find(|r| r["type"] == "group" && r["group"] == "239.45.0.1")
        .unwrap();
    // Datagrams still queued at the scrape may have shown more gaps since.
    let later = last["rtp_lost"].as_f64().unwrap();
    assert!(later >= lost && later <= dropped as f64, "{last}");
    let source = &last["media_sources"][0];
    assert_eq!(source["format"], "rtp/mpegts", "{last}");
    assert_eq!(source["rtp"]["lost"].as_f64(), Some(later), "{last}");
    assert!(source["ts"]["cc_errors"].as_u64() > Some(0), "{last}");
    let cc_alarms: Vec<_> = records
        .iter()
        .filter(|r| r["type"] == "alarm" && r["reason"] == "cc_errors" && r["state"] == "raised")
        .map(|r| r["group"].clone())
        .collect();
    assert!(!cc_alarms.is_empty(), "{}", m.stdout);
    assert!(cc_alarms.iter().all(|g| g == "239.45.0.1"), "{cc_alarms:?}");
}

/// [`scrape_until_counted`] for an endpoint that has the lossy group only.
fn scrape_until_counted_one(ns: &Netns, port: u16) -> String {
    let deadline = Instant::now() + WAIT;
    loop {
        let text = scrape(ns, port);
        let lost = sample(&text, "mcast_rtp_lost_packets_total", LOSSY).unwrap_or(0.0);
        if lost > 0.0 || Instant::now() > deadline {
            return text;
        }
        std::thread::sleep(Duration::from_millis(200));
    }
}
