"""Benchmark: the study notes' fine-tuning recipe against the fast CPU recipe, on the same reviews.

Both recipes come from ``tilnlp.finetune`` – the same helpers notebook 09 uses – and run one
after the other, each in a fresh process (so each gets its own peak-memory reading), on the
same IMDb training and test reviews, with the same seed.  For each recipe it prints the
training time (wall clock and CPU), how much of it was the per-epoch evaluation, training
examples per second, the test accuracy after the last epoch and the peak resident memory;
then the ratio of the training times.

    python benchmarks/finetune_recipes.py                       # 1,000 train / 500 test, each recipe's own epochs
    python benchmarks/finetune_recipes.py --epochs-seed 1       # time the seed recipe for 1 epoch only
    python benchmarks/finetune_recipes.py --training-seed 43    # the same reviews, another random start
    python benchmarks/finetune_recipes.py --n-train 64 --n-test 32 --epochs-seed 1 --epochs-fast 1   # smoke run

Choosing a recipe's settings must not look at the test reviews.  ``--validation N`` holds out N
of the training reviews, trains on the rest and evaluates on those N instead (the test reviews
are not loaded); ``--set key=value`` changes one ``TrainingArguments`` setting of the recipes run::

    python benchmarks/finetune_recipes.py --recipes fast --validation 250 --validation-seed 7 \
        --set learning_rate=1e-4 --set per_device_train_batch_size=16

Nothing is extrapolated: when a recipe runs fewer epochs than its own, the output says so,
and the ratio it prints is then per epoch, labelled as such.
"""
from __future__ import annotations

import argparse
import dataclasses
import json
import multiprocessing as mp
import os
import platform
import sys
import tempfile
import time


