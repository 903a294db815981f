//! RTP: any datagram parses or not without panicking, a parsed header's
//! payload lies inside the datagram, and a run of fuzzed datagrams through
//! the RTP analysis (forced, so every one counts) keeps its figures sane.
#![no_main]

use std::time::Duration;

use libfuzzer_sys::fuzz_target;
use mcast::analysis::media::{MediaOptions, MediaStats, RtpMode};
use mcast::media::rtp::RtpHeader;

fuzz_target!(|data: &[u8]| {
    if let Some(h) = RtpHeader::parse(data) {
        assert!(h.payload_start <= h.payload_end && h.payload_end <= data.len());
        assert_eq!(h.payload(data).len(), h.payload_end - h.payload_start);
    }
    let opts = MediaOptions {
        rtp: RtpMode::Force,
        rtp_clock: Some(90_000),
    };
    let mut m = MediaStats::new();
    // Datagrams separated by 0xff 0xff, arriving 1 ms apart.
    for (i, d) in data.split(|&b| b == 0xff).enumerate() {
        m.record(d, Duration::from_millis(i as u64), &opts, None);
    }
    if let Some(r) = m.rtp() {
        let f = r.figures();
        assert!(f.lost <= f.expected);
        assert!(r.jitter_ms().is_none_or(|j| j.is_finite() && j >= 0.0));
    }
});
