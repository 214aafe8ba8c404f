"""tilnlp.plots: the heatmap and scatter plots of notebooks 04–06."""
import matplotlib.pyplot as plt
import numpy as np
import pytest

from tilnlp import plots


def test_heatmap_labels_and_annotates_every_cell():
    matrix = np.array([[1.0, 0.25], [0.25, 1.0], [0.5, -0.125]])
    ax = plots.heatmap(matrix, ["a", "b", "c"], col_labels=["x", "y"], title="sim")
    assert [t.get_text() for t in ax.get_yticklabels()] == ["a", "b", "c"]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["x", "y"]
    texts = sorted(t.get_text() for t in ax.texts)
    assert texts == sorted(["1.00", "0.25", "0.25", "1.00", "0.50", "-0.12"])
    assert ax.get_title() == "sim"
    np.testing.assert_array_equal(ax.images[0].get_array(), matrix)


def test_heatmap_shortens_long_labels_and_checks_the_shape():
    long = "a sentence that is much longer than the label width allows"
    ax = plots.heatmap(np.eye(2), [long, "b"], label_width=20, annotate=False, colorbar=False)
    assert ax.get_yticklabels()[0].get_text().endswith("…")
    assert len(ax.get_yticklabels()[0].get_text()) <= 20
    assert len(ax.texts) == 0
    with pytest.raises(ValueError, match="does not match"):
        plots.heatmap(np.eye(3), ["a", "b"])


def test_heatmap_draws_on_a_given_axes():
    fig, (left, right) = plt.subplots(1, 2)
    assert plots.heatmap(np.eye(2), ["a", "b"], ax=right) is right
    assert right.images and not left.images


def test_scatter_2d_labels_and_groups():
    points = np.array([[0, 0], [1, 1], [2, 0]])
    ax = plots.scatter_2d(points, labels=["king", "queen", "dog"], groups=["royal", "royal", "animal"])
    assert [t.get_text() for t in ax.texts] == ["king", "queen", "dog"]
    assert sorted(t.get_text() for t in ax.get_legend().get_texts()) == ["animal", "royal"]
    assert sum(len(c.get_offsets()) for c in ax.collections) == 3
    with pytest.raises(ValueError, match="shape"):
        plots.scatter_2d(np.zeros((3, 3)))
