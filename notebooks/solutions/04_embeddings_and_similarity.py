# Worked solutions for 04_embeddings_and_similarity.ipynb (`tilnlp run --solutions` checks them).

# %% exercise 1
answer_1 = np.dot(u, v) / (np.linalg.norm(u) * np.linalg.norm(v))

# %% exercise 1: wrong
answer_1 = np.dot(u, v)  # not divided by the lengths

# %% exercise 2
answer_2 = np.sqrt(2 - 2 * cosine(u, v))  # the cosine does not change when u and v are normalised

# %% exercise 2: wrong
answer_2 = 2 - 2 * cosine(u, v)  # the squared distance

# %% exercise 3
row = sentence_sim[4].copy()
row[4] = -np.inf  # not itself
answer_3 = int(np.argmax(row))

# %% exercise 3: wrong
answer_3 = int(np.argmax(sentence_sim[4]))  # the sentence itself
