//! Exact in-memory caches of rows that rarely change but are read on every
//! request (API tokens, routing rules, inboxes). On SQLite every read is a
//! round trip to a connection's worker thread, and those hand-offs are the
//! largest CPU cost of a request (see `bench/BENCHMARKS.md`), so the hot
//! paths keep what they read here.
//!
//! Exactness comes from change counters, not from timeouts:
//! - the repo function that changes such rows calls [`Changes::mark`]
//!   inside its write transaction, which moves the counter at once;
//! - the SQLite writer moves it again right after the `COMMIT` of a batch
//!   in which it was marked, before any caller of that batch is answered
//!   ([`Seen::after_commit`]);
//! - a value is put into an [`EpochCache`] with the counter read *before*
//!   the database was read, and is used only while the counter has not
//!   moved since.
//!
//! So a value read before a change committed is never used after it: if
//! the read began before the in-transaction mark, the mark discards it;
//! if it began between the mark and the commit, the post-commit move does.
//!
//! The caches are used on SQLite only, and outside write transactions (a
//! value is as good as a read made when the cache was filled, which may
//! not see a write that is still in an open batch). On SQLite every change
//! to these rows is made by this process (the CLI only creates users,
//! tokens and inboxes, which a cache miss finds: only what was found is
//! kept, never that something does not exist). On PostgreSQL other nodes change them, so the
//! hot paths read the database as before.

use std::cell::{Cell, RefCell};
use std::collections::BTreeMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

/// A change counter for one kind of row.
#[derive(Debug)]
pub struct Changes {
    /// Moved by [`Changes::mark`] only.
    marks: AtomicU64,
    /// What caches compare: moved by marks and by post-commit moves.
    epoch: AtomicU64,
}

impl Changes {
    const fn new() -> Changes {
        Changes {
            marks: AtomicU64::new(0),
            epoch: AtomicU64::new(0),
        }
    }

    /// Records that rows of this kind are being changed (call inside the
    /// write transaction, in the repo function that changes them).
    pub fn mark(&self) {
        self.marks.fetch_add(1, Ordering::SeqCst);
        self.epoch.fetch_add(1, Ordering::SeqCst);
    }

    /// The current epoch.
    pub fn epoch(&self) -> u64 {
        self.epoch.load(Ordering::SeqCst)
    }
}

/// API tokens and the users they belong to (revoked, role, active).
pub static API_TOKENS: Changes = Changes::new();
/// Routing rules.
pub static ROUTING_RULES: Changes = Changes::new();
/// Inboxes (addresses, acknowledgement flag).
pub static INBOXES: Changes = Changes::new();
/// What service-level clocks count on: policies, calendars, and which
/// calendar an inbox has.
pub static SERVICE_LEVELS: Changes = Changes::new();
/// Automation rules.
pub static AUTOMATIONS: Changes = Changes::new();

const ALL: [&Changes; 5] = [
    &API_TOKENS,
    &ROUTING_RULES,
    &INBOXES,
    &SERVICE_LEVELS,
    &AUTOMATIONS,
];

/// What one writer has seen of the marks, to move the epochs after its
/// commits.
#[derive(Debug, Default)]
pub(crate) struct Seen([u64; ALL.len()]);

impl Seen {
    /// After a commit (or a rollback): moves the epoch of every kind that
    /// was marked since the last call.
    pub(crate) fn after_commit(&mut self) {
        for (seen, changes) in self.0.iter_mut().zip(ALL) {
            let marks = changes.marks.load(Ordering::SeqCst);
            if marks != *seen {
                changes.epoch.fetch_add(1, Ordering::SeqCst);
                *seen = marks;
            }
        }
    }
}

/// The values kept for one epoch: the rule both caches share. A value is
/// used only while the epoch it was read in stands, and kept only if the
/// epoch did not move while it was read.
#[derive(Debug)]
struct Kept<K, V> {
    epoch: u64,
    map: BTreeMap<K, V>,
}

impl<K: Ord, V: Clone> Kept<K, V> {
    const fn new() -> Kept<K, V> {
        Kept {
            epoch: u64::MAX,
            map: BTreeMap::new(),
        }
    }

