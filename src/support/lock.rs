//! Locks on what the threads of a build or a preview share (caches, the
//! served site), taken even after another holder panicked: that panic is
//! reported by its own thread, and what the lock guards stays usable.
//! Holds no data of its own.

use std::sync::{Mutex, MutexGuard, RwLock, RwLockReadGuard, RwLockWriteGuard};

/// A mutex taken whether or not it is poisoned.
pub trait Locked<T> {
    /// The guard, as [`Mutex::lock`] gives it, poisoned or not.
    fn locked(&self) -> MutexGuard<'_, T>;
    /// What the mutex held, as [`Mutex::into_inner`] gives it, poisoned or not.
    fn into_value(self) -> T
    where
        Self: Sized;
}

impl<T> Locked<T> for Mutex<T> {
    fn locked(&self) -> MutexGuard<'_, T> {
        self.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn into_value(self) -> T {
        self.into_inner().unwrap_or_else(|e| e.into_inner())
    }
}

/// A read-write lock taken whether or not it is poisoned.
pub trait ReadWrite<T> {
    /// A read guard, poisoned or not.
    fn reading(&self) -> RwLockReadGuard<'_, T>;
    /// A write guard, poisoned or not.
    fn writing(&self) -> RwLockWriteGuard<'_, T>;
}

impl<T> ReadWrite<T> for RwLock<T> {
    fn reading(&self) -> RwLockReadGuard<'_, T> {
        self.read().unwrap_or_else(|e| e.into_inner())
    }

    fn writing(&self) -> RwLockWriteGuard<'_, T> {
        self.write().unwrap_or_else(|e| e.into_inner())
    }
}
