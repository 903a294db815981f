//! The records' shape, field by field (the golden tests pin whole lines).

use std::time::{Duration, Instant};

use serde_json::Value;

use super::{Analysis, Stats};
use crate::analysis::tests::{feed, groups, packet};
use crate::analysis::Analyzer;
use crate::output::report;

fn stats_json(a: &mut Analyzer, now: Instant) -> Value {
    let interval = a.take_interval(now);
    serde_json::to_value(Stats::new(a, &interval)).unwrap()
}

#[test]
fn analysis_shape() {
    let mut a = Analyzer::new(&groups());
    feed(&mut a, [0, 1, 3], 2);
    a.record(&packet(b"x", Some(1), "192.0.2.9:53", 5));
    let v = serde_json::to_value(Analysis::new(&a)).unwrap();
    assert_eq!(v["packets"], 4);
    assert_eq!(v["lost"], 1);
    assert_eq!(v["loss_pct"], 25.0);
    let streams = v["streams"].as_array().unwrap();
    assert_eq!(streams.len(), 2);
    let s = &streams[0];
    assert_eq!(s["kind"], "test");
    assert_eq!(s["group"], "239.1.1.1");
    assert_eq!(s["sender"], "0000000000000001");
    assert_eq!(s["source"], "192.0.2.1");
    assert_eq!(
        (s["received"].as_u64(), s["lost"].as_u64()),
        (Some(3), Some(1))
    );
    assert_eq!(
        (s["first_seq"].as_u64(), s["last_seq"].as_u64()),
        (Some(0), Some(3))
    );
    assert_eq!(s["latency_clock"], "kernel");
    for k in ["min_ms", "avg_ms", "p50_ms", "p99_ms", "max_ms"] {
        let ms = s["latency"][k].as_f64().unwrap();
        assert!((ms - 2.0).abs() < 0.05, "{k} {ms}");
    }
    assert_eq!(s["latency"]["jitter_ms"], 0.0);
    assert_eq!(s["first_time"], "2027-01-15T08:00:00.002000000Z");
    assert!(s.get("interval").is_none());
    let f = &streams[1];
    assert_eq!(f["kind"], "foreign");
    assert_eq!(f["sender"], Value::Null);
    assert_eq!(f["group"], "239.1.1.2");
    assert!(f.get("lost").is_none() && f.get("latency").is_none());
}

#[test]
fn stats_carry_intervals() {
    let mut a = Analyzer::new(&groups());
    let start = Instant::now();
    feed(&mut a, [0, 1, 2, 5], 1);
    let v = stats_json(&mut a, start + Duration::from_secs(2));
    assert_eq!(v["type"], "stats");
    assert_eq!(v["streams"][0]["interval"]["received"], 4);
    assert_eq!(v["streams"][0]["interval"]["lost"], 2);
    feed(&mut a, [6, 7], 1);
    let v = stats_json(&mut a, start + Duration::from_secs(3));
    assert_eq!(v["interval_s"], 1.0);
    let i = &v["streams"][0]["interval"];
    assert_eq!(
        (i["received"].as_u64(), i["lost"].as_u64()),
        (Some(2), Some(0))
    );
    assert_eq!(i["rate_pps"], 2.0);
    assert_eq!(v["streams"][0]["received"], 6, "totals stay cumulative");
}

