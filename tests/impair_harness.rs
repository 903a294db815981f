//! Checks the impairment tools in `support::impair` themselves: that each
//! does, measurably, what it says, before other tests rely on them to check
//! what `mcast` reports. Parsers run everywhere; the rest needs root.

use std::time::{Duration, SystemTime};

use serde_json::Value;

use crate::support::impair::{self, Loss, Relay, RelayReport};
use crate::support::{addr_of, packets, run_with_timeout, v4, Netns, Running, JOIN_TIMEOUT, WAIT};

/// Starts `mcast listen ARGS --json` on mc1 and waits for its join.
fn listen(ns: &Netns, group: &str, args: &[&str]) -> Running {
    let mut cmd = ns.mcast();
    cmd.args(["listen", group, "-i", "mc1", "--json"])
        .args(args);
    let mut listener = ns.spawn(cmd).unwrap();
    listener
        .wait_for_group(ns, addr_of(group), JOIN_TIMEOUT)
        .unwrap();
    listener
}

/// `mcast send` out of mc0, to completion.
fn send(ns: &Netns, group: &str, count: u32, rate: &str) {
    let mut cmd = ns.mcast();
    let count = count.to_string();
    cmd.args([
        "send", group, "-i", "mc0", "-c", &count, "--rate", rate, "-q",
    ]);
    let done = run_with_timeout(cmd, WAIT).unwrap();
    assert_eq!(done.code(), Some(0), "send: {}", done.stderr);
}

fn seqs(pkts: &[Value]) -> Vec<u64> {
    pkts.iter().map(|p| p["seq"].as_u64().unwrap()).collect()
}

fn time(v: &Value) -> SystemTime {
    humantime::parse_rfc3339(v.as_str().unwrap()).unwrap()
}

/// The seq order relay.py promises for `n` packets 0..n in (see its doc).
fn expected_relay_order(n: u64, dup_every: u64, swap_every: u64) -> Vec<u64> {
    let mut out = Vec::new();
    let mut emit = |nth: u64| {
        let copies = if dup_every > 0 && nth % dup_every == 0 {
            2
        } else {
            1
        };
        out.extend(std::iter::repeat_n(nth - 1, copies));
    };
    let mut nth = 1;
    while nth <= n {
        let pair = nth.div_ceil(2);
        if nth % 2 == 1 && nth < n && swap_every > 0 && pair % swap_every == 0 {
            emit(nth + 1);
            emit(nth);
            nth += 2;
        } else {
            emit(nth);
            nth += 1;
        }
    }
    out
}

#[test]
fn expected_relay_order_swaps_then_duplicates() {
    // Pair 2 (packets 3, 4) swapped; every 3rd packet (seq 2, 5) doubled.
    assert_eq!(expected_relay_order(6, 3, 2), [0, 1, 3, 2, 2, 4, 5, 5]);
    assert_eq!(expected_relay_order(3, 0, 0), [0, 1, 2]);
}

#[test]
fn parsers_read_nft_proc_and_relay_output() {
    let listing = "table netdev t {\n\tchain in {\n\t\tmeta l4proto udp numgen random \
                   mod 100 < 10 counter packets 210 bytes 19320 drop\n\t}\n}";
    assert_eq!(impair::parse_counter(listing), Some(210));
    assert_eq!(impair::parse_counter("table netdev t {}"), None);
    let udp = "   sl  local_address rem_address   st tx_queue rx_queue tr tm->when \
               retrnsmt   uid  timeout inode ref pointer drops\n\
               \x20 12: 0201010A:1388 00000000:0000 07 00000000:00000000 00:00000000 \
               00000000     0        0 1234 2 0000000000000000 1676\n\
               \x20 13: 00000000:1389 00000000:0000 07 00000000:00000000 00:00000000 \
               00000000     0        0 1235 2 0000000000000000 4\n";
    assert_eq!(impair::parse_udp_drops(udp, None), 1680);
    assert_eq!(impair::parse_udp_drops(udp, Some(5000)), 1676);
    assert_eq!(impair::parse_udp_drops(udp, Some(5001)), 4);
    assert_eq!(impair::parse_udp_drops(udp, Some(5002)), 0);
    let report = RelayReport::parse(
        "{\"type\": \"relay\", \"received\": 3, \"sent\": 4, \"duplicates\": 1, \
         \"swaps\": 1, \"seqs\": [1, 0, 2, null]}\n",
    )
    .unwrap();
    assert_eq!(report.sent, 4);
    assert_eq!(report.seqs, [Some(1), Some(0), Some(2), None]);
    assert!(RelayReport::parse("").is_err());
}

