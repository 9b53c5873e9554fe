//! Reports, continued: the figures kept event by event are the figures of
//! a rebuild from scratch, on a few hundred demo conversations (reopens,
//! transfers, notes, pending, confirmations) read in passes that split
//! conversations between them.

use crate::on_both_backends;
use crate::support::TestApp;

on_both_backends!(incremental_and_rebuilt_figures_are_the_same);

/// Every non-empty bucket, in order.
async fn buckets(app: &TestApp) -> Vec<(String, String, i64, String, i64, i64, i64, i64)> {
    sqlx::query_as(
        "SELECT metric, dimension, business, grp, hour, bin, n, total FROM report_buckets \
         WHERE n <> 0 ORDER BY metric, dimension, business, grp, hour, bin",
    )
    .fetch_all(app.st.db.pool())
    .await
    .unwrap()
}

async fn incremental_and_rebuilt_figures_are_the_same(app: &TestApp) {
    tend::demo::seed(&app.st, 200, 6, "demo password")
        .await
        .unwrap();
    // The survey job surveys the demo's solves (and closes the quiet
    // ones) now: let it finish first, so that both sides see one log.
    for _ in 0..2 {
        tend::surveys::jobs::run_once(&app.st).await.unwrap();
    }
    tend::reports::projection::catch_up(&app.st).await.unwrap();
    let incremental = buckets(app).await;
    assert!(incremental.len() > 100, "{}", incremental.len());
    tend::reports::projection::rebuild(&app.st, |_| {})
        .await
        .unwrap();
    let rebuilt = buckets(app).await;
    let only: Vec<_> = incremental
        .iter()
        .filter(|b| !rebuilt.contains(b))
        .take(5)
        .collect();
    let missing: Vec<_> = rebuilt
        .iter()
        .filter(|b| !incremental.contains(b))
        .take(5)
        .collect();
    assert!(
        only.is_empty() && missing.is_empty(),
        "kept event by event only: {only:?}\nrebuilt only: {missing:?}"
    );
    // Every single-valued grouping adds up to the same count.
    let totals: Vec<(String, String, i64)> = sqlx::query_as(
        "SELECT metric, dimension, CAST(SUM(n) AS BIGINT) FROM report_buckets \
         WHERE business = 0 AND dimension <> 'tag' GROUP BY metric, dimension ORDER BY metric, dimension",
    )
    .fetch_all(app.st.db.pool())
    .await
    .unwrap();
    for w in totals.windows(2) {
        if w[0].0 == w[1].0 {
            assert_eq!(w[0].2, w[1].2, "{w:?}");
        }
    }
}
