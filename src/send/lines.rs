//! One datagram per line of input (`send --stdin`): each line goes out as
//! soon as it is read and due, not batched, so a slow producer's lines are
//! not held back.

use std::io::BufRead;
use std::time::Instant;

use anyhow::{Context, Result};
use tracing::warn;

use super::{schedule, Limit, Schedule, Sender, Stats};
use crate::config::MAX_DATAGRAM;
use crate::signals;

impl Sender {
    /// Sends each line of `input` (named `from` in errors), without its
    /// newline, to every destination on `schedule`, until the input ends,
    /// `limit` or Ctrl-C. Lines longer than a datagram are skipped.
    pub fn run_lines(
        &self,
        input: &mut dyn BufRead,
        from: &str,
        schedule: Schedule,
        limit: &Limit,
    ) -> Result<Stats> {
        let start = Instant::now();
        let end = limit.duration.map(|d| start + d);
        let mut stats = Stats::default();
        let mut line = Vec::new();
        let mut seq = 0u64;
        let mut first = start;
        while limit.count.is_none_or(|n| seq < n) && !signals::stop_requested() {
            line.clear();
            if input
                .read_until(b'\n', &mut line)
                .with_context(|| format!("reading {from}"))?
                == 0
            {
                break;
            }
            if line.last() == Some(&b'\n') {
                line.pop();
            }
            if line.len() > MAX_DATAGRAM {
                warn!(
                    "line {} is {} bytes, longer than a datagram; skipped",
                    seq + 1,
                    line.len()
                );
                continue;
            }
            if let Some(at) = schedule.offset(seq) {
                if !schedule::sleep_until(start + at, end) {
                    break;
                }
            } else if end.is_some_and(|e| Instant::now() >= e) {
                break;
            }
            if seq == 0 {
                first = Instant::now();
            }
            stats.span = first.elapsed();
            self.send_each(&line, &mut stats)?;
            seq += 1;
        }
        stats.elapsed = start.elapsed();
        Ok(stats)
    }
}
