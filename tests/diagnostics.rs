//! Acceptance tests for the listen diagnostics (issue #3): real impairments
//! inside a private network namespace (`support::impair`), and the numbers
//! `mcast listen --json` reports about them compared with what the
//! impairment tools say they did. Root only, like every network test.
//!
//! Synchronization: a listener is stopped (SIGINT) only once the kernel
//! says every datagram is accounted for ([`Netns::wait_for_udp`]):
//! the namespace's UDP MIB counts a datagram in `InDatagrams` when a socket
//! *reads* it and in `RcvbufErrors` when a full queue drops it, and the
//! nftables rule counts what it drops.

use std::time::Duration;

use serde_json::Value;

use crate::support::impair::{self, udp_drops_on_port, Loss, Relay};
use crate::support::{
    addr_of, ip, json_lines, peak_rss_kib, run_with_timeout, summary_of, v4, wait_until, Finished,
    Netns, Running, JOIN_TIMEOUT, WAIT,
};

/// Starts `mcast listen GROUP -i mc1 ARGS` and waits until `GROUP` (a
/// single group, `ADDR:PORT`) is joined.
fn listen(ns: &Netns, group: &str, args: &[&str]) -> Running {
    let mut cmd = ns.mcast();
    cmd.args(["listen", group, "-i", "mc1"])
        .args(args)
        .env("NO_COLOR", "1");
    let mut listener = ns.spawn(cmd).unwrap();
    listener
        .wait_for_group(ns, addr_of(group), JOIN_TIMEOUT)
        .unwrap();
    listener
}

/// Runs `mcast send ARGS -i mc0 --json` to completion and returns its
/// summary record (`packets`, `errors`, ...).
fn send(ns: &Netns, args: &[&str]) -> Value {
    let mut cmd = ns.mcast();
    cmd.arg("send").args(args).args(["-i", "mc0", "--json"]);
    send_done(&run_with_timeout(cmd, WAIT).unwrap(), args)
}

/// Checks a finished `send --json` (exit 0, no send errors) and returns
/// its summary record.
fn send_done(done: &Finished, args: &[&str]) -> Value {
    assert!(!done.timed_out, "send {args:?} hung: {}", done.stderr);
    assert_eq!(done.code(), Some(0), "send {args:?}: {}", done.stderr);
    let summary = json_lines(&done.stdout).pop().unwrap();
    assert_eq!(summary["type"], "summary", "{}", done.stdout);
    assert_eq!(summary["errors"], 0, "send errors: {summary}");
    summary
}

/// Interrupts a listener (as Ctrl-C) and waits for its summary.
fn stop(listener: &mut Running) -> Finished {
    listener.interrupt().unwrap();
    let done = listener.finish(WAIT).unwrap();
    assert!(!done.timed_out, "listener hung: {}", done.stderr);
    done
}

/// `v[key]` as a count; panics naming the key if it is not one.
fn num(v: &Value, key: &str) -> u64 {
    v[key]
        .as_u64()
        .unwrap_or_else(|| panic!("{key} is not a count in {v}"))
}

/// `v[key]` as a number; panics naming the key if it is not one.
fn float(v: &Value, key: &str) -> f64 {
    v[key]
        .as_f64()
        .unwrap_or_else(|| panic!("{key} is not a number in {v}"))
}

/// The only test stream of a summary.
fn only_stream(summary: &Value) -> &Value {
    let streams = summary["streams"].as_array().unwrap();
    assert_eq!(streams.len(), 1, "streams: {summary}");
    assert_eq!(streams[0]["kind"], "test");
    &streams[0]
}

