//! MPEG-TS: any 188 bytes parse or not without panicking, and any run of
//! datagrams through the transport stream analysis keeps its counts
//! within what arrived.
#![no_main]

use std::time::Duration;

use libfuzzer_sys::fuzz_target;
use mcast::analysis::media::{MediaOptions, MediaStats};
use mcast::media::ts::{self, TsPacket};

fuzz_target!(|data: &[u8]| {
    for p in data.chunks(ts::PACKET_LEN) {
        if let Some(t) = TsPacket::parse(p) {
            assert!(t.pid < 8192 && t.continuity < 16);
        }
    }
    let _ = ts::is_ts(data);
    let mut m = MediaStats::new();
    let opts = MediaOptions::default();
    // The input as datagrams of up to 7 packets; a first byte that is not
    // the sync byte is turned into one, so the analysis gets going.
    let mut packets = 0u64;
    for (i, d) in data.chunks(ts::PACKET_LEN * 7).enumerate() {
        let mut d = d.to_vec();
        if let Some(b) = d.get_mut(0) {
            *b = ts::SYNC;
        }
        packets += (d.len() / ts::PACKET_LEN) as u64;
        m.record(&d, Duration::from_millis(i as u64 * 10), &opts, None);
    }
    if let Some(t) = m.ts() {
        assert!(t.packets <= packets);
        assert!(t.pids.len() <= 8192);
        assert!(t.cc_errors <= t.packets);
        let sum: u64 = t.pids.iter().map(|p| p.packets).sum();
        assert_eq!(sum, t.packets);
    }
});
