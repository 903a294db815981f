//! Control messages as any kernel might lay them out: every OS's layout
//! parses any bytes without reading out of bounds or panicking, and the
//! same bytes always give the same answer.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mcast::platform::cmsg::{parse, FREEBSD, LINUX, MACOS, WINDOWS};

fuzz_target!(|data: &[u8]| {
    for layout in [&LINUX, &FREEBSD, &MACOS, &WINDOWS] {
        let info = parse(data, layout);
        assert_eq!(info, parse(data, layout));
        if let Some(t) = info.kernel_time {
            assert!(t.subsec_nanos() < 1_000_000_000);
        }
        // A prefix that ends inside the first header yields nothing.
        let hdr = layout.header_len();
        if data.len() < hdr {
            assert_eq!(info.dest, None);
        }
    }
});
