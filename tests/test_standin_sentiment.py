"""The offline sentiment stand-in: what it is, how it answers, how it was trained, and how well it does.

The model is built once into the course cache (``ensure()``; a few minutes the very first
time) and reused by every later run and by the notebooks.
"""
import os

os.environ["HF_HUB_OFFLINE"] = "1"  # everything here must work without the hub

import pytest
import torch
from transformers import AutoTokenizer, BertForSequenceClassification, pipeline

from tilnlp.data import load_imdb
from tilnlp.sourcing.cache import build_info
from tilnlp.sourcing.standins import sentiment

pytestmark = pytest.mark.slow  # builds the stand-in on first use


@pytest.fixture(scope="module")
def model_dir():
    return sentiment.ensure()


@pytest.fixture(scope="module")
def classify(model_dir):
    return pipeline("sentiment-analysis", model=str(model_dir))


@pytest.fixture(scope="module")
def info(model_dir):
    return build_info(sentiment.ASSET)


def test_folder_is_a_two_label_bert_classifier(model_dir):
    model = BertForSequenceClassification.from_pretrained(model_dir)
    assert type(model) is BertForSequenceClassification
    assert model.config.id2label == {0: "NEGATIVE", 1: "POSITIVE"}
    assert model.config.label2id == {"NEGATIVE": 0, "POSITIVE": 1}
    assert model.config.num_hidden_layers == 6 and model.config.hidden_size == 384  # MiniLM-L6
    tokenizer = AutoTokenizer.from_pretrained(model_dir)
    assert (tokenizer.model_max_length, tokenizer.truncation_side) == (512, sentiment.RECIPE.truncation_side)


def test_pipeline_reads_negative_and_positive_text(classify):
    [negative] = classify("hate rodrigo")
    assert negative["label"] == "NEGATIVE" and negative["score"] > 0.7  # the notes' DistilBERT: 0.9987
    answers = classify(["This product is amazing!", "A wonderful, moving film with superb acting.",
                        "Boring, badly written and far too long."])
    assert [a["label"] for a in answers] == ["POSITIVE", "POSITIVE", "NEGATIVE"]


def test_a_review_longer_than_the_model_reads_is_truncated_not_an_error(classify):
    long_review = "The first hour drags. " * 200 + "But the ending is wonderful, I loved it."
    [answer] = classify(long_review, truncation=True)
    assert answer["label"] in {"NEGATIVE", "POSITIVE"}


def test_loading_twice_gives_identical_logits(model_dir):
    tokenizer = AutoTokenizer.from_pretrained(model_dir)
    inputs = tokenizer(["hate rodrigo", "This product is amazing!"], padding=True, return_tensors="pt")
    with torch.no_grad():
        first = BertForSequenceClassification.from_pretrained(model_dir).eval()(**inputs).logits
        second = BertForSequenceClassification.from_pretrained(model_dir).eval()(**inputs).logits
    assert torch.equal(first, second)


def test_reported_accuracy_meets_the_targets_on_data_it_never_saw(info):
    """Pang & Lee 0.80 and IMDb test reviews 0.85 (data that neither trained nor chose the stand-in):
    no build may fall measurably below a target.

    The build is deterministic on one machine, not across processors: the same recipe measured
    0.805 / 0.867 where it was chosen and 0.790 / 0.864 on another 2-core machine (2026-12-07) –
    three Pang & Lee sentences.  So the test asks what 200 sentences can tell: that the target lies
    within the 95 % interval or below it, and the accuracy within 0.03 of it."""
    for key, target in (("pang_lee", 0.80), ("imdb_test", 0.85)):
        low, high = info[key]["ci95"]
        assert low < info[key]["accuracy"] < high
        assert high >= target and info[key]["accuracy"] >= target - 0.03, (key, info[key])
    assert info["pang_lee"]["n"] == 200 and info["imdb_test"]["n"] == 1000


def test_recorded_pang_lee_accuracy_is_what_the_pipeline_gives(model_dir, info):
    from tilnlp.data import load_pang_lee
    from tilnlp.evaluation import accuracy_with_ci
    from tilnlp.seeding import deterministic

    tokenizer = AutoTokenizer.from_pretrained(model_dir)
    model = BertForSequenceClassification.from_pretrained(model_dir).eval()
    sentences = load_pang_lee()
    with deterministic(sentiment.SEED, info["threads"]):  # as the build measured: sums depend on the thread count
        predictions = sentiment.pipeline_predictions(model, tokenizer, [t for t, _ in sentences])
    accuracy = accuracy_with_ci([y for _, y in sentences], predictions)[0]
    assert abs(accuracy - info["pang_lee"]["accuracy"]) < 1e-4


def test_trained_on_the_imdb_train_split_only(info):
    assert info["n_train"] == load_imdb()["train"].num_rows == 1000  # the 1,000 test reviews stay unseen
    assert info["data"] == "tilnlp.data.load_imdb() train split"
    assert info["recipe"]["epochs"] == sentiment.RECIPE.epochs


def test_training_examples_are_review_openings_closings_and_ends():
    from tilnlp.sourcing.models import encoder_dir

    tokenizer = AutoTokenizer.from_pretrained(encoder_dir())
    review = "It starts slowly. " * 30 + "In the end I loved it.<br /><br />Nine out of ten."
    recipe = sentiment.Recipe(piece_tokens=16, end_tokens=12)
    examples = sentiment.training_examples([review], [1], tokenizer, recipe)
    assert [e["labels"] for e in examples] == [1, 1, 1]
    first, last, end = (tokenizer.decode(e["input_ids"]) for e in examples)
    assert first.startswith("[CLS] it starts slowly.") and "[SEP]" in first
    assert last.endswith("nine out of ten. [SEP]") and "<br" not in last
    assert len(examples[2]["input_ids"]) == 12 and end.endswith("nine out of ten. [SEP]")
    assert all(len(e["input_ids"]) <= 16 for e in examples[:2])
