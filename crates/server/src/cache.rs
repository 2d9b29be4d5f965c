//! A bounded in-memory map for answers that never change once given:
//! published versions (immutable by design and by trigger) and token
//! owners (tokens are never edited; an unknown token is never cached, so a
//! token created by another process is found on its first use). Without
//! it the published-workflow GET did a token query, a version query, a
//! hash check, a RON parse and a JSON encoding per request: 8,800 req/s
//! on the load bench; with it, see the bench.

use std::borrow::Borrow;
use std::collections::HashMap;
use std::hash::Hash;
use std::sync::{Arc, RwLock};

#[derive(Debug)]
pub struct ImmutableCache<K, V> {
    map: Arc<RwLock<HashMap<K, V>>>,
    capacity: usize,
}

impl<K, V> Clone for ImmutableCache<K, V> {
    fn clone(&self) -> Self {
        ImmutableCache {
            map: Arc::clone(&self.map),
            capacity: self.capacity,
        }
    }
}

impl<K: Eq + Hash, V: Clone> ImmutableCache<K, V> {
    pub fn new(capacity: usize) -> Self {
        ImmutableCache {
            map: Arc::new(RwLock::new(HashMap::new())),
            capacity,
        }
    }

    pub fn get<Q>(&self, key: &Q) -> Option<V>
    where
        K: Borrow<Q>,
        Q: Eq + Hash + ?Sized,
    {
        // A poisoned lock only means a panic elsewhere mid-insert of a
        // value that is correct either way; the map is still usable.
        let map = self.map.read().unwrap_or_else(|p| p.into_inner());
        map.get(key).cloned()
    }

    /// Remembers `value`; when full, starts over (entries are cheap to
    /// recompute, and a full cache means a working set this size anyway).
    pub fn insert(&self, key: K, value: V) {
        let mut map = self.map.write().unwrap_or_else(|p| p.into_inner());
        if map.len() >= self.capacity && !map.contains_key(&key) {
            map.clear();
        }
        map.insert(key, value);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn remembers_and_starts_over_when_full() {
        let cache = ImmutableCache::new(2);
        cache.insert(1, "a");
        cache.insert(2, "b");
        assert_eq!(cache.get(&1), Some("a"));
        cache.insert(2, "b2");
        assert_eq!(cache.get(&1), Some("a"), "replacing does not evict");
        cache.insert(3, "c");
        assert_eq!(cache.get(&1), None);
        assert_eq!(cache.get(&3), Some("c"));
        let shared = cache.clone();
        shared.insert(4, "d");
        assert_eq!(cache.get(&4), Some("d"), "clones share the map");
    }
}
