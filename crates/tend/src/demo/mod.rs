//! `tend demo seed`: realistic multilingual demo data (en, ja, ko, lv, ca)
//! for trying Tend out and for benchmarks at a million conversations.
//!
//! - [`phrases`]: hand-written phrase banks, one per language.
//! - [`story`]: turns a seeded random stream into customers, conversations,
//!   messages, tags and events that agree with each other (pure), with
//!   [`people`] (who writes), [`timeline`] (appending messages and events)
//!   and [`rows`] (the row types).
//! - [`load`]: multi-row INSERTs with explicit ids, same SQL on both backends.
//! - [`setup`]: the agents, teams and inboxes the data refers to.
//!
//! A generator thread writes batches while the database stores the previous
//! one; each batch is one transaction through [`crate::db::Db::write`].
//! Run it while no one else is creating conversations: ids are allocated
//! from the current maximum of each table.

mod load;
mod people;
mod phrases;
mod rng;
mod rows;
mod setup;
mod story;
mod timeline;

use std::time::Instant;

use anyhow::{Context as _, anyhow};

use crate::state::AppState;

use rows::Batch;
use story::Generator;

/// Fixed so that the same database state always gets the same demo data.
const SEED: u64 = 0x7E4D_DE30_5EED_2026;
/// Conversations per transaction.
const BATCH: u64 = 1000;
/// Customers per last-contact update.
const TOUCH_CHUNK: i64 = 50_000;

/// Seeds `conversations` conversations with about `messages` messages each,
/// after whatever the database already holds. The demo's agents and
/// supervisor sign in with `password`.
pub async fn seed(
    st: &AppState,
    conversations: u64,
    messages: u64,
    password: &str,
) -> anyhow::Result<()> {
    if messages == 0 {
        anyhow::bail!(
            "--messages-per-conversation must be at least 1: every conversation starts with a customer message"
        );
    }
    let started = Instant::now();
    let setup = setup::prepare(st, password)
        .await
        .context("creating the demo agents, teams and inboxes")?;
    let first = load::next_ids(st.db.pool())
        .await
        .context("reading the current ids")?;
    let seed = SEED ^ rng::mix(first.conversation as u64);
    let mut generator = Generator::new(
        seed,
        setup,
        first,
        conversations,
        messages,
        st.clock.now_ms(),
    );

    let bar = crate::telemetry::progress_bar("conversations", conversations);

    // Generating and storing each take about one core: overlap them.
    let (tx, mut rx) = tokio::sync::mpsc::channel::<Batch>(2);
    let producer = std::thread::spawn(move || {
        loop {
            let b = generator.batch(BATCH);
            if b.conversations.is_empty() || tx.blocking_send(b).is_err() {
                break;
            }
        }
        (generator.customer_range(), generator.next_ids())
    });
    let backend = st.db.backend();
    while let Some(batch) = rx.recv().await {
        let n = batch.conversations.len() as u64;
        st.db
            .write(move |c| Box::pin(async move { load::insert_batch(c, backend, &batch).await }))
            .await
            .context("writing demo rows")?;
        bar.inc(n);
    }
    let ((first_customer, end_customer), end) = producer
        .join()
        .map_err(|_| anyhow!("the demo data generator failed"))?;
    bar.finish_and_clear();

    eprintln!("tend: recording each customer's last contact…");
    let mut from = first_customer;
    while from < end_customer {
        let to = (from + TOUCH_CHUNK).min(end_customer);
        st.db
            .write(move |c| Box::pin(async move { load::touch_customers(c, from, to).await }))
            .await
            .context("recording the customers' last contact")?;
        from = to;
    }
    st.db
        .write(move |c| Box::pin(async move { load::after_load(c, backend).await }))
        .await
        .context("finishing the load")?;
    eprintln!(
        "tend: seeded {} conversations ({}…{}), {} messages, {} events, {} customers in {:.1}s",
        end.conversation - first.conversation,
        first.conversation,
        end.conversation - 1,
        end.message - first.message,
        end.event - first.event,
        end_customer - first_customer,
        started.elapsed().as_secs_f64()
    );
    let people = setup::addresses();
    eprintln!(
        "tend: the demo's supervisor and {} agents sign in with the password {password:?}: {} (supervisor), {}, …",
        people.len() - 1,
        people[0],
        people[1..4].join(", ")
    );
    Ok(())
}

#[cfg(test)]
mod tests;
