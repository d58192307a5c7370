"""What a long-running process keeps for its next build: `vlrgen serve` builds again in the same process
after every edit (issue 17: an edit shows in ≤ 0.5 s), and most of what a text edit leaves alone need not
be worked out again. Each store keeps a few results, the ones used last, found only by exactly what they
were made from (file digests, or the very data set object, which is frozen)."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import TypeVar

from vlrgen.inputs.dataset import Dataset

__all__ = ["Recent", "per_data_set"]

K = TypeVar("K")
V = TypeVar("V")
T = TypeVar("T")


class Recent(dict[K, V]):
    """A dict of at most `size` entries: `remember` adds one and forgets the one used longest ago, `recall`
    gives one back (None if not kept) and counts it as used now."""

    def __init__(self, size: int):
        super().__init__()
        self.size = size

    def recall(self, key: K) -> V | None:
        if key not in self:
            return None
        value = self[key] = self.pop(key)
        return value

    def remember(self, key: K, value: V) -> None:
        self.pop(key, None)
        self[key] = value
        while len(self) > self.size:
            del self[next(iter(self))]


def per_data_set(function: Callable[..., T]) -> Callable[..., T]:
    """`function(dataset, *args)` worked out once for the same data set object and equal arguments (the four
    used last are kept). A data set is frozen, and the build hands out the same object while every file it
    was read from is unchanged, so a preview building again after an edit of the text does not judge the data
    again. The result is shared: callers must not change it."""
    recent: Recent[tuple, tuple[Dataset, T]] = Recent(4)  # the data set is kept, so its id is not reused

    @functools.wraps(function)
    def remembered(dataset: Dataset, *args):
        kept = recent.recall((id(dataset), args))
        if kept is not None and kept[0] is dataset:
            return kept[1]
        result = function(dataset, *args)
        recent.remember((id(dataset), args), (dataset, result))
        return result

    return remembered
