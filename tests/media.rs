//! RTP, MPEG-TS and SAP with a real producer (ffmpeg) inside a private
//! namespace (issue #14): loss made by nftables shows as RTP loss and TS
//! continuity errors, duplicates and swaps made by the relay show in the
//! RTP counters, a clean stream shows no errors, and ffmpeg's SAP
//! announcements are found and received by `mcast sap`.
//!
//! Synchronization: ffmpeg runs to completion (bounded by `-t`), then the
//! listener is stopped only once the namespace's UDP counters say every
//! datagram that arrived was read by a socket or dropped by the rule
//! (counted by an nftables counter in front of the loss rule).

use std::process::Command;

use serde_json::Value;

use crate::support::impair::{parse_counter, Loss, Relay};
use crate::support::{
    addr_of, host_mcast, json_lines, run_with_timeout, summary_of, v4, Netns, Running,
    JOIN_TIMEOUT, WAIT,
};

/// ffmpeg's test picture, small and short: a few hundred datagrams.
fn ffmpeg(ns: &Netns, seconds: &str, bitrate: &str, out: &[&str]) -> Command {
    let mut cmd = ns.command("ffmpeg");
    cmd.args(["-nostdin", "-hide_banner", "-loglevel", "error", "-re"])
        .args(["-f", "lavfi", "-i", "testsrc=size=160x120:rate=25"])
        .args(["-t", seconds, "-c:v", "mpeg2video", "-b:v", bitrate])
        // Constant bitrate (the encoder pads), so the datagram count is known.
        .args(["-minrate", bitrate, "-maxrate", bitrate, "-bufsize", "500k"])
        .args(out);
    cmd
}

/// Runs ffmpeg to its end (it stops by `-t`).
fn produce(cmd: Command) {
    let done = run_with_timeout(cmd, WAIT * 2).unwrap();
    assert!(!done.timed_out, "ffmpeg hung: {}", done.stderr);
    assert_eq!(done.code(), Some(0), "ffmpeg: {}", done.stderr);
}

/// `mcast sap --join` (as `cmd` runs it) for `seconds`, while ffmpeg
/// announces a 3 s stream to `group`:5004 with SAP; its JSON records, and
/// its output for failure messages.
fn sap_join_run(
    ns: &Netns,
    mut cmd: Command,
    seconds: &str,
    group: &str,
    join_wait: std::time::Duration,
    end_wait: std::time::Duration,
) -> (Vec<Value>, String) {
    cmd.args(["sap", "-i", "mc1", "-t", seconds, "--json", "--join"]);
    let mut sap = ns.spawn(cmd).unwrap();
    sap.wait_for_group(ns, addr_of("224.2.127.254"), join_wait)
        .unwrap();
    let url = format!("sap://{group}:5004?announce_addr=224.2.127.254&ttl=1");
    produce(ffmpeg(ns, "3", "500k", &["-f", "sap", &url]));
    let done = sap.finish(end_wait).unwrap();
    assert!(!done.timed_out, "sap hung: {}", done.stderr);
    assert_eq!(done.code(), Some(0), "{}", done.stderr);
    let shown = format!("{}\n{}", done.stdout, done.stderr);
    (json_lines(&done.stdout), shown)
}

/// Sends the test groups out of mc0, so they arrive on mc1 (the lab
/// routes 224.0.0.0/4 to lo; ffmpeg's SAP muxer picks no interface).
fn route_out_mc0(ns: &Netns, prefixes: &[&str]) {
    for p in prefixes {
        ns.ip(&["route", "add", p, "dev", "mc0"]).unwrap();
    }
}

/// An nftables counter of UDP datagrams to `port` arriving on `dev`,
/// ahead of any loss rule (priority -10).
struct Arrivals<'a> {
    ns: &'a Netns,
    table: String,
}

impl<'a> Arrivals<'a> {
    fn install(ns: &'a Netns, dev: &str, port: u16) -> Self {
        let table = format!("mcast_count_{dev}");
        let nft = |args: &[&str]| {
            let out = ns.command("nft").args(args).output().unwrap();
            assert!(out.status.success(), "nft {args:?}: {out:?}");
        };
        nft(&["add", "table", "netdev", &table]);
        let hook =
            format!("{{ type filter hook ingress device \"{dev}\" priority -10; policy accept; }}");
        nft(&["add", "chain", "netdev", &table, "in", &hook]);
        nft(&[
            "add",
            "rule",
            "netdev",
            &table,
            "in",
            &format!("udp dport {port} counter"),
        ]);
        Self { ns, table }
    }

