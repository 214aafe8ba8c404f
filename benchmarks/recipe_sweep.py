"""Sweep: notebook 09's CPU recipe and variants of it, many short runs on hold-outs of the training reviews.

``finetune_recipes.py --validation`` runs notebook 09 itself, about 3.6 minutes a run on a 2-core
CPU, so an evening allows four runs per candidate – and four runs of 250 reviews cannot tell a
point apart (the recipe alone scored 0.816 to 0.896 on them).  This script is for a machine with a
GPU, where a run takes seconds: it trains the recipe and each variant on the same *pairs* – pair
*i* holds out 250 of the 1,000 training reviews (``train_test_split(test_size=250, seed=i)``, the
reviews ``--validation 250 --validation-seed i`` holds out), trains on the other 750 with training
seed *i* and scores the 250 – in parallel processes, and compares each variant with the recipe pair
by pair (Wilcoxon's signed-rank test, Holm's correction for the number of variants).  The test
reviews are never read.

One source for the recipe: ``prepare`` reads it from notebook 09 – the literal arguments of its
``TrainingArguments(...)``, the collator's ``pad_to_multiple_of``, the model's
``attention_probs_dropout_prob``, the full preset's ``epochs`` and ``max_length`` – into
``DIR/recipe.json``; ``run`` needs only that folder, torch and transformers (not the course's
other dependencies), so the folder can travel to the GPU machine::

    python benchmarks/recipe_sweep.py prepare DIR [--shrink]   # here: reviews, hold-outs, model, recipe
    python benchmarks/recipe_sweep.py run DIR --out benchmarks/results/NAME.jsonl [--pairs 40] [--workers 15] [--seconds 400]
    python benchmarks/recipe_sweep.py summarize benchmarks/results/NAME.jsonl

``--shrink`` stores only the vocabulary rows these reviews use, in float16 (the folder shrinks from
about 93 to 56 MB; no other weight changes), for a transfer with a size limit.  ``run`` gives every
pair to every variant before the next pair starts, so a run cut short by ``--seconds`` stays paired.
"""
from __future__ import annotations

import argparse
import ast
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = ROOT / "notebooks" / "09_imdb_finetuning.ipynb"
RECIPE_CELL = "60c542e4"   # notebook 09's "Model, TrainingArguments, Trainer" cell
HELD_OUT = 250
sys.path.insert(0, str(ROOT))   # tilnlp from this checkout, also where the course is not installed

# A variant changes TrainingArguments settings; keys starting with "_" are the notebook's own
# parameters (layer_decay, max_length).  Most train as long as the recipe; batch 16 and 2 epochs
# are faster, 4 epochs of 192 tokens slower (1.25x the recipe's time per run on an H200).
VARIANTS = {
    "recipe": {},
    "lr3e-5": {"learning_rate": 3e-5},
    "lr2e-5": {"learning_rate": 2e-5},
    "lr8e-5": {"learning_rate": 8e-5},
    "lr1e-4": {"learning_rate": 1e-4},
    "batch16": {"per_device_train_batch_size": 16},
    "batch16-lr1e-4": {"per_device_train_batch_size": 16, "learning_rate": 1e-4},
    "layer-decay0.9": {"_layer_decay": 0.9},
    "layer-decay0.8-lr1e-4": {"_layer_decay": 0.8, "learning_rate": 1e-4},
    "no-warmup": {"warmup_steps": 0},
    "label-smoothing0.1": {"label_smoothing_factor": 0.1},
    "cosine": {"lr_scheduler_type": "cosine"},
    "epochs2-lr8e-5": {"num_train_epochs": 2, "learning_rate": 8e-5},
    "epochs4-last192": {"num_train_epochs": 4, "_max_length": 192},
    "weight-decay0.1": {"weight_decay": 0.1},
}


# --------------------------------------------------------------------------- prepare (here)

