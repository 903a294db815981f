//! Firewall rulesets as `nft -j list ruleset` and `iptables-save` might
//! print them: any text parses without panicking, the same text always
//! gives the same findings, and each finding names a rule and a fix.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mcast::doctor::firewall::{iptables_findings, nft_findings};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let ports = [0, 5000, 65535];
    let nft = nft_findings(text, &ports);
    assert_eq!(nft, nft_findings(text, &ports));
    for f in nft.iter().flatten() {
        assert!(f.rule.starts_with("nft ") && !f.fix.is_empty());
    }
    for tool in ["iptables-save", "ip6tables-save"] {
        let found = iptables_findings(text, tool, &ports);
        assert_eq!(found, iptables_findings(text, tool, &ports));
        assert!(found.iter().all(|f| !f.rule.is_empty() && !f.fix.is_empty()));
    }
});