#[test]
fn stream_table_is_aligned_with_a_clock_note() {
    let mut a = Analyzer::new(&groups());
    feed(&mut a, 0..10, 3);
    a.record(&packet(b"hi", None, "198.51.100.20:1234", 5));
    let interval = a.take_interval(Instant::now());
    let text = report::stats_text(&Stats::new(&a, &interval));
    let lines: Vec<&str> = text.lines().collect();
    assert!(lines[0].starts_with("11 packets from 2 streams"), "{text}");
    assert!(lines[1].starts_with("GROUP"));
    assert!(lines[1].contains("LATENCY MIN/AVG/P99") && lines[1].contains("JITTER"));
    let row = lines[2];
    assert!(row.starts_with("239.1.1.1:5000"), "{row}");
    assert!(row.contains("192.0.2.1 #0000000000000001"));
    assert!(row.contains("0 (0.00%)"));
    assert!(row.contains("3.000/3.000/3.000 ms"), "{row}");
    assert!(lines[3].starts_with("(no group)"));
    // Right-aligned numbers end in the same column.
    let received_end = lines[1].find("RECEIVED").unwrap() + "RECEIVED".len();
    assert_eq!(&row[received_end - 2..received_end], "10");
    assert!(lines[4].contains("synchronized"));
}

#[test]
fn empty_analysis_renders() {
    let mut a = Analyzer::new(&groups());
    let v = serde_json::to_value(Analysis::new(&a)).unwrap();
    assert_eq!(v["streams"], Value::Array(vec![]));
    assert_eq!(stats_json(&mut a, Instant::now())["packets"], 0);
    let interval = a.take_interval(Instant::now());
    let text = report::stats_text(&Stats::new(&a, &interval));
    assert_eq!(text.lines().count(), 1);
}

/// `send`'s summary, against the `json!` it replaces.
#[test]
fn send_summary_as_before() {
    for (packets, bytes, errors, secs, rate) in
        [(0u64, 0u64, 0u64, 0.0, 0.0), (101, 6464, 2, 1.25, 100.5)]
    {
        let before = serde_json::json!({
            "type": "summary",
            "command": "send",
            "packets": packets,
            "bytes": bytes,
            "errors": errors,
            "elapsed_s": secs,
            "rate_pps": rate,
        });
        let after = super::SendSummary::new(packets, bytes, errors, secs, rate);
        assert_eq!(
            serde_json::to_string(&after).unwrap(),
            serde_json::to_string(&before).unwrap()
        );
    }
}

/// `stream_count` is the number of streams, `streams` their array; a
/// sender id seen from two sources is named in `shared_senders` (absent
/// otherwise) and in a note.
#[test]
fn stream_count_and_shared_senders() {
    let mut a = Analyzer::new(&groups());
    feed(&mut a, [0, 1], 1);
    let v = serde_json::to_value(Analysis::new(&a)).unwrap();
    assert_eq!(v["stream_count"], 1);
    assert_eq!(v["streams"].as_array().map(Vec::len), Some(1));
    assert!(v.get("shared_senders").is_none());
    let buf = crate::analysis::tests::test_buf(1, 2, 2, 100);
    a.record(&packet(&buf, Some(0), "192.0.2.2:4000", 3));
    let record = Analysis::new(&a);
    assert_eq!(
        record.shared_senders[0].to_string(),
        "note: sender #0000000000000001 arrived from 2 sources (192.0.2.1, 192.0.2.2): \
         a relay, a replayed capture or two senders with one id; \
         each source is counted as a stream of its own"
    );
    let v = serde_json::to_value(record).unwrap();
    assert_eq!(v["stream_count"], 2);
    assert_eq!(
        v["shared_senders"],
        serde_json::json!([{"sender": "0000000000000001", "sources": ["192.0.2.1", "192.0.2.2"]}])
    );
}

/// `send -d` says its time bound in the start record, next to the count.
#[test]
fn send_start_carries_its_duration() {
    let g = crate::config::parse_groups("239.1.1.1", 5000).unwrap();
    let start = super::Start::send(&g, None, None, 1, true, 7, None)
        .for_duration(Some(Duration::from_millis(2500)));
    let v = serde_json::to_value(&start).unwrap();
    assert_eq!(v["count"], Value::Null);
    assert_eq!(v["duration_s"], 2.5);
    let bare = super::Start::send(&g, None, None, 1, true, 7, Some(10));
    assert_eq!(
        serde_json::to_value(&bare).unwrap()["duration_s"],
        Value::Null
    );
}
