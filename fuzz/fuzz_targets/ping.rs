//! Ping probes, replies, mesh reports and ssmping messages: any datagram
//! parses without panicking; a valid probe (SSM group or not) and a valid
//! mesh report write back to the same bytes; a valid probe's reply parses
//! back, echoes the probe and is never longer than it (no amplification);
//! a valid ssmping query's answer has its length.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mcast::ping::{report, ssmping, wire};

fuzz_target!(|data: &[u8]| {
    let _ = wire::Reply::parse(data);
    let _ = ssmping::parse_answer(data);
    if let Some(query) = ssmping::parse_query(data) {
        let mut answer = data.to_vec();
        ssmping::answer_in_place(&mut answer);
        assert_eq!(ssmping::parse_answer(&answer), Some(query));
        if let Some(g) = ssmping::reply_group(&query, false) {
            assert!(g.is_multicast());
        }
    }
    if let Some(r) = report::Report::parse(data) {
        assert!(data.len() <= report::MAX_REPORT);
        let entries: Vec<report::Entry> = r.entries(data).collect();
        if let Ok(name) = std::str::from_utf8(r.name(data)) {
            let mut out = [0u8; report::MAX_REPORT];
            let n = report::write(&mut out, r.reporter, r.number, r.probes, name, &entries);
            assert_eq!(&out[..n], data, "a report writes back as it was read");
        }
    }
    let Some(probe) = wire::Probe::parse(data) else {
        return;
    };
    let mut again = vec![0xee; data.len()];
    probe.write(&mut again, true);
    assert_eq!(again, data, "a probe writes back as it was read");
    // The name: whatever UTF-8 the tail of the input makes.
    let name = String::from_utf8_lossy(data.get(wire::PROBE_HEADER..).unwrap_or_default());
    let me = wire::Responder {
        id: 7,
        name: &name,
        initial_ttl: 64,
    };
    let mut out = [0u8; wire::MAX_PROBE];
    let n = wire::write_reply(&mut out, &probe, Some(3), &me, true, 1, 2);
    assert!(n <= data.len(), "a reply of {n} bytes to a probe of {}", data.len());
    let reply = wire::Reply::parse(&out[..n]).expect("a written reply parses");
    assert_eq!((reply.sender, reply.seq, reply.probe_sent_ns), (probe.sender, probe.seq, probe.sent_ns));
});
