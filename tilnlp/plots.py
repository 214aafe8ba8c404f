"""Plots the notebooks share: heatmaps, scatter plots, bars, confusion matrices and training curves, labelled in the notebook's language.

Each function draws on ``ax`` when given (else on a new figure) and returns the Axes, so a
notebook can add a title, lines or labels afterwards.  The course style comes from
``tilnlp.setup()``; nothing here changes global matplotlib settings.
"""
from __future__ import annotations

import importlib.util
import textwrap
from pathlib import Path

import numpy as np

from .lang import tr

HANGUL_FONT = "NanumGothic"


def hangul_font_path() -> Path | None:
    """NanumGothic.ttf from the koreanize-matplotlib package (None when it is not installed).

    Found without importing the package: importing it changes matplotlib's global settings.
    """
    spec = importlib.util.find_spec("koreanize_matplotlib")
    for folder in (spec.submodule_search_locations or []) if spec else []:
        path = Path(folder) / "fonts" / f"{HANGUL_FONT}.ttf"
        if path.is_file():
            return path
    return None


def use_hangul_font() -> bool:
    """Let every plot draw Hangul: NanumGothic joins matplotlib's fonts as a fallback after the
    usual one, so Latin text looks as before and Korean labels get real glyphs, not boxes."""
    import matplotlib
    from matplotlib import font_manager

    path = hangul_font_path()
    if path is None:
        return False
    for face in sorted(path.parent.glob(f"{HANGUL_FONT}*.ttf")):  # regular and bold (titles are bold)
        font_manager.fontManager.addfont(str(face))
    families = [f for f in matplotlib.rcParams["font.family"] if f != HANGUL_FONT]
    if families == ["sans-serif"]:
        families = [matplotlib.rcParams["font.sans-serif"][0]]  # the usual font first (DejaVu Sans) ...
    matplotlib.rcParams["font.family"] = families + [HANGUL_FONT]  # ... then Hangul for what it lacks
    return True


def _axes(ax, figsize=None):
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(figsize=figsize)
    return ax


# --------------------------------------------------------------------------- similarity (04–06)

def heatmap(matrix, labels, col_labels=None, ax=None, title=None, fmt=".2f", cmap="viridis",
            vmin=None, vmax=None, annotate=True, colorbar=True, label_width=40):
    """A labelled heatmap of ``matrix`` (rows: ``labels``; columns: ``col_labels``, default ``labels``).

    ``annotate`` writes each value in its cell (formatted with ``fmt``); labels longer than
    ``label_width`` characters are shortened with "…".
    """
    matrix = np.asarray(matrix, dtype=float)
    col_labels = labels if col_labels is None else col_labels
    if matrix.ndim != 2 or matrix.shape != (len(labels), len(col_labels)):
        raise ValueError(f"matrix of shape {matrix.shape} does not match "
                         f"{len(labels)} row and {len(col_labels)} column labels")
    short = lambda text: textwrap.shorten(str(text), width=label_width, placeholder="…")
    size = (max(4.0, 0.6 * matrix.shape[1] + 3.0), max(3.0, 0.45 * matrix.shape[0] + 1.5))
    ax = _axes(ax, figsize=size)
    image = ax.imshow(matrix, cmap=cmap, vmin=vmin, vmax=vmax, aspect="auto")
    ax.set_xticks(range(len(col_labels)), [short(c) for c in col_labels], rotation=45, ha="right")
    ax.set_yticks(range(len(labels)), [short(r) for r in labels])
    ax.grid(False)
    if annotate:
        low, high = image.get_clim()
        middle = (low + high) / 2
        for (i, j), value in np.ndenumerate(matrix):
            color = "black" if value > middle else "white"  # viridis: dark at the bottom
            ax.text(j, i, format(value, fmt), ha="center", va="center", color=color, fontsize=8)
    if colorbar:
        ax.figure.colorbar(image, ax=ax, fraction=0.046, pad=0.04)
    if title:
        ax.set_title(title)
    return ax


