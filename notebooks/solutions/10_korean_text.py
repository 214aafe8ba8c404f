# Worked solutions for 10_korean_text.ipynb (`tilnlp run --solutions` checks them).

# %% exercise 1
answer_1 = len(byte_bpe.tokenize(sentences[0])) / korean.syllables(sentences[0])

# %% exercise 1: wrong
answer_1 = len(byte_bpe.tokenize(sentences[0])) / len(sentences[0])  # characters, the spaces included

# %% exercise 2
seen = set(train_words)
answer_2 = sum(word not in seen for word in test_words) / len(test_words)

# %% exercise 2: wrong
answer_2 = len(set(test_words) - set(train_words)) / len(set(test_words))  # distinct words, not every occurrence

# %% exercise 3
answer_3 = int(((tfidf_preds["characters"] == test_labels) & (tfidf_preds["words"] != test_labels)).sum())

# %% exercise 3: wrong
answer_3 = int((tfidf_preds["characters"] == test_labels).sum() - (tfidf_preds["words"] == test_labels).sum())  # the net gain
