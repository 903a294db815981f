//! Per-packet hot path of `mcast listen`, in ns per packet (issue #5):
//! reading the test header, sequence tracking (alone and as the analyzer
//! does it per packet), and formatting one JSON Lines record.
//!
//!     cargo bench --bench hotpath                 # full measurement
//!     cargo bench --bench hotpath -- --quick      # a quick look
//!
//! Every benchmark reports one element per packet, so Criterion's
//! "thrpt" line is packets per second and "time" is ns per packet (per
//! batch of 1,024 for the sequence patterns). Benchmarks are not tests:
//! nothing here asserts a time.
// A benchmark's setup may panic on the impossible, as tests do.
#![allow(clippy::expect_used)]

use std::hint::black_box;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::time::{Duration, UNIX_EPOCH};

use criterion::{criterion_group, criterion_main, Criterion, Throughput};

use mcast::analysis::{Analyzer, SeqTracker};
use mcast::config::Group;
use mcast::output::{json, IfNames};
use mcast::recv::Packet;
use mcast::testpacket::{self, TestHeader};

const GROUP: Ipv4Addr = Ipv4Addr::new(239, 1, 1, 1);
/// 100k packets/s: the rate issue #5 asks the listener to keep up with.
const GAP: Duration = Duration::from_micros(10);

/// Since the Unix epoch, as packets carry it.
fn start() -> Duration {
    Duration::from_secs(1_800_000_000)
}

fn test_payload(size: usize, seq: u64) -> Vec<u8> {
    let mut buf = vec![0u8; size];
    testpacket::write(&mut buf, 0x1ebd_2fbf_ede0_77e6, seq, UNIX_EPOCH + start());
    buf
}

fn groups() -> Vec<Group> {
    vec![Group {
        addr: IpAddr::V4(GROUP),
        port: 5000,
        source: None,
    }]
}

/// A received datagram as the receive loop hands it to the sinks.
fn packet<'a>(payload: &'a [u8], test: Option<TestHeader>, time: Duration) -> Packet<'a> {
    Packet {
        time,
        kernel_time: true,
        source: SocketAddr::new(IpAddr::V4(Ipv4Addr::new(192, 0, 2, 1)), 40283),
        dest: Some(IpAddr::V4(GROUP)),
        port: 5000,
        group: Some(0),
        // 0 is the index no interface has: its name is a constant "?", so
        // the figure does not depend on this machine's interfaces.
        ifindex: 0,
        ttl: Some(1),
        payload,
        truncated: false,
        test,
        drops: None,
    }
}

fn parse(c: &mut Criterion) {
    let mut g = c.benchmark_group("parse");
    g.throughput(Throughput::Elements(1));
    let test = test_payload(64, 42);
    g.bench_function("test_header", |b| {
        b.iter(|| TestHeader::parse(black_box(&test)))
    });
    let foreign = b"not an mcast test packet, but long enough to be one".to_vec();
    g.bench_function("foreign_payload", |b| {
        b.iter(|| TestHeader::parse(black_box(&foreign)))
    });
    g.finish();
}

/// 1,024 sequence numbers with what a lossy network does: every 100th
/// lost, every 50th swapped with its neighbour, one duplicate per 256.
fn lossy_pattern() -> Vec<u64> {
    let mut seqs: Vec<u64> = (0..1100u64).filter(|s| s % 100 != 99).collect();
    for i in (0..seqs.len() - 1).step_by(50) {
        seqs.swap(i, i + 1);
    }
    for i in (128..seqs.len()).step_by(256) {
        seqs[i] = seqs[i - 1];
    }
    seqs.truncate(1024);
    seqs
}

fn seq_tracking(c: &mut Criterion) {
    let mut g = c.benchmark_group("seq");
    g.throughput(Throughput::Elements(1));
    g.bench_function("in_order", |b| {
        let mut t = SeqTracker::new();
        let mut seq = 0u64;
        b.iter(|| {
            seq += 1;
            t.record(black_box(seq))
        })
    });
    let pattern = lossy_pattern();
    g.throughput(Throughput::Elements(pattern.len() as u64));
    g.bench_function("lossy_1024", |b| {
        let mut t = SeqTracker::new();
        let mut base = 0u64;
        b.iter(|| {
            for &s in &pattern {
                black_box(t.record(black_box(base + s)));
            }
            base += 1100;
        })
    });
    g.finish();

    // What listen does per packet besides output: group tally, stream
    // lookup, sequence, latency and jitter of one test stream.
    let mut g = c.benchmark_group("analyzer");
    g.throughput(Throughput::Elements(1));
    let payload = test_payload(64, 0);
    let header = TestHeader::parse(&payload).expect("a test packet");
    g.bench_function("record_test_packet", |b| {
        let mut a = Analyzer::new(&groups());
        let mut seq = 0u64;
        let mut now = start();
        b.iter(|| {
            seq += 1;
            now += GAP;
            let h = TestHeader {
                seq,
                // Sent 20 µs before it arrived (`now` advances by GAP).
                sent_ns: header.sent_ns + seq * 10_000 - 20_000,
                ..header
            };
            a.record(black_box(&packet(&payload, Some(h), now)));
        })
    });
    g.finish();
}

