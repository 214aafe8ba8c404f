# Worked solutions for 03_roberta_without_finetuning.ipynb (`tilnlp run --solutions` checks them).

# %% exercise 1
answer_1 = len(report["missing_keys"])

# %% exercise 2
answer_2 = accuracy_with_ci([1] * 100, [1] * 60 + [0] * 40)[1]

# %% exercise 3
named = AutoModelForSequenceClassification.from_pretrained(
    course.model("roberta-base"), id2label={0: "NEGATIVE", 1: "POSITIVE"}, label2id={"NEGATIVE": 0, "POSITIVE": 1})
answer_3 = pipeline("sentiment-analysis", model=named, tokenizer=tokenizer)(text)[0]["label"]