    fn count(&self) -> u64 {
        let out = self
            .ns
            .command("nft")
            .args(["list", "table", "netdev", &self.table])
            .output()
            .unwrap();
        parse_counter(&String::from_utf8_lossy(&out.stdout)).unwrap()
    }
}

/// `mcast listen GROUP -i mc1 --json ARGS`, once the group is joined.
fn listen(ns: &Netns, group: &str, args: &[&str]) -> Running {
    let mut cmd = ns.mcast();
    cmd.args(["listen", group, "-i", "mc1", "--json"])
        .args(args);
    let mut l = ns.spawn(cmd).unwrap();
    l.wait_for_group(ns, addr_of(group), JOIN_TIMEOUT).unwrap();
    l
}

fn stop(mut l: Running) -> Value {
    l.interrupt().unwrap();
    let done = l.finish(WAIT).unwrap();
    assert!(!done.timed_out, "listener hung: {}", done.stderr);
    assert_eq!(done.code(), Some(0), "{}", done.stderr);
    summary_of(&done.stdout)
}

fn only_stream(s: &Value) -> &Value {
    let streams = s["streams"].as_array().unwrap();
    assert_eq!(streams.len(), 1, "{s}");
    &streams[0]
}

fn num(v: &Value, key: &str) -> u64 {
    v[key]
        .as_u64()
        .unwrap_or_else(|| panic!("{key} is not a count in {v}"))
}

#[test]
#[ignore = "needs root: creates network namespaces, runs ffmpeg"]
fn root_rtp_loss_and_ts_continuity_errors_match_dropped_datagrams() {
    require_root!();
    let ns = Netns::new().unwrap();
    route_out_mc0(&ns, &["239.41.0.0/16"]);
    let arrived = Arrivals::install(&ns, "mc1", 5004);
    let loss = Loss::install_on_port(&ns, "mc1", 2, 5004).unwrap();
    let listener = listen(&ns, "239.41.0.1:5004", &[]);
    produce(ffmpeg(
        &ns,
        "4",
        "2M",
        &[
            "-f",
            "rtp_mpegts",
            "rtp://239.41.0.1:5004?ttl=1&localaddr=192.0.2.1",
        ],
    ));
    let total = arrived.count();
    ns.wait_for_udp("every RTP datagram read or dropped", |m| {
        Ok(m.in_datagrams + loss.dropped()? >= total)
    })
    .unwrap();
    let dropped = loss.dropped().unwrap();
    let s = stop(listener);
    let stream = only_stream(&s);
    let shown = format!("{total} arrived, nft dropped {dropped}; summary {s}");
    assert!(total > 500, "{shown}");
    assert_eq!(stream["format"], "rtp/mpegts", "{shown}");
    assert_eq!(num(stream, "received") + dropped, total, "{shown}");
    let rtp = &stream["rtp"];
    assert_eq!(rtp["payload_type"], 33, "{shown}");
    assert_eq!(rtp["clock_rate"], 90_000, "{shown}");
    assert!(rtp["jitter_ms"].as_f64().unwrap() >= 0.0, "{shown}");
    // Drops before the first or after the last datagram received leave no
    // gap; with 2 % loss of some 750 datagrams that is rarely more than one.
    let lost = num(rtp, "lost");
    assert!(dropped > 0, "{shown}");
    assert!(lost <= dropped && lost + 2 >= dropped, "{shown}");
    assert_eq!(num(&s, "rtp_lost"), lost, "{shown}");
    assert_eq!(
        num(rtp, "expected"),
        num(stream, "received") + lost,
        "{shown}"
    );
    for key in ["duplicates", "reordered", "late", "ssrc_changes"] {
        assert_eq!(num(rtp, key), 0, "{key}: {shown}");
    }
    // Each lost datagram breaks at least one PID's counter; adjacent
    // losses merge into one jump, and a lost PAT or PMT shows later on
    // its own PID, hence the bounds.
    let ts = &stream["ts"];
    let cc = num(ts, "cc_error_datagrams");
    assert!(cc * 2 >= lost && cc <= lost * 2, "{shown}");
    assert!(num(ts, "cc_errors") >= cc, "{shown}");
    assert_eq!(num(ts, "tei"), 0, "{shown}");
    assert_eq!(
        num(ts, "sync_errors") + num(ts, "sync_byte_errors"),
        0,
        "{shown}"
    );
    assert_eq!(num(&s, "ts_cc_errors"), num(ts, "cc_errors"), "{shown}");
}

