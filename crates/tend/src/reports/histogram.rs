//! The fixed histogram every duration bucket keeps, so that percentiles
//! of any range and grouping come from sums of stored counts.
//!
//! Bins: values 0 to 15 (seconds) have a bin each; from 16 s up each
//! doubling is split into [`PER_DOUBLING`] log-spaced bins, so a
//! percentile is reported within about 4.4 % of the true value, or a
//! second (the bin's geometric middle, in whole seconds). 16 s × 2^(200/8) is over 17 years: [`MAX_BIN`] is
//! far enough. Counts (0/1 measurements) use bins 0 and 1 only.

/// Bins per doubling above 16.
pub const PER_DOUBLING: f64 = 8.0;
/// The first log-spaced bin (and value).
const EXACT: i64 = 16;
/// The highest bin.
pub const MAX_BIN: i64 = 216;

/// The bin of a value (negative values count as 0).
pub fn bin_of(value: i64) -> i64 {
    if value < EXACT {
        return value.max(0);
    }
    let b = EXACT + ((value as f64 / EXACT as f64).log2() * PER_DOUBLING).floor() as i64;
    b.min(MAX_BIN)
}

/// The value a bin stands for: itself below 16, else the geometric middle
/// of its range, in whole seconds.
pub fn bin_value(bin: i64) -> i64 {
    if bin < EXACT {
        return bin;
    }
    let k = (bin - EXACT) as f64;
    let lo = EXACT as f64 * (k / PER_DOUBLING).exp2();
    let hi = EXACT as f64 * ((k + 1.0) / PER_DOUBLING).exp2();
    (lo * hi).sqrt().round() as i64
}

/// The `q` quantile (0 < q ≤ 1) by nearest rank over `(bin, count)` pairs
/// in any order; `None` when they count nothing.
pub fn quantile(bins: &[(i64, i64)], q: f64) -> Option<i64> {
    let total: i64 = bins.iter().map(|(_, n)| n).sum();
    if total <= 0 {
        return None;
    }
    let mut sorted: Vec<(i64, i64)> = bins.to_vec();
    sorted.sort_unstable();
    let rank = ((q * total as f64).ceil() as i64).max(1);
    let mut seen = 0;
    for (bin, n) in sorted {
        seen += n;
        if seen >= rank {
            return Some(bin_value(bin));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn small_values_are_exact_and_larger_ones_close() {
        for v in 0..16 {
            assert_eq!(bin_value(bin_of(v)), v);
        }
        for v in [16, 17, 60, 61, 299, 3600, 86_399, 172_800, 2_592_000] {
            // Within 4.5 %, or a second (the middle is rounded).
            let got = bin_value(bin_of(v)) as f64;
            let err = (got - v as f64).abs();
            assert!(err <= (0.045 * v as f64).max(1.0), "{v} → {got}");
        }
        assert_eq!(bin_of(-5), 0);
        assert_eq!(bin_of(i64::MAX), MAX_BIN);
    }

    #[test]
    fn bins_grow_with_values() {
        let mut last = 0;
        for v in 0..100_000 {
            let b = bin_of(v);
            assert!(b >= last);
            last = b;
        }
    }

    #[test]
    fn quantiles_by_nearest_rank() {
        // 1, 2, 3, 4, 10 seconds: the median is 3, the 90th percentile 10.
        let bins = [(10, 1), (1, 1), (2, 1), (3, 1), (4, 1)];
        assert_eq!(quantile(&bins, 0.5), Some(3));
        assert_eq!(quantile(&bins, 0.9), Some(10));
        assert_eq!(quantile(&[], 0.5), None);
        assert_eq!(
            quantile(&[(bin_of(3600), 3)], 0.5),
            Some(bin_value(bin_of(3600)))
        );
    }
}
