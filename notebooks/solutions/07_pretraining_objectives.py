# Worked solutions for 07_pretraining_objectives.ipynb (`tilnlp run --solutions` checks them).

# %% exercise 1
answer_1 = total.to_mask / total.candidates  # close to 0.15 * 0.8 = 0.12

# %% exercise 1: wrong
answer_1 = total.to_mask / total.chosen  # a share of the chosen tokens only

# %% exercise 2
answer_2 = sum(encoding["token_type_ids"])  # every token of segment B has token_type_id 1

# %% exercise 2: wrong
answer_2 = len(encoding["input_ids"]) - sum(encoding["token_type_ids"])  # segment A

# %% exercise 3
swapped = np.diag(cosine_matrix(second, first))
answer_3 = float(np.abs(swapped - similarity).max())  # 0 up to rounding: cosine is symmetric

# %% exercise 3: wrong
answer_3 = float(np.abs(similarity).max())  # not a difference
