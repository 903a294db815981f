//! Firewall rules that drop what multicast needs: IGMP, MLD, or the
//! groups' UDP ports. Pure functions over the rulesets as the firewall's
//! own tools print them: `nft -j list ruleset` (JSON) and
//! `iptables-save` / `ip6tables-save` (text). A rule is flagged when it
//! drops or rejects and one of its matches names such traffic; other
//! conditions (addresses, interfaces) may narrow it, so findings say
//! "drops" and name the rule to look at.

use std::collections::HashMap;

use serde_json::Value;

/// What a rule drops.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Traffic {
    Igmp,
    Mld,
    UdpPort(u16),
}

impl std::fmt::Display for Traffic {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Traffic::Igmp => f.write_str("IGMP"),
            Traffic::Mld => f.write_str("MLD"),
            Traffic::UdpPort(p) => write!(f, "UDP port {p}"),
        }
    }
}

/// One rule (or chain policy) in the way.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// `None`: a chain whose policy is drop (everything not accepted
    /// before the end of the chain is dropped).
    pub traffic: Option<Traffic>,
    /// Where it is, for people: `nft table inet f chain out (hook output) handle 3`.
    pub rule: String,
    /// The command that removes it, or what to do.
    pub fix: String,
}

/// MLD's ICMPv6 types: query, v1 report, done, v2 report.
const MLD_TYPES: [u64; 4] = [130, 131, 132, 143];
const MLD_NAMES: [&str; 5] = [
    "mld-listener-query",
    "mld-listener-report",
    "mld-listener-done",
    "mld-listener-reduction",
    "mld2-listener-report",
];

/// Findings in `nft -j list ruleset` output, for `ports`.
pub fn nft_findings(json: &str, ports: &[u16]) -> Result<Vec<Finding>, String> {
    let doc: Value =
        serde_json::from_str(json).map_err(|e| format!("nft printed no JSON ruleset: {e}"))?;
    let items = doc
        .get("nftables")
        .and_then(Value::as_array)
        .ok_or("nft printed JSON without an \"nftables\" list")?;
    let mut hooks: HashMap<(String, String, String), String> = HashMap::new();
    let mut out = Vec::new();
    for chain in items.iter().filter_map(|i| i.get("chain")) {
        let key = chain_key(chain);
        let hook = text(chain, "hook");
        if !hook.is_empty() {
            if text(chain, "policy") == "drop" && matches!(hook.as_str(), "input" | "output") {
                out.push(Finding {
                    traffic: None,
                    rule: format!("nft table {} {} chain {} (hook {hook}) has policy drop", key.0, key.1, key.2),
                    fix: format!(
                        "make sure it accepts IGMP, MLD and the groups' UDP ports (nft list chain {} {} {})",
                        key.0, key.1, key.2
                    ),
                });
            }
            hooks.insert(key, hook);
        }
    }
    for rule in items.iter().filter_map(|i| i.get("rule")) {
        let Some(exprs) = rule.get("expr").and_then(Value::as_array) else {
            continue;
        };
        let drops = exprs
            .iter()
            .any(|e| e.get("drop").is_some() || e.get("reject").is_some());
        // iptables-nft's rules carry iptables matches nft cannot show
        // (`xt`): without them a rule for ICMPv6 type 128 would read as one
        // for all ICMPv6. iptables-save reads those rules whole.
        let opaque = exprs.iter().any(|e| e.get("xt").is_some());
        if !drops || opaque {
            continue;
        }
        let key = chain_key(rule);
        let handle = rule.get("handle").and_then(Value::as_u64).unwrap_or(0);
        let hook = hooks
            .get(&key)
            .map_or_else(|| "reached by jump".to_string(), |h| format!("hook {h}"));
        let mut found: Vec<Traffic> = Vec::new();
        for m in exprs.iter().filter_map(|e| e.get("match")) {
            for t in nft_match(m, ports) {
                if !found.contains(&t) {
                    found.push(t);
                }
            }
        }
        for t in found {
            out.push(Finding {
                traffic: Some(t),
                rule: format!(
                    "nft table {} {} chain {} ({hook}) rule handle {handle}",
                    key.0, key.1, key.2
                ),
                fix: format!(
                    "nft delete rule {} {} {} handle {handle}",
                    key.0, key.1, key.2
                ),
            });
        }
    }
    Ok(out)
}

