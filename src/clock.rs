//! Wall-clock instants as they travel through the receive path: time since
//! the Unix epoch, as a `Duration`. Kernel timestamps arrive in that form
//! and latency needs it as nanoseconds; `SystemTime` would be converted
//! back and forth for every packet through non-inlined std calls.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// Now, since the Unix epoch (zero if the clock is set before 1970).
pub fn now() -> Duration {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default()
}

/// Now in nanoseconds since the Unix epoch, as test packets carry it.
pub fn now_ns() -> u64 {
    u64::try_from(now().as_nanos()).unwrap_or(u64::MAX)
}
