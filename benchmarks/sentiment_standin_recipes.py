"""Choose the offline sentiment stand-in's recipe on validation reviews – never on the data it is reported on.

The stand-in (``tilnlp/sourcing/standins/sentiment.py``) is reported on gensim's 200 Pang & Lee sentences
and on the 1,000 IMDb test reviews.  Neither may choose it.  So each candidate recipe is trained
on the 1,000 IMDb *training* reviews minus a held-out part, and scored on that held-out part:

* **reviews** – the held-out reviews, whole, through ``pipeline(..., truncation=True)`` (as
  notebook 02 measures IMDb), once keeping each long review's end (``truncation_side="left"``)
  and once its beginning ("right");
* **sentences** – the first and the last sentence of every held-out review, each labelled with
  its review's label: short texts, like the Pang & Lee sentences, without looking at them.

The rule, fixed before running: the highest mean of the review accuracy (better truncation side)
and the sentence accuracy, averaged over the hold-outs; a build longer than 5 minutes on this
machine is out.  Each run is printed as it finishes, then a table.

    python benchmarks/sentiment_standin_recipes.py                      # all candidates, hold-outs 42 and 7
    python benchmarks/sentiment_standin_recipes.py --candidates ends128 --holdout-seeds 42
"""
from __future__ import annotations

import argparse
import os
import platform
import sys
import time

from tilnlp.sourcing.standins.sentiment import RECIPE, Recipe

CANDIDATES = {
    "pieces": Recipe(piece_tokens=48, end_tokens=0, epochs=2),  # the first stand-in's recipe
    "ends128": Recipe(piece_tokens=48, end_tokens=128, epochs=2),
    "ends256": Recipe(piece_tokens=48, end_tokens=256, epochs=2),
    "ends128-3ep": Recipe(piece_tokens=48, end_tokens=128, epochs=3),
}


def evaluate(name: str, recipe: Recipe, holdout_seed: int, n_holdout: int) -> dict:
    from tilnlp.data import clean_review, load_imdb
    from tilnlp.evaluation import accuracy_with_ci
    from tilnlp.seeding import deterministic
    from tilnlp.sourcing.standins import sentiment
    from tilnlp.text import split_sentences

    split = load_imdb()["train"].train_test_split(test_size=n_holdout, seed=holdout_seed)
    train, held = split["train"], split["test"]
    threads = min(2, os.cpu_count() or 1)
    with deterministic(sentiment.SEED, threads):
        tokenizer = sentiment.new_tokenizer(recipe)
        model = sentiment.new_model()
        examples = sentiment.training_examples(train["text"], train["label"], tokenizer, recipe)
        seconds = sentiment.fine_tune(model, tokenizer, examples, recipe)
        texts = [clean_review(t) for t in held["text"]]
        reviews = {}
        for side in ("left", "right"):
            tokenizer.truncation_side = side
            reviews[side] = accuracy_with_ci(held["label"], sentiment.pipeline_predictions(model, tokenizer, texts))[0]
        sentences, sentence_labels = [], []
        for text, label in zip(texts, held["label"]):
            parts = split_sentences(text)
            for sentence in {parts[0], parts[-1]} if parts else ():
                sentences.append(sentence)
                sentence_labels.append(label)
        sentence_acc = accuracy_with_ci(sentence_labels, sentiment.pipeline_predictions(model, tokenizer, sentences))[0]
    return {"candidate": name, "holdout_seed": holdout_seed, "n_train": train.num_rows, "n_examples": len(examples),
            "train_seconds": round(seconds, 1), "reviews_left": reviews["left"], "reviews_right": reviews["right"],
            "sentences": sentence_acc, "n_sentences": len(sentences)}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--candidates", nargs="+", default=list(CANDIDATES), choices=list(CANDIDATES))
    parser.add_argument("--holdout-seeds", nargs="+", type=int, default=[42, 7])
    parser.add_argument("--holdout", type=int, default=200, help="training reviews held out (default 200 of 1,000)")
    opts = parser.parse_args(argv)
    print(f"sentiment_standin_recipes: hold out {opts.holdout} of the 1,000 IMDb training reviews "
          f"(seeds {opts.holdout_seeds}); python {platform.python_version()} on {platform.machine()}, "
          f"load {os.getloadavg()[0]:.2f}", flush=True)
    rows = []
    for seed in opts.holdout_seeds:
        for name in opts.candidates:
            start = time.perf_counter()
            row = evaluate(name, CANDIDATES[name], seed, opts.holdout)
            rows.append(row)
            print(f"  {name:<12} hold-out {seed:>3}: reviews {row['reviews_left']:.3f} (end kept) / "
                  f"{row['reviews_right']:.3f} (start kept), sentences {row['sentences']:.3f} ({row['n_sentences']}); "
                  f"training {row['train_seconds']:.0f} s on {row['n_examples']} examples, "
                  f"{time.perf_counter() - start:.0f} s in all", flush=True)
    print("\n| candidate | reviews, end kept | reviews, start kept | sentences | mean (better side, sentences) | training s |")
    print("|---|---|---|---|---|---|")
    scores = {}
    for name in opts.candidates:
        mine = [r for r in rows if r["candidate"] == name]
        mean = lambda key: sum(r[key] for r in mine) / len(mine)
        best_side = max(mean("reviews_left"), mean("reviews_right"))
        scores[name] = (best_side + mean("sentences")) / 2
        print(f"| {name} | {mean('reviews_left'):.3f} | {mean('reviews_right'):.3f} | {mean('sentences'):.3f} | "
              f"{scores[name]:.3f} | {mean('train_seconds'):.0f} |")
    chosen = max(scores, key=scores.get)
    print(f"\nhighest mean: {chosen}; the stand-in's recipe now: "
          f"{next((n for n, r in CANDIDATES.items() if r == RECIPE), 'not among the candidates')}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