def _parser() -> argparse.ArgumentParser:
    from tilnlp.finetune import RECIPES

    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--n-train", type=int, default=1000, help="training reviews (default 1000, the notes' size)")
    p.add_argument("--n-test", type=int, default=500, help="test reviews (default 500, the notes' size)")
    p.add_argument("--epochs-seed", type=float, default=None,
                   help=f"epochs for the seed recipe (default: its own, {RECIPES['seed'].epochs})")
    p.add_argument("--epochs-fast", type=float, default=None,
                   help=f"epochs for the fast recipe (default: its own, {RECIPES['fast'].epochs})")
    p.add_argument("--max-length-seed", type=int, default=None, help="override the seed recipe's max_length")
    p.add_argument("--max-length-fast", type=int, default=None, help="override the fast recipe's max_length")
    p.add_argument("--recipes", nargs="+", default=["seed", "fast"], choices=sorted(RECIPES),
                   help="which recipes to run, in this order (default: seed fast)")
    p.add_argument("--seed", type=int, default=42, help="which reviews are picked (the notes: 42)")
    p.add_argument("--training-seed", type=int, default=None,
                   help="seed of the new head, dropout and the batch order (default: --seed); "
                        "another value measures run-to-run spread on the same reviews")
    p.add_argument("--profile", default="offline", choices=["auto", "hub", "offline"],
                   help="model source for bert-base-uncased (default offline: the packaged MiniLM encoder)")
    p.add_argument("--train-path", default=None, help="a text,label CSV file instead of IMDb's training reviews")
    p.add_argument("--test-path", default=None, help="a text,label CSV file instead of IMDb's test reviews")
    p.add_argument("--validation", type=int, default=0, metavar="N",
                   help="hold out N of the training reviews and evaluate on them instead of the test reviews")
    p.add_argument("--validation-seed", type=int, default=42, help="which N are held out (default 42)")
    p.add_argument("--set", action="append", default=[], metavar="KEY=VALUE", dest="overrides",
                   help="change a TrainingArguments setting of the recipes run, e.g. learning_rate=1e-4 (repeatable)")
    p.add_argument("--json", default=None, metavar="PATH", help="also write the results as JSON here")
    return p


def _overrides(pairs: list[str]) -> dict:
    """``["learning_rate=1e-4", "per_device_train_batch_size=16"]`` -> {"learning_rate": 0.0001, ...}.

    Every key must be a ``TrainingArguments`` setting: a typo is one clear line here, not a
    traceback from a spawned process after the data has been loaded.
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


def _progress_callback(name: str, evaluated_on: str):
    """A TrainerCallback that prints one line per evaluation, so a long run shows signs of life."""
    from transformers import TrainerCallback

    class Progress(TrainerCallback):
        def on_train_begin(self, args, state, control, **kwargs):
            self.start = time.perf_counter()

        def on_evaluate(self, args, state, control, metrics=None, **kwargs):
            print(f"   [{name}] epoch {state.epoch:g}: {evaluated_on} accuracy {metrics.get('eval_accuracy', float('nan')):.4f}, "
                  f"{time.perf_counter() - self.start:.0f} s since the start", flush=True)

    return Progress()


def select_reviews(dataset, opts: dict):
    """The (training, evaluation) reviews: the notes' selection, or with ``--validation`` a hold-out.

    Both splits are shuffled with ``opts["seed"]`` and cut to ``n_train``/``n_test``.  With
    ``opts["validation"] = N``, N of those training reviews are held out (``validation_seed``)
    and evaluated on instead, so the test reviews are never looked at.
    """
    train = dataset["train"].shuffle(seed=opts["seed"]).select(range(min(opts["n_train"], dataset["train"].num_rows)))
    if opts["validation"]:
        held_out = train.train_test_split(test_size=opts["validation"], seed=opts["validation_seed"])
        return held_out["train"], held_out["test"]
    return train, dataset["test"].shuffle(seed=opts["seed"]).select(range(min(opts["n_test"], dataset["test"].num_rows)))


def run_recipe(name: str, opts: dict) -> dict:
    """Fine-tune with one recipe exactly as notebook 09 does; return its measurements."""
    import torch
    from transformers import BertForSequenceClassification, BertTokenizer, Trainer, TrainingArguments
    from transformers.utils import logging as hf_logging

    import tilnlp
    from tilnlp import finetune as ft

    hf_logging.set_verbosity_error()
    training_seed = opts["seed"] if opts["training_seed"] is None else opts["training_seed"]
    course = tilnlp.setup(seed=training_seed, profile=opts["profile"], quiet=True)
    spec = ft.get_recipe(name)
    if opts["overrides"]:
        spec = dataclasses.replace(spec, training_args={**spec.training_args, **opts["overrides"]},
                                   summary=f"{spec.summary}; changed: {opts['overrides']}")
    epochs = opts[f"epochs_{name}"] if opts.get(f"epochs_{name}") is not None else spec.epochs
    max_length = opts.get(f"max_length_{name}") or spec.max_length

    dataset = course.imdb(train_path=opts["train_path"], test_path=opts["test_path"])
    train, test = select_reviews(dataset, opts)

    model_name = course.model("bert-base-uncased")
    tokenizer = BertTokenizer.from_pretrained(model_name)
    tokenizer.truncation_side = spec.truncation_side
    train_tok = ft.tokenize(train, tokenizer, spec, max_length)
    test_tok = ft.tokenize(test, tokenizer, spec, max_length)
    model = BertForSequenceClassification.from_pretrained(
        model_name, num_labels=2, id2label=ft.ID2LABEL, label2id=ft.LABEL2ID, **spec.model_kwargs)

    with tempfile.TemporaryDirectory(prefix=f"tilnlp-bench-{name}-") as tmp:
        args = TrainingArguments(output_dir=tmp, **ft.training_kwargs(spec, seed=training_seed, epochs=epochs))
        trainer = Trainer(model=model, args=args, train_dataset=train_tok, eval_dataset=test_tok,
                          data_collator=ft.data_collator(tokenizer, spec), compute_metrics=ft.compute_metrics,
                          callbacks=[_progress_callback(name, opts["evaluated_on"])])
        cpu0, wall0 = time.process_time(), time.perf_counter()
        trainer.train()
        wall = time.perf_counter() - wall0
        cpu = time.process_time() - cpu0
        # After the timing, so not counted.  Not trainer.predict(): with group_by_length, transformers 5
        # also length-groups (and shuffles) the evaluation batches, so its rows come back out of order.
        predictions = ft.predict(trainer.model, tokenizer, list(test["text"]), max_length=max_length)
    evals = [e for e in trainer.state.log_history if "eval_accuracy" in e]
    eval_seconds = sum(e["eval_runtime"] for e in evals)
    return {
        "recipe": name,
        "summary": spec.summary,
        "epochs_run": epochs,
        "recipe_epochs": spec.epochs,
        "max_length": max_length,
        "n_train": train.num_rows,
        "n_test": test.num_rows,
        "steps": trainer.state.global_step,
        "train_seconds_incl_eval": round(wall, 1),
        "eval_seconds": round(eval_seconds, 1),
        "train_seconds": round(wall - eval_seconds, 1),
        "cpu_seconds": round(cpu, 1),
        "examples_per_second": round(train.num_rows * epochs / (wall - eval_seconds), 2),
        "accuracy": evals[-1]["eval_accuracy"] if evals else None,
        "accuracy_per_epoch": [round(e["eval_accuracy"], 4) for e in evals],
        "peak_rss_mib": round(ft.peak_memory_mib(), 1),
        "labels": [int(y) for y in test["label"]],
        "predictions": [int(p) for p in predictions],
        "torch_threads": torch.get_num_threads(),
    }


def _print_paired(seed: dict, fast: dict, evaluated_on: str = "test") -> None:
    """Is the accuracy difference more than chance? McNemar's exact test on the same reviews."""
    from tilnlp.evaluation import paired_comparison

    if seed["labels"] != fast["labels"]:
        return
    out = paired_comparison(seed["labels"], seed["predictions"], fast["predictions"])
    print(f"   same {len(seed['labels'])} {evaluated_on} reviews: both right {out['both']}, both wrong {out['neither']}, "
          f"only seed right {out['a_only']}, only fast right {out['b_only']}")
    verdict = "a difference chance alone rarely produces" if out["p_value"] < 0.05 else \
        "within what chance produces: no evidence that either recipe is more accurate"
    print(f"   McNemar's exact test: p = {out['p_value']:.3f} ({verdict})")


def _run_in_fresh_process(name: str, opts: dict) -> dict:
    with mp.get_context("spawn").Pool(1) as pool:
        return pool.apply(run_recipe, (name, opts))


def _load() -> str:
    try:
        one, five, _ = os.getloadavg()
        return f"load average {one:.2f} (1 min), {five:.2f} (5 min) on {os.cpu_count()} CPUs"
    except OSError:
        return "load average unknown"


def main(argv=None) -> int:
    opts = vars(_parser().parse_args(argv))
    opts["overrides"] = _overrides(opts["overrides"])
    opts["evaluated_on"] = "validation" if opts["validation"] else "test"
    if opts["validation"]:
        if not 0 < opts["validation"] < opts["n_train"]:
            raise SystemExit(f"finetune_recipes: --validation must be between 1 and --n-train - 1 ({opts['n_train'] - 1})")
        where = (f"{opts['n_train'] - opts['validation']} training / {opts['validation']} VALIDATION reviews "
                 f"(held out of the {opts['n_train']} training reviews, seed {opts['validation_seed']}; "
                 "the test reviews are not used)")
    else:
        where = f"{opts['n_train']} training / {opts['n_test']} test reviews"
    seeds = f"seed {opts['seed']}" if opts["training_seed"] is None else \
        f"reviews picked with seed {opts['seed']}, training seed {opts['training_seed']}"
    print(f"finetune_recipes: {where}, {seeds}, "
          f"profile {opts['profile']}; python {platform.python_version()} on {platform.machine()}")
    print(f"before: {_load()}")
    results = []
    for name in opts["recipes"]:
        print(f"\n== recipe {name!r} ...", flush=True)
        res = _run_in_fresh_process(name, opts)
        results.append(res)
        partial = "" if res["epochs_run"] == res["recipe_epochs"] else \
            f"  (ONLY {res['epochs_run']:g} of the recipe's {res['recipe_epochs']:g} epochs were run)"
        print(f"   {res['summary']}{partial}")
        print(f"   {res['epochs_run']:g} epoch(s), {res['steps']} steps, max_length {res['max_length']}")
        print(f"   training {res['train_seconds']:.1f} s (+ {res['eval_seconds']:.1f} s evaluating after each epoch; "
              f"{res['train_seconds_incl_eval']:.1f} s in all), CPU time {res['cpu_seconds']:.1f} s "
              f"on {res['torch_threads']} threads")
        print(f"   {res['examples_per_second']:.2f} training examples/second")
        print(f"   {opts['evaluated_on']} accuracy {res['accuracy']:.4f} (per epoch: {res['accuracy_per_epoch']})")
        print(f"   peak resident memory {res['peak_rss_mib']:.0f} MiB ({res['peak_rss_mib'] / 1024:.2f} GiB)")
        print(f"   {_load()}", flush=True)

    by_name = {r["recipe"]: r for r in results}
    if {"seed", "fast"} <= set(by_name):
        seed, fast = by_name["seed"], by_name["fast"]
        print("\n== comparison")
        full = seed["epochs_run"] == seed["recipe_epochs"] and fast["epochs_run"] == fast["recipe_epochs"]
        if full:
            ratio = seed["train_seconds"] / fast["train_seconds"]
            ratio_all = seed["train_seconds_incl_eval"] / fast["train_seconds_incl_eval"]
            print(f"   training time, seed / fast: {ratio:.2f}x ({ratio_all:.2f}x including the evaluations)")
            print(f"   accuracy: seed {seed['accuracy']:.4f}, fast {fast['accuracy']:.4f} "
                  f"({'same or better' if fast['accuracy'] >= seed['accuracy'] else 'lower'} with the fast recipe)")
            _print_paired(seed, fast, opts["evaluated_on"])
        else:
            per_seed = seed["train_seconds"] / seed["epochs_run"]
            per_fast = fast["train_seconds"] / fast["epochs_run"]
            print(f"   the recipes did not both run their own number of epochs (seed {seed['epochs_run']:g}/"
                  f"{seed['recipe_epochs']:g}, fast {fast['epochs_run']:g}/{fast['recipe_epochs']:g}): "
                  "no full-run time ratio or accuracy comparison is claimed")
            print(f"   measured training seconds per epoch: seed {per_seed:.1f}, fast {per_fast:.1f} "
                  f"-> {per_seed / per_fast:.2f}x per epoch")
        worst = max(r["peak_rss_mib"] for r in results)
        print(f"   peak resident memory: {worst / 1024:.2f} GiB at most ({'under' if worst < 4096 else 'OVER'} 4 GiB)")
    print(f"\nafter: {_load()}")
    if opts["json"]:
        with open(opts["json"], "w", encoding="utf-8") as handle:
            json.dump({"options": opts, "results": results}, handle, indent=2)
        print(f"wrote {opts['json']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
