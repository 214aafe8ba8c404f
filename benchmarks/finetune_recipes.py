"""Benchmark: the study notes' fine-tuning recipe against the CPU recipe – by running notebook 09 itself.

There is no second copy of the experiment here.  Each recipe runs in notebook 09, executed by
the course's runner in a fresh kernel, and the notebook writes its measurements to a JSON file
(``metrics_path``): training and evaluation seconds, accuracy, per-review predictions, peak memory.

* the notes' recipe: notebook 09's section 1 – the notes' code as written – at the notes' full
  size (1,000 training reviews, 500 test reviews, 3 epochs); the CPU recipe's part of the
  notebook runs at a token size, and is not reported;
* the CPU recipe: notebook 09's section 3 at full size; the notes' section runs at a token size.

Both see the same 1,000 / 500 reviews.  Printed side by side: training time and the ratio,
accuracy with 95 % intervals, McNemar's exact test on the same reviews, peak memory (the CPU
recipe's measured for its training alone, the notes' for the notebook up to their section's end).  With
``--training-seeds 42 43`` everything runs once per seed (the CPU recipe's seed sets its head,
dropout and batch order; the notes' code fixes the Trainer's seed to its default 42, so there the
seed changes only the new head's random start).

Choosing the CPU recipe's settings must not look at the test reviews: ``--validation N`` runs only
the CPU recipe, on the training reviews minus N held out, and evaluates on those N; ``--set
KEY=VALUE`` changes one ``TrainingArguments`` setting (the notebook's ``training_changes``), ``--param
KEY=VALUE`` one of the notebook's parameters (for the CPU recipe's runs)::

    python benchmarks/finetune_recipes.py                                   # both recipes, full size, seed 42
    python benchmarks/finetune_recipes.py --training-seeds 42 43            # and another random start
    python benchmarks/finetune_recipes.py --validation 250 --validation-seed 7 --set bf16=false
    python benchmarks/finetune_recipes.py --validation 250 --param layer_decay=0.9
    python benchmarks/finetune_recipes.py --quick                           # a smoke run in a few minutes
"""
from __future__ import annotations

import argparse
import dataclasses
import json
import os
import platform
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = ROOT / "notebooks" / "09_imdb_finetuning.ipynb"
TOKEN = dict(notes_n_train=8, notes_n_test=8, notes_epochs=1)  # the notes' section when it is not measured
QUIET = dict(compare_random_init=False, train_sizes=[])  # parts of the notebook the benchmark does not need


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--training-seeds", nargs="+", type=int, default=[42], metavar="SEED",
                   help="one run of each recipe per seed (default: 42, the notes' seed)")
    p.add_argument("--validation", type=int, default=0, metavar="N",
                   help="run only the CPU recipe, evaluating on N training reviews held out (the test reviews are not used)")
    p.add_argument("--validation-seed", type=int, default=42, help="which N are held out (default 42)")
    p.add_argument("--set", action="append", default=[], metavar="KEY=VALUE", dest="overrides",
                   help="change a TrainingArguments setting of the CPU recipe, e.g. bf16=false (repeatable)")
    p.add_argument("--param", action="append", default=[], metavar="KEY=VALUE", dest="params",
                   help="set one of notebook 09's parameters for the CPU recipe's runs (repeatable)")
    p.add_argument("--quick", action="store_true", help="a smoke run: 64 training / 32 test reviews, 1 epoch")
    p.add_argument("--json", default=None, metavar="PATH", help="also write every run's metrics here (stored runs: benchmarks/results/)")
    return p


def overrides(pairs: list[str]) -> dict:
    """``["learning_rate=1e-4", "bf16=false"]`` -> ``{"learning_rate": 0.0001, "bf16": False}``.

    Every key must be a ``TrainingArguments`` setting: a typo is one clear line here, not a failed
    notebook half an hour later.
    """
    from transformers import TrainingArguments

    known = {f.name for f in dataclasses.fields(TrainingArguments)}
    out = {}
    for pair in pairs:
        key, sep, text = pair.partition("=")
        if not sep or not key:
            raise SystemExit(f"finetune_recipes: --set wants KEY=VALUE, got {pair!r}")
        if key not in known:
            raise SystemExit(f"finetune_recipes: --set {key}: not a TrainingArguments setting")
        try:
            out[key] = json.loads(text)
        except json.JSONDecodeError:
            out[key] = text  # a string such as group_by_length
    return out


def notebook_params(pairs: list[str]) -> dict:
    """``["layer_decay=0.9"]`` -> ``{"layer_decay": 0.9}``: notebook 09's parameters for the CPU recipe's runs.

    Read and checked against the notebook's ``parameters`` cell (name and type) as ``tilnlp run -p`` does.
    """
    from tilnlp.errors import UserError
    from tilnlp.publishing import notebooks as nbs

    try:
        return nbs.check_parameters(nbs.read(NOTEBOOK), NOTEBOOK, nbs.parse_params(pairs))
    except UserError as error:
        raise SystemExit(f"finetune_recipes: --param: {error}") from None