fn text(v: &Value, key: &str) -> String {
    v.get(key).and_then(Value::as_str).unwrap_or("").to_string()
}

fn chain_key(v: &Value) -> (String, String, String) {
    let chain = if v.get("chain").is_some_and(Value::is_string) {
        text(v, "chain")
    } else {
        text(v, "name")
    };
    (text(v, "family"), text(v, "table"), chain)
}

/// What one `match` expression selects, when it selects it positively.
fn nft_match(m: &Value, ports: &[u16]) -> Vec<Traffic> {
    let op = m.get("op").and_then(Value::as_str).unwrap_or("==");
    if !matches!(op, "==" | "in") {
        return vec![];
    }
    let (Some(left), Some(right)) = (m.get("left"), m.get("right")) else {
        return vec![];
    };
    let payload = left.get("payload");
    let proto = payload.map(|p| text(p, "protocol")).unwrap_or_default();
    let field = payload.map(|p| text(p, "field")).unwrap_or_default();
    let meta = left.get("meta").map(|p| text(p, "key")).unwrap_or_default();
    let is_l4 = meta == "l4proto"
        || (proto == "ip" && field == "protocol")
        || (proto == "ip6" && field == "nexthdr");
    let mut out = Vec::new();
    if is_l4 {
        if any_value(right, &|v| is_name_or_num(v, &["igmp"], &[2])) {
            out.push(Traffic::Igmp);
        }
        if any_value(right, &|v| {
            is_name_or_num(v, &["ipv6-icmp", "icmpv6"], &[58])
        }) {
            out.push(Traffic::Mld);
        }
    }
    if proto == "icmpv6"
        && field == "type"
        && any_value(right, &|v| is_name_or_num(v, &MLD_NAMES, &MLD_TYPES))
    {
        out.push(Traffic::Mld);
    }
    if matches!(proto.as_str(), "udp" | "th") && field == "dport" {
        for &p in ports {
            if any_value(right, &|v| covers(v, u64::from(p))) {
                out.push(Traffic::UdpPort(p));
            }
        }
    }
    out
}

/// Whether `pred` holds for the value or, for a set, for any element.
fn any_value(v: &Value, pred: &dyn Fn(&Value) -> bool) -> bool {
    match v.get("set").and_then(Value::as_array) {
        Some(items) => items.iter().any(pred),
        None => pred(v),
    }
}

fn is_name_or_num(v: &Value, names: &[&str], nums: &[u64]) -> bool {
    v.as_str().is_some_and(|s| names.contains(&s)) || v.as_u64().is_some_and(|n| nums.contains(&n))
}

/// A port number, or a `{"range": [lo, hi]}`, covering `port`.
fn covers(v: &Value, port: u64) -> bool {
    if let Some(n) = v.as_u64() {
        return n == port;
    }
    let range = v.get("range").and_then(Value::as_array);
    match range.map(|r| {
        (
            r.first().and_then(Value::as_u64),
            r.get(1).and_then(Value::as_u64),
        )
    }) {
        Some((Some(lo), Some(hi))) => (lo..=hi).contains(&port),
        _ => false,
    }
}

/// Findings in `iptables-save` (or `ip6tables-save`: `tool` names which)
/// output, for `ports`. Only the `filter` table's rules filter.
pub fn iptables_findings(save: &str, tool: &str, ports: &[u16]) -> Vec<Finding> {
    let cmd = tool.trim_end_matches("-save");
    let mut table = "";
    let mut out = Vec::new();
    for line in save.lines() {
        let line = line.trim();
        if let Some(t) = line.strip_prefix('*') {
            table = t;
            continue;
        }
        if table != "filter" {
            continue;
        }
        if let Some(policy) = line.strip_prefix(':') {
            let mut words = policy.split_whitespace();
            if let (Some(chain @ ("INPUT" | "OUTPUT")), Some("DROP")) = (words.next(), words.next())
            {
                out.push(Finding {
                    traffic: None,
                    rule: format!("{cmd} chain {chain} has policy DROP"),
                    fix: format!(
                        "make sure it accepts IGMP, MLD and the groups' UDP ports ({cmd} -S {chain})"
                    ),
                });
            }
            continue;
        }
        let Some(rule) = line.strip_prefix("-A ") else {
            continue;
        };
        for t in iptables_rule(rule, ports) {
            out.push(Finding {
                traffic: Some(t),
                rule: format!("{cmd} rule -A {rule}"),
                fix: format!("{cmd} -D {rule}"),
            });
        }
    }
    out
}

