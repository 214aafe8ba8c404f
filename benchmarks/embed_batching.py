"""Batched, length-sorted embedding vs one text at a time, on real IMDb reviews.

    python benchmarks/embed_batching.py                       # 1,000 reviews, up to 128 tokens each
    python benchmarks/embed_batching.py --n 200 --max-length 256 --batch-size 64 --unsorted

Both ways compute the same mean-pooled sentence embeddings with the encoder the course uses for
``bert-base-uncased`` (offline: all-MiniLM-L6-v2); the script checks that they agree and prints
both times and the ratio.  Notebook 06 explains why batching and sorting help.

On a CPU the ratio depends on the threads more than on the code: a single text keeps one core
busy, but torch's multi-threaded kernels lose much of their time to synchronisation on small
inputs, most of all on a busy machine.  Compare ``--threads 1`` with the default.
"""
from __future__ import annotations

import argparse
import sys
import time


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1000, help="how many IMDb reviews to embed (default: 1000)")
    parser.add_argument("--max-length", type=int, default=128, help="tokens per review at most (default: 128)")
    parser.add_argument("--batch-size", type=int, default=32, help="texts per batch (default: 32)")
    parser.add_argument("--profile", choices=["auto", "hub", "offline"], default=None,
                        help="model source (default: TILNLP_PROFILE, else auto)")
    parser.add_argument("--threads", type=int, default=None, help="torch CPU threads (default: torch's choice)")
    parser.add_argument("--unsorted", action="store_true", help="also time batches in the original order")
    return parser


def reviews(course, n: int) -> list[str]:
    """The first ``n`` reviews of the test split, then the train split (``<br />`` kept as in IMDb)."""
    imdb = course.imdb()
    texts = list(imdb["test"]["text"][:n])
    if len(texts) < n:
        texts += list(imdb["train"]["text"][:n - len(texts)])
    if len(texts) < n:
        raise SystemExit(f"only {len(texts)} reviews available, asked for --n {n}")
    return texts


def one_at_a_time(texts, model, tokenizer, max_length: int):
    """The plain loop: tokenize one text, run the model, average its token vectors."""
    import numpy as np
    import torch

    rows = []
    with torch.inference_mode():
        for text in texts:
            inputs = tokenizer(text, truncation=True, max_length=max_length, return_tensors="pt")
            rows.append(model(**inputs).last_hidden_state.mean(dim=1)[0].numpy())
    return np.stack(rows)


def timed(label: str, fn):
    print(f"timing: {label} ...", file=sys.stderr, flush=True)
    start = time.perf_counter()
    result = fn()
    seconds = time.perf_counter() - start
    return result, seconds


def main(argv=None) -> int:
    args = _parser().parse_args(argv)
    if args.n < 1 or args.max_length < 2 or args.batch_size < 1:
        raise SystemExit("--n and --batch-size must be at least 1, --max-length at least 2")
    import numpy as np
    import torch
    from transformers import AutoModel, AutoTokenizer

    import tilnlp
    from tilnlp.similarity import embed, length_sorted_batches, padding_fraction

    if args.threads:
        torch.set_num_threads(args.threads)
    course = tilnlp.setup(profile=args.profile, quiet=True)
    path = course.model("bert-base-uncased")
    tokenizer = AutoTokenizer.from_pretrained(path)
    model = AutoModel.from_pretrained(path).eval()
    texts = reviews(course, args.n)

    lengths = [len(ids) for ids in tokenizer(texts, truncation=True, max_length=args.max_length)["input_ids"]]
    in_order = [list(range(i, min(i + args.batch_size, len(texts)))) for i in range(0, len(texts), args.batch_size)]
    print(f"model: {model.config.num_hidden_layers} layers, hidden size {model.config.hidden_size} | "
          f"torch {torch.__version__}, {torch.get_num_threads()} CPU thread(s)")
    print(f"texts: {len(texts)} IMDb reviews, max_length {args.max_length}: mean {np.mean(lengths):.0f} tokens, "
          f"{sum(n == args.max_length for n in lengths)} truncated")

    embed(texts[:args.batch_size], model, tokenizer, batch_size=args.batch_size, max_length=args.max_length)  # warm-up
    single, t_single = timed("one text at a time", lambda: one_at_a_time(texts, model, tokenizer, args.max_length))
    batched, t_batched = timed("length-sorted batches",
                               lambda: embed(texts, model, tokenizer, batch_size=args.batch_size,
                                             max_length=args.max_length))
    rows = [("one text at a time", t_single, ""),
            (f"batched ({args.batch_size}), length-sorted", t_batched,
             f"padding {padding_fraction(lengths, length_sorted_batches(lengths, args.batch_size)):.1%}")]
    if args.unsorted:
        unsorted, t_unsorted = timed("batches in the original order",
                                     lambda: embed(texts, model, tokenizer, batch_size=args.batch_size,
                                                   max_length=args.max_length, sort_by_length=False))
        rows.append((f"batched ({args.batch_size}), original order", t_unsorted,
                     f"padding {padding_fraction(lengths, in_order):.1%}"))
        assert np.allclose(unsorted, single, atol=1e-4)
    for label, seconds, note in rows:
        print(f"{label:<34} {seconds:8.1f} s  {len(texts) / seconds:7.1f} texts/s  {note}")
    difference = np.abs(batched - single).max()
    print(f"speed-up, length-sorted batches vs one at a time: {t_single / t_batched:.1f}x")
    print(f"largest difference between the two embeddings: {difference:.1e}")
    if difference > 1e-4:
        print("WARNING: the two ways disagree by more than 1e-4")
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
