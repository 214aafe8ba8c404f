# Worked solutions for 02_sentiment_pipeline.ipynb (`tilnlp run --solutions` checks them).

# %% exercise 1
scores = {r["label"]: r["score"] for r in sentiment_analysis("It was not bad at all.", top_k=None)}
answer_1 = scores["POSITIVE"]

# %% exercise 1: wrong
answer_1 = {r["label"]: r["score"] for r in sentiment_analysis("It was not bad at all.", top_k=None)}["NEGATIVE"]

# %% exercise 2
answer_2 = sum(y != p for y, p in zip(pl_labels, pl_preds))

# %% exercise 2: wrong
answer_2 = sum(y == p for y, p in zip(pl_labels, pl_preds))  # the right ones

# %% exercise 3
hits = [y == p for s, y, p in zip(pl_scores, pl_labels, pl_preds) if s >= 0.9]
answer_3 = sum(hits) / len(hits)

# %% exercise 3: wrong
answer_3 = acc  # the accuracy over all 200 sentences