def recipe(notebook: Path = NOTEBOOK) -> dict:
    """Notebook 09's CPU recipe: TrainingArguments' literal settings and the few others the sweep needs."""
    from tilnlp.publishing import notebooks as nbs

    nb = nbs.read(notebook)
    params = nbs.parameters(nb)
    cell = next(c for c in nb.cells if c.get("id") == RECIPE_CELL)
    calls = {}
    for node in ast.walk(ast.parse(cell.source)):
        if isinstance(node, ast.Call):
            name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
            calls.setdefault(name, {}).update({k.arg: k.value for k in node.keywords if k.arg})
    literal = {}
    for key, node in calls["TrainingArguments"].items():
        try:
            literal[key] = ast.literal_eval(node)
        except ValueError:
            pass   # output_dir, bf16=precision.bf16, seed=seed, ...: set by the sweep itself
    for key in ("eval_strategy", "logging_strategy", "save_steps", "save_total_limit"):
        literal.pop(key, None)   # evaluation, logging and saving change no weight
    literal["num_train_epochs"] = params["epochs"].default
    return {"training_args": literal, "max_length": params["max_length"].default,
            "pad_to_multiple_of": ast.literal_eval(calls["DataCollatorWithPadding"]["pad_to_multiple_of"]),
            "attention_probs_dropout_prob": ast.literal_eval(calls["from_pretrained"]["attention_probs_dropout_prob"])}


def prepare(folder: Path, shrink: bool = False) -> None:
    """Write the 1,000 training reviews (tokenised as the recipe does), the hold-outs, the model and the recipe."""
    from transformers import AutoModel, AutoTokenizer

    import tilnlp

    rec = recipe()
    course = tilnlp.setup(quiet=True)
    train = course.imdb()["train"].shuffle(seed=42).select(range(1000))   # notebook 09's selection
    model_name = course.model("bert-base-uncased")        # the hub id, a mirror's or cache's copy, or the stand-in
    folder.mkdir(parents=True, exist_ok=True)
    AutoModel.from_pretrained(model_name).save_pretrained(folder / "model")   # the pre-trained encoder and pooler
    tokenizer = AutoTokenizer.from_pretrained(model_name)
    tokenizer.truncation_side = "left"                    # as the recipe: keep a review's end
    ids = tokenizer(list(train["text"]), truncation=True, max_length=rec["max_length"])["input_ids"]
    indexed = train.add_column("i", list(range(train.num_rows)))
    splits = {}
    for pair in range(100):
        split = indexed.train_test_split(test_size=HELD_OUT, seed=pair)
        splits[pair] = {"train": list(split["train"]["i"]), "eval": list(split["test"]["i"])}
    (folder / "data.json").write_text(json.dumps({"input_ids": ids, "labels": list(train["label"]), "splits": splits}))
    (folder / "recipe.json").write_text(json.dumps(rec, indent=1))
    tokenizer.save_pretrained(folder / "model")
    if shrink:
        _shrink(folder / "model", {t for row in ids for t in row} | set(tokenizer.all_special_ids))
    print(f"wrote {folder}: 1,000 training reviews, 100 hold-outs of {HELD_OUT}, the model, the recipe "
          f"({json.dumps(rec['training_args'])})")


def _shrink(model_dir: Path, used: set[int]) -> None:
    """Replace ``model.safetensors`` by ``packed.safetensors``: only the ``used`` vocabulary rows, in float16."""
    import torch
    from safetensors.torch import load_file, save_file

    weights = load_file(model_dir / "model.safetensors")
    key = next(k for k in weights if k.endswith("word_embeddings.weight"))
    table = weights.pop(key)
    rows = torch.tensor(sorted(used))
    weights["packed.rows"], weights["packed.values"] = rows, table[rows].half().contiguous()
    save_file(weights, model_dir / "packed.safetensors", metadata={"key": key, "vocabulary": str(table.shape[0])})
    (model_dir / "model.safetensors").unlink()