#[test]
#[ignore = "needs root: creates network namespaces, runs ffmpeg"]
fn root_clean_mpegts_over_udp_has_no_errors() {
    require_root!();
    let ns = Netns::new().unwrap();
    route_out_mc0(&ns, &["239.42.0.0/16"]);
    let arrived = Arrivals::install(&ns, "mc1", 5006);
    let listener = listen(&ns, "239.42.0.1:5006", &[]);
    produce(ffmpeg(
        &ns,
        "3",
        "1M",
        &[
            "-f",
            "mpegts",
            "udp://239.42.0.1:5006?ttl=1&localaddr=192.0.2.1&pkt_size=1316",
        ],
    ));
    let total = arrived.count();
    ns.wait_for_udp("every datagram read", |m| Ok(m.in_datagrams >= total))
        .unwrap();
    let s = stop(listener);
    let stream = only_stream(&s);
    let shown = format!("{total} arrived; summary {s}");
    assert_eq!(stream["format"], "mpegts", "{shown}");
    assert!(stream.get("rtp").is_none(), "{shown}");
    assert_eq!(num(stream, "received"), total, "{shown}");
    let ts = &stream["ts"];
    assert_eq!(num(ts, "packets") * 188, num(stream, "bytes"), "{shown}");
    for key in [
        "cc_errors",
        "tei",
        "sync_errors",
        "sync_byte_errors",
        "pat_errors",
        "pmt_errors",
        "crc_errors",
        "malformed",
    ] {
        assert_eq!(num(ts, key), 0, "{key}: {shown}");
    }
    let pids: Vec<u64> = ts["pids"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| num(p, "pid"))
        .collect();
    // ffmpeg's defaults: PAT, PMT at 0x1000, video at 0x100 carrying PCR.
    for pid in [0, 0x1000, 0x100] {
        assert!(pids.contains(&pid), "PID {pid:#x}: {shown}");
    }
    assert_eq!(ts["pcr_pids"], serde_json::json!([0x100]), "{shown}");
    assert_eq!(ts["missing_pids"], serde_json::json!([]), "{shown}");
    // The PAT and PMT say what each PID is.
    let kind = |pid: u64| {
        ts["pids"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["pid"] == pid)
            .map(|p| p["kind"].clone())
    };
    assert_eq!(kind(0), Some(Value::from("PAT")), "{shown}");
    assert_eq!(kind(0x1000), Some(Value::from("PMT")), "{shown}");
    assert_eq!(kind(0x100), Some(Value::from("MPEG-2 video")), "{shown}");
    assert_eq!(kind(0x11), Some(Value::from("SDT/BAT")), "{shown}");
    let video = ts["pids"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["pid"] == 0x100)
        .unwrap();
    assert!(num(video, "pcrs") > 10, "{shown}");
    assert_eq!(num(video, "pcr_discontinuity_errors"), 0, "{shown}");
    assert!(
        video["pcr_interval_max_ms"].as_f64().unwrap() <= 100.0,
        "{shown}"
    );
    // The PIDs' rates add up to the stream's.
    let sum: f64 = ts["pids"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["rate_bps"].as_f64().unwrap())
        .sum();
    let total_bps = ts["rate_bps"].as_f64().unwrap();
    assert!((sum - total_bps).abs() < 1.0, "{shown}");
    assert_eq!(s["ts_streams"], 1, "{shown}");
}

