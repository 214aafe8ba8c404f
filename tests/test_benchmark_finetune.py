"""benchmarks/finetune_recipes.py: which runs of notebook 09 it asks for, and how it compares them (no training here)."""

import pytest

from conftest import benchmark
from tilnlp.publishing import notebooks as nbs


@pytest.fixture(scope="module")
def bench():
    return benchmark("finetune_recipes")


def options(**changes):
    return {"training_seeds": [42], "validation": 0, "validation_seed": 42, "overrides": {}, "params": {},
            "quick": False, **changes}


def test_set_values_are_parsed_as_numbers_booleans_or_strings(bench):
    assert bench.overrides(["learning_rate=1e-4", "per_device_train_batch_size=16", "bf16=false",
                            "train_sampling_strategy=group_by_length"]) == {
        "learning_rate": 0.0001, "per_device_train_batch_size": 16, "bf16": False,
        "train_sampling_strategy": "group_by_length"}


@pytest.mark.parametrize("pair, message", [("learning_rate", "KEY=VALUE"), ("learnig_rate=1", "not a TrainingArguments")])
def test_bad_set_is_one_clear_line(bench, pair, message):
    with pytest.raises(SystemExit, match=message):
        bench.overrides([pair])


def test_each_seed_runs_the_notes_recipe_and_the_cpu_recipe_at_full_size(bench):
    plan = bench.runs(options(training_seeds=[42, 43]))
    assert [(recipe, seed) for recipe, seed, _ in plan] == [("notes", 42), ("cpu", 42), ("notes", 43), ("cpu", 43)]
    notes, cpu = plan[0][2], plan[1][2]
    assert (notes["notes_n_train"], notes["notes_n_test"], notes["notes_epochs"]) == (1000, 500, 3)  # the notes' size
    assert (cpu["n_train"], cpu["n_test"], cpu["epochs"]) == (1000, 500, 3)
    assert cpu["notes_n_train"] < 100 and notes["n_train"] < 100  # the part not measured runs small
    assert "validation" not in cpu and not cpu["compare_random_init"]


def test_validation_runs_only_the_cpu_recipe_on_held_out_training_reviews(bench):
    plan = bench.runs(options(validation=250, validation_seed=7, overrides={"bf16": False}))
    assert [recipe for recipe, _, _ in plan] == ["cpu"]
    params = plan[0][2]
    assert (params["validation"], params["validation_seed"], params["training_changes"]) == (250, 7, {"bf16": False})


@pytest.mark.parametrize("size", [-1, 1000, 1001])
def test_validation_size_must_leave_reviews_to_train_on(bench, size):
    with pytest.raises(SystemExit, match="--validation must be between 1 and 999"):
        bench.runs(options(validation=size))


def test_every_parameter_the_benchmark_sets_is_a_parameter_of_notebook_09(bench):
    known = nbs.parameters(nbs.read(bench.NOTEBOOK))
    plan = bench.runs(options(training_seeds=[42])) + bench.runs(options(validation=20, quick=True))
    for _, _, params in plan:
        assert set(params) <= set(known), set(params) - set(known)


def test_compare_pairs_the_two_recipes_on_the_same_reviews(bench):
    notes = {"labels": [1, 0, 1, 1], "predictions": [1, 0, 0, 1], "train_seconds": 700.0}
    cpu = {"labels": [1, 0, 1, 1], "predictions": [1, 1, 1, 1], "train_seconds": 100.0}
    result = bench.compare(notes, cpu)
    assert result["ratio"] == 7.0
    assert (result["a_only"], result["b_only"], result["both"], result["neither"]) == (1, 1, 2, 0)
    with pytest.raises(SystemExit, match="different reviews"):
        bench.compare(notes, {**cpu, "labels": [0, 0, 1, 1]})


def test_param_sets_a_notebook_parameter_of_the_cpu_recipe_only(bench):
    params = bench.notebook_params(["layer_decay=0.9", "max_length=320", "average_last_epochs=2"])
    assert params == {"layer_decay": 0.9, "max_length": 320, "average_last_epochs": 2}
    notes, cpu = [p for _, _, p in bench.runs(options(params=params))]
    assert (cpu["layer_decay"], cpu["max_length"]) == (0.9, 320)
    assert "layer_decay" not in notes and "max_length" not in notes


@pytest.mark.parametrize("pair, message", [("layer_decay", "KEY=VALUE"), ("layer_decoy=0.9", "no parameter 'layer_decoy'"),
                                           ("max_length=long", "takes a int")])
def test_bad_param_is_one_clear_line(bench, pair, message):
    with pytest.raises(SystemExit, match=message):
        bench.notebook_params([pair])
