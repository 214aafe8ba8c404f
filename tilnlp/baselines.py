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


def tfidf_logreg(max_features: int = 20_000, ngram_range=(1, 2), C: float = 4.0, seed: int = 0):
    """A scikit-learn pipeline: TF-IDF of words and word pairs, then logistic regression.

    ``sublinear_tf`` counts a word said ten times as less than ten times as important;
    ``min_df=2`` ignores words seen in one review only.  ``C`` is the inverse strength of
    the regularisation (larger: fits the training reviews more closely).
    """
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline

    return make_pipeline(
        TfidfVectorizer(preprocessor=lambda t: clean_review(t).lower(), ngram_range=ngram_range,
                        min_df=2, max_features=max_features, sublinear_tf=True),
        LogisticRegression(C=C, max_iter=2000, random_state=seed),
    )
