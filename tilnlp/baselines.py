"""Reference points a sentiment model has to beat: the majority class and TF-IDF + logistic regression.

Both learn from training texts/labels only and predict test texts, like a model would::

    majority = MajorityBaseline().fit(train_texts, train_labels)
    tfidf = tfidf_logreg().fit(train_texts, train_labels)
    accuracy_score(test_labels, tfidf.predict(test_texts))
"""
from __future__ import annotations

from collections import Counter

from .data import clean_review


class MajorityBaseline:
    """Always predicts the label that is most frequent in the training labels."""

    def fit(self, texts, labels):
        """Learn the most frequent of ``labels`` (the texts are ignored; scikit-learn's call style)."""
        counts = Counter(int(y) for y in labels)
        if not counts:
            raise ValueError("no training labels")
        # most frequent; ties go to the smaller label, so the choice never depends on order
        self.label_ = min(counts, key=lambda y: (-counts[y], y))
        return self

    def predict(self, texts):
        import numpy as np

        return np.full(len(list(texts)), self.label_, dtype=np.int64)


def tfidf_logreg(seed: int = 0):
    """Notebook 08's TF-IDF + logistic regression pipeline (``Pipeline([("tfidf", ...), ("logreg", ...)])``).

    Notebook 08 writes it out step by step; notebook 09 and the benchmarks build it here, and a test
    keeps the two the same.  ``sublinear_tf`` counts a word said ten times as less than ten times as
    important; ``min_df=2`` ignores words seen in one review only; ``C`` is the inverse strength of
    the regularisation (larger: fits the training reviews more closely).
    """
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import Pipeline

    return Pipeline([
        ("tfidf", TfidfVectorizer(preprocessor=_lowercase_clean, ngram_range=(1, 2), min_df=2, max_features=20_000,
                                  sublinear_tf=True)),
        ("logreg", LogisticRegression(C=4.0, max_iter=2000, random_state=seed)),
    ])


def _lowercase_clean(text: str) -> str:
    return clean_review(text).lower()
