"""Random seeds and thread counts: one place for reproducible runs.

* ``seed_everything(seed)`` – seed Python, NumPy and PyTorch with one number (``tilnlp.setup()``
  calls it; notebooks may call ``transformers.set_seed``, which does the same).
* ``deterministic(seed, threads)`` – a block with fixed seeds and a fixed number of CPU threads
  (matrix products give slightly different sums with different thread counts); the caller's
  random state, thread count and tokenizer setting come back afterwards.  Stand-in builds run
  inside it, so the same machine always builds the same weights.
"""
from __future__ import annotations

import os
import random
from contextlib import contextmanager


def seed_everything(seed: int) -> None:
    """Seed Python, NumPy and PyTorch with one number."""
    import numpy as np
    import torch

    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


@contextmanager
def deterministic(seed: int = 0, threads: int = 1):
    """Fixed seeds and ``threads`` CPU threads inside the block; the caller's settings come back after.

    One thread by default: two are only a little faster on an idle CPU but several times slower
    when other programs share it.  The Rust tokenizers stay single-threaded too, which also spares
    a notebook their warning about forked processes later on.
    """
    import numpy as np
    import torch

    before = torch.get_num_threads()
    parallel_tokenizers = os.environ.get("TOKENIZERS_PARALLELISM")
    os.environ["TOKENIZERS_PARALLELISM"] = "false"
    torch.set_num_threads(threads)
    python_state, numpy_state = random.getstate(), np.random.get_state()
    try:
        with torch.random.fork_rng(devices=[]):  # the caller's torch random state is left untouched
            seed_everything(seed)
            yield
    finally:
        random.setstate(python_state)
        np.random.set_state(numpy_state)
        torch.set_num_threads(before)
        if parallel_tokenizers is None:
            os.environ.pop("TOKENIZERS_PARALLELISM", None)
        else:
            os.environ["TOKENIZERS_PARALLELISM"] = parallel_tokenizers