/// What one `-A CHAIN ...` rule drops.
fn iptables_rule(rule: &str, ports: &[u16]) -> Vec<Traffic> {
    let words: Vec<&str> = rule.split_whitespace().collect();
    let mut proto = None;
    let mut dports: Vec<&str> = Vec::new();
    let mut icmp6_type = None;
    let mut target = None;
    let mut negated = false;
    let mut i = 0;
    while i < words.len() {
        let w = words[i];
        let value = words.get(i + 1).copied();
        match w {
            "!" => {
                negated = true;
                i += 1;
                continue;
            }
            "-p" | "--protocol" if !negated => proto = value,
            "--dport" | "--destination-port" | "--dports" | "--destination-ports" if !negated => {
                dports.extend(value)
            }
            "--icmpv6-type" if !negated => icmp6_type = value,
            "-j" | "--jump" => target = value,
            _ => {}
        }
        negated = false;
        i += 1;
    }
    if !matches!(target, Some("DROP" | "REJECT")) {
        return vec![];
    }
    let mut out = Vec::new();
    match proto {
        Some("igmp" | "2") => out.push(Traffic::Igmp),
        Some("ipv6-icmp" | "icmpv6" | "58") => {
            let is_mld = icmp6_type.is_none_or(|t| {
                let base = t.split('/').next().unwrap_or(t);
                MLD_NAMES.contains(&base) || base.parse().is_ok_and(|n: u64| MLD_TYPES.contains(&n))
            });
            if is_mld {
                out.push(Traffic::Mld);
            }
        }
        Some("udp" | "17") => {
            for &p in ports {
                let hit = dports.iter().any(|spec| {
                    spec.split(',').any(|part| match part.split_once(':') {
                        Some((lo, hi)) => {
                            let lo = lo.parse().unwrap_or(0);
                            let hi = hi.parse().unwrap_or(u16::MAX);
                            (lo..=hi).contains(&p)
                        }
                        None => part.parse() == Ok(p),
                    })
                });
                // A UDP rule with no port drops every port.
                if hit || dports.is_empty() {
                    out.push(Traffic::UdpPort(p));
                }
            }
        }
        _ => {}
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const NFT: &str = include_str!("testdata/nft_ruleset.json");
    const IPT: &str = include_str!("testdata/iptables_save.txt");
    const IP6T: &str = include_str!("testdata/ip6tables_save.txt");

    fn summary(found: &[Finding]) -> Vec<String> {
        found
            .iter()
            .map(|f| match f.traffic {
                Some(t) => format!("{t}: {}", f.rule),
                None => f.rule.clone(),
            })
            .collect()
    }

    #[test]
    fn nft_rules_that_drop_igmp_mld_or_the_port() {
        let found = nft_findings(NFT, &[5000, 7000]).unwrap();
        assert_eq!(
            summary(&found),
            [
                "nft table inet f chain in (hook input) has policy drop",
                "IGMP: nft table inet f chain out (hook output) rule handle 3",
                "IGMP: nft table inet f chain out (hook output) rule handle 4",
                "UDP port 5000: nft table inet f chain in (hook input) rule handle 5",
                "UDP port 5000: nft table inet f chain in (hook input) rule handle 7",
                "UDP port 5000: nft table inet f chain in (hook input) rule handle 8",
                "MLD: nft table inet f chain in (hook input) rule handle 9",
                "MLD: nft table inet f chain in (hook input) rule handle 11",
                // handle 12 (`ip protocol != igmp drop`) spares IGMP; 13 names a source.
                "IGMP: nft table inet f chain in (hook input) rule handle 13",
            ]
        );
        assert_eq!(found[1].fix, "nft delete rule inet f out handle 3");
    }

    #[test]
    fn nft_ports_outside_the_rules_are_not_flagged() {
        let found = nft_findings(NFT, &[6500]).unwrap();
        assert!(found
            .iter()
            .all(|f| !matches!(f.traffic, Some(Traffic::UdpPort(_)))));
        let found = nft_findings(NFT, &[6000]).unwrap();
        let ports: Vec<_> = found
            .iter()
            .filter(|f| f.traffic == Some(Traffic::UdpPort(6000)))
            .collect();
        assert_eq!(ports.len(), 2, "the set and the range");
    }

    /// `ip6tables -A INPUT -p ipv6-icmp --icmpv6-type 128 -j DROP` as nft
    /// shows it (iptables-nft): the type hides in an `xt` match.
    #[test]
    fn nft_leaves_iptables_matches_to_iptables_save() {
        let json = r#"{"nftables": [{"rule": {"family": "ip6", "table": "filter", "chain": "INPUT", "handle": 2, "expr": [{"match": {"op": "==", "left": {"meta": {"key": "l4proto"}}, "right": "ipv6-icmp"}}, {"xt": {"type": "match", "name": "icmp6"}}, {"counter": {"packets": 0, "bytes": 0}}, {"drop": null}]}}]}"#;
        assert_eq!(nft_findings(json, &[5000]).unwrap(), vec![]);
    }

    #[test]
    fn nft_awkward_input() {
        assert!(nft_findings("", &[]).is_err());
        assert!(nft_findings("{\"nftables\": 3}", &[]).is_err());
        assert_eq!(nft_findings("{\"nftables\": []}", &[5000]).unwrap(), vec![]);
        // Rules without chains, expressions of the wrong shape, huge numbers.
        let odd = r#"{"nftables":[{"rule":{"expr":[{"match":{"left":{"payload":{"protocol":"udp","field":"dport"}},"right":{"range":[1]}}},{"match":7},{"drop":null}]}},
            {"rule":{"family":"ip","table":"t","chain":"c","handle":1,"expr":[{"match":{"left":{"meta":{"key":"l4proto"}},"right":2}},{"reject":{}}]}}]}"#;
        let found = nft_findings(odd, &[5000]).unwrap();
        assert_eq!(
            summary(&found),
            ["IGMP: nft table ip t chain c (reached by jump) rule handle 1"]
        );
    }

    #[test]
    fn iptables_rules_that_drop_igmp_or_the_port() {
        let found = iptables_findings(IPT, "iptables-save", &[5000, 4500]);
        assert_eq!(
            summary(&found),
            [
                "iptables chain OUTPUT has policy DROP",
                "UDP port 5000: iptables rule -A INPUT -p udp -m udp --dport 5000 -j REJECT --reject-with icmp-port-unreachable",
                "UDP port 4500: iptables rule -A INPUT -s 192.0.2.9/32 -p udp -m multiport --dports 4000:4999,7000 -j DROP",
                "IGMP: iptables rule -A OUTPUT -p igmp -j DROP",
                "IGMP: iptables rule -A OUTPUT -p 2 -m comment --comment \"igmp too\" -j DROP",
            ]
        );
        assert_eq!(found[3].fix, "iptables -D OUTPUT -p igmp -j DROP");
    }

    #[test]
    fn ip6tables_rules_that_drop_mld() {
        let found = iptables_findings(IP6T, "ip6tables-save", &[5000]);
        assert_eq!(
            summary(&found),
            [
                "MLD: ip6tables rule -A INPUT -p ipv6-icmp -m icmp6 --icmpv6-type 130 -j DROP",
                "MLD: ip6tables rule -A OUTPUT -p icmpv6 --icmpv6-type mld2-listener-report -j DROP",
            ]
        );
    }

    #[test]
    fn iptables_awkward_input() {
        assert!(iptables_findings("", "iptables-save", &[5000]).is_empty());
        assert!(
            iptables_findings("-A INPUT -p igmp -j DROP", "iptables-save", &[]).is_empty(),
            "no table"
        );
        let text = "*filter\n-A INPUT -p udp --dport -j DROP\n-A INPUT -p\n:INPUT\n-A INPUT -p udp --dport 70000 -j DROP\n";
        let found = iptables_findings(text, "iptables-save", &[5000]);
        // `--dport -j` takes "-j" as the port, which matches none.
        assert_eq!(found, vec![]);
    }
}
