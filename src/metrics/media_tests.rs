//! RTP and MPEG-TS metrics end to end: datagrams into the analyser, its
//! snapshot ([`group_sums`]) as published, and the OpenMetrics text, byte for byte
//! against `golden/media.txt`.

use std::sync::Arc;
use std::time::Duration;

use super::{encode, group_sums, GroupMetrics, Published, Snapshot};
use crate::analysis::tests::{groups, packet, test_buf};
use crate::analysis::Analyzer;
use crate::media::ts::tests::packet as ts_packet;

const T0: u64 = 1_800_000_000;

/// Seven TS packets of PID 0x100 whose counters start at `7 * n`; the
/// first carries a PCR for `n` × 10 ms.
fn ts_payload(n: u64) -> Vec<u8> {
    (0..7)
        .flat_map(|i| {
            let pcr = (i == 0).then_some(n * 270_000);
            ts_packet(0x100, ((n * 7 + i) % 16) as u8, true, false, pcr)
        })
        .collect()
}

/// RTP, payload type 33 (MPEG-TS, 90 kHz), sequence `n`.
fn rtp_ts(n: u64) -> Vec<u8> {
    let mut p = vec![0x80, 33];
    p.extend_from_slice(&(n as u16).to_be_bytes());
    p.extend_from_slice(&((n * 900) as u32).to_be_bytes());
    p.extend_from_slice(&0x1234_5678u32.to_be_bytes());
    p.extend_from_slice(&ts_payload(n));
    p
}

/// Group 0: RTP/MPEG-TS that lost datagram 7 and got 12 twice; group 1:
/// MPEG-TS over UDP that lost datagram 5; both 10 ms apart, the RTP one
/// 2 ms late once (jitter). A test stream in group 0 from another source,
/// which has no media series.
fn analysed() -> Analyzer {
    let mut a = Analyzer::new(&groups());
    for n in (0..20).filter(|&n| n != 7) {
        let late = if n == 15 { 2 } else { 0 };
        let buf = rtp_ts(n);
        a.record(&packet(&buf, Some(0), "192.0.2.1:4000", n * 10 + late));
        if n == 12 {
            a.record(&packet(&buf, Some(0), "192.0.2.1:4000", n * 10 + 1));
        }
    }
    for n in (0..20).filter(|&n| n != 5) {
        let buf = ts_payload(n);
        a.record(&packet(&buf, Some(1), "192.0.2.2:4000", n * 10));
    }
    let buf = test_buf(1, 0, 0, 100);
    a.record(&packet(&buf, Some(0), "192.0.2.9:4000", 1));
    a
}

#[test]
fn media_metrics_match_the_golden_text() {
    let a = analysed();
    let sums = group_sums(&a);
    assert_eq!(sums[0].media.rtp_streams, 1);
    assert_eq!(sums[0].media.rtp.lost, 1);
    assert_eq!(sums[1].media.ts_cc_errors, 1);
    let snap = Snapshot {
        iface: "mc1".into(),
        kernel_drops: Some(4),
        groups: sums
            .into_iter()
            .zip(groups())
            .map(|(s, g)| GroupMetrics {
                group: g.addr.to_string(),
                port: g.port,
                label: format!("ch{}", g.addr),
                sources: s.sources,
                ..GroupMetrics::default()
            })
            .collect(),
    };
    // Through the publisher, as scrapes see it (loss split in two).
    let published = Published::default();
    published.publish(snap);
    let got = encode(published.latest(), Duration::from_secs(T0 + 1)).unwrap();
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/src/metrics/golden/media.txt");
    if std::env::var_os("MCAST_REGENERATE").is_some() {
        std::fs::write(path, &got).unwrap();
    }
    let want = include_str!("golden/media.txt");
    assert!(
        got == want,
        "metrics differ from golden/media.txt (MCAST_REGENERATE=1 rewrites it):\n{got}"
    );
}

#[test]
fn no_media_families_without_media_streams() {
    let mut a = Analyzer::new(&groups());
    let buf = test_buf(1, 0, 0, 100);
    a.record(&packet(&buf, Some(0), "192.0.2.9:4000", 1));
    let snap = Snapshot {
        groups: vec![GroupMetrics {
            sources: group_sums(&a).swap_remove(0).sources,
            ..GroupMetrics::default()
        }],
        ..Snapshot::default()
    };
    let got = encode(Arc::new(snap), Duration::from_secs(T0)).unwrap();
    assert!(got.contains("mcast_packets_total{"), "{got}");
    assert!(
        !got.contains("mcast_rtp") && !got.contains("mcast_ts_") && !got.contains("format"),
        "{got}"
    );
}
