"""Models for the batch tests, in a module of their own so worker processes can import them."""

from __future__ import annotations

import os
from pathlib import Path

from lmsim.batch import ScenarioModel


class RaisesAboveCap(ScenarioModel):
    """The simulation, except that a loan cap above ``limit`` makes the run raise."""

    def __init__(self, experiment, limit: float):
        super().__init__(experiment)
        self.limit = limit

    def __call__(self, values, seed):
        cap = values["policies.guaranteed_loans.individual_cap"]
        if cap > self.limit:
            raise ValueError(f"cap {cap:.0f} above {self.limit:.0f}")
        return super().__call__(values, seed)


class DiesOnce:
    """A model whose worker process dies the first time it meets run ``victim``'s seed."""

    def __init__(self, marker: Path, victim_seed: int):
        self.marker, self.victim_seed = Path(marker), victim_seed

    def __call__(self, values, seed):
        if seed == self.victim_seed and not self.marker.exists():
            self.marker.touch()
            os._exit(9)  # the process vanishes, as if killed
        return {"y": float(values["x"]) * 2.0}
