use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use super::*;
use crate::testpacket;

const T0: u64 = 1_800_000_000;

pub(crate) fn groups() -> Vec<Group> {
    vec![
        Group {
            addr: "239.1.1.1".parse().unwrap(),
            port: 5000,
            source: None,
        },
        Group {
            addr: "239.1.1.2".parse().unwrap(),
            port: 5000,
            source: None,
        },
    ]
}

fn at(ms: u64) -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(T0) + Duration::from_millis(ms)
}

/// A test packet sent at `sent_ms`, received at `recv_ms`.
pub(crate) fn test_buf(sender: u64, seq: u64, sent_ms: u64, len: usize) -> Vec<u8> {
    let mut buf = vec![0u8; len];
    testpacket::write(&mut buf, sender, seq, at(sent_ms));
    buf
}

pub(crate) fn packet<'a>(
    buf: &'a [u8],
    group: Option<usize>,
    source: &str,
    recv_ms: u64,
) -> Packet<'a> {
    Packet {
        time: at(recv_ms).duration_since(UNIX_EPOCH).unwrap(),
        kernel_time: true,
        source: source.parse().unwrap(),
        dest: Some("239.1.1.1".parse().unwrap()),
        port: 5000,
        group,
        ifindex: 1,
        ttl: Some(7),
        payload: buf,
        truncated: false,
        test: testpacket::TestHeader::parse(buf),
        drops: None,
    }
}

/// Sends `seqs` from sender 1 to group 0, 1 ms apart, each arriving
/// `delay_ms` later.
pub(crate) fn feed(a: &mut Analyzer, seqs: impl IntoIterator<Item = u64>, delay_ms: u64) {
    for (i, seq) in seqs.into_iter().enumerate() {
        let buf = test_buf(1, seq, i as u64, 100);
        a.record(&packet(
            &buf,
            Some(0),
            "192.0.2.1:4000",
            i as u64 + delay_ms,
        ));
    }
}

#[test]
fn test_stream_counters_and_latency() {
    let mut a = Analyzer::new(&groups());
    feed(&mut a, [0, 1, 2, 4, 3, 3, 6], 5);
    assert_eq!(a.streams().len(), 1);
    let s = &a.streams()[0];
    assert_eq!(s.sender(), Some(1));
    assert_eq!((s.received, s.bytes, s.lost()), (7, 700, 1));
    let t = s.test.as_ref().unwrap();
    assert_eq!((t.seq.duplicates, t.seq.reordered, t.corrupted), (1, 1, 0));
    assert_eq!(t.latency.min(), Some(5_000_000));
    assert_eq!(t.latency.max(), Some(5_000_000));
    assert_eq!(t.jitter.ns(), Some(0.0), "constant delay, no jitter");
    assert_eq!(t.latency_clock(), Some("kernel"));
    assert_eq!(s.rate_pps(), Some(1000.0));
    assert!((a.loss_pct().unwrap() - 100.0 / 7.0).abs() < 1e-9);
}

#[test]
fn latency_is_signed_and_jitter_ignores_clock_offset() {
    let mut a = Analyzer::new(&groups());
    // Sender clock 100 ms ahead; transit alternates 1 and 3 ms.
    for i in 0..200u64 {
        let buf = test_buf(9, i, 100 + i * 10, 64);
        let delay = if i % 2 == 0 { 1 } else { 3 };
        a.record(&packet(&buf, Some(0), "192.0.2.1:4000", i * 10 + delay));
    }
    let t = a.streams()[0].test.as_ref().unwrap();
    assert_eq!(t.latency.max(), Some(-97_000_000));
    assert_eq!(t.latency.min(), Some(-99_000_000));
    assert!(t.latency.quantile(0.5).unwrap() < 0);
    // |D| is always 2 ms, so the running estimate converges on it.
    let j = t.jitter.ns().unwrap();
    assert!((j - 2_000_000.0).abs() < 1_000.0, "{j}");
}

