"""A thread-safe keyed store: the front's handlers read it while the world's scenarios are seeded."""

from __future__ import annotations

import threading
from typing import Generic, TypeVar

__all__ = ["Store"]

T = TypeVar("T")


class Store(Generic[T]):
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._items: dict[str, T] = {}

    def add(self, key: str, item: T) -> None:
        with self._lock:
            self._items[key] = item

    def get(self, key: str) -> T | None:
        with self._lock:
            return self._items.get(key)

    def all(self) -> list[T]:
        """Every item, by key."""
        with self._lock:
            return [self._items[k] for k in sorted(self._items)]