#[test]
#[ignore = "needs root: creates network namespaces"]
fn root_random_loss_is_reported_exactly() {
    require_root!();
    let ns = Netns::new().unwrap();
    let loss = Loss::install(&ns, "mc1", 10).unwrap();
    let mut listener = listen(&ns, "239.31.0.1:5000", &["--json"]);
    let sent = send(&ns, &["239.31.0.1:5000", "-c", "2000", "--rate", "2000"]);
    assert_eq!(num(&sent, "packets"), 2000);
    // Every datagram is either dropped by the rule or read by mcast.
    ns.wait_for_udp("2000 datagrams read or dropped by nft", |m| {
        Ok(m.in_datagrams + loss.dropped()? >= 2000)
    })
    .unwrap();
    let dropped = loss.dropped().unwrap();
    let done = stop(&mut listener);
    assert_eq!(done.code(), Some(0), "{}", done.stderr);
    let s = summary_of(&done.stdout);
    let stream = only_stream(&s);
    let shown = format!("nft dropped {dropped}; summary {s}");

    let received = num(&s, "test_packets");
    assert_eq!(received + dropped, 2000, "{shown}");
    // Sequence analysis sees only the span from the first to the highest
    // sequence number received: drops before or after it are invisible.
    let (first, highest) = (num(stream, "first_seq"), num(stream, "highest_seq"));
    let outside = first + (1999 - highest);
    assert_eq!(num(&s, "expected"), highest - first + 1, "{shown}");
    assert_eq!(num(&s, "expected"), 2000 - outside, "{shown}");
    assert_eq!(num(&s, "lost") + outside, dropped, "{shown}");
    assert_eq!(num(stream, "lost"), num(&s, "lost"), "{shown}");
    let pct = float(&s, "loss_pct");
    assert!((7.0..=13.0).contains(&pct), "loss {pct}%: {shown}");
    let exact = num(&s, "lost") as f64 * 100.0 / num(&s, "expected") as f64;
    assert!((pct - exact).abs() < 1e-9, "{shown}");
    // Nothing else happened to them.
    for key in [
        "duplicates",
        "reordered",
        "late",
        "corrupted",
        "kernel_drops",
    ] {
        assert_eq!(num(&s, key), 0, "{key}: {shown}");
    }
    // No kernel drops: all of it is network loss.
    assert_eq!(num(&s, "network_lost"), num(&s, "lost"), "{shown}");
    assert!(
        (float(&s, "network_loss_pct") - pct).abs() < 1e-9,
        "{shown}"
    );
    assert_eq!(s["verdict"], "ok");
}

#[test]
#[ignore = "needs root: creates network namespaces"]
fn root_relay_duplicates_and_swaps_are_counted_exactly() {
    require_root!();
    let ns = Netns::new().unwrap();
    let (n, dup_every, swap_every) = (600u64, 10u32, 4u32);
    // relay.py doubles every 10th packet and swaps every 4th pair.
    let dups = n / u64::from(dup_every);
    let arriving = (n + dups).to_string();
    let mut listener = listen(&ns, "239.32.0.2:5000", &["--json", "-c", &arriving]);
    let relay = Relay {
        dup_every,
        swap_every,
        count: n,
        ..Relay::standard(v4("239.32.0.1:5001"), v4("239.32.0.2:5000"))
    }
    .start(&ns)
    .unwrap();
    let sent = send(&ns, &["239.32.0.1:5001", "-c", "600", "--rate", "2000"]);
    assert_eq!(num(&sent, "packets"), n);
    let report = relay.finish().unwrap();
    let done = listener.finish(WAIT).unwrap();
    assert!(!done.timed_out, "listener hung: {}", done.stderr);
    assert_eq!(done.code(), Some(0), "{}", done.stderr);
    let s = summary_of(&done.stdout);
    let shown = format!("relay {report:?}; summary {s}");

    assert_eq!(report.received, n);
    assert_eq!(report.duplicates, dups);
    assert_eq!(report.swaps, n / 2 / u64::from(swap_every));
    assert_eq!(s["ending"], "count", "{shown}");
    assert_eq!(num(&s, "test_packets"), report.sent, "{shown}");
    assert_eq!(num(&s, "duplicates"), report.duplicates, "{shown}");
    assert_eq!(num(&s, "reordered"), report.swaps, "{shown}");
    assert_eq!(num(&s, "expected"), n, "{shown}");
    assert_eq!(num(&s, "lost"), 0, "{shown}");
    assert_eq!(float(&s, "loss_pct"), 0.0, "{shown}");
    assert_eq!(num(&s, "late"), 0, "{shown}");
    assert_eq!(num(&s, "corrupted"), 0, "{shown}");
    let stream = only_stream(&s);
    assert_eq!(num(stream, "duplicates"), report.duplicates, "{shown}");
    assert_eq!(num(stream, "reordered"), report.swaps, "{shown}");
    assert_eq!(num(stream, "received"), report.sent, "{shown}");
}

