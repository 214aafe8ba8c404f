# Worked solutions for 09_imdb_finetuning.ipynb (`tilnlp run --solutions` checks them).

# %% exercise 1
import math

steps_per_epoch = math.ceil(len(train_tok) / training_args.per_device_train_batch_size)
answer_1 = steps_per_epoch * math.ceil(training_args.num_train_epochs)

# %% exercise 1: wrong
answer_1 = len(train_tok) * int(training_args.num_train_epochs)  # examples, not steps

# %% exercise 2
answer_2 = np.trace(matrix) / matrix.sum()

# %% exercise 2: wrong
answer_2 = matrix[1, 1] / matrix[1].sum()  # the recall of POSITIVE

# %% exercise 3
answer_3 = [r["label"] for r in classifier(test_texts[:20], truncation=True, max_length=max_len)]

# %% exercise 3: wrong
answer_3 = [ID2LABEL[int(y)] for y in labels[:20]]  # the true labels
