//! `monitor`'s alarms: per group and reason, raised once when a rule is
//! broken and cleared once when it holds again. Rules are judged once per
//! `--interval` from what the group did in it; silence comes from
//! [`super::silence`] (or, with `--heartbeat N/M`, from the intervals
//! here: silent in N of the last M).

use std::fmt;

/// Why an alarm was raised.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Reason {
    /// No packet for `--silent-after` (or N of M intervals without one).
    Silent,
    /// Packets per second below `--min-rate` in an interval.
    MinRate,
    /// Loss above `--max-loss` percent in an interval: test packets, and
    /// RTP packets by their sequence numbers.
    MaxLoss,
    /// More than `--max-cc-errors` MPEG-TS continuity errors in an
    /// interval: the loss figure of a transport stream sent straight over
    /// UDP, which has no sequence number of its own.
    CcErrors,
}

impl Reason {
    pub const ALL: [Reason; 4] = [
        Reason::Silent,
        Reason::MinRate,
        Reason::MaxLoss,
        Reason::CcErrors,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Reason::Silent => "silent",
            Reason::MinRate => "min_rate",
            Reason::MaxLoss => "max_loss",
            Reason::CcErrors => "cc_errors",
        }
    }

    fn bit(self) -> u8 {
        1 << (self as u8)
    }
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// `--heartbeat N/M`: silent in at least N of the last M intervals.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Heartbeat {
    pub n: u32,
    pub m: u32,
}

impl Heartbeat {
    /// Most intervals remembered (one bit each).
    pub const MAX_M: u32 = 64;
}

/// The thresholds; `None` turns a rule off.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct AlarmRules {
    /// Replaces the time-based silence rule when given.
    pub heartbeat: Option<Heartbeat>,
    pub min_rate: Option<f64>,
    pub max_loss: Option<f64>,
    pub max_cc_errors: Option<u64>,
}

/// What a group did in one interval.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct IntervalFacts {
    /// The silence watch's verdict at the end of the interval.
    pub silent: bool,
    pub packets: u64,
    pub secs: f64,
    /// Test and RTP packets expected and lost in the interval.
    pub expected: u64,
    pub lost: u64,
    /// MPEG-TS continuity errors in the interval.
    pub cc_errors: u64,
}

/// One transition.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct AlarmChange {
    pub group: usize,
    pub reason: Reason,
    pub raised: bool,
    /// The measured value that decided (seconds silent is the caller's;
    /// packets/s for `min_rate`, percent for `max_loss`, errors for
    /// `cc_errors`; silent intervals for a heartbeat).
    pub value: Option<f64>,
    pub threshold: Option<f64>,
    /// What `value` and `threshold` count: `s` (seconds silent),
    /// `intervals` (silent intervals of a heartbeat), `pps`, `percent`,
    /// `errors`.
    pub unit: &'static str,
}

#[derive(Debug, Clone, Copy, Default)]
struct State {
    /// Active alarms, one bit per [`Reason`].
    active: u8,
    /// Heartbeat window: bit i set when interval i ago was silent.
    window: u64,
}

/// Per-group alarm state.
#[derive(Debug, Clone)]
pub struct AlarmBoard {
    rules: AlarmRules,
    states: Vec<State>,
}

impl AlarmBoard {
    pub fn new(rules: AlarmRules, groups: usize) -> Self {
        Self {
            rules,
            states: vec![State::default(); groups],
        }
    }

    pub fn is_active(&self, group: usize, reason: Reason) -> bool {
        self.states
            .get(group)
            .is_some_and(|s| s.active & reason.bit() != 0)
    }

    pub fn any_active(&self, group: usize) -> bool {
        self.states.get(group).is_some_and(|s| s.active != 0)
    }

    /// Judges one group's interval; pushes the transitions.
    pub fn judge(&mut self, group: usize, f: &IntervalFacts, out: &mut Vec<AlarmChange>) {
        let rules = self.rules;
        let Some(st) = self.states.get_mut(group) else {
            return;
        };
        let mut set = |reason: Reason, on: bool, value, threshold, unit| {
            let was = st.active & reason.bit() != 0;
            if was != on {
                st.active ^= reason.bit();
                out.push(AlarmChange {
                    group,
                    reason,
                    raised: on,
                    value,
                    threshold,
                    unit,
                });
            }
        };
        match rules.heartbeat {
            Some(hb) => {
                let mask = if hb.m >= 64 {
                    u64::MAX
                } else {
                    (1u64 << hb.m) - 1
                };
                st.window = ((st.window << 1) | u64::from(f.packets == 0)) & mask;
                let silent = st.window.count_ones();
                let on = silent >= hb.n;
                set(
                    Reason::Silent,
                    on,
                    Some(f64::from(silent)),
                    Some(f64::from(hb.n)),
                    "intervals",
                );
            }
            None => set(Reason::Silent, f.silent, None, None, "s"),
        }
        // Rate and loss are judged on intervals with traffic: a group that
        // stops is the silence alarm's, not a second alarm for rate 0.
        if let Some(min) = rules.min_rate {
            if f.packets > 0 && f.secs > 0.0 {
                let rate = f.packets as f64 / f.secs;
                set(Reason::MinRate, rate < min, Some(rate), Some(min), "pps");
            }
        }
        if let Some(max) = rules.max_loss {
            if f.expected > 0 {
                let loss = f.lost as f64 * 100.0 / f.expected as f64;
                set(
                    Reason::MaxLoss,
                    loss > max,
                    Some(loss),
                    Some(max),
                    "percent",
                );
            }
        }
        if let Some(max) = rules.max_cc_errors {
            if f.packets > 0 {
                let cc = f.cc_errors as f64;
                set(
                    Reason::CcErrors,
                    f.cc_errors > max,
                    Some(cc),
                    Some(max as f64),
                    "errors",
                );
            }
        }
    }

