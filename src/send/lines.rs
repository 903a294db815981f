//! One datagram per line of input (`send --stdin`): each line goes out as
//! soon as it is read and due, not batched, so a slow producer's lines are
//! not held back. A line is read into a buffer of one datagram at most: a
//! longer one is skipped as it streams past, never held whole, so memory
//! stays bounded whatever the input holds.

use std::io::{BufRead, Read};
use std::time::Instant;

use anyhow::{Context, Result};
use tracing::warn;

use super::{schedule, Limit, Schedule, Sender, Stats};
use crate::signals;

/// One line read by [`read_line`].
#[derive(Debug, PartialEq, Eq)]
enum Line {
    /// In the buffer, without its newline.
    Fits,
    /// Longer than the limit; its first bytes are in the buffer, the
    /// rest is still to be skipped.
    TooLong,
    /// The input has ended.
    End,
}

impl Sender {
    /// Sends each line of `input` (named `from` in errors), without its
    /// newline, to every destination on `schedule`, until the input ends,
    /// `limit` or Ctrl-C. Lines longer than `max_line` (the largest
    /// datagram) are skipped with a warning and counted in
    /// [`Stats::lines_skipped`]. A refusal of the first datagram is a
    /// [`super::Refused`] in the error.
    pub fn run_lines(
        &self,
        input: &mut dyn BufRead,
        from: &str,
        schedule: Schedule,
        limit: &Limit,
        max_line: usize,
    ) -> Result<Stats> {
        let start = Instant::now();
        let end = limit.duration.map(|d| start + d);
        let past_end = || end.is_some_and(|e| Instant::now() >= e) || signals::stop_requested();
        let mut stats = Stats::default();
        // One byte more than a datagram tells an over-long line.
        let mut line = Vec::with_capacity(max_line + 1);
        let mut seq = 0u64;
        let mut number = 0u64;
        let mut first = start;
        while limit.count.is_none_or(|n| seq < n) && !signals::stop_requested() {
            let read =
                read_line(input, &mut line, max_line).with_context(|| format!("reading {from}"))?;
            number += 1;
            match read {
                Line::End => break,
                Line::Fits => {}
                Line::TooLong => {
                    warn!(
                        "line {number} of {from} is longer than {max_line} bytes, the largest {} datagram; skipped",
                        self.family().name()
                    );
                    stats.lines_skipped += 1;
                    if !skip_line(input, &mut line, past_end)
                        .with_context(|| format!("reading {from}"))?
                    {
                        break;
                    }
                    continue;
                }
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

/// Reads the next line into `line` (cleared first), holding at most
/// `max + 1` bytes of it.
fn read_line(input: &mut dyn BufRead, line: &mut Vec<u8>, max: usize) -> std::io::Result<Line> {
    line.clear();
    let limit = u64::try_from(max).unwrap_or(u64::MAX).saturating_add(1);
    if Read::take(&mut *input, limit).read_until(b'\n', line)? == 0 {
        return Ok(Line::End);
    }
    if line.last() == Some(&b'\n') {
        line.pop();
        return Ok(Line::Fits);
    }
    // Without a newline: the input's last line, or more than `max` bytes.
    Ok(if line.len() > max {
        Line::TooLong
    } else {
        Line::Fits
    })
}

/// Reads past the rest of an over-long line into `scratch`, a buffer's
/// capacity at a time (so it never grows), checking `stop` (the run's end,
/// Ctrl-C) between reads. False when the run should stop first or the
/// input ended.
fn skip_line(
    input: &mut dyn BufRead,
    scratch: &mut Vec<u8>,
    stop: impl Fn() -> bool,
) -> std::io::Result<bool> {
    let chunk = u64::try_from(scratch.capacity().max(1)).unwrap_or(u64::MAX);
    loop {
        if stop() {
            return Ok(false);
        }
        scratch.clear();
        if Read::take(&mut *input, chunk).read_until(b'\n', scratch)? == 0 {
            return Ok(false);
        }
        if scratch.last() == Some(&b'\n') {
            return Ok(true);
        }
    }
}

#[cfg(test)]
mod tests {
    use std::io::{BufReader, Cursor};

    use super::*;

    fn lines(input: &[u8], max: usize) -> Vec<(Line, Vec<u8>)> {
        let mut r = BufReader::with_capacity(16, Cursor::new(input.to_vec()));
        let mut out = Vec::new();
        let mut line = Vec::with_capacity(max + 1);
        loop {
            let got = read_line(&mut r, &mut line, max).unwrap();
            assert!(line.capacity() <= max + 1, "the buffer never grows");
            match got {
                Line::End => return out,
                Line::TooLong => {
                    out.push((Line::TooLong, Vec::new()));
                    let more = skip_line(&mut r, &mut line, || false).unwrap();
                    assert!(line.capacity() <= max + 1, "skipping never grows it");
                    if !more {
                        return out;
                    }
                }
                Line::Fits => out.push((Line::Fits, line.clone())),
            }
        }
    }

    #[test]
    fn lines_up_to_the_limit_fit_and_longer_ones_are_skipped() {
        let got = lines(
            b"abcd\nabcde\nx\n\nabcdefghijklmnopqrstuvwxyz0123456789\nend",
            4,
        );
        let want = [
            (Line::Fits, b"abcd".to_vec()),
            (Line::TooLong, vec![]),
            (Line::Fits, b"x".to_vec()),
            (Line::Fits, vec![]),
            (Line::TooLong, vec![]),
            (Line::Fits, b"end".to_vec()),
        ];
        assert_eq!(got, want);
    }

    #[test]
    fn an_endless_line_is_read_in_bounded_memory() {
        // A megabyte without a newline, as /dev/zero gives: skipped, then
        // the input ends.
        let got = lines(&vec![0u8; 1 << 20], 100);
        assert_eq!(got, [(Line::TooLong, vec![])]);
    }

    #[test]
    fn skipping_stops_when_the_run_ends() {
        let mut r = Cursor::new(vec![b'x'; 1 << 20]);
        let mut scratch = Vec::new();
        assert!(!skip_line(&mut r, &mut scratch, || true).unwrap());
        assert_eq!(r.position(), 0, "nothing read once the run is over");
    }
}
