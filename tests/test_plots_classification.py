"""tilnlp.plots: the classification plots (confusion matrix, probability bars)."""
import numpy as np

from tilnlp.plots import confusion, probability_bars


def test_confusion_counts_rows_true_columns_predicted():
    ax = confusion([0, 0, 1, 1, 1], [0, 1, 1, 1, 0], ["NEGATIVE", "POSITIVE"], title="t")
    image = ax.get_images()[0].get_array()
    assert np.array_equal(np.asarray(image), [[1, 1], [1, 2]])
    assert [t.get_text() for t in ax.texts] == ["1", "1", "1", "2"]
    assert ax.get_ylabel() == "true label" and ax.get_xlabel() == "predicted label"


def test_probability_bars_draws_one_bar_per_label_and_series():
    ax = probability_bars([" the", " a", " dog"], {"T = 0.5": [0.6, 0.3, 0.1], "T = 1": [0.4, 0.35, 0.25]})
    heights = sorted(round(p.get_height(), 2) for p in ax.patches)
    assert heights == [0.1, 0.25, 0.3, 0.35, 0.4, 0.6]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["' the'", "' a'", "' dog'"]
    assert len(ax.get_legend().get_texts()) == 2
