//! Test packets: any datagram parses without panicking, and a packet
//! written from fuzzed fields parses back to exactly those fields, passes
//! the padding check, and fails it once a padding byte changes.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mcast::testpacket::{fill_padding, is_intact, write_header, TestHeader, HEADER_LEN};

fuzz_target!(|data: &[u8]| {
    let _ = TestHeader::parse(data);
    let Some(fields) = data.get(..26) else {
        return;
    };
    let word = |i: usize| u64::from_be_bytes(fields[i..i + 8].try_into().unwrap_or([0; 8]));
    let (sender, seq, sent_ns) = (word(0), word(8), word(16));
    let len = HEADER_LEN + usize::from(u16::from_be_bytes([fields[24], fields[25]]) % 2048);
    let mut buf = vec![0u8; len];
    write_header(&mut buf, sender, seq, sent_ns, len as u32);
    fill_padding(&mut buf, seq);
    let h = TestHeader::parse(&buf).expect("a written packet parses");
    assert_eq!((h.sender, h.seq, h.sent_ns, h.len), (sender, seq, sent_ns, len as u32));
    assert!(is_intact(&buf, &h));
    if len > HEADER_LEN {
        let at = HEADER_LEN + usize::from(fields[25]) % (len - HEADER_LEN);
        buf[at] ^= 0x5a;
        assert!(!is_intact(&buf, &h), "a changed padding byte at {at} went unnoticed");
    }
});
