//! One shape for what a stage remembers in memory between runs (the
//! preview's saves): values by key, each marked when a run gets or puts it,
//! and a forget rule that drops every value the last run did not use.
//!
//! Many threads may get values at once (a read lock, and a flag set on the
//! entry); putting one takes the write lock. It knows nothing of what the
//! values are or how keys are made, keeps nothing on disk (the build cache
//! is `store`), and never decides on its own when a run ends: its owner
//! calls [`Memo::forget_unused`].

use std::borrow::Borrow;
use std::hash::Hash;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::RwLock;

use crate::support::lock::ReadWrite;

/// Values remembered by key, forgetting those not used since the last
/// [`Memo::forget_unused`].
#[derive(Debug)]
pub struct Memo<K, V> {
    entries: RwLock<foldhash::HashMap<K, Entry<V>>>,
}

/// A value and whether a run used it since the memo last forgot.
#[derive(Debug)]
struct Entry<V> {
    value: V,
    used: AtomicBool,
}

impl<K, V> Default for Memo<K, V> {
    fn default() -> Self {
        Self {
            entries: RwLock::default(),
        }
    }
}

impl<K: Eq + Hash, V: Clone> Memo<K, V> {
    /// The value remembered for `key`, marked used; `None` if there is none.
    pub fn get<Q>(&self, key: &Q) -> Option<V>
    where
        K: Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        let entries = self.entries.reading();
        let entry = entries.get(key)?;
        entry.used.store(true, Ordering::Relaxed);
        Some(entry.value.clone())
    }

    /// Remembers `value` for `key`, in place of any value before, marked used.
    pub fn put(&self, key: K, value: V) {
        let entry = Entry {
            value,
            used: AtomicBool::new(true),
        };
        self.entries.writing().insert(key, entry);
    }

    /// The value remembered for `key`, or `make`'s, remembered; marked used
    /// either way. `make` runs with no lock held, so two threads asking for
    /// one new key at once may both make it (the last is kept).
    pub fn get_or_make<Q>(&self, key: &Q, make: impl FnOnce() -> V) -> V
    where
        K: Borrow<Q>,
        Q: Hash + Eq + ToOwned<Owned = K> + ?Sized,
    {
        if let Some(value) = self.get(key) {
            return value;
        }
        let value = make();
        self.put(key.to_owned(), value.clone());
        value
    }

    /// Forgets every value neither got nor put since the last call: a run
    /// asks for all it shows, so what it did not ask for is not shown any
    /// more.
    pub fn forget_unused(&self) {
        self.entries
            .writing()
            .retain(|_, entry| std::mem::take(entry.used.get_mut()));
    }

    /// How many values it remembers.
    pub fn len(&self) -> usize {
        self.entries.reading().len()
    }

    /// Whether it remembers no value.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_value_is_kept_while_each_run_uses_it_and_forgotten_after_one_that_does_not() {
        let memo: Memo<String, u32> = Memo::default();
        memo.put("step-1".to_string(), 1);
        memo.put("step-2".to_string(), 2);
        memo.forget_unused();
        assert_eq!(memo.len(), 2, "both were put in the run that just ended");
        // The next run uses step-1 only.
        assert_eq!(memo.get("step-1"), Some(1));
        memo.forget_unused();
        assert_eq!(
            memo.get("step-2"),
            None,
            "step-2 was not used, so it is forgotten"
        );
        assert_eq!(memo.len(), 1);
        // A run that uses nothing forgets everything.
        memo.forget_unused();
        assert!(memo.is_empty());
    }

    #[test]
    fn a_value_is_made_once_and_then_got() {
        let memo: Memo<[u8; 16], u32> = Memo::default();
        let mut made = 0;
        for _ in 0..3 {
            let value = memo.get_or_make(&[7; 16], || {
                made += 1;
                42
            });
            assert_eq!(value, 42);
        }
        assert_eq!(made, 1);
        memo.put([7; 16], 43);
        assert_eq!(memo.get(&[7; 16]), Some(43), "a put replaces the value");
    }
}
