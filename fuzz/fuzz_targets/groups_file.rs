//! `monitor --groups-file` contents: any bytes parse or fail with one line
//! free of control characters (as printed) that names a line; parsed
//! groups are unique, and labels carry no control characters.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mcast::config::{parse_groups_file, MAX_LABEL};

fuzz_target!(|data: &[u8]| {
    match parse_groups_file(data, "groups.txt", 5000) {
        Ok(listed) => {
            let mut seen = std::collections::HashSet::new();
            for l in &listed {
                assert!(seen.insert(l.group), "{} listed twice", l.group);
                if let Some(label) = &l.label {
                    assert!(!label.chars().any(char::is_control), "{label:?}");
                    assert!(label.chars().count() <= MAX_LABEL);
                }
            }
        }
        Err(e) => {
            let line = mcast::exit::error_line(&e);
            assert!(
                !line.chars().any(char::is_control),
                "not one clean line: {line:?}"
            );
            assert!(line.starts_with("mcast: groups.txt "), "{line}");
        }
    }
});
