//! The walk: the open stretches of real time, in order, day by day.
//!
//! Real time is cut at the time zone's transitions into stretches of one
//! UTC offset. Within one, local time is real time plus that offset, so the
//! open stretches are the local intervals shifted back by the offset. A
//! fall-back fold makes local time run backwards at a transition; each
//! offset stretch therefore starts its own walk over the local days it
//! covers (the day before included, for intervals running past midnight),
//! which is what counts the repeated hour twice and the skipped hour never.

use crate::calendar::Calendar;

pub(crate) const DAY: i64 = 86_400;

/// The open stretches `[start, end)` of real time (whole seconds since the
/// Unix epoch) that overlap `[from, until)`, clipped to it: disjoint and in
/// increasing order. Adjacent stretches may touch (at midnight, at a
/// transition); callers that care join them.
pub(crate) struct OpenStretches<'c> {
    cal: &'c Calendar,
    /// Exclusive real end of the walk. Callers may raise it while walking.
    pub(crate) until: i64,
    /// Where the current offset stretch starts (real seconds).
    seg_start: i64,
    /// Where it ends: the next transition, or `i64::MAX`.
    seg_end: i64,
    /// Its UTC offset in seconds.
    offset: i64,
    /// The local day being expanded, and the next of its spans.
    day: i64,
    next_span: usize,
    /// Local time up to which open time was already produced, so that
    /// overlapping intervals count once.
    covered: i64,
}

impl<'c> OpenStretches<'c> {
    pub(crate) fn new(cal: &'c Calendar, from: i64, until: i64) -> OpenStretches<'c> {
        let mut walk = OpenStretches {
            cal,
            until,
            seg_start: from,
            seg_end: from,
            offset: 0,
            day: 0,
            next_span: 0,
            covered: i64::MIN,
        };
        walk.enter(from);
        walk
    }

    /// Starts the offset stretch that contains the real second `at`.
    fn enter(&mut self, at: i64) {
        let (offset, next) = self.cal.offset_at(at);
        self.seg_start = at;
        self.seg_end = next.unwrap_or(i64::MAX);
        self.offset = offset;
        // Intervals last at most 24 hours, so only the previous local day's
        // can reach into this one.
        self.day = (at + offset).div_euclid(DAY) - 1;
        self.next_span = 0;
        self.covered = i64::MIN;
    }
}

impl Iterator for OpenStretches<'_> {
    type Item = (i64, i64);

    fn next(&mut self) -> Option<(i64, i64)> {
        loop {
            if self.seg_start >= self.until {
                return None;
            }
            let real_end = self.seg_end.min(self.until);
            let (local_start, local_end) = (self.seg_start + self.offset, real_end + self.offset);
            // Every span of `day` starts at or after its midnight.
            'days: while self.day * DAY < local_end {
                let midnight = self.day * DAY;
                let spans = self.cal.spans_on(self.day);
                while let Some(span) = spans.get(self.next_span) {
                    let start = (midnight + span.start).max(self.covered);
                    let end = midnight + span.end;
                    if end <= start {
                        self.next_span += 1;
                        continue;
                    }
                    if start >= local_end {
                        // This span and all later ones lie past the end.
                        break 'days;
                    }
                    // A span reaching past the end stays current, so that
                    // raising `until` resumes it where it was cut.
                    let cut = end.min(local_end);
                    self.covered = cut;
                    if end <= local_end {
                        self.next_span += 1;
                    }
                    let start = start.max(local_start);
                    if start < cut {
                        return Some((start - self.offset, cut - self.offset));
                    }
                }
                self.day += 1;
                self.next_span = 0;
            }
            if self.seg_end >= self.until {
                return None;
            }
            self.enter(self.seg_end);
        }
    }
}
