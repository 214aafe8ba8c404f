"""tilnlp.finetune: the plumbing of notebook 09 – prediction in order, timing, curves, padding counts, saving."""
import sys
from types import SimpleNamespace

import numpy as np
import pytest
import torch

from tilnlp import finetune as ft
from tilnlp.data import load_imdb
from tilnlp.sourcing.models import encoder_dir


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


def test_left_truncation_keeps_the_end_of_a_review(reviews):
    """Notebook 09's CPU recipe sets truncation_side = "left": the tokenizer then keeps the end."""
    from transformers import BertTokenizer

    tokenizer = BertTokenizer.from_pretrained(encoder_dir(), truncation_side="left")
    text = reviews[0]["text"]
    full = tokenizer(text)["input_ids"]
    cut = tokenizer(text, truncation=True, max_length=32)["input_ids"]
    assert len(full) > 32 and cut[0] == tokenizer.cls_token_id
    assert cut[1:] == full[-31:]  # the last 30 tokens and [SEP]


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


def test_reset_peak_memory_forgets_an_earlier_peak():
    block = np.ones(400 * 2**20 // 8)  # 400 MiB, touched
    with_block = ft.peak_memory_mib()
    del block
    assert ft.reset_peak_memory() is sys.platform.startswith("linux")  # the course's machines
    after = ft.peak_memory_mib()
    assert with_block - after > 300, (with_block, after)
    assert after > 10


def test_padded_positions_for_each_way_of_batching():
    lengths = [10, 600, 30, 20]
    assert ft.padded_positions(lengths, 2, 512, "max_length") == 4 * 512
    # sorted: [10, 20] -> 2 x 20, [30, 512] -> 2 x 512 (600 is cut at 512)
    assert ft.padded_positions(lengths, 2, 512, "sorted") == 2 * 20 + 2 * 512
    random = ft.padded_positions(lengths, 2, 512, "random", seed=0)
    assert 2 * 20 + 2 * 512 <= random <= 4 * 512
    assert ft.padded_positions(lengths, 4, 256, "sorted") == 4 * 256
    # rounded up to multiples of 32: [10, 20] -> 2 x 32, [30, 512] -> 2 x 512
    assert ft.padded_positions(lengths, 2, 512, "sorted", multiple=32) == 2 * 32 + 2 * 512
    assert ft.padded_positions([33, 64, 65], 1, 512, "sorted", multiple=32) == 64 + 64 + 96
    with pytest.raises(ValueError):
        ft.padded_positions(lengths, 2, 512, "shuffled")


def test_predict_under_bf16_autocast_agrees_with_float32_on_most_reviews(classifier, tokenizer, reviews):
    texts = list(reviews["text"])
    fp32 = ft.logits(classifier, tokenizer, texts, max_length=64)
    bf16 = ft.logits(classifier, tokenizer, texts, max_length=64, bf16=True)
    assert fp32.shape == bf16.shape == (len(texts), 2) and fp32.dtype == bf16.dtype
    assert np.abs(fp32 - bf16).max() < 0.1  # bfloat16 keeps about 3 significant digits
    assert not np.array_equal(fp32, bf16)  # it did compute in 16 bits


def test_timing_counts_training_and_evaluation_apart():
    log = [{"loss": 0.6, "epoch": 1.0}, {"eval_accuracy": 0.7, "eval_runtime": 2.0, "epoch": 1.0},
           {"loss": 0.4, "epoch": 2.0}, {"eval_accuracy": 0.8, "eval_runtime": 3.0, "epoch": 2.0},
           {"train_runtime": 25.0, "epoch": 2.0}]
    trainer = SimpleNamespace(state=SimpleNamespace(log_history=log), args=SimpleNamespace(num_train_epochs=2))
    assert ft.timing(trainer, n_examples=100) == {"train_seconds": 20.0, "eval_seconds": 5.0,
                                                   "examples_per_second": 10.0}


def _tiny_model():
    """A 2-layer BERT classifier with random weights (the same ones each time)."""
    from transformers import BertConfig, BertForSequenceClassification

    torch.manual_seed(0)
    return BertForSequenceClassification(BertConfig(vocab_size=50, hidden_size=16, num_hidden_layers=2,
                                                    num_attention_heads=2, intermediate_size=32))


def _tiny_trainer(tmp_path, epochs, model=None, **kwargs):
    """A Trainer for ``model`` (default: :func:`_tiny_model`) on 16 random sequences, batches of 4, no evaluation."""
    from datasets import Dataset
    from transformers import Trainer, TrainingArguments

    model = model or _tiny_model()
    rng = np.random.default_rng(0)
    data = Dataset.from_dict({"input_ids": rng.integers(1, 50, (16, 6)).tolist(),
                              "label": rng.integers(0, 2, 16).tolist()})
    args = TrainingArguments(output_dir=str(tmp_path), num_train_epochs=epochs, per_device_train_batch_size=4,
                             learning_rate=1e-2, report_to="none", save_strategy="no", use_cpu=True,
                             disable_tqdm=True, seed=0)
    return Trainer(model=model, args=args, train_dataset=data, **kwargs)


def test_averaged_checkpoints_end_training_with_the_mean_of_the_last_epochs(tmp_path):
    from transformers import TrainerCallback

    snapshots = []

    class Snapshot(TrainerCallback):   # runs before the averaging callback: sees each epoch's own weights
        def on_epoch_end(self, args, state, control, model=None, **kwargs):
            snapshots.append([p.detach().clone() for p in model.parameters()])

    trainer = _tiny_trainer(tmp_path, 3, callbacks=[Snapshot(), ft.averaged_checkpoints(last_epochs=2)])
    trainer.train()
    final = list(trainer.model.parameters())
    expected = [(a + b) / 2 for a, b in zip(snapshots[1], snapshots[2])]
    assert all(torch.allclose(p, e, atol=1e-6) for p, e in zip(final, expected))
    assert not all(torch.allclose(p, s) for p, s in zip(final, snapshots[2]))   # not simply the last epoch's


def test_averaged_checkpoints_change_nothing_after_a_single_epoch(tmp_path):
    trainer = _tiny_trainer(tmp_path, 1, callbacks=[ft.averaged_checkpoints(last_epochs=2)])
    trainer.train()
    snapshot = [p.detach().clone() for p in trainer.model.parameters()]
    again = _tiny_trainer(tmp_path, 1)
    again.train()
    assert all(torch.equal(a, b) for a, b in zip(snapshot, again.model.parameters()))


def test_layerwise_groups_slow_the_layers_near_the_input(tmp_path):
    trainer = _tiny_trainer(tmp_path, 1)
    groups = ft.layerwise_parameter_groups(trainer.model, 1e-3, 0.5, weight_decay=0.01)
    rate = {id(p): (g["lr"], g["weight_decay"]) for g in groups for p in g["params"]}
    named = dict(trainer.model.named_parameters())
    assert len(rate) == len(named)   # every parameter in exactly one group
    assert rate[id(named["classifier.weight"])] == (1e-3, 0.01)
    assert rate[id(named["bert.encoder.layer.1.output.dense.weight"])] == (1e-3 * 0.5, 0.01)
    assert rate[id(named["bert.encoder.layer.0.output.dense.weight"])] == (1e-3 * 0.25, 0.01)
    assert rate[id(named["bert.embeddings.word_embeddings.weight"])] == (1e-3 * 0.125, 0.01)
    assert rate[id(named["bert.encoder.layer.0.output.LayerNorm.weight"])] == (1e-3 * 0.25, 0.0)
    assert rate[id(named["classifier.bias"])] == (1e-3, 0.0)


def test_layerwise_groups_train_through_the_trainer_with_its_schedule(tmp_path):
    """Notebook 09's path for layer_decay < 1: an AdamW over the groups, the schedule from TrainingArguments."""
    model = _tiny_model()
    groups = ft.layerwise_parameter_groups(model, 1e-2, 0.5, weight_decay=0.01)
    before = {name: p.detach().clone() for name, p in model.named_parameters()}
    trainer = _tiny_trainer(tmp_path, 1, model=model, optimizers=(torch.optim.AdamW(groups, fused=True), None))
    trainer.train()
    assert trainer.state.global_step == 4
    param_groups = trainer.optimizer.param_groups
    assert sorted(g["initial_lr"] for g in param_groups) == sorted(g["lr"] for g in groups)   # each group its own rate
    assert all(g["lr"] == 0 for g in param_groups)   # ... and the Trainer's linear schedule ran it down to 0
    assert all(not torch.equal(p.detach(), before[name]) for name, p in model.named_parameters()
               if name in ("classifier.weight", "bert.embeddings.word_embeddings.weight"))


def test_every_trainer_of_the_cpu_recipe_in_notebook_09_takes_its_optimizer_and_callbacks():
    """With layer_decay or average_last_epochs set, the pre-trained model, the random-weights one (section 4)
    and the small-data runs must all train by the same recipe: each Trainer after section 1 is given both."""
    import ast

    from tilnlp.publishing import notebooks as nbs

    nb = nbs.read(nbs.find("09"))
    recipe_cells = [c for c in nb.cells if c.cell_type == "code"]
    first = next(i for i, c in enumerate(recipe_cells) if "def optimizer_for" in c.source)
    trainers = []
    for cell in recipe_cells[first:]:
        for node in ast.walk(ast.parse(cell.source)):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "Trainer":
                keywords = {k.arg: ast.unparse(k.value) for k in node.keywords}
                trainers.append((keywords.get("model"), keywords.get("optimizers"), keywords.get("callbacks")))
    assert len(trainers) >= 3   # the recipe, random weights, the data-size curve
    for model, optimizers, callbacks in trainers:
        assert optimizers == f"(optimizer_for({model}), None)" and callbacks == "callbacks", (model, optimizers)
