//! Every exported `_total` only grows: packets into the analyser, a
//! snapshot published after each step, and the OpenMetrics text compared
//! with the previous scrape's.

use std::collections::HashMap;
use std::time::Duration;

use super::{encode, group_sums, GroupMetrics, Published, Snapshot};
use crate::analysis::tests::{groups, packet, test_buf};
use crate::analysis::Analyzer;

/// The analyser's figures as `monitor`, `listen` and `join` publish them.
fn publish(p: &Published, a: &Analyzer) -> HashMap<String, f64> {
    let snap = Snapshot {
        iface: "mc1".into(),
        kernel_drops: None,
        groups: group_sums(a)
            .into_iter()
            .zip(a.groups())
            .map(|(s, g)| GroupMetrics {
                group: g.addr.to_string(),
                port: g.port,
                sources: s.sources,
                ..GroupMetrics::default()
            })
            .collect(),
    };
    p.publish(snap);
    let text = encode(p.latest(), Duration::from_secs(1_800_000_000)).unwrap();
    text.lines()
        .filter(|l| !l.starts_with('#'))
        .filter_map(|l| {
            let (series, value) = l.rsplit_once(' ')?;
            Some((series.to_string(), value.parse().ok()?))
        })
        .collect()
}

/// The one sample of `family` (there is one source in these tests).
fn value(scrape: &HashMap<String, f64>, family: &str) -> f64 {
    let mut hits = scrape
        .iter()
        .filter(|(k, _)| k.starts_with(&format!("{family}{{")));
    let (_, v) = hits
        .next()
        .unwrap_or_else(|| panic!("no {family} in {scrape:?}"));
    assert!(hits.next().is_none(), "several {family}");
    *v
}

fn test_packet(a: &mut Analyzer, seq: u64) {
    let buf = test_buf(1, seq, seq, 100);
    a.record(&packet(&buf, Some(0), "192.0.2.1:4000", seq));
}

/// RTP, payload type 0 (PCMU, 8 kHz), 20 ms of audio per packet.
fn rtp_packet(a: &mut Analyzer, seq: u16, ssrc: u32, at_ms: u64) {
    let mut buf = vec![0x80, 0];
    buf.extend_from_slice(&seq.to_be_bytes());
    buf.extend_from_slice(&(u32::from(seq) * 160).to_be_bytes());
    buf.extend_from_slice(&ssrc.to_be_bytes());
    buf.resize(12 + 160, 0xff);
    a.record(&packet(&buf, Some(0), "192.0.2.5:4000", at_ms));
}

#[test]
fn a_late_test_packet_never_lowers_the_exported_loss() {
    let mut a = Analyzer::new(&groups());
    let p = Published::default();
    for seq in (0..10).filter(|&s| s != 5) {
        test_packet(&mut a, seq);
    }
    let first = publish(&p, &a);
    assert_eq!(value(&first, "mcast_lost_packets_total"), 1.0);
    assert_eq!(value(&first, "mcast_recovered_packets_total"), 0.0);

    // Packet 5 fills the gap: the tracker takes its loss back...
    test_packet(&mut a, 5);
    assert_eq!(a.streams()[0].lost(), 0, "the tracker's own figure dips");
    let second = publish(&p, &a);
    // ...the exported counter does not.
    assert_eq!(value(&second, "mcast_lost_packets_total"), 1.0);
    assert_eq!(value(&second, "mcast_recovered_packets_total"), 1.0);

    // A new gap is a new loss on top.
    test_packet(&mut a, 12);
    let third = publish(&p, &a);
    assert_eq!(value(&third, "mcast_lost_packets_total"), 3.0);
    assert_eq!(value(&third, "mcast_recovered_packets_total"), 1.0);
    assert_eq!(a.streams()[0].lost(), 2, "lost − recovered is the net loss");
}

#[test]
fn a_late_rtp_packet_never_lowers_the_exported_loss() {
    let mut a = Analyzer::new(&groups());
    let p = Published::default();
    for seq in (0..10).filter(|&s| s != 5) {
        rtp_packet(&mut a, seq, 7, u64::from(seq) * 20);
    }
    let first = publish(&p, &a);
    assert_eq!(value(&first, "mcast_rtp_lost_packets_total"), 1.0);
    assert_eq!(value(&first, "mcast_rtp_recovered_packets_total"), 0.0);
    assert_eq!(value(&first, "mcast_rtp_expected_packets_total"), 10.0);

    rtp_packet(&mut a, 5, 7, 200);
    assert_eq!(a.streams()[0].lost(), 0, "the tracker's own figure dips");
    let second = publish(&p, &a);
    assert_eq!(value(&second, "mcast_rtp_lost_packets_total"), 1.0);
    assert_eq!(value(&second, "mcast_rtp_recovered_packets_total"), 1.0);
    assert_eq!(value(&second, "mcast_rtp_reordered_packets_total"), 1.0);
}

/// Reordering, duplicates, late and very late packets, an SSRC change and
/// an RTP restart, a `--groups-file` reload that moves the group to
/// another index: no `_total` sample ever falls between two scrapes.
#[test]
fn no_counter_ever_falls_whatever_arrives() {
    let mut a = Analyzer::new(&groups());
    let p = Published::default();
    let mut prev = publish(&p, &a);
    let mut check = |a: &Analyzer, step: &str| {
        let now = publish(&p, a);
        for (k, v) in now.iter().filter(|(k, _)| k.contains("_total{")) {
            if let Some(old) = prev.get(k) {
                assert!(v >= old, "{step}: {k} fell from {old} to {v}");
            }
        }
        prev = now;
    };
    let test_seqs = [
        0, 1, 4, 2, 3, 3, 9, 5, 6, 7, 8, 8, 5000, 10, 11, 10_000, 12, 13,
    ];
    for (i, &seq) in test_seqs.iter().enumerate() {
        test_packet(&mut a, seq);
        check(&a, &format!("test packet {i} (seq {seq})"));
    }
    let mut t = 0;
    let rtp_seqs: &[(u16, u32)] = &[
        (0, 7),
        (1, 7),
        (2, 7),
        (5, 7),
        (3, 7),
        (4, 7),
        (4, 7),
        (9, 7),
        (6, 7),
        (100, 8),
        (102, 8),
        (101, 8),
        (40_000, 8),
        (40_001, 8),
        (40_003, 8),
        (40_002, 8),
    ];
    for &(seq, ssrc) in rtp_seqs {
        t += 20;
        rtp_packet(&mut a, seq, ssrc, t);
        check(&a, &format!("rtp seq {seq} ssrc {ssrc}"));
    }
    // Group 0 stays, as the second of two groups.
    let g = groups();
    let reloaded = [g[1], g[0]];
    a.regroup(&reloaded, &[Some(1), Some(0)]);
    check(&a, "reload");
    test_packet(&mut a, 14);
    rtp_packet(&mut a, 40_004, 8, t + 20);
    check(&a, "after the reload");
    assert!(
        prev.keys()
            .any(|k| k.starts_with("mcast_rtp_recovered_packets_total{")),
        "the RTP stream was recognised: {prev:?}"
    );
}
