from collections import Counter

import pytest

from tilnlp.data import (
    IMDB_SAMPLE,
    DataError,
    clean_review,
    gensim_lines,
    lee_articles,
    load_imdb,
    load_pang_lee,
    read_labelled_csv,
)


def test_offline_imdb_has_the_hub_layout():
    imdb = load_imdb("offline")
    assert set(imdb) == {"train", "test"}
    assert imdb["train"].column_names == ["text", "label"]
    assert imdb["train"].features["label"].names == ["neg", "pos"]  # as in load_dataset("imdb")
    assert (imdb["train"].num_rows, imdb["test"].num_rows) == (1000, 1000)


def test_offline_imdb_is_balanced_real_reviews_and_splits_do_not_overlap():
    imdb = load_imdb("offline")
    for split in ("train", "test"):
        counts = Counter(imdb[split]["label"])
        assert 0.45 < counts[1] / imdb[split].num_rows < 0.55
    assert not set(imdb["train"]["text"]) & set(imdb["test"]["text"])
    labels = list(imdb["train"]["label"]) + list(imdb["test"]["label"])
    assert Counter(labels) == {1: 1005, 0: 995}
    assert any("<br />" in t for t in imdb["train"]["text"])  # text as published


def test_the_split_is_the_same_every_time():
    assert load_imdb("offline")["test"][0] == load_imdb("offline")["test"][0]


def test_the_seed_recipe_selects_500_test_reviews():
    test = load_imdb("offline")["test"].shuffle(seed=42).select(range(500))
    assert test.num_rows == 500
    assert 200 < sum(test["label"]) < 300


def test_a_teachers_csv_files(tmp_path):
    train, test = tmp_path / "train.csv", tmp_path / "test.csv"
    train.write_text('text,label\n"great film",1\n"awful, boring",0\n')
    test.write_text('text,label\n"loved it",1\n')
    data = load_imdb(train_path=train, test_path=test)
    assert data["train"]["text"] == ["great film", "awful, boring"]
    assert data["test"]["label"] == [1]


def test_one_csv_alone_is_split_in_halves(tmp_path):
    path = tmp_path / "all.csv"
    path.write_text("text,label\n" + "".join(f"review {i},{i % 2}\n" for i in range(10)))
    data = load_imdb(train_path=path)
    assert (data["train"].num_rows, data["test"].num_rows) == (5, 5)


@pytest.mark.parametrize("content, message", [
    ("review,stars\nok,1\n", "needs the columns text,label"),
    ("text,label\nok,5\n", "label must be 0 or 1"),
    ("text,label\nok,good\n", "label must be 0 or 1"),
    ("text,label\n", "no rows"),
])
def test_bad_csv_files_get_one_clear_message(tmp_path, content, message):
    path = tmp_path / "bad.csv"
    path.write_text(content)
    with pytest.raises(DataError, match=message):
        read_labelled_csv(path)


def test_vendored_sample_keeps_its_provenance_note():
    note = (IMDB_SAMPLE.parent / "README.md").read_text()
    assert "Maas" in note and "ACL 2011" in note


def test_pang_lee_sentences():
    rows = load_pang_lee()
    assert len(rows) == 200
    assert Counter(label for _, label in rows) == {0: 100, 1: 100}
    assert rows[0] == ("simplistic , silly and tedious .", 0)
    assert all(not text.startswith("__label__") for text, _ in rows)


def test_clean_review_turns_html_line_breaks_into_single_spaces():
    assert clean_review("Great.<br /><br />Loved it<BR>it <br/>  did.") == "Great. Loved it it did."
    assert clean_review("  no breaks here ") == "no breaks here"


def test_gensim_files_are_read_as_latin_1():
    # lee.cor holds a pound sign as the single byte 0xA3: not UTF-8, but latin-1 reads it
    assert any("\u00a3" in line for line in gensim_lines("lee.cor"))
    articles = lee_articles()
    assert len(articles) == 300 and all(a == a.strip() and a for a in articles)
    assert len(lee_articles("lee.cor")) == 50


def test_unknown_gensim_file_is_a_user_error():
    with pytest.raises(DataError, match="gensim ships no data file named 'nope.txt'"):
        gensim_lines("nope.txt")
