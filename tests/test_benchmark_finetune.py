"""benchmarks/finetune_recipes.py: option parsing and which reviews each mode evaluates on (no training)."""
import importlib.util
from pathlib import Path

import pytest

from tilnlp.data import load_imdb

SCRIPT = Path(__file__).resolve().parents[1] / "benchmarks" / "finetune_recipes.py"


@pytest.fixture(scope="module")
def bench():
    spec = importlib.util.spec_from_file_location("finetune_recipes", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def imdb():
    return load_imdb("offline")


def options(**changes):
    return {"seed": 42, "n_train": 40, "n_test": 12, "validation": 0, "validation_seed": 42, **changes}


def test_set_values_are_parsed_as_numbers_or_strings(bench):
    assert bench._overrides(["learning_rate=1e-4", "per_device_train_batch_size=16",
                             "train_sampling_strategy=group_by_length"]) == {
        "learning_rate": 0.0001, "per_device_train_batch_size": 16, "train_sampling_strategy": "group_by_length"}
    assert bench._overrides([]) == {}


@pytest.mark.parametrize("pair, message", [("learning_rate", "KEY=VALUE"), ("=3", "KEY=VALUE"),
                                           ("learnig_rate=1e-4", "not a TrainingArguments setting")])
def test_bad_set_is_one_clear_line(bench, pair, message):
    with pytest.raises(SystemExit, match=message):
        bench._overrides([pair])


def test_without_validation_it_evaluates_on_the_notes_test_reviews(bench, imdb):
    train, evaluation = bench.select_reviews(imdb, options())
    assert list(train["text"]) == list(imdb["train"].shuffle(seed=42).select(range(40))["text"])
    assert list(evaluation["text"]) == list(imdb["test"].shuffle(seed=42).select(range(12))["text"])


def test_validation_holds_out_training_reviews_and_never_uses_the_test_reviews(bench, imdb):
    picked = list(imdb["train"].shuffle(seed=42).select(range(40))["text"])
    train, held_out = bench.select_reviews(imdb, options(validation=10))
    assert (train.num_rows, held_out.num_rows) == (30, 10)
    assert not set(train["text"]) & set(held_out["text"])
    assert sorted(list(train["text"]) + list(held_out["text"])) == sorted(picked)
    assert not set(held_out["text"]) & set(imdb["test"]["text"])
    other_train, other_held_out = bench.select_reviews(imdb, options(validation=10, validation_seed=7))
    assert sorted(list(other_train["text"]) + list(other_held_out["text"])) == sorted(picked)
    assert set(other_held_out["text"]) != set(held_out["text"])  # another seed, another hold-out


@pytest.mark.parametrize("size", ["-1", "40", "41"])
def test_validation_size_must_leave_reviews_to_train_on(bench, size):
    with pytest.raises(SystemExit, match="--validation must be between 1 and --n-train - 1 \\(39\\)"):
        bench.main(["--n-train", "40", "--validation", size])