    fn get(&self, now: u64, key: &K) -> Option<V> {
        (self.epoch == now)
            .then(|| self.map.get(key).cloned())
            .flatten()
    }

    /// Keeps `value`, read after `read_at` was taken, if the epoch is still
    /// `read_at` (`now`); starts over past `capacity` entries.
    fn put(&mut self, now: u64, read_at: u64, key: K, value: V, capacity: usize) {
        if now != read_at {
            return;
        }
        if self.epoch != read_at || self.map.len() >= capacity {
            self.epoch = read_at;
            self.map.clear();
        }
        self.map.insert(key, value);
    }
}

/// Values read from rows of one kind, valid while its epoch stands.
#[derive(Debug)]
pub struct EpochCache<K, V> {
    changes: &'static Changes,
    capacity: usize,
    kept: Mutex<Kept<K, V>>,
}

impl<K: Ord, V: Clone> EpochCache<K, V> {
    /// An empty cache of at most `capacity` entries (then it starts over).
    pub fn new(changes: &'static Changes, capacity: usize) -> EpochCache<K, V> {
        EpochCache {
            changes,
            capacity,
            kept: Mutex::new(Kept::new()),
        }
    }

    /// The epoch to pass to [`EpochCache::put`]: read it before reading the
    /// database.
    pub fn epoch(&self) -> u64 {
        self.changes.epoch()
    }

    fn kept(&self) -> std::sync::MutexGuard<'_, Kept<K, V>> {
        self.kept
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The cached value, if it is still valid.
    pub fn get(&self, key: &K) -> Option<V> {
        self.kept().get(self.changes.epoch(), key)
    }

    /// Keeps `value`, read from the database after `epoch` was taken, unless
    /// the rows changed since.
    pub fn put(&self, key: K, value: V, epoch: u64) {
        let mut kept = self.kept();
        kept.put(self.changes.epoch(), epoch, key, value, self.capacity);
    }
}

thread_local! {
    /// Whether this thread is a SQLite writer's (see `db::writer`).
    static ON_WRITER: Cell<bool> = const { Cell::new(false) };
}

/// Marks the calling thread as the SQLite writer's: [`WriterCache`]s keep
/// values on it.
pub(crate) fn this_thread_is_the_writer() {
    ON_WRITER.with(|w| w.set(true));
}

/// Values read inside the SQLite writer's transactions, kept on the
/// writer's own thread (declare it `thread_local!`), valid while the
/// epoch of their kind stands. Each SQLite database has its one writer
/// thread, and every change to its rows is made there, one write after
/// another. So a value read there is current for every later write on the
/// same thread until a change marks the kind, even a change still in the
/// open batch; and a change that is rolled back has marked it too. On any
/// other thread (PostgreSQL, reads outside the writer) it keeps nothing.
/// Use it only for rows that no other process changes (negative answers
/// are kept too).
#[derive(Debug)]
pub(crate) struct WriterCache<K, V> {
    changes: &'static Changes,
    kept: RefCell<Kept<K, V>>,
}

impl<K: Ord, V: Clone> WriterCache<K, V> {
    /// An empty cache for rows of the kind `changes` counts.
    pub(crate) const fn new(changes: &'static Changes) -> WriterCache<K, V> {
        WriterCache {
            changes,
            kept: RefCell::new(Kept::new()),
        }
    }

    /// The cached value, if this is the writer's thread and it is valid.
    pub(crate) fn get(&self, key: &K) -> Option<V> {
        if !ON_WRITER.with(Cell::get) {
            return None;
        }
        self.kept.borrow().get(self.changes.epoch(), key)
    }

    /// The epoch to pass to [`WriterCache::put`]: take it before reading.
    pub(crate) fn epoch(&self) -> u64 {
        self.changes.epoch()
    }

    /// Keeps `value`, read after `epoch` was taken, unless the rows changed
    /// since (or this is not the writer's thread).
    pub(crate) fn put(&self, key: K, value: V, epoch: u64) {
        if !ON_WRITER.with(Cell::get) {
            return;
        }
        let now = self.changes.epoch();
        self.kept
            .borrow_mut()
            .put(now, epoch, key, value, WRITER_CACHE_CAPACITY);
    }
}