    /// See [`super::silence::SilenceWatch::regroup`].
    pub fn regroup(&mut self, map: &[Option<usize>]) {
        self.states = map
            .iter()
            .map(|m| {
                m.and_then(|i| self.states.get(i).copied())
                    .unwrap_or_default()
            })
            .collect();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts(packets: u64, expected: u64, lost: u64) -> IntervalFacts {
        IntervalFacts {
            silent: packets == 0,
            packets,
            secs: 1.0,
            expected,
            lost,
            cc_errors: 0,
        }
    }

    #[test]
    fn raised_once_and_cleared_once() {
        let mut b = AlarmBoard::new(AlarmRules::default(), 1);
        let mut out = Vec::new();
        for p in [10, 0, 0, 0, 10, 10] {
            b.judge(0, &facts(p, 0, 0), &mut out);
        }
        let seen: Vec<_> = out.iter().map(|c| (c.reason, c.raised)).collect();
        assert_eq!(
            seen,
            [(Reason::Silent, true), (Reason::Silent, false)],
            "{out:?}"
        );
    }

    #[test]
    fn heartbeat_counts_silent_intervals_in_the_window() {
        let rules = AlarmRules {
            heartbeat: Some(Heartbeat { n: 2, m: 3 }),
            ..AlarmRules::default()
        };
        let mut b = AlarmBoard::new(rules, 1);
        let mut out = Vec::new();
        b.judge(0, &facts(0, 0, 0), &mut out);
        assert!(out.is_empty(), "1 of 3");
        b.judge(0, &facts(5, 0, 0), &mut out);
        assert!(out.is_empty());
        b.judge(0, &facts(0, 0, 0), &mut out);
        assert_eq!(out.len(), 1, "2 of the last 3: {out:?}");
        assert!(out[0].raised);
        assert_eq!(out[0].value, Some(2.0));
        b.judge(0, &facts(0, 0, 0), &mut out);
        assert_eq!(out.len(), 1, "3 of 3: still raised, not again");
        b.judge(0, &facts(5, 0, 0), &mut out);
        assert_eq!(out.len(), 1, "2 of the last 3");
        b.judge(0, &facts(5, 0, 0), &mut out);
        assert_eq!(out.len(), 2, "1 of the last 3: {out:?}");
        assert!(!out[1].raised);
    }

    #[test]
    fn rate_and_loss() {
        let rules = AlarmRules {
            heartbeat: None,
            min_rate: Some(50.0),
            max_loss: Some(1.0),
            max_cc_errors: None,
        };
        let mut b = AlarmBoard::new(rules, 2);
        let mut out = Vec::new();
        b.judge(0, &facts(40, 40, 0), &mut out);
        b.judge(1, &facts(100, 100, 5), &mut out);
        assert_eq!(out.len(), 2);
        assert_eq!(
            (out[0].group, out[0].reason, out[0].raised),
            (0, Reason::MinRate, true)
        );
        assert_eq!(out[0].value, Some(40.0));
        assert_eq!((out[1].group, out[1].reason), (1, Reason::MaxLoss));
        assert!(b.is_active(1, Reason::MaxLoss) && b.any_active(0));
        b.judge(1, &facts(100, 100, 1), &mut out);
        assert_eq!((out[2].reason, out[2].raised), (Reason::MaxLoss, false));
        // A silent interval does not judge rate or loss.
        b.judge(0, &facts(0, 0, 0), &mut out);
        assert_eq!(out[3].reason, Reason::Silent);
        assert!(b.is_active(0, Reason::MinRate));
    }

    #[test]
    fn continuity_errors_per_interval() {
        let rules = AlarmRules {
            max_cc_errors: Some(2),
            ..AlarmRules::default()
        };
        let mut b = AlarmBoard::new(rules, 1);
        let mut out = Vec::new();
        let cc = |packets, cc_errors| IntervalFacts {
            cc_errors,
            ..facts(packets, 0, 0)
        };
        b.judge(0, &cc(100, 2), &mut out);
        assert!(out.is_empty(), "2 is not more than 2: {out:?}");
        b.judge(0, &cc(100, 7), &mut out);
        b.judge(0, &cc(100, 9), &mut out);
        assert_eq!(out.len(), 1, "raised once: {out:?}");
        assert_eq!(
            (out[0].reason, out[0].raised, out[0].value, out[0].unit),
            (Reason::CcErrors, true, Some(7.0), "errors")
        );
        assert_eq!(Reason::CcErrors.name(), "cc_errors");
        // Silence is not judged as clean.
        b.judge(0, &cc(0, 0), &mut out);
        assert!(b.is_active(0, Reason::CcErrors));
        b.judge(0, &cc(100, 0), &mut out);
        assert_eq!(
            (out.last().unwrap().reason, out.last().unwrap().raised),
            (Reason::CcErrors, false)
        );
    }
}
