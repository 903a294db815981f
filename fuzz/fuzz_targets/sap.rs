//! SAP: any datagram parses or is refused with a reason, never a panic;
//! a parsed one's payload lies inside the datagram, and the session
//! directory takes whatever parses.
#![no_main]

use std::net::SocketAddr;
use std::time::Duration;

use libfuzzer_sys::fuzz_target;
use mcast::media::sap::SapPacket;
use mcast::sap::Directory;

fuzz_target!(|data: &[u8]| {
    let mut dir = Directory::new();
    match SapPacket::parse(data) {
        Ok(p) => {
            assert!(p.payload.len() <= data.len());
            dir.receive(&p, SocketAddr::new(p.origin, 9875), None, Duration::from_secs(1));
            assert_eq!(dir.sessions().len() as u64 + dir.overflow, u64::from(!p.deletion));
            let _ = dir.expire(Duration::from_secs(100_000));
        }
        Err(e) => assert!(!e.to_string().is_empty()),
    }
});
