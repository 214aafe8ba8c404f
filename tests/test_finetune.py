"""tilnlp.finetune: recipes, tokenisation, dynamic padding, metrics, prediction, saving."""
from types import SimpleNamespace

import numpy as np
import pytest
import torch

from tilnlp import finetune as ft
from tilnlp.data import load_imdb
from tilnlp.models import encoder_dir


@pytest.fixture(scope="module")
def tokenizer():
    from transformers import BertTokenizer

    return BertTokenizer.from_pretrained(encoder_dir())


@pytest.fixture(scope="module")
def reviews():
    return load_imdb("offline")["train"].select(range(8))


@pytest.fixture(scope="module")
def classifier():
    from transformers import BertForSequenceClassification

    torch.manual_seed(0)
    return BertForSequenceClassification.from_pretrained(
        encoder_dir(), num_labels=2, id2label=ft.ID2LABEL, label2id=ft.LABEL2ID)


def test_recipes_are_valid_training_arguments(tmp_path):
    from transformers import TrainingArguments

    for name in ft.RECIPES:
        spec = ft.get_recipe(name)
        args = TrainingArguments(output_dir=str(tmp_path / name), **ft.training_kwargs(spec, seed=7, epochs=2))
        assert args.eval_strategy == "epoch"
        assert args.num_train_epochs == 2 and args.seed == 7 and args.save_total_limit == 2
        assert args.report_to == [] or args.report_to == "none" or args.report_to == ["none"]
    seed, fast = ft.RECIPES["seed"], ft.RECIPES["fast"]
    assert (seed.padding, seed.max_length, seed.epochs) == ("max_length", 512, 3)
    assert seed.training_args["per_device_train_batch_size"] == 8
    assert seed.training_args["learning_rate"] == 5e-5
    assert fast.padding == "dynamic" and fast.max_length < seed.max_length
    assert fast.training_args["train_sampling_strategy"] == "group_by_length"
    assert ft.training_kwargs(seed)["num_train_epochs"] == 3  # the recipe's own epochs by default


def test_unknown_recipe_is_a_clear_error():
    with pytest.raises(ValueError, match="seed, fast"):
        ft.get_recipe("turbo")


def test_tokenize_insists_on_the_recipes_truncation_side(tokenizer, reviews):
    assert tokenizer.truncation_side == "right" and ft.RECIPES["fast"].truncation_side == "left"
    with pytest.raises(ValueError, match="truncation_side = 'left'"):
        ft.tokenize(reviews, tokenizer, ft.RECIPES["fast"])


def test_left_truncation_keeps_the_end_of_a_review(reviews):
    from transformers import BertTokenizer

    tokenizer = BertTokenizer.from_pretrained(encoder_dir(), truncation_side="left")
    text = reviews[0]["text"]
    full = tokenizer(text)["input_ids"]
    cut = ft.tokenize(reviews.select([0]), tokenizer, ft.RECIPES["fast"], max_length=32)[0]["input_ids"]
    assert len(full) > 32 and cut[0] == tokenizer.cls_token_id
    assert cut[1:] == full[-31:]  # the last 30 tokens and [SEP]


def test_seed_recipe_pads_every_review_to_max_length(tokenizer, reviews):
    out = ft.tokenize(reviews, tokenizer, ft.RECIPES["seed"], max_length=48)
    assert {len(ids) for ids in out["input_ids"]} == {48}
    assert "text" not in out.column_names and "label" in out.column_names


def test_fast_recipe_pads_per_batch(reviews):
    from transformers import BertTokenizer

    spec = ft.RECIPES["fast"]
    tokenizer = BertTokenizer.from_pretrained(encoder_dir())
    tokenizer.truncation_side = spec.truncation_side
    out = ft.tokenize(reviews, tokenizer, spec, max_length=200)
    lengths = list(out["length"])
    assert lengths == [len(ids) for ids in out["input_ids"]]
    assert max(lengths) <= 200 and len(set(lengths)) > 1  # not padded yet
    collate = ft.data_collator(tokenizer, spec)
    by_length = sorted(range(len(out)), key=lengths.__getitem__)
    short, long = by_length[:4], by_length[4:]
    features = [{k: out[i][k] for k in ("input_ids", "attention_mask", "label")} for i in range(len(out))]
    short_batch = collate([features[i] for i in short])
    long_batch = collate([features[i] for i in long])
    # each batch is padded to its own longest review, not to a global maximum
    assert short_batch["input_ids"].shape == (4, max(lengths[i] for i in short))
    assert long_batch["input_ids"].shape == (4, max(lengths[i] for i in long))
    assert short_batch["input_ids"].shape[1] < long_batch["input_ids"].shape[1]
    assert short_batch["attention_mask"].sum().item() == sum(lengths[i] for i in short)
    assert short_batch["labels"].tolist() == [out[i]["label"] for i in short]


