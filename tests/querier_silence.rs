//! "The stream stops after a few minutes", made in seconds on a real
//! snooping switch (`support::lab::Switch`, a Linux bridge with short
//! timers): `listen` says a group went silent and whether an IGMP query
//! was seen since the join (issue 11, lab tests 2 and 3).
//!
//! Linux's bridge floods all multicast while it knows no querier at all
//! (`br_multicast_querier_exists`), so switching its querier off ages
//! nothing out. The host-side view of "no querier" is made instead: the
//! bridge is querier, but the listener's host drops incoming IGMP (nft),
//! so it sees no query, sends no report after its join's, and the bridge
//! ages its membership out, as a snooping switch without a querier does.

use std::net::IpAddr;
use std::time::Duration;

use serde_json::Value;

use crate::support::lab::{wait_for_membership, wait_for_users, Switch, SwitchConfig};
use crate::support::{ip, json_lines, records_of, wait_until, Netns, Running, Stream, WAIT};

const GROUP: &str = "239.1.2.3";
const RATE: u32 = 20;

/// Queries every second, answered within half a second; a membership
/// lasts 3 s after the last report.
fn switch() -> Switch {
    Switch::new(SwitchConfig {
        hosts: 2,
        query_interval: Duration::from_secs(1),
        response_interval: Duration::from_millis(500),
        membership_interval: Duration::from_secs(3),
        ..SwitchConfig::default()
    })
    .unwrap()
}

/// `listen --json GROUP:5000 -i h0 ARGS` on host 1, once joined.
fn listen(h: &Netns, args: &[&str]) -> Running {
    let mut cmd = h.mcast();
    cmd.args(["listen", &format!("{GROUP}:5000"), "-i", Switch::HOST_DEV])
        .args(["--json", "--verbose"])
        .args(args)
        .env("NO_COLOR", "1");
    let mut child = h.spawn(cmd).unwrap();
    wait_for_membership(&mut child, h, Switch::HOST_DEV, ip(GROUP)).unwrap();
    child
}

/// Waits until the bridge forwards `GROUP` to host 1's port (it has seen
/// the join's report), so the stream's first packets are not lost.
fn wait_for_port_member(sw: &Switch) {
    wait_until("the bridge to learn the membership", WAIT, || {
        let out =
            sw.s.command("bridge")
                .args(["mdb", "show", "dev", Switch::BRIDGE])
                .output()?;
        let text = String::from_utf8_lossy(&out.stdout);
        Ok(text
            .lines()
            .any(|l| l.contains("port p1") && l.contains(GROUP)))
    })
    .unwrap();
}

/// `send GROUP:5000 -c COUNT --rate 20` from host 0, run to its end.
fn send(sw: &Switch, count: u32) {
    let mut cmd = sw.hosts[0].mcast();
    cmd.args(["send", &format!("{GROUP}:5000"), "-i", Switch::HOST_DEV])
        .args(["-c", &count.to_string(), "--rate", &RATE.to_string(), "-q"]);
    let mut sender = sw.hosts[0].spawn(cmd).unwrap();
    let limit = Duration::from_secs(u64::from(count / RATE) + 10);
    let done = sender.finish(limit).unwrap();
    assert_eq!(done.code(), Some(0), "send: {}", done.stderr);
}

fn silences(records: &[Value]) -> Vec<&Value> {
    records_of(records, "silence")
}

fn received(records: &[Value]) -> u64 {
    let summary = records_of(records, "summary");
    summary.last().expect("no summary")["test_packets"]
        .as_u64()
        .unwrap()
}