def runs(opts: dict) -> list[tuple[str, int, dict]]:
    """``(recipe, seed, notebook parameters)`` for every notebook run the options ask for."""
    size = dict(n_train=64, n_test=32, epochs=1) if opts["quick"] else dict(n_train=1000, n_test=500, epochs=3)
    out = []
    for seed in opts["training_seeds"]:
        cpu = dict(seed=seed, **TOKEN, **QUIET, **size, training_changes=opts["overrides"], **opts["params"])
        if opts["validation"]:
            if not 0 < opts["validation"] < size["n_train"]:
                raise SystemExit(f"finetune_recipes: --validation must be between 1 and {size['n_train'] - 1}")
            out.append(("cpu", seed, {**cpu, "validation": opts["validation"], "validation_seed": opts["validation_seed"]}))
            continue
        notes = dict(seed=seed, notes_n_train=size["n_train"], notes_n_test=size["n_test"], notes_epochs=size["epochs"],
                     **QUIET, n_train=64, n_test=8, epochs=1)
        out += [("notes", seed, notes), ("cpu", seed, cpu)]
    return out


def run_notebook(params: dict, folder: Path) -> dict:
    """Execute notebook 09 with ``params`` in a fresh kernel; return the metrics it wrote."""
    from tilnlp.publishing import runner

    metrics = folder / "metrics.json"
    [result] = runner.run([NOTEBOOK], folder, {NOTEBOOK.stem: {**params, "metrics_path": str(metrics)}},
                          preset="full", profile="offline")
    if result.status != "passed":
        raise SystemExit(f"finetune_recipes: notebook 09 {result.status}: {result.error} (copy: {result.output})")
    return json.loads(metrics.read_text())


def _load() -> str:
    one, five, _ = os.getloadavg()
    return f"load average {one:.2f} (1 min), {five:.2f} (5 min) on {os.cpu_count()} CPUs"


def _line(name: str, part: dict, evaluated_on: str) -> str:
    from tilnlp.evaluation import accuracy_with_ci

    acc, low, high = accuracy_with_ci(part["labels"], part["predictions"])
    return (f"   {name}: training {part['train_seconds']:.1f} s (+ {part['eval_seconds']:.1f} s evaluating), "
            f"{part['examples_per_second']:.2f} examples/s; {evaluated_on} accuracy {acc:.4f} "
            f"(95% CI {low:.3f}-{high:.3f}) on {len(part['labels'])} reviews; {_memory(part)}")


def _memory(part: dict) -> str:
    """The CPU recipe's training is measured on its own; the notes' section is the notebook's start."""
    gib = part["peak_memory_mib"] / 1024
    if "notebook_peak_memory_mib" in part:
        return (f"peak memory while training {gib:.2f} GiB (the whole notebook, the notes' section at "
                f"a token size included: {part['notebook_peak_memory_mib'] / 1024:.2f} GiB)")
    return f"peak memory {gib:.2f} GiB (the notebook up to the end of the notes' section)"


def compare(notes: dict, cpu: dict) -> dict:
    """Time ratio, accuracies and McNemar's test of the two recipes on the same reviews."""
    from tilnlp.evaluation import paired_comparison

    if notes["labels"] != cpu["labels"]:
        raise SystemExit("finetune_recipes: the two runs were evaluated on different reviews")
    pair = paired_comparison(notes["labels"], notes["predictions"], cpu["predictions"])
    return {"ratio": notes["train_seconds"] / cpu["train_seconds"], **pair}


def main(argv=None) -> int:
    opts = vars(_parser().parse_args(argv))
    opts["overrides"] = overrides(opts["overrides"])
    opts["params"] = notebook_params(opts["params"])
    plan = runs(opts)
    print(f"finetune_recipes: notebook 09, {len(plan)} run(s); python {platform.python_version()} on "
          f"{platform.machine()}; {_load()}", flush=True)
    results = []
    with tempfile.TemporaryDirectory(prefix="tilnlp-bench-") as tmp:
        for i, (recipe, seed, params) in enumerate(plan):
            print(f"\n== {recipe} recipe, seed {seed} ...", flush=True)
            metrics = run_notebook(params, Path(tmp) / f"run{i}")
            part = metrics[recipe]
            results.append({"recipe": recipe, "seed": seed, "params": params, "metrics": metrics})
            print(_line(recipe, part, metrics["evaluated_on"]))
            if recipe == "cpu":
                print(f"   per epoch: {part['per_epoch']}; {metrics['precision']}; {_load()}", flush=True)
    summary = []
    for seed in opts["training_seeds"]:
        mine = {r["recipe"]: r["metrics"][r["recipe"]] for r in results if r["seed"] == seed}
        if {"notes", "cpu"} <= set(mine):
            c = compare(mine["notes"], mine["cpu"])
            summary.append(c)
            print(f"\n== seed {seed}: the notes' recipe vs the CPU recipe")
            print(f"   training time, notes / CPU: {c['ratio']:.2f}x")
            print(f"   same {len(mine['cpu']['labels'])} test reviews: both right {c['both']}, both wrong {c['neither']}, "
                  f"only the notes' right {c['a_only']}, only the CPU recipe right {c['b_only']}")
            verdict = "a difference chance alone rarely produces" if c["p_value"] < 0.05 else \
                "within what chance produces: no evidence that either recipe is more accurate"
            print(f"   McNemar's exact test: p = {c['p_value']:.3f} ({verdict})")
    if summary:
        print(f"\nover {len(summary)} seed(s): time ratio {min(s['ratio'] for s in summary):.2f}x to "
              f"{max(s['ratio'] for s in summary):.2f}x")
    print(f"after: {_load()}")
    if opts["json"]:
        Path(opts["json"]).write_text(json.dumps({"options": opts, "runs": results}, indent=1))
        print(f"wrote {opts['json']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