def _unpack(folder: Path, target: Path) -> Path:
    """The model folder, with full weights (zeros for the vocabulary rows a shrunk folder left out, unpacked into ``target``)."""
    packed = folder / "model" / "packed.safetensors"
    if not packed.exists():
        return folder / "model"
    import shutil

    import torch
    from safetensors import safe_open
    from safetensors.torch import load_file, save_file

    with safe_open(packed, "pt") as handle:
        meta = handle.metadata()
    weights = load_file(packed)
    rows, values = weights.pop("packed.rows"), weights.pop("packed.values")
    table = torch.zeros(int(meta["vocabulary"]), values.shape[1])
    table[rows] = values.float()
    weights[meta["key"]] = table
    shutil.copytree(folder / "model", target, dirs_exist_ok=True, ignore=shutil.ignore_patterns("packed.*"))
    save_file(weights, target / "model.safetensors", metadata={"format": "pt"})
    return target


# --------------------------------------------------------------------------- run (on the GPU machine)

def _training_args(rec: dict, changes: dict, seed: int, output_dir: str):
    import inspect

    from transformers import TrainingArguments

    from tilnlp.device import mixed_precision

    settings = {**rec["training_args"], **{k: v for k, v in changes.items() if not k.startswith("_")}}
    known = inspect.signature(TrainingArguments).parameters   # a lent machine may have an older transformers:
    if "train_sampling_strategy" not in known and settings.pop("train_sampling_strategy", None) == "group_by_length":
        settings["group_by_length"] = True                       # its name for length grouping
    if "warmup_ratio" in known and 0 < settings.get("warmup_steps", 0) < 1:
        settings["warmup_ratio"] = settings.pop("warmup_steps")  # its name for a fraction of the steps
    precision = mixed_precision()
    args = TrainingArguments(output_dir=output_dir, eval_strategy="no", save_strategy="no", logging_strategy="no",
                             report_to="none", bf16=precision.bf16, fp16=precision.fp16, use_cpu=precision.use_cpu,
                             seed=seed, **settings)
    return args, precision


def train_and_score(pair: int, variant: str, data: dict, rec: dict, model_dir: Path, tokenizer, scratch: Path,
                    limit=None) -> dict:
    """One run: the variant trained on pair ``pair``'s 750 reviews, scored on its 250 held-out ones."""
    import torch
    from transformers import (
        BertForSequenceClassification,
        DataCollatorWithPadding,
        Trainer,
        set_seed,
    )

    from tilnlp.finetune import layerwise_parameter_groups

    changes = VARIANTS[variant]
    max_length = changes.get("_max_length", rec["max_length"])

    def cut(ids):   # the last max_length tokens: [CLS] + the end of the review (ids end with [SEP])
        return ids if len(ids) <= max_length else [ids[0]] + ids[-(max_length - 1):]

    split = data["splits"][str(pair)]
    train_idx, eval_idx = split["train"][:limit], split["eval"][:limit]
    train = [{"input_ids": cut(data["input_ids"][i]), "label": data["labels"][i]} for i in train_idx]
    start = time.time()
    args, precision = _training_args(rec, changes, pair, str(scratch / f"run_{pair}"))
    set_seed(pair)
    model = BertForSequenceClassification.from_pretrained(
        model_dir, num_labels=2, attention_probs_dropout_prob=rec["attention_probs_dropout_prob"],
        attn_implementation="eager" if precision.use_cpu else "sdpa")   # as the notebook
    optimizer = None
    if "_layer_decay" in changes:
        optimizer = torch.optim.AdamW(layerwise_parameter_groups(model, args.learning_rate, changes["_layer_decay"],
                                                                 args.weight_decay))
    trainer = Trainer(model=model, args=args, train_dataset=train, optimizers=(optimizer, None),
                      data_collator=DataCollatorWithPadding(tokenizer, pad_to_multiple_of=rec["pad_to_multiple_of"]))
    trainer.train()
    model.eval()
    device = next(model.parameters()).device
    preds = []
    with torch.inference_mode(), torch.autocast(device.type, dtype=torch.bfloat16, enabled=precision.bf16):
        for first in range(0, len(eval_idx), 64):
            batch = tokenizer.pad([{"input_ids": cut(data["input_ids"][i])} for i in eval_idx[first:first + 64]],
                                  return_tensors="pt").to(device)
            preds += model(**batch).logits.float().argmax(-1).tolist()
    correct = [int(p == data["labels"][i]) for p, i in zip(preds, eval_idx)]
    return {"pair": pair, "variant": variant, "accuracy": sum(correct) / len(correct), "n": len(correct),
            "correct": "".join(map(str, correct)), "seconds": round(time.time() - start, 2),
            "steps": trainer.state.global_step}