def scatter_2d(points, labels=None, groups=None, ax=None, title=None, size=30):
    """A 2-D scatter plot: ``labels`` writes a text next to each point, ``groups`` colours
    the points by category (with a legend)."""
    points = np.asarray(points, dtype=float)
    if points.ndim != 2 or points.shape[1] != 2:
        raise ValueError(f"points must have shape (n, 2), not {points.shape}")
    ax = _axes(ax, figsize=(6, 5))
    if groups is None:
        ax.scatter(points[:, 0], points[:, 1], s=size)
    else:
        groups = np.asarray(groups)
        if len(groups) != len(points):
            raise ValueError(f"{len(groups)} groups for {len(points)} points")
        for group in sorted(set(groups.tolist()), key=str):
            chosen = groups == group
            ax.scatter(points[chosen, 0], points[chosen, 1], s=size, label=str(group))
        ax.legend(loc="best", fontsize=8, markerscale=1.2, ncol=2 if len(set(groups.tolist())) > 6 else 1)
    if labels is not None:
        if len(labels) != len(points):
            raise ValueError(f"{len(labels)} labels for {len(points)} points")
        for (x, y), text in zip(points, labels):
            ax.annotate(str(text), (x, y), xytext=(3, 3), textcoords="offset points", fontsize=9)
    if title:
        ax.set_title(title)
    return ax


# --------------------------------------------------------------------------- training (07–09)

def loss_curve(losses, ax=None, title=None, window: int = 20, xlabel=None, ylabel=None):
    """Training loss per step (faint) and its moving average over ``window`` steps (bold)."""
    losses = np.asarray(losses, dtype=float)
    ax = _axes(ax)
    steps = np.arange(1, len(losses) + 1)
    ax.plot(steps, losses, alpha=0.3, label=tr("per step", "스텝별"))
    if len(losses) >= window > 1:
        smooth = np.convolve(losses, np.ones(window) / window, mode="valid")
        ax.plot(steps[window - 1:], smooth, linewidth=2, label=tr(f"mean of {window} steps", f"{window}스텝 평균"))
    ax.set_xlabel(xlabel or tr("step", "스텝"))
    ax.set_ylabel(ylabel or tr("loss", "손실"))
    ax.legend(loc="best")
    if title:
        ax.set_title(title)
    return ax


def training_curves(history, axes=None, title=None, reference=None):
    """Two panels from a per-epoch table (``epoch``, ``train_loss``, ``eval_loss``, ``eval_accuracy``):
    the losses, and the evaluation accuracy.

    ``reference`` maps names to accuracies drawn as horizontal lines (e.g. a baseline).
    Returns the two Axes.
    """
    import matplotlib.pyplot as plt

    if axes is None:
        _, axes = plt.subplots(1, 2, figsize=(10, 3.6))
    loss_ax, acc_ax = axes
    for column, label in (("train_loss", tr("training loss", "훈련 손실")), ("eval_loss", tr("test loss", "평가 손실"))):
        if column in history and history[column].notna().any():
            rows = history[history[column].notna()]
            loss_ax.plot(rows["epoch"], rows[column], marker="o", label=label)
    loss_ax.set_xlabel(tr("epoch", "에포크"))
    loss_ax.set_ylabel(tr("loss", "손실"))
    loss_ax.legend(loc="best")
    rows = history[history["eval_accuracy"].notna()] if "eval_accuracy" in history else history.iloc[0:0]
    acc_ax.plot(rows["epoch"], rows["eval_accuracy"], marker="o", color="C2", label=tr("fine-tuned model", "파인튜닝한 모델"))
    for i, (name, value) in enumerate((reference or {}).items()):
        acc_ax.axhline(value, linestyle="--", color=f"C{3 + i}", label=name)
    acc_ax.set_xlabel(tr("epoch", "에포크"))
    acc_ax.set_ylabel(tr("test accuracy", "평가 정확도"))
    acc_ax.legend(loc="best")
    if title:
        loss_ax.figure.suptitle(title, fontweight="bold")
    return axes


