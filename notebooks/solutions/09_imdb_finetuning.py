# Worked solutions for 09_imdb_finetuning.ipynb (`tilnlp run --solutions` checks them).

# %% exercise 1
import math

steps_per_epoch = math.ceil(train_tok.num_rows / training_args.per_device_train_batch_size)
answer_1 = steps_per_epoch * math.ceil(training_args.num_train_epochs)

# %% exercise 1: wrong
answer_1 = train_tok.num_rows * int(training_args.num_train_epochs)  # examples, not steps

# %% exercise 2
answer_2 = np.trace(matrix) / matrix.sum()

# %% exercise 2: wrong
answer_2 = np.trace(matrix) / len(matrix)  # divided by the number of classes, not of reviews

# %% exercise 3
answer_3 = [r["label"] for r in classifier(eval_texts[:20], truncation=True, max_length=max_length)]

# %% exercise 3: wrong
answer_3 = [int(p) for p in preds[:20]]  # label ids, not the names