#[test]
#[ignore = "needs root: creates network namespaces"]
fn root_loss_drops_about_the_asked_share() -> std::io::Result<()> {
    require_root!();
    let ns = Netns::new()?;
    let loss = Loss::install(&ns, "mc1", 10)?;
    let listener = listen(&ns, "239.10.1.1:5000", &[]);
    send(&ns, "239.10.1.1:5000", 2000, "2000");
    // Stop once each datagram is read by the listener or dropped by the rule.
    ns.wait_for_udp("2000 datagrams read or dropped by nft", |m| {
        Ok(m.in_datagrams + loss.dropped()? >= 2000)
    })?;
    listener.interrupt()?;
    let done = listener.finish_ok();
    let got = packets(&done).len() as u64;
    let dropped = loss.dropped()?;
    // Every datagram was either dropped by the rule or delivered.
    assert_eq!(got + dropped, 2000, "got {got}, nft dropped {dropped}");
    assert!((140..=260).contains(&dropped), "{dropped} of 2000 dropped");
    // Removing it restores clean delivery.
    drop(loss);
    let listener = listen(&ns, "239.10.1.1:5000", &["-c", "200", "-t", "5s"]);
    send(&ns, "239.10.1.1:5000", 200, "2000");
    assert_eq!(packets(listener.finish_ok()).len(), 200);
    Ok(())
}

#[test]
#[ignore = "needs root: creates network namespaces"]
fn root_loss_on_port_spares_other_ports() -> std::io::Result<()> {
    require_root!();
    let ns = Netns::new()?;
    let loss = Loss::install_on_port(&ns, "mc1", 100, 5001)?;
    let listener = listen(&ns, "239.10.1.2:5000", &["-c", "50", "-t", "5s"]);
    send(&ns, "239.10.1.2:5000", 50, "1000");
    send(&ns, "239.10.1.2:5001", 50, "1000");
    assert_eq!(packets(listener.finish_ok()).len(), 50);
    assert_eq!(loss.dropped()?, 50);
    Ok(())
}

#[test]
#[ignore = "needs root: creates network namespaces"]
fn root_relay_duplicates_and_swaps_exactly_as_counted() -> std::io::Result<()> {
    require_root!();
    let ns = Netns::new()?;
    let (n, dup_every, swap_every) = (500, 7, 5);
    let expected = expected_relay_order(n, dup_every, swap_every);
    let listener = listen(
        &ns,
        "239.10.2.2:5000",
        &["-c", &expected.len().to_string(), "-t", "5s"],
    );
    let relay = Relay {
        dup_every: dup_every as u32,
        swap_every: swap_every as u32,
        count: n,
        ..Relay::standard(v4("239.10.2.1:5001"), v4("239.10.2.2:5000"))
    }
    .start(&ns)?;
    send(&ns, "239.10.2.1:5001", n as u32, "2000");
    let report = relay.finish()?;
    let got = seqs(&packets(listener.finish_ok()));

    assert_eq!(report.received, n);
    assert_eq!(report.duplicates, n / dup_every);
    assert_eq!(report.swaps, n / 2 / swap_every);
    assert_eq!(report.sent, n + report.duplicates);
    let relayed: Vec<u64> = report.seqs.iter().map(|s| s.unwrap()).collect();
    assert_eq!(relayed, expected, "relay order differs from its spec");
    assert_eq!(got, relayed, "listener saw something else than was relayed");
    // What an mcast report would count: repeats and steps backwards.
    let repeats = got.windows(2).filter(|w| w[1] == w[0]).count() as u64;
    let backwards = got.windows(2).filter(|w| w[1] < w[0]).count() as u64;
    assert_eq!(repeats, report.duplicates);
    assert_eq!(backwards, report.swaps);
    Ok(())
}

