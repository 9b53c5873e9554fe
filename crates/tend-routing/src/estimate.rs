//! The expected wait of a queue.

/// What the estimate of one queue (a team, one channel) is made of.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QueueLoad {
    /// Conversations already waiting ahead of a new arrival.
    pub waiting: u64,
    /// Free places right now among the team's online agents.
    pub free_slots: u64,
    /// All places among the team's online agents (free or busy).
    pub total_slots: u64,
    /// Mean handling time of recent conversations, in seconds.
    pub mean_handling_secs: u64,
}

/// Seconds a new arrival would wait, or `None` when nobody online could
/// ever take it (no places at all).
///
/// An arrival that finds a free place waits 0. Otherwise the `k`-th
/// conversation beyond the free places waits for `k` places to free up;
/// with `total_slots` places each busy for `mean_handling_secs` on average,
/// one frees up every `mean_handling_secs / total_slots` seconds.
pub fn expected_wait_secs(q: QueueLoad) -> Option<u64> {
    if q.total_slots == 0 {
        return None;
    }
    if q.waiting < q.free_slots {
        return Some(0);
    }
    let ahead = q.waiting - q.free_slots + 1;
    Some(ahead.saturating_mul(q.mean_handling_secs) / q.total_slots)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(waiting: u64, free_slots: u64, total_slots: u64) -> QueueLoad {
        QueueLoad {
            waiting,
            free_slots,
            total_slots,
            mean_handling_secs: 600,
        }
    }

    #[test]
    fn a_free_place_means_no_wait() {
        assert_eq!(expected_wait_secs(q(0, 1, 3)), Some(0));
        assert_eq!(expected_wait_secs(q(2, 3, 3)), Some(0));
    }

    #[test]
    fn the_wait_grows_with_the_queue_and_shrinks_with_the_agents() {
        // 6 places, 10 min per conversation: one frees every 100 s.
        assert_eq!(expected_wait_secs(q(0, 0, 6)), Some(100));
        assert_eq!(expected_wait_secs(q(5, 0, 6)), Some(600));
        assert_eq!(expected_wait_secs(q(5, 2, 6)), Some(400));
        assert_eq!(expected_wait_secs(q(5, 0, 12)), Some(300));
    }

    #[test]
    fn nobody_online_has_no_estimate() {
        assert_eq!(expected_wait_secs(q(0, 0, 0)), None);
        assert_eq!(expected_wait_secs(q(9, 0, 0)), None);
    }
}