#[test]
fn streams_are_per_sender_and_group() {
    let mut a = Analyzer::new(&groups());
    for (sender, group) in [(1, Some(0)), (1, Some(1)), (2, Some(0)), (1, None)] {
        for seq in 0..3 {
            let buf = test_buf(sender, seq, 0, 50);
            a.record(&packet(&buf, group, "192.0.2.1:4000", 1));
        }
    }
    // Foreign traffic from two hosts on one group.
    for src in ["192.0.2.7:1", "192.0.2.7:2", "192.0.2.8:1"] {
        a.record(&packet(b"hello", Some(1), src, 2));
    }
    let t = a.totals();
    assert_eq!((t.streams, t.test_streams, t.foreign_streams), (6, 4, 2));
    assert_eq!((t.test_packets, t.foreign_packets, t.packets), (12, 3, 15));
    assert_eq!((t.lost, t.unmatched_packets), (0, 3));
    let foreign = &a.streams()[4];
    assert!(foreign.test.is_none());
    assert_eq!((foreign.received, foreign.bytes), (2, 10));
    assert_eq!(foreign.loss_pct(), None);

    let views = a.group_views();
    assert_eq!(views.len(), 2);
    assert_eq!((views[0].packets, views[0].expected), (6, 6));
    assert_eq!(views[1].packets, 6);
    assert_eq!(views[1].last_source, Some("192.0.2.8:1".parse().unwrap()));
    assert_eq!(views[1].last_ttl, Some(7));
    assert_eq!(views[1].loss_pct, Some(0.0));
    assert_eq!(a.unmatched().packets, 3);
}

#[test]
fn corrupted_and_truncated() {
    let mut a = Analyzer::new(&groups());
    let good = test_buf(1, 0, 0, 100);
    let mut bad = test_buf(1, 1, 0, 100);
    bad[60] ^= 1;
    let cut = test_buf(1, 2, 0, 100);
    a.record(&packet(&good, Some(0), "192.0.2.1:4000", 1));
    a.record(&packet(&bad, Some(0), "192.0.2.1:4000", 1));
    a.record(&packet(&cut[..80], Some(0), "192.0.2.1:4000", 1));
    let s = &a.streams()[0];
    let t = s.test.as_ref().unwrap();
    assert_eq!((t.corrupted, t.truncated), (2, 1));
    assert_eq!(s.lost(), 0, "damaged packets still arrived");
    assert_eq!(t.latency.count(), 1, "only intact packets are timed");
}

#[test]
fn stream_cap_counts_the_rest_as_overflow() {
    let mut a = Analyzer::with_max_streams(&groups(), 3);
    for i in 0..10u8 {
        let src = format!("10.0.0.{i}:9");
        a.record(&packet(b"spoof", Some(0), &src, 1));
    }
    let t = a.totals();
    assert_eq!(a.streams().len(), 3);
    assert_eq!(
        (t.overflow_packets, t.overflow_bytes, t.packets),
        (7, 35, 10)
    );
    // Known streams keep being counted after the cap is reached.
    a.record(&packet(b"again", Some(0), "10.0.0.1:9", 2));
    assert_eq!(a.streams()[1].received, 2);
    assert_eq!(a.max_streams(), 3);
}

#[test]
fn one_sender_on_two_groups_is_two_streams() {
    let mut a = Analyzer::new(&groups());
    let mut buf = test_buf(5, 0, 0, 64);
    for seq in 0..200_000u64 {
        testpacket::write_header(&mut buf, 5, seq, 0, 64);
        testpacket::fill_padding(&mut buf, seq);
        a.record(&packet(&buf, Some(seq as usize % 2), "192.0.2.1:4000", 1));
    }
    assert_eq!(a.streams().len(), 2);
    assert_eq!(a.totals().test_packets, 200_000);
    // Each group saw every other sequence number: half of them lost.
    assert_eq!(a.totals().lost, 200_000 - 2);
}

