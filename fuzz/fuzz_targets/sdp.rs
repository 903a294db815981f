//! SDP: any bytes give a description with notes, never a panic; notes are
//! bounded and free of control characters (they are printed as they are),
//! and every announced stream is multicast.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mcast::media::sdp::Sdp;

fuzz_target!(|data: &[u8]| {
    let s = Sdp::parse(data);
    assert!(s.notes.len() <= 20);
    for n in &s.notes {
        assert!(!n.chars().any(char::is_control), "{n:?}");
    }
    for a in s.announced() {
        assert!(a.group.is_multicast());
    }
});
