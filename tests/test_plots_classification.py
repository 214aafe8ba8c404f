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


def test_korean_labels_draw_real_glyphs(caplog):
    """The course style adds a Hangul font as a fallback: a Korean label raises no missing-glyph warning."""
    import warnings

    import matplotlib.pyplot as plt

    from tilnlp.plots import HANGUL_FONT, hangul_font_path
    from tilnlp.preamble import use_style

    assert hangul_font_path() is not None and hangul_font_path().name == f"{HANGUL_FONT}.ttf"
    with warnings.catch_warnings(record=True) as caught, plt.rc_context({"font.family": ["DejaVu Sans"]}):
        warnings.simplefilter("always")
        fig, ax = plt.subplots()
        ax.set_title("Glyph check without the Hangul font: 토큰")
        fig.canvas.draw()
    assert any("missing from font" in str(w.message) for w in caught)  # the default font has no Hangul
    plt.close("all")
    use_style()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fig, ax = plt.subplots()
        ax.set_title("토큰과 임베딩 (tokens)")  # bold, like every title in the course style
        ax.set_xlabel("코사인 유사도")
        fig.canvas.draw()
    assert [str(w.message) for w in caught] == []
    assert "findfont" not in caplog.text  # the bold face is there too