def _worker(rank: int, workers: int, tasks: list, folder: str, model_dir: str, scratch: str, out: str,
            deadline: float, limit):
    os.environ["OMP_NUM_THREADS"] = "1"
    import torch
    from transformers import AutoTokenizer
    from transformers.utils import logging

    torch.set_num_threads(1)
    logging.set_verbosity_error()
    data = json.loads((Path(folder) / "data.json").read_text())
    rec = json.loads((Path(folder) / "recipe.json").read_text())
    tokenizer = AutoTokenizer.from_pretrained(model_dir)
    for k, (pair, variant) in enumerate(tasks):
        if k % workers != rank or time.time() > deadline:
            continue
        result = train_and_score(pair, variant, data, rec, Path(model_dir), tokenizer, Path(scratch), limit)
        with open(out, "a", encoding="utf-8") as handle:
            handle.write(json.dumps(result) + "\n")


def run(folder: Path, out: Path, pairs: int, variants: list[str], workers: int, seconds: float, limit=None) -> None:
    import multiprocessing
    import tempfile

    unknown = [v for v in variants if v not in VARIANTS]
    if unknown:
        raise SystemExit(f"unknown variant {unknown[0]!r}; the variants: {', '.join(VARIANTS)}")
    if not (folder / "recipe.json").exists():
        raise SystemExit(f"{folder} has no recipe.json: run `python benchmarks/recipe_sweep.py prepare {folder}` first")
    tasks = [(pair, variant) for pair in range(pairs) for variant in variants]   # pair by pair: cut short, still paired
    with tempfile.TemporaryDirectory(prefix="recipe_sweep_") as scratch:   # an unpacked model, the Trainers' folders
        model_dir = _unpack(folder, Path(scratch) / "model")
        deadline = time.time() + seconds
        context = multiprocessing.get_context("spawn")
        procs = [context.Process(target=_worker, args=(rank, workers, tasks, str(folder), str(model_dir), scratch,
                                                       str(out), deadline, limit)) for rank in range(workers)]
        for proc in procs:
            proc.start()
        for proc in procs:
            proc.join()
    if any(proc.exitcode for proc in procs):
        raise RuntimeError("a worker failed (its traceback is above)")


# --------------------------------------------------------------------------- summarize

