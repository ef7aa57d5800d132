"""Column tables: a population stored as one numpy array per attribute.

Workers and firms are never Python objects. A :class:`Columns` subclass declares its
schema (name, dtype, default, meaning); rows are agents and a row's index is its place in
every array. Rows are never reused or reordered, so a row index is a stable handle for the
whole run; ``id`` is the key random draws use.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Column:
    """One attribute of a population."""

    name: str
    dtype: str
    default: float | int | bool
    meaning: str
    allowed: str = ""


#: room a column keeps for arrivals when it grows: a fifth more rows than it needs
HEADROOM = 1.2


class Columns:
    """Base class: arrays named after ``SCHEMA``, grown in blocks as agents arrive.

    Each attribute is a view of the first ``size`` rows of a larger buffer, so the arrivals of
    a month (migrants, school leavers, new firms) take rows of the buffer instead of copying
    every column; a buffer is replaced, with room to spare, only when it is full."""

    SCHEMA: tuple[Column, ...] = ()

    def __init__(self, n: int):
        for col in self.SCHEMA:
            setattr(self, col.name, np.full(n, col.default, dtype=col.dtype))
        self.size = n
        self._buffers: dict[str, np.ndarray] = {}

    def __len__(self) -> int:
        return self.size

    def allocate(self, k: int) -> np.ndarray:
        """Append ``k`` rows holding defaults; return their indices."""
        if k <= 0:
            return np.empty(0, dtype=np.int64)
        n = self.size + k
        for col in self.SCHEMA:
            current = getattr(self, col.name)
            buffer = self._buffers.get(col.name)
            if buffer is None or current.base is not buffer or len(buffer) < n:  # none yet, a column replaced, or full
                buffer = np.empty(int(HEADROOM * n), dtype=col.dtype)
                buffer[: self.size] = current
                self._buffers[col.name] = buffer
            buffer[self.size : n] = col.default
            setattr(self, col.name, buffer[:n])
        rows = np.arange(self.size, n)
        self.size = n
        return rows


def grown(column: np.ndarray, n: int, fill: float | int | bool = 0) -> np.ndarray:
    """A per-agent array kept outside a population (a lever's own), extended with ``fill`` to
    ``n`` rows as agents arrive; unchanged when it already has them."""
    if len(column) >= n:
        return column
    return np.concatenate([column, np.full(n - len(column), fill, dtype=column.dtype)])