#[test]
#[ignore = "needs root: creates network namespaces"]
fn root_relay_delay_shows_as_latency() {
    require_root!();
    let ns = Netns::new().unwrap();
    let mut listener = listen(&ns, "239.33.0.2:5000", &["--json", "-c", "300"]);
    let relay = Relay {
        delay: Duration::from_millis(20),
        count: 300,
        ..Relay::standard(v4("239.33.0.1:5001"), v4("239.33.0.2:5000"))
    }
    .start(&ns)
    .unwrap();
    send(&ns, &["239.33.0.1:5001", "-c", "300", "--rate", "1000"]);
    assert_eq!(relay.finish().unwrap().sent, 300);
    let done = listener.finish(WAIT).unwrap();
    assert!(!done.timed_out, "listener hung: {}", done.stderr);
    assert_eq!(done.code(), Some(0), "{}", done.stderr);
    let s = summary_of(&done.stdout);
    let stream = only_stream(&s);
    let lat = &stream["latency"];
    let shown = format!("latency {lat}");
    assert_eq!(stream["latency_clock"], "kernel", "{shown}");
    assert_eq!(num(lat, "samples"), 300, "{shown}");
    assert_eq!(num(&s, "lost"), 0);
    // The relay sends at kernel arrival + 20 ms, so never early.
    let (min, p50) = (float(lat, "min_ms"), float(lat, "p50_ms"));
    assert!(min >= 19.9, "{shown}");
    assert!((20.0..25.0).contains(&p50), "{shown}");
    assert!(
        float(lat, "avg_ms") >= min && float(lat, "avg_ms") < 25.0,
        "{shown}"
    );
    assert!(float(lat, "p99_ms") >= p50, "{shown}");
    assert!(
        float(lat, "max_ms") >= float(lat, "p99_ms") * 0.98,
        "{shown}"
    );
    // A constant delay is no jitter.
    let jitter = float(lat, "jitter_ms");
    assert!((0.0..2.0).contains(&jitter), "{shown}");
}

#[test]
#[ignore = "needs root: creates network namespaces"]
fn root_kernel_drops_are_not_network_loss() {
    require_root!();
    let ns = Netns::new().unwrap();
    let small = ["--rcvbuf", "64K"];
    // Two listeners with a small receive buffer, one for the numbers (JSON)
    // and one for the words (text), on their own group and port.
    let mut json = listen(&ns, "239.34.0.1:5000", &[&small[..], &["--json"]].concat());
    let mut text = listen(&ns, "239.34.0.2:5001", &small);
    let paused = [
        impair::pause(json.id()).unwrap(),
        impair::pause(text.id()).unwrap(),
    ];
    // 3000 × 1400 B per group at 5000/s: 0.6 s, while 64K holds a few dozen.
    let args = [
        "239.34.0.1:5000",
        "239.34.0.2:5001",
        "-c",
        "3000",
        "-s",
        "1400",
        "--rate",
        "5000",
    ];
    let mut cmd = ns.mcast();
    cmd.arg("send").args(args).args(["-i", "mc0", "--json"]);
    let mut sender = ns.spawn(cmd).unwrap();
    // Resume once both queues overflowed, well before the sender is done,
    // so the kernel's drops are gaps in the middle of the sequence (drops
    // at the end would be invisible to sequence analysis).
    wait_until(
        "both receive queues to overflow",
        Duration::from_secs(3),
        || Ok(udp_drops_on_port(&ns, 5000)? >= 100 && udp_drops_on_port(&ns, 5001)? >= 100),
    )
    .unwrap();
    for p in paused {
        p.resume().unwrap();
    }
    let sent = send_done(&sender.finish(WAIT).unwrap(), &args);
    assert_eq!(num(&sent, "packets"), 6000);
    ns.wait_for_udp("6000 datagrams read or dropped on full queues", |m| {
        Ok(m.in_datagrams + m.rcvbuf_errors >= 6000)
    })
    .unwrap();
    let drops = udp_drops_on_port(&ns, 5000).unwrap();
    let json = stop(&mut json);
    let text = stop(&mut text);

    assert_eq!(json.code(), Some(0), "{}", json.stderr);
    let s = summary_of(&json.stdout);
    let shown = format!("/proc drops {drops}; summary {s}");
    let kernel_drops = num(&s, "kernel_drops");
    assert_eq!(kernel_drops, drops, "{shown}");
    assert!(kernel_drops >= 100, "{shown}");
    assert_eq!(num(&s, "test_packets") + kernel_drops, 3000, "{shown}");
    // The queue held the first packets, so the span starts at 0. The
    // sender outlived the pause, so normally the last packet arrived too
    // and every drop is a gap; on a starved host the listener may fall
    // behind again and lose the tail, which no sequence gap can show.
    // Either way every gap is the kernel's.
    let stream = only_stream(&s);
    let tail = 2999 - num(stream, "highest_seq");
    assert_eq!(num(stream, "first_seq"), 0, "{shown}");
    assert_eq!(num(&s, "expected"), 3000 - tail, "{shown}");
    assert_eq!(num(&s, "lost") + tail, kernel_drops, "{shown}");
    assert_eq!(num(&s, "network_lost"), 0, "{shown}");
    assert_eq!(float(&s, "network_loss_pct"), 0.0, "{shown}");
    // 64K asked; Linux reports (and charges) twice that.
    assert_eq!(num(&s, "rcvbuf"), 131_072, "{shown}");
    assert_eq!(s["verdict"], "ok");

    assert_eq!(text.code(), Some(0), "{}", text.stderr);
    assert!(
        text.stderr.contains("the kernel dropped"),
        "{}",
        text.stderr
    );
    assert!(
        text.stderr
            .contains("lost in the network (gaps less kernel drops): 0 (0.00%)"),
        "{}",
        text.stderr
    );
}

