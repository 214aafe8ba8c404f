# Worked solutions for 08_imdb_before_finetuning.ipynb (`tilnlp run --solutions` checks them).

# %% exercise 1
# A constant answer is right exactly for the reviews that have that label.
answer_1 = float(np.mean(all_labels == 0))

# %% exercise 1: wrong
answer_1 = float(np.mean(np.array(train_labels) == 0))  # the training reviews

# %% exercise 2
lengths_all = [len(ids) for ids in tokenizer(test_texts, verbose=False)["input_ids"]]
answer_2 = sum(n > tokenizer.model_max_length for n in lengths_all)

# %% exercise 2: wrong
answer_2 = int(np.mean(all_lengths > tokenizer.model_max_length) * 100)  # a percentage

# %% exercise 3
from sklearn.metrics import recall_score

answer_3 = recall_score(all_labels, tfidf_preds, pos_label=1)

# %% exercise 3: wrong
answer_3 = float(np.mean(tfidf_preds == 1))  # the share predicted positive