def summarize(rows: list[dict], min_gain: float = 0.005, alpha: float = 0.05) -> tuple[str, str | None]:
    """The table (mean, difference from the recipe with a 95 % interval, Wilcoxon and Holm p) and the verdict.

    Only pairs every variant finished count.  A variant is adopted when it is the best by mean
    among those whose mean is at least ``min_gain`` above the recipe's and whose Holm-corrected
    p-value is below ``alpha`` (the rule fixed before the GPU sweep of 2026-11-27).
    """
    import numpy as np
    from scipy.stats import t as student_t
    from scipy.stats import wilcoxon

    scores: dict[str, dict[int, float]] = {}
    seconds: dict[str, list[float]] = {}
    for row in rows:
        scores.setdefault(row["variant"], {})[row["pair"]] = row["accuracy"]
        seconds.setdefault(row["variant"], []).append(row["seconds"])
    if "recipe" not in scores:
        raise SystemExit("no runs of the recipe itself: nothing to compare with")
    pairs = sorted(set.intersection(*(set(s) for s in scores.values())))
    if len(pairs) < 2:
        raise SystemExit(f"{len(pairs)} pair(s) finished by every variant: at least 2 are needed")
    base = np.array([scores["recipe"][p] for p in pairs])
    stats = {}
    for variant, by_pair in scores.items():
        diff = np.array([by_pair[p] for p in pairs]) - base
        half = student_t.ppf(0.975, len(diff) - 1) * diff.std(ddof=1) / np.sqrt(len(diff))
        p = 1.0 if variant == "recipe" or not diff.any() else float(wilcoxon(diff).pvalue)
        stats[variant] = {"mean": base.mean() + diff.mean(), "diff": diff.mean(), "half": half, "p": p,
                          "worst": float((base + diff).min()),
                          "seconds": float(np.median(seconds[variant]))}
    others = sorted((v for v in stats if v != "recipe"), key=lambda v: stats[v]["p"])
    running = 0.0
    for rank, variant in enumerate(others):   # Holm: the k-th smallest p times (m - k), kept monotone
        running = max(running, min(1.0, stats[variant]["p"] * (len(others) - rank)))
        stats[variant]["holm"] = running
    stats["recipe"]["holm"] = float("nan")
    lines = [(f"{len(pairs)} pairs (hold-outs of {rows[0]['n']} reviews), every variant on each; "
             f"difference from the recipe with a 95 % interval"),
             f"{'variant':22s} {'mean':>6s} {'difference':>17s} {'Wilcoxon p':>10s} {'Holm p':>7s} {'worst':>6s} {'s/run':>6s}"]
    for variant in sorted(stats, key=lambda v: -stats[v]["mean"]):
        s = stats[variant]
        lines.append(f"{variant:22s} {s['mean']:6.4f} {s['diff']:+7.4f} ± {s['half']:6.4f} {s['p']:10.3g} "
                     f"{s['holm']:7.3g} {s['worst']:6.3f} {s['seconds']:6.1f}")
    eligible = [v for v in others if stats[v]["diff"] >= min_gain and stats[v]["holm"] < alpha]
    chosen = max(eligible, key=lambda v: stats[v]["mean"]) if eligible else None
    lines.append(f"adopt: {chosen}" if chosen else
                 f"adopt: none (no variant is {min_gain} above the recipe with Holm p < {alpha}); the recipe stays")
    return "\n".join(lines), chosen


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="command", required=True)
    prep = sub.add_parser("prepare", help="write the reviews, hold-outs, model and recipe into a folder")
    prep.add_argument("folder", type=Path)
    prep.add_argument("--shrink", action="store_true", help="keep only the vocabulary rows the reviews use (float16)")
    go = sub.add_parser("run", help="train the variants pair by pair; one JSON line per run")
    go.add_argument("folder", type=Path)
    go.add_argument("--out", type=Path, required=True, help="append each run as a JSON line (stored runs: benchmarks/results/)")
    go.add_argument("--pairs", type=int, default=40)
    go.add_argument("--variants", default=",".join(VARIANTS), help="comma-separated (default: all)")
    go.add_argument("--workers", type=int, default=max(1, (os.cpu_count() or 2) - 1))
    go.add_argument("--seconds", type=float, default=float("inf"), help="start no run after this many seconds")
    go.add_argument("--limit", type=int, default=None, help="train and score on only this many reviews (a smoke run)")
    sm = sub.add_parser("summarize", help="the table and the verdict")
    sm.add_argument("results", type=Path)
    return p


def main(argv=None) -> int:
    args = _parser().parse_args(argv)
    if args.command == "prepare":
        prepare(args.folder, args.shrink)
    elif args.command == "run":
        run(args.folder, args.out, args.pairs, args.variants.split(","), args.workers, args.seconds, args.limit)
    else:
        if not args.results.exists():
            raise SystemExit(f"no file {args.results}")
        rows = [json.loads(line) for line in args.results.read_text(encoding="utf-8").splitlines() if line.strip()]
        print(summarize(rows)[0])
    return 0


if __name__ == "__main__":
    sys.exit(main())
