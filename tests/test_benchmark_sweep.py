"""benchmarks/recipe_sweep.py: the recipe read from notebook 09, the verdict's rule, and a tiny sweep end to end."""
import json
import os
import subprocess
import sys

import pytest

from conftest import ROOT, benchmark

STORED = ROOT / "benchmarks" / "results" / "recipe_sweep_h200_2026-11-27.jsonl"


@pytest.fixture(scope="module")
def bench():
    return benchmark("recipe_sweep")


def test_the_recipe_is_read_from_notebook_09(bench):
    rec = bench.recipe()
    assert rec["training_args"] == {"per_device_train_batch_size": 8, "per_device_eval_batch_size": 64,
                                    "learning_rate": 5e-5, "warmup_steps": 0.1, "weight_decay": 0.01,
                                    "train_sampling_strategy": "group_by_length", "disable_tqdm": True,
                                    "num_train_epochs": 3}   # the full preset's epochs; no evaluation or saving
    assert (rec["max_length"], rec["pad_to_multiple_of"], rec["attention_probs_dropout_prob"]) == (256, 32, 0.0)


def test_a_changed_notebook_changes_the_recipe(bench, tmp_path):
    text = bench.NOTEBOOK.read_text(encoding="utf-8")
    assert text.count("learning_rate=5e-5,") == 1 and text.count("tokenizer, pad_to_multiple_of=32") == 1
    changed = tmp_path / "09.ipynb"
    changed.write_text(text.replace("learning_rate=5e-5,", "learning_rate=7e-5,")
                       .replace("tokenizer, pad_to_multiple_of=32", "tokenizer, pad_to_multiple_of=8"), encoding="utf-8")
    rec = bench.recipe(changed)
    assert rec["training_args"]["learning_rate"] == 7e-5 and rec["pad_to_multiple_of"] == 8


def rows(gains: dict[str, list[float]], base: list[float]):
    out = [{"pair": i, "variant": "recipe", "accuracy": a, "n": 250, "seconds": 8.0} for i, a in enumerate(base)]
    for variant, diffs in gains.items():
        out += [{"pair": i, "variant": variant, "accuracy": a + d, "n": 250, "seconds": 8.0}
                for i, (a, d) in enumerate(zip(base, diffs))]
    return out


BASE = [0.84, 0.86, 0.87, 0.85, 0.88, 0.83, 0.86, 0.87, 0.85, 0.86, 0.84, 0.88]


def test_only_a_clear_and_large_enough_gain_is_adopted(bench):
    n = len(BASE)
    table, chosen = bench.summarize(rows({
        "lr3e-5": [0.02 + 0.004 * (i % 3) for i in range(n)],        # better on every pair, by 2+ points
        "lr8e-5": [0.004 - 0.001 * (i % 2) for i in range(n)],        # better on every pair, by too little
        "cosine": [0.03 * (-1) ** i for i in range(n)],               # a large swing, no direction
    }, BASE))
    assert chosen == "lr3e-5"
    assert table.splitlines()[0].startswith("12 pairs") and table.splitlines()[-1] == "adopt: lr3e-5"
    _, chosen = bench.summarize(rows({"lr8e-5": [0.004] * n, "cosine": [0.03 * (-1) ** i for i in range(n)]}, BASE))
    assert chosen is None


def test_holm_counts_every_variant_tried(bench):
    gain = [0.01 + 0.002 * i for i in range(6)]                # all six pairs better: Wilcoxon p = 2/64
    _, alone = bench.summarize(rows({"lr3e-5": gain}, BASE[:6]))
    noise = {f"v{k}": [0.01 * (-1) ** (i + k) for i in range(6)] for k in range(3)}
    _, among_four = bench.summarize(rows({"lr3e-5": gain, **noise}, BASE[:6]))
    assert alone == "lr3e-5" and among_four is None               # 0.031 x 4 > 0.05


def test_only_pairs_every_variant_finished_count(bench):
    data = rows({"lr3e-5": [0.0] * 12}, BASE)
    data = [r for r in data if not (r["variant"] == "lr3e-5" and r["pair"] >= 9)]
    assert bench.summarize(data)[0].startswith("9 pairs")
    with pytest.raises(SystemExit, match="no runs of the recipe"):
        bench.summarize([r for r in data if r["variant"] != "recipe"])


def test_mistakes_are_one_clear_line(bench, tmp_path):
    with pytest.raises(SystemExit, match="unknown variant 'lr9'"):
        bench.run(tmp_path, tmp_path / "r.jsonl", 1, ["recipe", "lr9"], 1, 10)
    with pytest.raises(SystemExit, match="prepare"):
        bench.run(tmp_path, tmp_path / "r.jsonl", 1, ["recipe"], 1, 10)
    with pytest.raises(SystemExit, match="no file"):
        bench.main(["summarize", str(tmp_path / "missing.jsonl")])


def test_the_stored_sweep_is_what_the_readme_reports(bench):
    stored = [json.loads(line) for line in STORED.read_text(encoding="utf-8").splitlines()]
    table, chosen = bench.summarize(stored)
    assert chosen is None
    assert table.splitlines()[0].startswith("38 pairs (hold-outs of 250 reviews)")
    readme = "\n".join(line.strip() for line in (ROOT / "README.md").read_text(encoding="utf-8").splitlines())
    assert "\n".join(line.strip() for line in table.splitlines()) in readme   # printed there as it came out


@pytest.mark.slow
def test_prepare_run_summarize_end_to_end(tmp_path):
    script = [sys.executable, str(ROOT / "benchmarks" / "recipe_sweep.py")]
    folder, out = tmp_path / "sweep", tmp_path / "r.jsonl"
    subprocess.run([*script, "prepare", str(folder), "--shrink"], check=True, capture_output=True, timeout=300)
    recipe = json.loads((folder / "recipe.json").read_text())
    assert recipe["training_args"]["learning_rate"] == 5e-5 and not (folder / "model" / "model.safetensors").exists()
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    subprocess.run([*script, "run", str(folder), "--out", str(out), "--pairs", "2", "--limit", "8", "--workers", "2",
                    "--variants", "recipe,layer-decay0.9"], check=True, capture_output=True, timeout=600,
                   env={**os.environ, "TMPDIR": str(scratch)})
    # the unpacked model and the Trainers' folders are gone (torch may leave its own compile cache there)
    assert [p.name for p in scratch.iterdir() if not p.name.startswith("torchinductor")] == []
    results = [json.loads(line) for line in out.read_text().splitlines()]
    assert sorted((r["pair"], r["variant"]) for r in results) == [
        (0, "layer-decay0.9"), (0, "recipe"), (1, "layer-decay0.9"), (1, "recipe")]
    assert all(r["n"] == 8 and len(r["correct"]) == 8 and r["steps"] == 3 for r in results)  # 8 reviews, 3 epochs
    summary = subprocess.run([*script, "summarize", str(out)], check=True, capture_output=True, text=True).stdout
    assert summary.startswith("2 pairs (hold-outs of 8 reviews)") and "adopt:" in summary
