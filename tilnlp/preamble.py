"""``tilnlp.setup()``: the one-line preamble of every notebook."""
from __future__ import annotations

import logging
import os
import platform
import sys
import warnings
from pathlib import Path

from .device import device
from .lang import tr
from .presets import active_preset
from .seeding import seed_everything
from .sourcing.cache import tidy
from .sourcing.models import Course

STYLE = Path(__file__).with_name("tilnlp.mplstyle")

# Known, harmless noise – each filter names the exact message, never a blanket ignore.
NOISY_WARNINGS = [
    # tqdm in a notebook without ipywidgets falls back to text bars: fine for this course.
    (r"IProgress not found", Warning),
    # huggingface_hub/transformers log this when HF_HUB_OFFLINE is set; the course says so itself.
    (r".*resume_download.*is deprecated", FutureWarning),
    # The Trainer asks for pinned memory by default; without a GPU PyTorch says it will not pin.
    (r"'pin_memory' argument is set as true but no accelerator is found", UserWarning),
]


def quiet_known_warnings() -> None:
    for message, category in NOISY_WARNINGS:
        warnings.filterwarnings("ignore", message=message, category=category)
    # The hub client's retry chatter when there is no network: the resolver reports the profile itself.
    logging.getLogger("huggingface_hub.utils._http").setLevel(logging.ERROR)


def hide_loading_bars() -> None:
    """Hide the per-load "Loading weights" and ``Dataset.map`` bars; training bars stay.

    Downloads from the hub keep their bars (they are worth watching on a slow network).
    """
    os.environ.setdefault("HF_DATASETS_DISABLE_PROGRESS_BARS", "1")
    from huggingface_hub.utils import enable_progress_bars
    from transformers.utils import logging as hf_logging

    hf_logging.disable_progress_bar()  # this also silences hub downloads ...
    enable_progress_bars()  # ... which we want to see
    if "datasets" in sys.modules:
        import datasets

        datasets.disable_progress_bars()


def versions() -> dict[str, str]:
    import importlib.metadata as md

    out = {"python": platform.python_version()}
    for dist in ("tilnlp", "torch", "transformers", "datasets", "gensim", "scikit-learn"):
        try:
            out[dist] = md.version(dist)
        except md.PackageNotFoundError:
            out[dist] = "not installed"
    return out


def use_style() -> None:
    """The course's plot style, with a Hangul font as fallback (Korean labels draw real glyphs)."""
    import matplotlib.pyplot as plt

    from .plots import record_figure_text, use_hangul_font

    plt.style.use(STYLE)
    use_hangul_font()
    if os.environ.get("TILNLP_FIGURE_TEXT"):  # the tests read what the figures say
        record_figure_text(Path(os.environ["TILNLP_FIGURE_TEXT"]))


def setup(seed: int = 42, profile: str | None = None, quiet: bool = False) -> Course:
    """Seed everything, apply the plot style, silence known noise, print versions.

    Returns a :class:`~tilnlp.sourcing.models.Course`, whose ``model(name)`` and ``imdb()`` resolve
    the real hub ids or the offline stand-ins for the chosen profile.
    """
    quiet_known_warnings()
    hide_loading_bars()
    seed_everything(seed)
    use_style()
    tidy()  # what an interrupted stand-in build left in the cache
    course = Course(profile)
    if not quiet:
        import torch

        ver = versions()
        dev = device()
        print(" | ".join(f"{k} {v}" for k, v in ver.items()))
        print(tr(f"device {dev} ({torch.get_num_threads()} threads) | profile {course.profile} | "
                 f"preset {active_preset()} | seed {seed}",
                 f"장치 {dev} (스레드 {torch.get_num_threads()}개) | 프로필 {course.profile} | "
                 f"프리셋 {active_preset()} | 시드 {seed}"))
        if dev == "cpu":
            print(tr("No GPU here: every notebook is sized to run on a laptop CPU.",
                     "GPU가 없습니다: 모든 노트북은 랩톱 CPU에서 돌아가는 크기로 맞춰 두었습니다."))
    return course
