"""Training with PyTorch's fused attention (``sdpa``) against the plain one (``eager``), side by side.

    python benchmarks/attention_kernels.py                     # one epoch on 1,000 IMDb reviews per run, 2 rounds
    python benchmarks/attention_kernels.py --n 64 --max-length 64 --rounds 1

Notebook 09's CPU recipe fine-tunes the encoder the course uses for ``bert-base-uncased``
(offline: all-MiniLM-L6-v2) with no dropout on the attention weights, in length-grouped batches of
8 padded to a multiple of 32 tokens (the last 256 of each review), under bfloat16 autocast where
the processor has it natively.  This script trains exactly so for one epoch with each attention
implementation, from the same weights on the same batches in the same order, alternating between
them round by round so that a change in the machine's load hits both.  It first checks that the
two compute the same thing (the logits of a batch), then prints each run's training time and peak
memory, and the ratio of the median times.
"""
from __future__ import annotations

import argparse
import statistics
import time

IMPLEMENTATIONS = ("sdpa", "eager")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1000, help="training reviews (default: 1000, the notes')")
    parser.add_argument("--max-length", type=int, default=256, help="tokens kept per review (default: 256)")
    parser.add_argument("--rounds", type=int, default=2, help="alternating rounds (default: 2)")
    parser.add_argument("--profile", choices=["auto", "hub", "offline"], default=None,
                        help="model source (default: TILNLP_PROFILE, else auto)")
    return parser


def new_model(name, impl: str, seed: int = 42):
    """The recipe's model with attention implementation ``impl``; its new head is drawn from ``seed``,
    so two calls with the same seed give the same weights whatever ran before."""
    from transformers import BertForSequenceClassification, set_seed

    set_seed(seed)
    return BertForSequenceClassification.from_pretrained(name, num_labels=2, attention_probs_dropout_prob=0.0,
                                                         attn_implementation=impl)


def max_logit_difference(name, batch, bf16: bool) -> float:
    """How far apart the two implementations' logits for ``batch`` are (the same weights, new head
    included, and no dropout: only the attention code differs)."""
    import torch

    logits = []
    for impl in IMPLEMENTATIONS:
        with torch.inference_mode(), torch.autocast("cpu", dtype=torch.bfloat16, enabled=bf16):
            logits.append(new_model(name, impl).eval()(**batch).logits.float())
    return float((logits[0] - logits[1]).abs().max())


def main(argv=None) -> int:
    args = _parser().parse_args(argv)
    if args.n < 8 or args.max_length < 8 or args.rounds < 1:
        raise SystemExit("--n and --max-length must be at least 8, --rounds at least 1")
    import tempfile

    from transformers import (
        AutoTokenizer,
        DataCollatorWithPadding,
        Trainer,
        TrainingArguments,
    )
    from transformers.utils import logging as hf_logging

    import tilnlp
    from tilnlp.device import mixed_precision
    from tilnlp.finetune import peak_memory_mib, reset_peak_memory

    hf_logging.set_verbosity_error()
    course = tilnlp.setup(seed=42, profile=args.profile, quiet=True)
    precision = mixed_precision()
    name = course.model("bert-base-uncased")
    tokenizer = AutoTokenizer.from_pretrained(name)
    tokenizer.truncation_side = "left"   # as the recipe: the end of each review
    train = course.imdb()["train"].shuffle(seed=42)
    train = train.select(range(min(args.n, train.num_rows)))
    train = train.map(lambda b: tokenizer(b["text"], truncation=True, max_length=args.max_length),
                      batched=True, remove_columns=["text"])
    collator = DataCollatorWithPadding(tokenizer, pad_to_multiple_of=32)
    difference = max_logit_difference(name, collator([train[i] for i in range(8)]), precision.bf16)
    print(f"{train.num_rows} reviews, last {args.max_length} tokens, batch 8, one epoch per run; {precision.why}")
    print(f"the two implementations' logits for 8 reviews differ by at most {difference:.1e}")

    seconds = {impl: [] for impl in IMPLEMENTATIONS}
    with tempfile.TemporaryDirectory() as scratch:
        training_args = TrainingArguments(
            output_dir=scratch, num_train_epochs=1, per_device_train_batch_size=8, learning_rate=5e-5,
            warmup_steps=0.1, weight_decay=0.01, train_sampling_strategy="group_by_length",
            eval_strategy="no", save_strategy="no", report_to="none", disable_tqdm=True, seed=42,
            bf16=precision.bf16, fp16=precision.fp16, use_cpu=precision.use_cpu)
        for round_ in range(1, args.rounds + 1):
            for impl in IMPLEMENTATIONS:
                # new_model seeds the new head: the same for both
                trainer = Trainer(model=new_model(name, impl), args=training_args, train_dataset=train,
                                  data_collator=collator)
                reset_peak_memory()
                start = time.perf_counter()
                loss = trainer.train().training_loss
                seconds[impl].append(time.perf_counter() - start)
                print(f"round {round_}, {impl:<5}: {seconds[impl][-1]:6.1f} s, training loss {loss:.4f}, "
                      f"peak memory {peak_memory_mib() / 1024:.2f} GiB", flush=True)
    median = {impl: statistics.median(s) for impl, s in seconds.items()}
    print(f"median: sdpa {median['sdpa']:.1f} s, eager {median['eager']:.1f} s: "
          f"eager trains {median['sdpa'] / median['eager']:.2f}x as fast")
    # 16-bit keeps about 3 significant digits (measured: 4e-4 in bfloat16, 4e-8 in float32, 8 reviews of 32 tokens)
    limit = 0.02 if precision.bf16 or precision.fp16 else 1e-4
    if difference > limit:
        print(f"WARNING: the two implementations' logits differ by more than {limit:g}")
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
