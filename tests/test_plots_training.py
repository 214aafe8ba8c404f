"""tilnlp.plots: the training plots of notebooks 07–09."""
import numpy as np
import pandas as pd

from tilnlp import plots


def test_loss_curve_draws_the_steps_and_their_moving_average():
    losses = [10.0, 8.0, 6.0, 5.0, 4.0]
    ax = plots.loss_curve(losses, window=2, title="MLM")
    raw, smooth = ax.lines
    np.testing.assert_array_equal(raw.get_ydata(), losses)
    np.testing.assert_array_equal(smooth.get_xdata(), [2, 3, 4, 5])
    np.testing.assert_array_equal(smooth.get_ydata(), [9.0, 7.0, 5.5, 4.5])
    assert ax.get_title() == "MLM"
    assert len(plots.loss_curve([3.0], window=10).lines) == 1  # too short to average


def test_training_curves_plot_losses_accuracy_and_references():
    history = pd.DataFrame({"epoch": [1.0, 2.0], "train_loss": [0.6, 0.3], "eval_loss": [0.5, 0.4],
                            "eval_accuracy": [0.8, 0.9]})
    loss_ax, acc_ax = plots.training_curves(history, reference={"TF-IDF": 0.85})
    assert [line.get_label() for line in loss_ax.lines] == ["training loss", "test loss"]
    np.testing.assert_array_equal(acc_ax.lines[0].get_ydata(), [0.8, 0.9])
    assert acc_ax.lines[1].get_label() == "TF-IDF"
    np.testing.assert_array_equal(acc_ax.lines[1].get_ydata(), [0.85, 0.85])


def test_accuracy_bars_label_every_bar_with_its_value():
    ax = plots.accuracy_bars({"untrained": 0.5, "fine-tuned": 0.875}, title="IMDb")
    assert [t.get_text() for t in ax.get_yticklabels()] == ["untrained", "fine-tuned"]
    assert sorted(t.get_text() for t in ax.texts) == ["0.500", "0.875"]
    assert [round(p.get_width(), 3) for p in ax.patches] == [0.5, 0.875]
