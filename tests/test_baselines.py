"""tilnlp.baselines on real IMDb reviews."""
import numpy as np
import pytest
from sklearn.metrics import accuracy_score

from tilnlp.baselines import MajorityBaseline, tfidf_logreg
from tilnlp.data import load_imdb


@pytest.fixture(scope="module")
def splits():
    imdb = load_imdb("offline")
    return imdb["train"].shuffle(seed=42).select(range(1000)), imdb["test"].shuffle(seed=42).select(range(500))


def test_tfidf_baseline_beats_075_on_real_reviews(splits):
    train, test = splits
    model = tfidf_logreg().fit(list(train["text"]), list(train["label"]))
    accuracy = accuracy_score(list(test["label"]), model.predict(list(test["text"])))
    assert accuracy > 0.75


def test_majority_baseline_predicts_the_most_frequent_training_label(splits):
    train, test = splits
    majority = MajorityBaseline().fit(list(train["text"]), list(train["label"]))
    counts = np.bincount(list(train["label"]))
    assert majority.label_ == int(np.argmax(counts))
    preds = majority.predict(list(test["text"]))
    assert set(preds.tolist()) == {majority.label_} and len(preds) == 500
    assert accuracy_score(list(test["label"]), preds) == np.mean(np.array(test["label"]) == majority.label_)


def test_majority_baseline_breaks_ties_the_same_way_every_time():
    assert MajorityBaseline().fit(["a", "b", "c", "d"], [1, 0, 1, 0]).label_ == 0
    assert MajorityBaseline().fit(["a", "b", "c"], [1, 1, 0]).label_ == 1
    with pytest.raises(ValueError):
        MajorityBaseline().fit([], [])


def test_notebook_08_builds_the_same_tfidf_pipeline():
    """Notebook 08 writes the pipeline out; tilnlp.baselines.tfidf_logreg() must stay the same pipeline."""
    from tilnlp.publishing import notebooks as nbs

    [cell] = [c for c in nbs.read(nbs.find("08")).cells if c.get("id") == "6c1e8a4d"]
    namespace = {}
    exec(cell.source, namespace)
    written, ours = namespace["tfidf"], tfidf_logreg()
    assert [name for name, _ in written.steps] == [name for name, _ in ours.steps] == ["tfidf", "logreg"]
    for (_, a), (_, b) in zip(written.steps, ours.steps):
        pa, pb = a.get_params(), b.get_params()
        for params in (pa, pb):
            params.pop("preprocessor", None)
        assert pa == pb
    text = "Great.<br /><br />LOVED it"
    assert written.steps[0][1].preprocessor(text) == ours.steps[0][1].preprocessor(text) == "great. loved it"
