# Worked solutions for 01_text_generation.ipynb (`tilnlp run --solutions` checks them).

# %% exercise 1
answer_1 = len(tokenizer("Transformers are amazing!")["input_ids"])

# %% exercise 2
answer_2 = tokenizer.decode([int(logits.argmax())])

# %% exercise 3
set_seed(seed)
answer_3 = continuation(do_sample=True, top_k=0, temperature=0.01)
