# Worked solutions for 01_text_generation.ipynb (`tilnlp run --solutions` checks them).

# %% exercise 1
answer_1 = len(tokenizer("Transformers are amazing!")["input_ids"])

# %% exercise 1: wrong
answer_1 = len("Transformers are amazing!".split())  # words, not tokens

# %% exercise 2
answer_2 = tokenizer.decode([int(logits.argmax())])

# %% exercise 2: wrong
answer_2 = tokenizer.decode([int(logits.topk(2).indices[1])])  # the runner-up

# %% exercise 3
set_seed(seed)
answer_3 = continuation(do_sample=True, top_k=0, temperature=0.01)

# %% exercise 3: wrong
set_seed(seed)
answer_3 = continuation(do_sample=True, top_k=0, temperature=1.0)  # plain sampling
