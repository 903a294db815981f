//! rtnetlink RTM_GETROUTE replies, as a kernel might send them: any bytes
//! parse without reading out of bounds or panicking.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let first = mcast::platform::parse_route_reply(data);
    let again = mcast::platform::parse_route_reply(data);
    assert_eq!(first.as_ref().ok(), again.as_ref().ok());
});