/// How many values a [`WriterCache`] keeps before it starts over.
const WRITER_CACHE_CAPACITY: usize = 10_000;

#[cfg(test)]
mod tests {
    use super::*;

    static TEST: Changes = Changes::new();

    #[test]
    fn values_read_before_a_change_are_never_used_after_it() {
        let cache: EpochCache<&str, i32> = EpochCache::new(&TEST, 2);
        // Read, then kept: used.
        let e = cache.epoch();
        cache.put("a", 1, e);
        assert_eq!(cache.get(&"a"), Some(1));
        // A change begins (inside its transaction): the value goes.
        TEST.mark();
        assert_eq!(cache.get(&"a"), None);
        // A read that began after the mark but before the commit may have
        // seen the old row: kept for now ...
        let e = cache.epoch();
        cache.put("a", 1, e);
        assert_eq!(cache.get(&"a"), Some(1));
        // ... but gone once the writer has committed (what
        // `Seen::after_commit` does for the kinds it knows).
        TEST.epoch.fetch_add(1, Ordering::SeqCst);
        assert_eq!(cache.get(&"a"), None);
        // A read that began before a change is not kept at all.
        let e = cache.epoch();
        TEST.mark();
        cache.put("b", 2, e);
        assert_eq!(cache.get(&"b"), None);
        // Full: starts over.
        let e = cache.epoch();
        cache.put("x", 1, e);
        cache.put("y", 2, e);
        cache.put("z", 3, e);
        assert_eq!(cache.get(&"z"), Some(3));
        assert_eq!(cache.get(&"x"), None);
    }

    static WRITER_TEST: Changes = Changes::new();

    #[test]
    fn the_writer_cache_keeps_values_on_the_writer_thread_until_a_change() {
        thread_local! {
            static CACHE: WriterCache<i64, Option<&'static str>> =
                const { WriterCache::new(&WRITER_TEST) };
        }
        // Not the writer's thread (PostgreSQL, reads outside the writer):
        // nothing is kept.
        std::thread::spawn(|| {
            CACHE.with(|c| {
                c.put(1, Some("rule"), c.epoch());
                assert_eq!(c.get(&1), None);
            });
        })
        .join()
        .unwrap();
        std::thread::spawn(|| {
            this_thread_is_the_writer();
            CACHE.with(|c| {
                // Kept, negative answers too.
                let e = c.epoch();
                c.put(1, Some("rule"), e);
                c.put(2, None, e);
                assert_eq!(c.get(&1), Some(Some("rule")));
                assert_eq!(c.get(&2), Some(None));
                // A change (even one still in the open batch) drops them.
                WRITER_TEST.mark();
                assert_eq!(c.get(&1), None);
                assert_eq!(c.get(&2), None);
                // A value read before a change is not kept.
                let e = c.epoch();
                WRITER_TEST.mark();
                c.put(1, Some("old"), e);
                assert_eq!(c.get(&1), None);
                // Read after it: kept until the next change.
                let e = c.epoch();
                c.put(1, Some("new"), e);
                assert_eq!(c.get(&1), Some(Some("new")));
            });
        })
        .join()
        .unwrap();
    }

    #[test]
    fn the_writer_moves_the_epoch_of_what_was_marked() {
        let mut seen = Seen::default();
        seen.after_commit();
        let (tokens, rules) = (API_TOKENS.epoch(), ROUTING_RULES.epoch());
        API_TOKENS.mark();
        let marked = API_TOKENS.epoch();
        assert_ne!(marked, tokens);
        seen.after_commit();
        assert_ne!(API_TOKENS.epoch(), marked);
        // Other tests may mark routing rules at the same time; when nothing
        // did, its epoch stands.
        if ROUTING_RULES.marks.load(Ordering::SeqCst) == seen.0[1] {
            assert_eq!(ROUTING_RULES.epoch(), rules);
        }
    }
}