def accuracy_bars(accuracies, ax=None, title=None, chance: float | None = 0.5):
    """Horizontal bars of named accuracies, each labelled with its value; a dotted line at ``chance``."""
    names = list(accuracies)
    values = [float(accuracies[n]) for n in names]
    ax = _axes(ax, figsize=(7, 0.5 * len(names) + 1.2))
    bars = ax.barh(range(len(names)), values, color=[f"C{i}" for i in range(len(names))])
    ax.set_yticks(range(len(names)), names)
    ax.invert_yaxis()
    ax.set_xlim(0, 1)
    ax.set_xlabel(tr("accuracy", "정확도"))
    for bar, value in zip(bars, values):
        ax.text(value + 0.01, bar.get_y() + bar.get_height() / 2, f"{value:.3f}", va="center")
    if chance is not None:
        ax.axvline(chance, linestyle=":", color="gray")
    if title:
        ax.set_title(title)
    return ax


# --------------------------------------------------------------------------- generation and classification (01–03)

def probability_bars(labels, series, ax=None, title=None):
    """Grouped bars: one group per label (e.g. a token), one bar per entry of ``series``.

    ``series`` maps a name (e.g. ``"T = 0.5"``) to the probabilities of ``labels``, in order.
    """
    ax = _axes(ax, figsize=(max(6, 0.8 * len(labels)), 3.8))
    names = list(series)
    width = 0.8 / len(names)
    x = np.arange(len(labels))
    for i, name in enumerate(names):
        ax.bar(x + (i - (len(names) - 1) / 2) * width, series[name], width, label=name)
    ax.set_xticks(x, [repr(str(label)) for label in labels], rotation=30, ha="right")
    ax.set_ylabel(tr("probability", "확률"))
    if len(names) > 1:
        ax.legend()
    if title:
        ax.set_title(title)
    return ax


def confusion(y_true, y_pred, class_names, ax=None, title=None):
    """A confusion matrix as a heatmap of counts: rows the true class, columns the prediction."""
    from sklearn.metrics import confusion_matrix

    matrix = confusion_matrix(list(y_true), list(y_pred), labels=list(range(len(class_names))))
    ax = heatmap(matrix, class_names, ax=ax, title=title, fmt=".0f", colorbar=False)
    ax.set_ylabel(tr("true label", "실제 레이블"))
    ax.set_xlabel(tr("predicted label", "예측 레이블"))
    return ax


# --------------------------------------------------------------------------- what the figures say (for the tests)

def record_figure_text(path: Path) -> None:
    """Append the text of every figure drawn from now on (titles, labels, legends, annotations) to
    ``path``, one JSON list per figure.  The tests use it to read what the Korean notebooks draw;
    ``tilnlp.setup()`` turns it on when ``TILNLP_FIGURE_TEXT`` names a file."""
    import json

    import matplotlib.text
    from matplotlib.backend_bases import FigureCanvasBase

    if getattr(FigureCanvasBase.print_figure, "_tilnlp_records", None) == str(path):
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    draw = getattr(FigureCanvasBase.print_figure, "_tilnlp_original", FigureCanvasBase.print_figure)

    def print_figure(self, *args, **kwargs):
        texts = [t.get_text() for t in self.figure.findobj(matplotlib.text.Text) if t.get_visible() and t.get_text()]
        with open(path, "a", encoding="utf-8") as out:
            out.write(json.dumps(texts, ensure_ascii=False) + "\n")
        return draw(self, *args, **kwargs)

    print_figure._tilnlp_records, print_figure._tilnlp_original = str(path), draw
    FigureCanvasBase.print_figure = print_figure