/// Found by hand: one sender id from 192.0.2.1 and from 192.0.2.2 (a
/// relay, a replayed capture) was one stream: the second copy of each
/// sequence number counted as a duplicate and the first source was lost.
#[test]
fn one_sender_id_from_two_sources_is_two_streams_and_named() {
    let mut a = Analyzer::new(&groups());
    for seq in 0..5 {
        let buf = test_buf(9, seq, seq, 64);
        a.record(&packet(&buf, Some(0), "192.0.2.1:4000", seq + 1));
        a.record(&packet(&buf, Some(0), "192.0.2.2:4000", seq + 2));
    }
    let t = a.totals();
    assert_eq!((t.streams, t.test_streams), (2, 2));
    assert_eq!((t.duplicates, t.lost, t.test_packets), (0, 0, 10));
    let sources: Vec<_> = a.streams().iter().map(|s| s.source.ip()).collect();
    assert_eq!(sources, [ip("192.0.2.1"), ip("192.0.2.2")]);
    assert!(a.streams().iter().all(|s| s.received == 5));
    assert_eq!(
        a.shared_senders(),
        [SharedSender {
            sender: 9,
            sources: vec![ip("192.0.2.1"), ip("192.0.2.2")],
        }]
    );
    // One source per sender, on any number of groups: nothing to say.
    let mut b = Analyzer::new(&groups());
    feed(&mut b, [0, 1], 1);
    let buf = test_buf(1, 0, 0, 64);
    b.record(&packet(&buf, Some(1), "192.0.2.1:4000", 1));
    assert!(b.shared_senders().is_empty());
}

fn ip(s: &str) -> IpAddr {
    s.parse().unwrap()
}

#[test]
fn intervals_are_taken_and_reset() {
    let mut a = Analyzer::new(&groups());
    let start = Instant::now();
    feed(&mut a, [0, 1, 2, 5], 1);
    let first = a.take_interval(start + Duration::from_secs(2));
    assert_eq!(
        first.streams,
        [StreamInterval {
            received: 4,
            lost: Some(2)
        }]
    );
    feed(&mut a, [6, 7], 1);
    let second = a.take_interval(start + Duration::from_secs(3));
    assert_eq!(second.secs, 1.0);
    assert_eq!(
        second.streams,
        [StreamInterval {
            received: 2,
            lost: Some(0)
        }]
    );
    assert_eq!(second.rate(2), Some(2.0));
    assert_eq!(a.streams()[0].received, 6, "totals stay cumulative");
    let third = a.take_interval(start + Duration::from_secs(3));
    assert_eq!(third.rate(0), None, "an empty interval has no rate");
}

#[test]
fn empty_analysis() {
    let mut a = Analyzer::new(&groups());
    assert_eq!(a.loss_pct(), None);
    assert_eq!(a.totals(), Totals::default());
    assert!(a.take_interval(Instant::now()).streams.is_empty());
    assert_eq!(a.group_views()[0].loss_pct, None);
}

#[test]
fn per_group_cap_leaves_room_for_the_other_groups() {
    let mut a = Analyzer::new(&groups());
    a.set_max_per_group(2);
    for i in 0..5u8 {
        let src = format!("10.0.0.{i}:9");
        a.record(&packet(b"spoof", Some(0), &src, 1));
    }
    a.record(&packet(b"real", Some(1), "192.0.2.1:9", 2));
    assert_eq!(a.streams().len(), 3, "two of group 0, one of group 1");
    assert_eq!(a.group_overflow(), &[3, 0]);
    assert_eq!(
        a.tallies()[0].packets,
        5,
        "overflow still counted per group"
    );
}

#[test]
fn regroup_keeps_the_groups_that_stay() {
    let mut a = Analyzer::new(&groups());
    feed(&mut a, [0, 1, 3], 1);
    a.record(&packet(b"x", Some(1), "192.0.2.9:9", 5));
    let third = Group {
        addr: "239.1.1.3".parse().unwrap(),
        port: 5000,
        source: None,
    };
    // Drop group 1; group 0 moves to index 1 behind a new group.
    let new_groups = vec![third, groups()[0]];
    a.regroup(&new_groups, &[None, Some(0)]);
    assert_eq!(a.groups(), new_groups.as_slice());
    assert_eq!(a.streams().len(), 1);
    assert_eq!(a.streams()[0].key.group, Some(1));
    assert_eq!(a.streams()[0].lost(), 1);
    assert_eq!(a.tallies()[1].packets, 3);
    assert_eq!(a.tallies()[0].packets, 0);
    // Its next packet continues the same stream, not a new one.
    let buf = test_buf(1, 4, 10, 100);
    a.record(&packet(&buf, Some(1), "192.0.2.1:4000", 11));
    assert_eq!(a.streams().len(), 1);
    assert_eq!(a.streams()[0].received, 4);
}
