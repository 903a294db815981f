//! GROUP arguments: any text parses or fails with one line free of control characters (as printed); a
//! parsed group, printed and parsed again, is the same group.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mcast::config::parse_groups;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    match parse_groups(text, 5000) {
        Ok(groups) => {
            for g in groups {
                let again = parse_groups(&g.to_string(), 1)
                    .unwrap_or_else(|e| panic!("{g} does not parse again: {e:#}"));
                assert_eq!(again, vec![g.clone()], "{text:?} -> {g}");
            }
        }
        Err(e) => {
            let line = mcast::exit::error_line(&e);
            assert!(
                !line.chars().any(char::is_control),
                "not one clean line: {line:?}"
            );
        }
    }
});
