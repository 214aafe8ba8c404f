# Worked solutions for 05_word2vec.ipynb (`tilnlp run --solutions` checks them).

# %% exercise 1
pairs = read_word_pairs(benchmark_path("wordsim353"))
found = [(a, b) for a, b, _ in pairs if a.lower() in skipgram.wv and b.lower() in skipgram.wv]
answer_1 = len(found) / len(pairs)

# %% exercise 1: wrong
pairs = read_word_pairs(benchmark_path("wordsim353"))
answer_1 = sum(a in skipgram.wv and b in skipgram.wv for a, b, _ in pairs) / len(pairs)  # not lowercased

# %% exercise 2
answer_2 = skipgram.wv.most_similar(positive=["arafat", "israel"], negative=["palestinian"], topn=1)[0]

# %% exercise 2: wrong
answer_2 = skipgram.wv.most_similar(positive=["arafat", "palestinian"], negative=["israel"], topn=1)[0]  # the other way round

# %% exercise 3
sims_100 = []
for s in range(n_seeds):
    model_100 = Word2Vec(sentences=processed, vector_size=100, window=5, min_count=1, sg=0, workers=1, seed=s)
    sims_100.append(1 - cosine(model_100.wv["dolphins"], model_100.wv["elephants"]))
answer_3 = np.std(sims_100)

# %% exercise 3: wrong
answer_3 = spread_for(5)  # the notes' 5 numbers per word