#[test]
#[ignore = "needs root: creates network namespaces"]
fn root_max_loss_decides_the_exit_code() {
    require_root!();
    let ns = Netns::new().unwrap();
    let loss = Loss::install(&ns, "mc1", 10).unwrap();
    // Four listeners at once, each on its own group.
    let mut text_1 = listen(&ns, "239.35.0.1:5000", &["--max-loss", "1"]);
    let mut json_1 = listen(&ns, "239.35.0.2:5000", &["--max-loss", "1", "--json"]);
    let mut json_50 = listen(&ns, "239.35.0.3:5000", &["--max-loss", "50", "--json"]);
    let mut none = listen(&ns, "239.35.0.4:5000", &["--max-loss", "5", "--json"]);
    let groups = ["239.35.0.1:5000", "239.35.0.2:5000", "239.35.0.3:5000"];
    let sent = send(
        &ns,
        &[&groups[..], &["-c", "1000", "--rate", "2000"]].concat(),
    );
    assert_eq!(num(&sent, "packets"), 3000);
    // Not test packets: loss is unknown there.
    let other = ["239.35.0.4:5000", "-c", "20", "--rate", "1000"];
    send(&ns, &[&other[..], &["--payload", "hello"]].concat());
    ns.wait_for_udp("3020 datagrams read or dropped by nft", |m| {
        Ok(m.in_datagrams + loss.dropped()? >= 3020)
    })
    .unwrap();

    let done = stop(&mut text_1);
    assert_eq!(done.code(), Some(1), "{}", done.stderr);
    assert!(
        done.stderr.contains("more than --max-loss 1%"),
        "{}",
        done.stderr
    );
    assert!(
        done.stderr.contains("mcast: check failed"),
        "{}",
        done.stderr
    );

    let done = stop(&mut json_1);
    assert_eq!(done.code(), Some(1), "{}", done.stderr);
    let s = summary_of(&done.stdout);
    let pct = float(&s, "network_loss_pct");
    assert!((5.0..=15.0).contains(&pct), "{s}");
    let verdict = s["verdict"].as_str().unwrap();
    assert!(verdict.contains("more than --max-loss 1%"), "{verdict}");
    assert!(verdict.starts_with(&format!("{pct:.2}%")), "{verdict}");

    let done = stop(&mut json_50);
    assert_eq!(done.code(), Some(0), "{}", done.stderr);
    let s = summary_of(&done.stdout);
    assert!(float(&s, "network_loss_pct") > 1.0, "{s}");
    assert_eq!(s["verdict"], "ok");

    let done = stop(&mut none);
    assert_eq!(done.code(), Some(1), "{}", done.stderr);
    let s = summary_of(&done.stdout);
    assert!(num(&s, "foreign_packets") > 0, "{s}");
    assert_eq!(num(&s, "test_packets"), 0, "{s}");
    assert_eq!(s["loss_pct"], Value::Null, "{s}");
    assert_eq!(s["network_loss_pct"], Value::Null, "{s}");
    let verdict = s["verdict"].as_str().unwrap();
    assert!(verdict.contains("no mcast test packets"), "{verdict}");
}

