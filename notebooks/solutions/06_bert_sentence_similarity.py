# Worked solutions for 06_bert_sentence_similarity.ipynb (`tilnlp run --solutions` checks them).

# %% exercise 1
answer_1 = int((batch["attention_mask"] == 0).sum())  # only the shorter sentence is padded

# %% exercise 1: wrong
answer_1 = int(batch["attention_mask"].sum())  # the real tokens

# %% exercise 2
answer_2 = batch_output.last_hidden_state[:, 0].numpy()
# [CLS] comes first and cannot see the padding, so padding does not change it:
assert np.allclose(answer_2[0], output1.last_hidden_state[0, 0].numpy(), atol=1e-5)

# %% exercise 2: wrong
answer_2 = batch_output.last_hidden_state.mean(dim=1).numpy()  # mean pooling

# %% exercise 3
answer_3 = tuple(float(np.mean((pair_cosine[pooling] > 0.5) == label)) for pooling in ("mean", "cls"))

# %% exercise 3: wrong
answer_3 = tuple(float(np.mean(pair_cosine[p] > 0.5)) for p in ("mean", "cls"))  # share called similar