#[test]
#[ignore = "needs root: creates network namespaces"]
fn root_relay_delay_shows_as_latency() -> std::io::Result<()> {
    require_root!();
    let ns = Netns::new()?;
    let delay = Duration::from_millis(20);
    let listener = listen(&ns, "239.10.3.2:5000", &["-c", "200", "-t", "5s"]);
    let relay = Relay {
        delay,
        count: 200,
        ..Relay::standard(v4("239.10.3.1:5001"), v4("239.10.3.2:5000"))
    }
    .start(&ns)?;
    send(&ns, "239.10.3.1:5001", 200, "1000");
    let report = relay.finish()?;
    let pkts = packets(listener.finish_ok());
    assert_eq!(report.sent, 200);
    assert_eq!(seqs(&pkts), (0..200).collect::<Vec<_>>(), "order kept");
    let mut ms: Vec<f64> = pkts
        .iter()
        .map(|p| {
            let lat = time(&p["time"]).duration_since(time(&p["sent"])).unwrap();
            lat.as_secs_f64() * 1000.0
        })
        .collect();
    ms.sort_by(f64::total_cmp);
    let (min, median, p95) = (ms[0], ms[ms.len() / 2], ms[ms.len() * 95 / 100]);
    let shown = format!("min {min:.2} median {median:.2} p95 {p95:.2} ms");
    // Scheduled from kernel arrival, so never early; late only by wakeup
    // jitter.
    assert!(min >= 19.9, "{shown}");
    assert!((19.9..25.0).contains(&median), "{shown}");
    assert!(p95 < 25.0, "{shown}");
    Ok(())
}

#[test]
#[ignore = "needs root: creates network namespaces"]
fn root_paused_listener_overflows_and_resumes() -> std::io::Result<()> {
    require_root!();
    let ns = Netns::new()?;
    let listener = listen(&ns, "239.10.4.1:5000", &[]);
    let paused = impair::pause(listener.id())?;
    assert_eq!(impair::process_state(listener.id())?, 'T');
    // 8.4 MB, more than the 4 MiB receive buffer mcast asks for by
    // default (the kernel charges it about twice that in overhead).
    let mut cmd = ns.mcast();
    cmd.args(["send", "239.10.4.1:5000", "-i", "mc0", "-q"])
        .args(["-c", "6000", "-s", "1400", "--rate", "max"]);
    let sent = run_with_timeout(cmd, WAIT)?;
    assert_eq!(sent.code(), Some(0), "send: {}", sent.stderr);
    paused.resume()?;
    assert_ne!(impair::process_state(listener.id())?, 'T');
    // Stop once the listener has read what its queue held. The drops are
    // read only then: when `send` returns, datagrams may still be on their
    // way through the veth pair, and some of those are dropped later.
    ns.wait_for_udp("6000 datagrams read or dropped on the full queue", |m| {
        Ok(m.in_datagrams + m.rcvbuf_errors >= 6000)
    })?;
    let drops = impair::udp_drops(&ns)?;
    listener.interrupt()?;
    let got = packets(listener.finish_ok()).len() as u64;
    assert!(drops > 0, "nothing dropped: {got} received");
    assert_eq!(got + drops, 6000, "got {got}, kernel dropped {drops}");
    Ok(())
}

trait FinishOk {
    fn finish_ok(self) -> String;
}

impl FinishOk for Running {
    /// Waits for a listener and returns its stdout; it must end by itself
    /// (count, duration or interrupt) with exit 0.
    fn finish_ok(mut self) -> String {
        let done = self.finish(WAIT).unwrap();
        assert!(!done.timed_out, "listener hung: {}", done.stderr);
        assert_eq!(done.code(), Some(0), "listener: {}", done.stderr);
        done.stdout
    }
}