fn json_records(c: &mut Criterion) {
    let mut g = c.benchmark_group("json");
    g.throughput(Throughput::Elements(1));
    let groups = groups();
    let payload = test_payload(64, 0);
    let header = TestHeader::parse(&payload).expect("a test packet");
    g.bench_function("test_packet", |b| {
        let mut out = Vec::with_capacity(64 * 1024);
        let mut names = IfNames::default();
        let mut seq = 0u64;
        let mut now = start();
        b.iter(|| {
            seq += 1;
            now += GAP;
            // Sent 20 µs before it arrived, as on a LAN: both stamps mostly
            // fall in the same second, as they do in real use.
            let sent_ns =
                u64::try_from((now - Duration::from_micros(20)).as_nanos()).unwrap_or(u64::MAX);
            let h = TestHeader {
                seq,
                sent_ns,
                ..header
            };
            out.clear();
            json::write_packet(
                &mut out,
                &packet(&payload, Some(h), now),
                &groups,
                &mut names,
            )
            .expect("writing to a Vec");
            black_box(out.len())
        })
    });
    let text = b"temperature=21.5 sensor=kitchen".to_vec();
    g.bench_function("text_payload", |b| {
        let mut out = Vec::with_capacity(64 * 1024);
        let mut names = IfNames::default();
        let mut now = start();
        b.iter(|| {
            now += GAP;
            out.clear();
            json::write_packet(&mut out, &packet(&text, None, now), &groups, &mut names)
                .expect("writing to a Vec");
            black_box(out.len())
        })
    });
    g.finish();
}

/// A 20 Mbit/s MPEG-TS over RTP stream as the analyzer sees it: each
/// datagram 7 TS packets of one PID (PCR in the first) behind an RTP
/// header, sequence number and continuity counters stepping as sent. With
/// the analysis, and with `--no-rtp` (only counted) for comparison.
fn media(c: &mut Criterion) {
    use mcast::analysis::media::{MediaOptions, RtpMode};
    let mut g = c.benchmark_group("media");
    g.throughput(Throughput::Elements(1));
    let mut buf = vec![0x80u8, 33, 0, 0, 0, 0, 0, 0, 0x4d, 0x43, 0x53, 0x54];
    for k in 0..7 {
        let mut p = [0xffu8; 188];
        p[..4].copy_from_slice(&[0x47, 0x01, 0x00, 0x10]);
        if k == 0 {
            p[3] = 0x30;
            p[4..12].copy_from_slice(&[7, 0x10, 0, 0, 0, 0, 0x7e, 0]);
        }
        buf.extend_from_slice(&p);
    }
    for (name, rtp) in [("rtp_ts_datagram", RtpMode::Auto), ("no_rtp", RtpMode::Off)] {
        g.bench_function(name, |b| {
            let mut a = Analyzer::new(&groups());
            a.set_media(MediaOptions {
                rtp,
                rtp_clock: None,
            });
            let mut payload = buf.clone();
            let mut i = 0u32;
            let mut now = start();
            b.iter(|| {
                i = i.wrapping_add(1);
                now += Duration::from_micros(526);
                payload[2..4].copy_from_slice(&(i as u16).to_be_bytes());
                payload[4..8].copy_from_slice(&(i.wrapping_mul(47)).to_be_bytes());
                for k in 0..7u32 {
                    let at = 12 + 188 * k as usize + 3;
                    payload[at] = (payload[at] & 0xf0) | ((i * 7 + k) & 15) as u8;
                }
                // The PCR advances with the stream (7 packets at 20 Mbit/s).
                let pcr = u64::from(i) * 14_202 / 300;
                payload[18..22].copy_from_slice(&((pcr >> 1) as u32).to_be_bytes());
                a.record(black_box(&packet(&payload, None, now)));
            })
        });
    }
    g.finish();
}

criterion_group!(hotpath, parse, seq_tracking, json_records, media);
criterion_main!(hotpath);