#[test]
#[ignore = "needs root: network namespaces, a bridge and nftables"]
fn root_listen_says_no_query_was_seen_when_the_membership_ages_out() {
    require_root!();
    let sw = switch();
    let h = &sw.hosts[1];
    let mut nft = h.command("nft");
    nft.arg(
        "add table inet mcast_test; \
         add chain inet mcast_test in { type filter hook input priority 0; }; \
         add rule inet mcast_test in ip protocol igmp drop",
    );
    let out = nft.output().unwrap();
    assert!(
        out.status.success(),
        "nft: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    // The join's reports are the last: aged out 5 to 10 s after the join
    // (as seen here), well within the 16 s stream.
    let mut listener = listen(h, &["-d", "19s"]);
    wait_for_port_member(&sw);
    let sent = 16 * RATE;
    send(&sw, sent);
    let done = listener.finish(WAIT).unwrap();
    assert!(!done.timed_out && done.code() == Some(0), "{}", done.stderr);
    let records = json_lines(&done.stdout);
    let got = received(&records);
    assert!(
        got > u64::from(RATE) && got < u64::from(sent) - u64::from(2 * RATE),
        "the stream should flow, then stop for good: {got} of {sent}\n{}",
        done.stderr
    );
    let s = silences(&records);
    assert_eq!(s.len(), 1, "one silence, never ended: {s:?}");
    let began = s[0];
    assert_eq!(began["state"], "began", "{began}");
    assert_eq!(began["query_seen"], false, "{began}");
    assert_eq!(began["queries"], 0, "{began}");
    assert!(began["querier"].is_null(), "{began}");
    assert!(
        done.stderr.contains(
            "no IGMP query seen since the join: a snooping switch without a querier \
             (or a firewall that drops queries) ages the membership out (run `mcast querier -i h0`)"
        ),
        "{}",
        done.stderr
    );
    let summary = records_of(&records, "summary")[0];
    assert_eq!(summary["silences"][0]["silent_at_end"], true, "{summary}");
}

#[test]
#[ignore = "needs root: network namespaces and a bridge"]
fn root_listen_stream_flows_past_several_membership_intervals_with_a_querier() {
    require_root!();
    let sw = switch();
    let h = &sw.hosts[1];
    // 12 s of stream: four membership intervals, each refreshed by the
    // reports the bridge's queries ask for.
    let sent = 12 * RATE;
    let count = sent.to_string();
    let mut listener = listen(h, &["-c", &count, "-t", "25s"]);
    wait_for_port_member(&sw);
    send(&sw, sent);
    let done = listener.finish(WAIT).unwrap();
    assert_eq!(done.code(), Some(0), "{}\n{}", done.stdout, done.stderr);
    let records = json_lines(&done.stdout);
    assert_eq!(received(&records), u64::from(sent), "{}", done.stderr);
    let summary = records_of(&records, "summary")[0];
    assert_eq!(summary["lost"], 0, "{summary}");
    assert!(silences(&records).is_empty(), "{}", done.stdout);
    // The summary lists silences only when there were some.
    assert_eq!(
        summary["silences"].as_array().map_or(0, Vec::len),
        0,
        "{summary}"
    );
}

#[test]
#[ignore = "needs root: network namespaces and a bridge"]
fn root_listen_names_the_querier_when_the_source_stops() {
    require_root!();
    let sw = switch();
    let h = &sw.hosts[1];
    let mut watching = listen(h, &["-d", "20s"]);
    let mut blind = {
        let mut cmd = h.mcast();
        cmd.args(["listen", &format!("{GROUP}:5000"), "-i", Switch::HOST_DEV])
            .args(["--json", "--no-querier-watch", "-d", "20s"]);
        let mut child = h.spawn(cmd).unwrap();
        wait_for_users(&mut child, h, ip(GROUP), 2).unwrap();
        child
    };
    let mut unprivileged = {
        let mut cmd = h.command("setpriv");
        cmd.args(["--inh-caps=-net_raw", "--bounding-set=-net_raw"])
            .arg(crate::support::mcast_bin())
            .args(["listen", &format!("{GROUP}:5000"), "-i", Switch::HOST_DEV])
            .args(["--json", "-v", "-d", "20s"]);
        let mut child = h.spawn(cmd).unwrap();
        wait_for_users(&mut child, h, ip(GROUP), 3).unwrap();
        child
    };
    wait_for_port_member(&sw);
    // A short stream, then nothing: the source stopped.
    send(&sw, 2 * RATE);
    let is_silence = |l: &str| l.contains("\"type\":\"silence\"");
    let line = watching
        .wait_for_line(Stream::Stdout, WAIT, is_silence)
        .unwrap();
    let began: Value = serde_json::from_str(&line).unwrap();
    assert_eq!(began["state"], "began", "{began}");
    assert_eq!(began["query_seen"], true, "{began}");
    assert!(began["queries"].as_u64().unwrap() >= 1, "{began}");
    assert_eq!(
        began["querier"]
            .as_str()
            .map(|q| q.parse::<IpAddr>().unwrap()),
        Some(IpAddr::V4(Switch::BRIDGE_V4)),
        "{began}"
    );
    assert_eq!(began["querier_version"], "IGMPv3", "{began}");
    let text = watching
        .wait_for_line(Stream::Stderr, WAIT, |l| l.contains("went silent"))
        .unwrap();
    assert!(
        text.contains("IGMP queries arrive (")
            && text.contains(
                "querier 192.0.2.254, IGMPv3): the source or the route stopped, not the membership"
            ),
        "{text}"
    );
    let line = blind
        .wait_for_line(Stream::Stdout, WAIT, is_silence)
        .unwrap();
    let began: Value = serde_json::from_str(&line).unwrap();
    assert!(began["query_seen"].is_null(), "--no-querier-watch: {began}");
    let line = unprivileged
        .wait_for_line(Stream::Stdout, WAIT, is_silence)
        .unwrap();
    let began: Value = serde_json::from_str(&line).unwrap();
    assert!(began["query_seen"].is_null(), "no CAP_NET_RAW: {began}");
    let why = unprivileged
        .wait_for_line(Stream::Stderr, WAIT, |l| l.contains("IGMP/MLD"))
        .unwrap();
    assert_eq!(
        why,
        "mcast: info: not watching IGMP/MLD queries (needs CAP_NET_RAW): silences will not say \
         whether the membership was refreshed"
    );
    for child in [&mut watching, &mut blind, &mut unprivileged] {
        child.interrupt().unwrap();
        let done = child.finish(WAIT).unwrap();
        assert!(!done.timed_out, "{}", done.stderr);
    }
}
