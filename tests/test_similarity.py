"""tilnlp.similarity: the numpy measures against scipy/sklearn, and pooling on the real encoder."""
import numpy as np
import pytest
from scipy.spatial import distance
from sklearn.metrics.pairwise import cosine_similarity, euclidean_distances

from tilnlp import similarity as sim

RNG = np.random.default_rng(0)
A, B = RNG.normal(size=16), RNG.normal(size=16)
X, Y = RNG.normal(size=(5, 16)), RNG.normal(size=(3, 16))

SENTENCES = [
    "The king ruled his kingdom with wisdom and courage, earning the respect of his subjects.",
    "The queen held a grand banquet.",
    "A short one.",
    "Dolphins are known for their intelligence and playful behavior, and they live in groups called pods.",
]


def test_cosine_and_euclidean_equal_scipy():
    assert sim.cosine(A, B) == pytest.approx(1 - distance.cosine(A, B), abs=1e-12)
    assert sim.euclidean(A, B) == pytest.approx(distance.euclidean(A, B), abs=1e-12)
    assert sim.cosine([1, 0], [0, 1]) == 0.0
    assert sim.cosine([1, 2, 3], [2, 4, 6]) == pytest.approx(1.0)  # same direction, twice as long
    assert sim.euclidean([1, 2, 3], [2, 4, 6]) == pytest.approx(np.sqrt(14))


def test_matrices_equal_sklearn():
    np.testing.assert_allclose(sim.cosine_matrix(X, Y), cosine_similarity(X, Y), atol=1e-12)
    np.testing.assert_allclose(sim.euclidean_matrix(X, Y), euclidean_distances(X, Y), atol=1e-12)
    np.testing.assert_allclose(sim.cosine_matrix(X), cosine_similarity(X), atol=1e-12)
    assert np.all(np.diag(sim.euclidean_matrix(X)) == 0)


def test_unit_vectors_squared_distance_is_two_minus_two_cosine():
    a, b = sim.l2_normalize(A), sim.l2_normalize(B)
    assert np.linalg.norm(a) == pytest.approx(1.0)
    assert sim.euclidean(a, b) ** 2 == pytest.approx(2 - 2 * sim.cosine(a, b), abs=1e-12)
    xn = sim.l2_normalize(X)
    np.testing.assert_allclose(sim.euclidean_matrix(xn) ** 2, 2 - 2 * sim.cosine_matrix(xn), atol=1e-12)


def test_normalised_vectors_rank_the_same_by_both_measures():
    query, candidates = sim.l2_normalize(A), sim.l2_normalize(X)
    by_cosine = np.argsort(-sim.cosine_matrix(query, candidates)[0])
    by_distance = np.argsort(sim.euclidean_matrix(query, candidates)[0])
    assert by_cosine.tolist() == by_distance.tolist()


def test_length_sorted_batches_and_padding_fraction():
    lengths = [3, 10, 4, 9, 5]
    batches = sim.length_sorted_batches(lengths, 2)
    assert batches == [[1, 3], [4, 2], [0]]
    assert sim.padding_fraction(lengths, batches) == pytest.approx(1 - 31 / 33)
    assert sim.padding_fraction(lengths, [[0, 1], [2, 3], [4]]) == pytest.approx(1 - 31 / 43)
    with pytest.raises(ValueError):
        sim.length_sorted_batches(lengths, 0)


# --------------------------------------------------------------------------- the real encoder

@pytest.fixture(scope="module")
def encoder():
    import torch
    from transformers import AutoModel, AutoTokenizer

    from tilnlp.sourcing.models import encoder_dir

    torch.manual_seed(0)
    path = encoder_dir()
    return AutoModel.from_pretrained(path).eval(), AutoTokenizer.from_pretrained(path)


def _one_at_a_time(model, tokenizer, texts, pooling="mean"):
    import torch

    rows = []
    with torch.inference_mode():
        for text in texts:
            inputs = tokenizer(text, return_tensors="pt")
            states = model(**inputs).last_hidden_state
            rows.append(states.mean(dim=1)[0] if pooling == "mean" else states[0, 0])
    return torch.stack(rows).numpy()


def test_masked_mean_over_a_padded_batch_equals_one_at_a_time(encoder):
    import torch

    model, tokenizer = encoder
    single = _one_at_a_time(model, tokenizer, SENTENCES)
    batch = tokenizer(SENTENCES, padding=True, return_tensors="pt")
    assert (batch["attention_mask"] == 0).any()  # there is padding to get wrong
    with torch.inference_mode():
        states = model(**batch).last_hidden_state
    naive = states.mean(dim=1).numpy()
    masked = sim.mean_pool(states, batch["attention_mask"]).numpy()
    np.testing.assert_allclose(masked, single, atol=1e-5)
    assert np.abs(naive - single).max() > 1e-2  # the naive mean counts the padding
    np.testing.assert_allclose(sim.cls_pool(states).numpy(), _one_at_a_time(model, tokenizer, SENTENCES, "cls"),
                               atol=1e-5)


def test_embed_keeps_the_order_and_matches_one_at_a_time(encoder):
    model, tokenizer = encoder
    single = _one_at_a_time(model, tokenizer, SENTENCES)
    for sort in (True, False):
        out = sim.embed(SENTENCES, model, tokenizer, batch_size=3, sort_by_length=sort)
        assert out.shape == (4, model.config.hidden_size) and out.dtype == np.float32
        np.testing.assert_allclose(out, single, atol=1e-5)
    cls = sim.embed(SENTENCES, model, tokenizer, batch_size=2, pooling="cls")
    np.testing.assert_allclose(cls, _one_at_a_time(model, tokenizer, SENTENCES, "cls"), atol=1e-5)


def test_embed_edge_cases(encoder):
    model, tokenizer = encoder
    assert sim.embed([], model, tokenizer).shape == (0, model.config.hidden_size)
    assert sim.embed("one text", model, tokenizer).shape == (1, model.config.hidden_size)
    long = " ".join(["word"] * 400)
    assert sim.embed([long], model, tokenizer, max_length=16).shape == (1, model.config.hidden_size)
    with pytest.raises(ValueError, match="unknown pooling 'max'"):
        sim.embed(SENTENCES, model, tokenizer, pooling="max")