#[test]
#[ignore = "needs root: creates network namespaces, runs ffmpeg"]
fn root_relay_duplicates_and_swaps_show_in_rtp_counters() {
    require_root!();
    let ns = Netns::new().unwrap();
    route_out_mc0(&ns, &["239.43.0.0/16"]);
    let listener = listen(&ns, "239.43.0.2:5000", &[]);
    let relay = Relay {
        dup_every: 10,
        swap_every: 4,
        ..Relay::standard(v4("239.43.0.1:5010"), v4("239.43.0.2:5000"))
    }
    .start(&ns)
    .unwrap();
    produce(ffmpeg(
        &ns,
        "3",
        "1M",
        &[
            "-f",
            "rtp_mpegts",
            "rtp://239.43.0.1:5010?ttl=1&localaddr=192.0.2.1",
        ],
    ));
    let report = relay.finish().unwrap();
    ns.wait_for_udp("relayed datagrams read", |m| {
        Ok(m.in_datagrams >= report.received + report.sent)
    })
    .unwrap();
    let s = stop(listener);
    let stream = only_stream(&s);
    let shown = format!("relay {report:?}; summary {s}");
    assert!(report.duplicates > 0 && report.swaps > 0, "{shown}");
    assert_eq!(num(stream, "received"), report.sent, "{shown}");
    let rtp = &stream["rtp"];
    assert_eq!(num(rtp, "duplicates"), report.duplicates, "{shown}");
    assert_eq!(num(rtp, "reordered"), report.swaps, "{shown}");
    assert_eq!(num(rtp, "lost"), 0, "{shown}");
    assert_eq!(num(rtp, "expected"), report.received, "{shown}");
    assert_eq!(num(&s, "rtp_duplicates"), report.duplicates, "{shown}");
}

#[test]
#[ignore = "needs root: creates network namespaces, runs ffmpeg"]
fn root_sap_finds_ffmpeg_announcement_and_join_receives_it() {
    require_root!();
    let ns = Netns::new().unwrap();
    route_out_mc0(&ns, &["224.2.127.254/32", "239.44.0.0/16"]);
    let (records, shown) = sap_join_run(&ns, ns.mcast(), "6s", "239.44.0.1", JOIN_TIMEOUT, WAIT);
    let new = records
        .iter()
        .find(|r| r["type"] == "sap" && r["event"] == "new")
        .unwrap_or_else(|| panic!("no new session: {shown}"));
    assert_eq!(new["origin"], "192.0.2.1", "{shown}");
    assert_eq!(new["sap_group"], "224.2.127.254", "{shown}");
    let stream = &new["streams"][0];
    assert_eq!(stream["group"], "239.44.0.1", "{shown}");
    assert_eq!(stream["port"], 5004, "{shown}");
    // mpeg2video over RTP is the static payload type 32 (MPV).
    assert_eq!(stream["payload_type"], 32, "{shown}");
    assert_eq!(stream["clock_rate"], 90_000, "{shown}");
    assert_eq!(stream["ttl"], 1, "{shown}");
    // ffmpeg deletes its session when it ends.
    assert!(
        records
            .iter()
            .any(|r| r["type"] == "sap" && r["event"] == "deleted"),
        "{shown}"
    );
    let summary = records
        .iter()
        .find(|r| r["type"] == "summary" && r["command"] == "sap")
        .unwrap();
    assert_eq!(summary["sessions"].as_array().unwrap().len(), 1, "{shown}");
    assert_eq!(summary["sessions"][0]["state"], "deleted", "{shown}");
    let joined = records
        .iter()
        .find(|r| r["type"] == "sap_join")
        .unwrap_or_else(|| panic!("nothing joined: {shown}"));
    let streams = joined["summary"]["streams"].as_array().unwrap();
    assert_eq!(streams.len(), 1, "{shown}");
    assert!(num(&streams[0], "received") > 20, "{shown}");
    assert_eq!(streams[0]["format"], "rtp", "{shown}");
    let rtp = &streams[0]["rtp"];
    assert_eq!(rtp["payload_type"], 32, "{shown}");
    assert_eq!(rtp["clock_source"], "sdp", "{shown}");
    assert_eq!(num(rtp, "lost"), 0, "{shown}");
}