#[test]
#[ignore = "needs root: creates network namespaces"]
fn root_a_thousand_groups_few_sending() {
    require_root!();
    let ns = Netns::new().unwrap();
    // 239.36.0.1+1000 is 239.36.0.1 ..= 239.36.3.232; the 500th is
    // 239.36.1.244. `join` covers the same range in 239.37.
    let mut cmd = ns.mcast();
    cmd.args(["listen", "239.36.0.1+1000", "-i", "mc1", "--json"]);
    let mut listener = ns.spawn(cmd).unwrap();
    let mut cmd = ns.mcast();
    cmd.args(["join", "239.37.0.1+1000", "-i", "mc1"])
        .env("NO_COLOR", "1");
    let mut joiner = ns.spawn(cmd).unwrap();
    for g in ["239.36.0.1", "239.36.1.244", "239.36.3.232"] {
        listener.wait_for_group(&ns, ip(g), JOIN_TIMEOUT).unwrap();
    }
    for g in ["239.37.0.1", "239.37.1.244", "239.37.3.232"] {
        joiner.wait_for_group(&ns, ip(g), JOIN_TIMEOUT).unwrap();
    }
    let sending = [
        "239.36.0.1:5000",
        "239.36.1.244:5000",
        "239.36.3.232:5000",
        "239.37.0.1:5000",
        "239.37.1.244:5000",
        "239.37.3.232:5000",
    ];
    let sent = send(
        &ns,
        &[&sending[..], &["-c", "20", "--rate", "200"]].concat(),
    );
    assert_eq!(num(&sent, "packets"), 120);
    ns.wait_for_udp("120 datagrams read", |m| Ok(m.in_datagrams >= 120))
        .unwrap();
    let peaks = [peak_rss_kib(listener.id()), peak_rss_kib(joiner.id())];
    let listened = stop(&mut listener);
    let joined = stop(&mut joiner);

    assert_eq!(listened.code(), Some(0), "{}", listened.stderr);
    let s = summary_of(&listened.stdout);
    assert_eq!(num(&s, "silent_groups"), 997, "{s}");
    assert_eq!(num(&s, "packets"), 60);
    let groups = s["groups"].as_array().unwrap();
    assert_eq!(groups.len(), 1000);
    for (i, g) in groups.iter().enumerate() {
        let want = if [0, 499, 999].contains(&i) { 20 } else { 0 };
        assert_eq!(num(g, "packets"), want, "group {i}: {g}");
    }
    assert_eq!(groups[0]["group"], "239.36.0.1");
    assert_eq!(groups[499]["group"], "239.36.1.244");
    assert_eq!(groups[999]["group"], "239.36.3.232");
    assert_eq!(groups[499]["last_source"], "192.0.2.1");
    assert_eq!(num(&s, "test_streams"), 3, "{s}");
    assert_eq!(num(&s, "lost"), 0, "{s}");
    for stream in s["streams"].as_array().unwrap() {
        assert_eq!(num(stream, "received"), 20, "{stream}");
    }

    assert_eq!(joined.code(), Some(0), "{}", joined.stderr);
    let err = &joined.stderr;
    assert!(err.contains("joined 1000 groups"), "{err}");
    assert!(err.contains("997 of 1000 groups received nothing"), "{err}");
    for g in ["239.37.0.1:5000", "239.37.1.244:5000", "239.37.3.232:5000"] {
        // The last row for the group is the summary's (live tables come first).
        let row = err
            .lines()
            .rfind(|l| l.starts_with(&format!("{g} ")) && l.contains("192.0.2.1:"))
            .unwrap_or_else(|| panic!("no summary row for {g}: {err}"));
        assert_eq!(row.split_whitespace().nth(1), Some("20"), "{row}");
    }

    for kib in peaks {
        assert!(kib < 50 * 1024, "peak memory {kib} KiB");
    }
}

