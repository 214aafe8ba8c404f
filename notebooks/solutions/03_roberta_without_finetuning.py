# Worked solutions for 03_roberta_without_finetuning.ipynb (`tilnlp run --solutions` checks them).

# %% exercise 1
answer_1 = len(report["missing_keys"])

# %% exercise 1: wrong
answer_1 = len(model.state_dict())  # every tensor, not only the new ones

# %% exercise 2
answer_2 = accuracy_with_ci([1] * 100, [1] * 60 + [0] * 40)[1]

# %% exercise 2: wrong
answer_2 = accuracy_with_ci([1] * 100, [1] * 60 + [0] * 40)[2]  # the upper bound

# %% exercise 3
set_seed(seed)
named = AutoModelForSequenceClassification.from_pretrained(
    course.model("roberta-base"), id2label={0: "NEGATIVE", 1: "POSITIVE"}, label2id={"NEGATIVE": 0, "POSITIVE": 1})
answer_3 = accuracy_with_ci(pl_labels, predictions(pipeline("sentiment-analysis", model=named, tokenizer=tokenizer)))[0]

# %% exercise 3: wrong
answer_3 = results["fine-tuned (notebook 02)"][0]  # another model
