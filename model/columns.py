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


class Columns:
    """Base class: arrays named after ``SCHEMA``, grown in blocks as agents arrive."""

    SCHEMA: tuple[Column, ...] = ()

    def __init__(self, n: int):
        for col in self.SCHEMA:
            setattr(self, col.name, np.full(n, col.default, dtype=col.dtype))
        self.size = n

    def __len__(self) -> int:
        return self.size

    def allocate(self, k: int) -> np.ndarray:
        """Append ``k`` rows holding defaults; return their indices."""
        if k <= 0:
            return np.empty(0, dtype=np.int64)
        for col in self.SCHEMA:
            old = getattr(self, col.name)
            setattr(self, col.name, np.concatenate([old, np.full(k, col.default, dtype=col.dtype)]))
        rows = np.arange(self.size, self.size + k)
        self.size += k
        return rows


def grown(column: np.ndarray, n: int, fill: float | int | bool = 0) -> np.ndarray:
    """A per-agent array kept outside a population (a lever's own), extended with ``fill`` to
    ``n`` rows as agents arrive; unchanged when it already has them."""
    if len(column) >= n:
        return column
    return np.concatenate([column, np.full(n - len(column), fill, dtype=column.dtype)])