#[test]
#[ignore = "needs root: creates network namespaces"]
fn root_stats_interval_emits_stats_records() {
    require_root!();
    let ns = Netns::new().unwrap();
    // Time is what is tested here: stats every 0.5 s over a 2 s run.
    let mut listener = listen(
        &ns,
        "239.38.0.1:5000",
        &["--json", "--stats-interval", "500ms", "-d", "2s"],
    );
    send(&ns, &["239.38.0.1:5000", "-c", "150", "--rate", "100"]);
    let done = listener.finish(WAIT).unwrap();
    assert!(!done.timed_out, "listener hung: {}", done.stderr);
    assert_eq!(done.code(), Some(0), "{}", done.stderr);
    let recs = json_lines(&done.stdout);
    assert_eq!(recs[0]["type"], "start");
    let summary = recs.last().unwrap();
    assert_eq!(summary["type"], "summary");
    assert_eq!(summary["ending"], "duration");
    assert_eq!(num(summary, "packets"), 150);
    let first_packet = recs.iter().position(|r| r["type"] == "packet").unwrap();
    let stats: Vec<&Value> = recs[first_packet..]
        .iter()
        .filter(|r| r["type"] == "stats")
        .collect();
    assert!(stats.len() >= 2, "{} stats records", stats.len());
    let all_stats = recs.iter().filter(|r| r["type"] == "stats").count();
    // Ticks at 0.5, 1.0 and 1.5 s (2 s may coincide with the end).
    assert!((3..=4).contains(&all_stats), "{all_stats} stats records");
    let mut before = 0;
    for st in &stats {
        let interval = float(st, "interval_s");
        assert!((0.3..0.8).contains(&interval), "{st}");
        let stream = only_stream(st);
        let received = num(stream, "received");
        assert!(received >= before, "{st}");
        assert_eq!(num(&stream["interval"], "received"), received - before);
        assert_eq!(num(&stream["interval"], "lost"), 0, "{st}");
        assert_eq!(num(st, "lost"), 0, "{st}");
        before = received;
    }
    assert!(before > 0 && before <= 150, "{before}");
}

#[test]
#[ignore = "needs root: creates network namespaces"]
fn root_sender_restart_is_a_second_stream() {
    require_root!();
    let ns = Netns::new().unwrap();
    let mut listener = listen(&ns, "239.39.0.1:5000", &["--json"]);
    let run = ["239.39.0.1:5000", "-c", "50", "--rate", "500"];
    send(&ns, &run);
    send(&ns, &run);
    ns.wait_for_udp("100 datagrams read", |m| Ok(m.in_datagrams >= 100))
        .unwrap();
    let done = stop(&mut listener);
    assert_eq!(done.code(), Some(0), "{}", done.stderr);
    let s = summary_of(&done.stdout);
    assert_eq!(num(&s, "test_streams"), 2, "{s}");
    assert_eq!(num(&s, "expected"), 100, "{s}");
    assert_eq!(num(&s, "lost"), 0, "{s}");
    assert_eq!(num(&s, "restarts"), 0, "{s}");
    let streams = s["streams"].as_array().unwrap();
    for st in streams {
        assert_eq!(num(st, "received"), 50, "{st}");
        assert_eq!(num(st, "expected"), 50, "{st}");
        assert_eq!(num(st, "lost"), 0, "{st}");
        assert_eq!((num(st, "first_seq"), num(st, "highest_seq")), (0, 49));
        assert_eq!(st["sender"].as_str().unwrap().len(), 16, "{st}");
    }
    assert_ne!(streams[0]["sender"], streams[1]["sender"], "{s}");
}

/// Drops after the last packet read leave no sequence gap, so they must not
/// excuse real network loss: the gaps nftables made stay network loss.
#[test]
#[ignore = "needs root: creates network namespaces"]
fn root_drops_at_the_end_do_not_hide_network_loss() {
    require_root!();
    let ns = Netns::new().unwrap();
    let loss = Loss::install(&ns, "mc1", 10).unwrap();
    let group = "239.38.0.1:5000";
    let mut listener = listen(
        &ns,
        group,
        &["--rcvbuf", "64K", "--json", "--max-loss", "1"],
    );
    // Paused for the whole send: the queue keeps the first ~150 packets
    // (with ~15 network gaps among them) and the kernel drops the rest.
    let paused = impair::pause(listener.id()).unwrap();
    let args = [group, "-c", "3000", "-s", "100", "--rate", "max"];
    send(&ns, &args);
    paused.resume().unwrap();
    ns.wait_for_udp("3000 datagrams read or dropped", |m| {
        Ok(m.in_datagrams + m.rcvbuf_errors + loss.dropped()? >= 3000)
    })
    .unwrap();
    let done = stop(&mut listener);
    let s = summary_of(&done.stdout);
    let shown = format!("{s}");
    assert!(num(&s, "kernel_drops") > 1000, "{shown}");
    let lost = num(&s, "lost");
    assert!(
        lost > 0,
        "no network loss among the queued packets: {shown}"
    );
    assert_eq!(num(&s, "network_lost"), lost, "{shown}");
    assert_eq!(done.code(), Some(1), "{}", done.stderr);
    assert!(
        s["verdict"]
            .as_str()
            .unwrap()
            .contains("more than --max-loss 1%"),
        "{shown}"
    );
}
