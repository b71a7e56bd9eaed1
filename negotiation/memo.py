"""A memo for values computed from objects that cannot be hashed (they hold numpy arrays): a
scenario, two bargaining sides. An entry is found by the objects' identities and holds the objects
themselves, so an id is never reused while its entry lives."""

from __future__ import annotations

import operator
from collections.abc import Callable, Hashable


class IdentityMemo:
    """`get(objects, extra, build)`: `build()` on the first call for these objects (and `extra`,
    any hashable detail), the same value after. Keeps the `size` newest entries."""

    def __init__(self, size: int = 256):
        self._size = size
        self._entries: dict[tuple, tuple[tuple[object, ...], object]] = {}

    def get[T](self, objects: tuple[object, ...], extra: Hashable, build: Callable[[], T]) -> T:
        key = (*map(id, objects), extra)
        hit = self._entries.get(key)
        if hit is not None and all(map(operator.is_, hit[0], objects)):
            return hit[1]  # type: ignore[return-value]
        value = build()
        if len(self._entries) >= self._size:
            self._entries.pop(next(iter(self._entries), None), None)  # the oldest (threads race)
        self._entries[key] = (objects, value)
        return value
