"""The offline sentiment stand-in: what it is, how it answers, and how it was trained.

The model is built once into the course cache (``ensure()``; a few minutes the very first
time) and reused by every later run and by the notebooks.
"""
import os

os.environ["HF_HUB_OFFLINE"] = "1"  # everything here must work without the hub

import pytest
import torch
from transformers import AutoTokenizer, BertForSequenceClassification, pipeline

from tilnlp.cache import build_info
from tilnlp.standins import sentiment

pytestmark = pytest.mark.slow  # builds the stand-in on first use


@pytest.fixture(scope="session")
def model_dir():
    return sentiment.ensure()


@pytest.fixture(scope="session")
def classify(model_dir):
    return pipeline("sentiment-analysis", model=str(model_dir))


@pytest.fixture(scope="session")
def info(model_dir):
    return build_info(sentiment.ASSET)


def test_folder_is_a_two_label_bert_classifier(model_dir):
    model = BertForSequenceClassification.from_pretrained(model_dir)
    assert type(model) is BertForSequenceClassification
    assert model.config.id2label == {0: "NEGATIVE", 1: "POSITIVE"}
    assert model.config.label2id == {"NEGATIVE": 0, "POSITIVE": 1}
    assert model.config.num_hidden_layers == 6 and model.config.hidden_size == 384  # MiniLM-L6


def test_pipeline_reads_negative_text(classify):
    [answer] = classify("hate rodrigo")
    assert answer["label"] == "NEGATIVE"
    assert answer["score"] > 0.8  # the stand-in says 0.865 (the notes' DistilBERT: 0.9987)


def test_pipeline_reads_positive_text(classify):
    [answer] = classify("This product is amazing!")
    assert answer["label"] == "POSITIVE"
    assert answer["score"] > 0.9


def test_pipeline_labels_a_batch(classify):
    answers = classify(["A wonderful, moving film with superb acting.",
                        "Boring, badly written and far too long."])
    assert [a["label"] for a in answers] == ["POSITIVE", "NEGATIVE"]


def test_loading_twice_gives_identical_logits(model_dir):
    tokenizer = AutoTokenizer.from_pretrained(model_dir)
    inputs = tokenizer(["hate rodrigo", "This product is amazing!"], padding=True, return_tensors="pt")
    with torch.no_grad():
        first = BertForSequenceClassification.from_pretrained(model_dir).eval()(**inputs).logits
        second = BertForSequenceClassification.from_pretrained(model_dir).eval()(**inputs).logits
    assert torch.equal(first, second)


def test_pang_lee_accuracy_reaches_target_and_matches_build_info(model_dir, info):
    accuracy = sentiment.pang_lee_accuracy(model_dir)
    assert accuracy >= 0.80
    assert abs(accuracy - info["pang_lee_accuracy"]) < 1e-9
    assert sentiment.recorded_pang_lee_accuracy() == info["pang_lee_accuracy"]


def test_trained_on_the_imdb_train_split_only(info):
    assert info["n_train"] == 1000  # load_imdb()["train"]; the 1,000 test reviews stay unseen
    assert info["data"] == "tilnlp.data.load_imdb() train split"
    assert info["epochs"] == sentiment.EPOCHS and info["max_length"] == sentiment.MAX_LENGTH