#[test]
fn bad_rtp_clock_is_refused() {
    for cmd in ["listen", "join"] {
        let out = host_mcast()
            .args([cmd, "239.1.1.1", "--rtp-clock", "0"])
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{stderr}");
        assert!(stderr.contains("--rtp-clock 0 is not valid"), "{stderr}");
        assert_eq!(stderr.trim_end().lines().count(), 1, "{stderr}");
    }
    let out = host_mcast()
        .args(["sap", "--rtp", "--no-rtp"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}

/// Sends `packets` (hex) to the SAP group out of mc0, from Python.
fn send_sap(ns: &Netns, packets: &[String]) {
    let script = "import socket, sys\n\
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)\n\
        s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_IF, socket.inet_aton('192.0.2.1'))\n\
        for h in sys.argv[1:]:\n    s.sendto(bytes.fromhex(h), ('224.2.127.254', 9875))\n";
    let mut cmd = ns.command("python3");
    cmd.arg("-c").arg(script).args(packets);
    let done = run_with_timeout(cmd, WAIT).unwrap();
    assert_eq!(done.code(), Some(0), "{}", done.stderr);
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[test]
#[ignore = "needs root: creates network namespaces"]
fn root_sap_skips_compressed_and_notes_broken_sdp() {
    require_root!();
    let ns = Netns::new().unwrap();
    route_out_mc0(&ns, &["224.2.127.254/32"]);
    let mut cmd = ns.mcast();
    cmd.args(["sap", "-i", "mc1", "-t", "2s"]);
    let mut sap = ns.spawn(cmd).unwrap();
    sap.wait_for_group(&ns, addr_of("224.2.127.254"), JOIN_TIMEOUT)
        .unwrap();
    let header = |flags: u8| {
        let mut p = vec![flags, 0, 0x12, 0x34, 192, 0, 2, 1];
        p.extend_from_slice(b"application/sdp\0");
        p
    };
    let mut compressed = header(0x21);
    compressed.extend_from_slice(b"x\x9c\x03\x00");
    let mut broken = header(0x20);
    broken.extend_from_slice(
        b"v=0\r\no=- 7 1 IN IP4 192.0.2.1\r\ns=Evil \x1b[2J name\r\nnonsense\r\n\
          c=IN IP4 239.45.0.1/1\r\nm=audio 5004 RTP/AVP 96\r\na=rtpmap:96 L24/48000/2\r\n",
    );
    send_sap(&ns, &[hex(&compressed), hex(&compressed), hex(&broken)]);
    let done = sap.finish(WAIT).unwrap();
    assert!(!done.timed_out, "sap hung: {}", done.stderr);
    let shown = format!("stdout:\n{}\nstderr:\n{}", done.stdout, done.stderr);
    assert_eq!(done.code(), Some(0), "{shown}");
    // Skipped with a reason, once per sender and reason, and counted.
    assert_eq!(
        done.stderr.matches("compressed payload").count(),
        1,
        "{shown}"
    );
    assert!(
        done.stdout
            .contains("2 SAP packets from 192.0.2.1 skipped: compressed payload"),
        "{shown}"
    );
    // The broken SDP still gives its session, with a note, escaped.
    assert!(done.stdout.contains("new "), "{shown}");
    assert!(done.stdout.contains("\"Evil \\x1b[2J name\""), "{shown}");
    assert!(!done.stdout.contains('\x1b'), "{shown}");
    assert!(
        done.stdout
            .contains("note: SDP line 4: not a <type>=<value> line: nonsense"),
        "{shown}"
    );
    assert!(
        done.stdout
            .contains("audio 239.45.0.1:5004 RTP/AVP PT 96 (L24/48000) TTL 1"),
        "{shown}"
    );
}

#[test]
#[ignore = "needs root: creates network namespaces"]
fn root_sap_with_nothing_announced_fails_its_timeout() {
    require_root!();
    let ns = Netns::new().unwrap();
    let mut cmd = ns.mcast();
    cmd.args(["sap", "-i", "mc1", "-t", "300ms", "--json"]);
    let done = run_with_timeout(cmd, WAIT).unwrap();
    assert_eq!(done.code(), Some(1), "{}", done.stderr);
    assert!(
        done.stderr
            .contains("check failed: no session was announced within 300ms"),
        "{}",
        done.stderr
    );
    let summary = json_lines(&done.stdout).pop().unwrap();
    assert_eq!(summary["command"], "sap");
    assert_eq!(summary["sessions"], serde_json::json!([]));
}

#[test]
#[ignore = "needs root: creates network namespaces"]
fn root_sap_over_ipv6_link_local_group() {
    require_root!();
    let ns = Netns::new().unwrap();
    let mut cmd = ns.mcast();
    cmd.args(["sap", "-i", "mc1", "-t", "2s", "--json"]);
    let mut sap = ns.spawn(cmd).unwrap();
    sap.wait_for_group(&ns, addr_of("ff02::2:7ffe"), JOIN_TIMEOUT)
        .unwrap();
    // SAP v1 with an IPv6 origin (A bit), no payload type, an SSM session.
    let mut p = vec![0x30, 0, 0xab, 0xcd];
    p.extend_from_slice(
        &"2001:db8::1"
            .parse::<std::net::Ipv6Addr>()
            .unwrap()
            .octets(),
    );
    p.extend_from_slice(
        b"v=0\r\no=- 9 2 IN IP6 2001:db8::1\r\ns=v6 audio\r\nt=0 0\r\n\
          m=audio 5004 RTP/AVP 0\r\nc=IN IP6 ff35::1:2\r\n\
          a=source-filter: incl IN IP6 ff35::1:2 2001:db8::1\r\n",
    );
    let script = "import socket, sys\n\
        s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)\n\
        s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_MULTICAST_IF, socket.if_nametoindex('mc0'))\n\
        s.sendto(bytes.fromhex(sys.argv[1]), ('ff02::2:7ffe', 9875))\n";
    let mut py = ns.command("python3");
    py.arg("-c").arg(script).arg(hex(&p));
    assert_eq!(run_with_timeout(py, WAIT).unwrap().code(), Some(0));
    let done = sap.finish(WAIT).unwrap();
    assert_eq!(done.code(), Some(0), "{}", done.stderr);
    let records = json_lines(&done.stdout);
    let new = records
        .iter()
        .find(|r| r["type"] == "sap" && r["event"] == "new")
        .unwrap_or_else(|| panic!("nothing announced: {}", done.stdout));
    assert_eq!(new["origin"], "2001:db8::1");
    assert_eq!(new["sap_group"], "ff02::2:7ffe");
    assert_eq!(new["name"], "v6 audio");
    let s = &new["streams"][0];
    assert_eq!(s["group"], "ff35::1:2");
    assert_eq!(s["source"], "2001:db8::1");
    assert_eq!(s["ttl"], Value::Null);
    assert_eq!(s["encoding"], "PCMU");
    assert_eq!(s["clock_rate"], 8000);
}

/// The Windows build under Wine (see `tests/wine.rs`): `sap --join` finds
/// ffmpeg's announcement and receives and analyses its RTP stream. Only
/// the Windows build's portable code is new here; the sockets are the
/// receive engine's, checked by `tests/wine.rs`.
#[test]
#[ignore = "needs root: creates network namespaces, runs ffmpeg and Wine"]
fn root_wine_sap_join_receives_ffmpeg() {
    use crate::support::wine::{Wine, WINE_WAIT};
    require_root!();
    let ns = Netns::new().unwrap();
    route_out_mc0(&ns, &["224.2.127.254/32", "239.46.0.0/16"]);
    let wine = Wine::new(&ns).unwrap();
    let (records, shown) =
        sap_join_run(&ns, wine.mcast(), "8s", "239.46.0.1", WINE_WAIT, WINE_WAIT);
    let new = records
        .iter()
        .find(|r| r["type"] == "sap" && r["event"] == "new")
        .unwrap_or_else(|| panic!("no new session: {shown}"));
    assert_eq!(new["streams"][0]["group"], "239.46.0.1", "{shown}");
    assert_eq!(new["streams"][0]["payload_type"], 32, "{shown}");
    let joined = records
        .iter()
        .find(|r| r["type"] == "sap_join")
        .unwrap_or_else(|| panic!("nothing joined: {shown}"));
    let stream = &joined["summary"]["streams"][0];
    assert_eq!(stream["format"], "rtp", "{shown}");
    assert!(num(stream, "received") > 20, "{shown}");
    assert_eq!(num(&stream["rtp"], "lost"), 0, "{shown}");
    assert_eq!(stream["rtp"]["clock_source"], "sdp", "{shown}");
}