def test_compute_metrics_on_known_predictions():
    logits = np.array([[2.0, 1.0], [0.0, 3.0], [1.0, 0.0], [0.0, 1.0]])
    labels = np.array([0, 1, 1, 1])
    assert ft.compute_metrics(SimpleNamespace(predictions=logits, label_ids=labels)) == {"accuracy": 0.75}
    # some models return (logits, hidden states): the logits come first
    assert ft.compute_metrics(SimpleNamespace(predictions=(logits, None), label_ids=labels))["accuracy"] == 0.75


def test_predict_keeps_the_order_and_matches_one_by_one(classifier, tokenizer, reviews):
    texts = list(reviews["text"])
    preds = ft.predict(classifier, tokenizer, texts, max_length=64, batch_size=3)
    with torch.inference_mode():
        one_by_one = [int(classifier(**tokenizer(t, truncation=True, max_length=64, return_tensors="pt"))
                          .logits.argmax()) for t in texts]
    assert preds.tolist() == one_by_one


def test_saved_model_reloads_to_identical_logits_with_readable_labels(classifier, tokenizer, tmp_path):
    from transformers import AutoModelForSequenceClassification, pipeline

    classifier.save_pretrained(tmp_path)
    tokenizer.save_pretrained(tmp_path)
    reloaded = AutoModelForSequenceClassification.from_pretrained(tmp_path)
    batch = tokenizer(["a fine film", "a dull, dreary film"], padding=True, return_tensors="pt")
    classifier.eval()
    with torch.inference_mode():
        assert torch.equal(classifier(**batch).logits, reloaded(**batch).logits)
    result = pipeline("sentiment-analysis", model=str(tmp_path))("a fine film")
    assert result[0]["label"] in {"NEGATIVE", "POSITIVE"}


def test_history_pairs_training_loss_and_evaluation_per_epoch():
    log = [{"loss": 0.69, "epoch": 1.0, "step": 4}, {"eval_loss": 0.6, "eval_accuracy": 0.7, "epoch": 1.0},
           {"loss": 0.4, "epoch": 2.0, "step": 8}, {"eval_loss": 0.5, "eval_accuracy": 0.8, "epoch": 2.0},
           {"train_runtime": 3.0, "epoch": 2.0}]
    frame = ft.history(SimpleNamespace(state=SimpleNamespace(log_history=log)))
    assert frame["epoch"].tolist() == [1.0, 2.0]
    assert frame["train_loss"].tolist() == [0.69, 0.4]
    assert frame["eval_accuracy"].tolist() == [0.7, 0.8]


def test_peak_memory_is_a_plausible_number_of_mib():
    assert 10 < ft.peak_memory_mib() < 64 * 1024


def test_padded_positions_for_each_way_of_batching():
    lengths = [10, 600, 30, 20]
    assert ft.padded_positions(lengths, 2, 512, "max_length") == 4 * 512
    # sorted: [10, 20] -> 2 x 20, [30, 512] -> 2 x 512 (600 is cut at 512)
    assert ft.padded_positions(lengths, 2, 512, "sorted") == 2 * 20 + 2 * 512
    random = ft.padded_positions(lengths, 2, 512, "random", seed=0)
    assert 2 * 20 + 2 * 512 <= random <= 4 * 512
    assert ft.padded_positions(lengths, 4, 256, "sorted") == 4 * 256
    with pytest.raises(ValueError):
        ft.padded_positions(lengths, 2, 512, "shuffled")


def test_recipe_model_kwargs_reach_the_model_configuration():
    from transformers import BertForSequenceClassification, logging

    logging.set_verbosity_error()
    spec = ft.RECIPES["fast"]
    model = BertForSequenceClassification.from_pretrained(encoder_dir(), num_labels=2, **spec.model_kwargs)
    assert model.config.attention_probs_dropout_prob == 0.0
    assert model.config.hidden_dropout_prob == 0.1  # dropout elsewhere stays
