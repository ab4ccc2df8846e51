"""Imported by the forkserver before it forks pool workers, where pools do not fork the main
process itself (`experiments.compare.pool_context`).

Importing this loads the runners and the model's compiled kernels once, in the forkserver; the
workers forked from it inherit them, so their first run does not pay for loading the kernels.
"""

from __future__ import annotations

from model.jit import warm_up

from . import attribute, compare, sweep  # noqa: F401  (loaded for the workers)

warm_up()
