"""Notebook 10's Korean strand: the NSMC loader (offline sample, hub path against a local copy of the
hub's layout), the Hangul measures against hand-counted cases, and the one line a missing kiwipiepy gives."""
import os
import subprocess
import sys
from collections import Counter

import pytest

from conftest import ROOT
from tilnlp import korean
from tilnlp.data import (
    NSMC_SAMPLE,
    NSMC_SAMPLE_SIZES,
    load_nsmc,
    nsmc_sample_splits,
    read_labelled_csv,
)

# --------------------------------------------------------------------------- NSMC

def test_offline_nsmc_has_three_disjoint_splits_of_real_reviews():
    nsmc = load_nsmc("offline")
    assert list(nsmc) == ["train", "validation", "test"]
    assert {name: split.num_rows for name, split in nsmc.items()} == {"train": 1200, "validation": 400, "test": 400}
    assert nsmc["train"].column_names == ["text", "label"]
    assert nsmc["train"].features["label"].names == ["neg", "pos"]
    texts = [set(split["text"]) for split in nsmc.values()]
    assert not (texts[0] & texts[1] or texts[0] & texts[2] or texts[1] & texts[2])
    labels = [label for split in nsmc.values() for label in split["label"]]
    assert Counter(labels) == {0: 1000, 1: 1000}
    for split in nsmc.values():
        assert 0.4 < sum(split["label"]) / split.num_rows < 0.6
    assert all(korean.syllables(t) for t in nsmc["test"]["text"][:50])  # Korean text as published


def test_the_nsmc_split_is_deterministic():
    first, second = nsmc_sample_splits(), nsmc_sample_splits()
    assert first == second
    assert sum(NSMC_SAMPLE_SIZES.values()) == len(read_labelled_csv(NSMC_SAMPLE)) == 2000


def test_vendored_nsmc_keeps_its_provenance_note():
    note = (NSMC_SAMPLE.parent / "README.md").read_text(encoding="utf-8")
    assert "nsmc_sample.csv" in note and "CC0" in note and "github.com/e9t/nsmc" in note


def _hub_layout(folder, rows):
    """A local copy laid out as the hub's Parquet conversion of e9t/nsmc: default/{train,test}/0000.parquet
    with NSMC's own columns id, document, label (and one review without text, as NSMC has)."""
    import pandas as pd

    frame = pd.DataFrame([{"id": str(i), "document": r["text"], "label": r["label"]} for i, r in enumerate(rows)])
    frame.loc[5, "document"] = None
    for split, part in (("train", frame.iloc[:1500]), ("test", frame.iloc[1500:])):
        (folder / "default" / split).mkdir(parents=True)
        part.to_parquet(folder / "default" / split / "0000.parquet")


def test_the_hub_path_reads_a_local_copy_of_the_hub_layout(tmp_path):
    _hub_layout(tmp_path, read_labelled_csv(NSMC_SAMPLE))
    nsmc = load_nsmc("hub", hub_path=str(tmp_path), revision=None)
    assert list(nsmc) == ["train", "validation", "test"]
    assert nsmc["train"].column_names == ["text", "label"]
    assert nsmc["test"].features["label"].names == ["neg", "pos"]
    # 1,499 training reviews with text: a fifth held out (at most 5,000 on the real hub)
    assert (nsmc["train"].num_rows, nsmc["validation"].num_rows, nsmc["test"].num_rows) == (1200, 299, 500)
    assert not set(nsmc["train"]["text"]) & set(nsmc["validation"]["text"])
    again = load_nsmc("hub", hub_path=str(tmp_path), revision=None)
    assert again["validation"]["text"] == nsmc["validation"]["text"]


def test_the_course_announces_the_offline_nsmc(capsys):
    from tilnlp.sourcing.models import Course

    nsmc = Course("offline").nsmc()
    assert nsmc["test"].num_rows == 400
    assert "offline stand-in for the NSMC data set" in capsys.readouterr().out


# --------------------------------------------------------------------------- measures

def test_syllables_count_only_precomposed_hangul():
    assert korean.syllables("이 영화 정말 재미있어요") == 10
    assert korean.syllables("ㅋㅋㅋ 최고! OK 10점") == 3  # jamo, Latin letters, digits are not syllables
    assert korean.is_syllable("가") and korean.is_syllable("힣") and not korean.is_syllable("ㄱ")
    import unicodedata

    assert korean.syllables(unicodedata.normalize("NFD", "있다")) == 0  # decomposed: jamo only


def test_tokens_per_syllable_and_unk_rates_by_hand():
    split_chars = lambda text: [ch for ch in text if ch != " "]
    assert korean.tokens_per_syllable(split_chars, ["가나 다", "라"]) == 1.0
    assert korean.tokens_per_syllable(lambda t: t.split(), ["가나 다", "라마바"]) == pytest.approx(3 / 6)
    assert korean.unk_rate(["[UNK]", "a", "[UNK]", "b"]) == 0.5
    assert korean.unk_rate([]) == 0.0
    vocab = {"영화", "최고"}
    tokenize = lambda word: [w if w in vocab else "[UNK]" for w in word.split()]
    # words with a syllable: 영화, 최고다, 영화 (the "10" has none): one of three holds an [UNK]
    assert korean.word_unk_rate(tokenize, ["영화 최고다", "10 영화"]) == pytest.approx(1 / 3)
    with pytest.raises(ValueError, match="no Hangul syllable"):
        korean.tokens_per_syllable(list, ["abc"])


def test_unseen_share_counts_repeats():
    assert korean.unseen_share(["영화", "최고"], ["영화", "별로", "별로", "최고"]) == 0.5
    assert korean.unseen_share(["a"], []) == 0.0


def test_the_english_bert_vocabulary_cannot_spell_a_missing_final_consonant():
    """The issue's measurement, on the course's offline encoder (bert-base-uncased's vocabulary)."""
    from transformers import AutoTokenizer

    from tilnlp.sourcing.models import encoder_dir

    bert = AutoTokenizer.from_pretrained(encoder_dir())
    assert not any(korean.syllables(w) for w in bert.get_vocab())
    assert bert.tokenize("있다") == ["[UNK]"]  # ㅆ (U+11BB) is not in the vocabulary, so the whole word
    assert "[UNK]" not in bert.tokenize("시간")
    no_nfd = AutoTokenizer.from_pretrained(encoder_dir(), strip_accents=False)
    assert no_nfd.tokenize("시간") == ["[UNK]"]


# --------------------------------------------------------------------------- kiwipiepy

def _run(code: str, lang: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "TILNLP_LANG": lang}
    return subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120, check=False)


HIDDEN = "import sys; sys.modules['kiwipiepy'] = None\nfrom tilnlp import korean\nprint(repr(korean.kiwi()))"


@pytest.mark.parametrize("lang, words", [("en", "kiwipiepy is not installed"), ("ko", "kiwipiepy가 설치되어 있지 않아")])
def test_a_missing_kiwipiepy_is_one_line_with_the_install_command(lang, words):
    proc = _run(HIDDEN, lang)
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert len(lines) == 2 and lines[1] == "None", proc.stdout
    assert words in lines[0] and korean.KIWI_INSTALL in lines[0]
    assert "Traceback" not in proc.stderr


def test_kiwi_finds_one_stem_in_three_forms():
    pytest.importorskip("kiwipiepy")
    analyser = korean.kiwi()
    stems = [korean.morphemes(analyser, word)[0] for word in ("국민은", "국민의", "국민에게")]
    assert stems == ["국민", "국민", "국민"]


# --------------------------------------------------------------------------- the notebook

@pytest.mark.slow
def test_notebook_10_runs_without_kiwipiepy(tmp_path):
    """A kernel that cannot import kiwipiepy still runs the notebook: one line, the morpheme parts skipped."""
    from conftest import tilnlp

    hide = tmp_path / "hide"
    hide.mkdir()
    (hide / "kiwipiepy.py").write_text("raise ImportError('hidden for this test')\n")
    proc = tilnlp("run", "10", "--preset", "ci", "--profile", "offline", "--out", tmp_path / "out",
                  env={"PYTHONPATH": os.pathsep.join([str(hide), str(ROOT)])}, timeout=900)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    executed = (tmp_path / "out" / "10_korean_text.ipynb").read_text(encoding="utf-8")
    assert executed.count("kiwipiepy is not installed") == 1


def test_a_hub_without_nsmc_or_klue_falls_back_in_one_line(monkeypatch, capsys):
    """NSMC and klue/bert-base are notebook 10's extras: a hub (or classroom mirror) without them is no error."""
    from tilnlp.sourcing import hub, models

    monkeypatch.setattr(hub, "hub_has", lambda repo_id, repo_type="model": False)
    monkeypatch.setattr(hub, "hub_reachable", lambda timeout=1.0: True)   # it answers, without them
    monkeypatch.setattr(hub, "in_hf_cache", lambda real_id, cache_dir=None: False)
    monkeypatch.setattr(models, "choose_source", lambda *args, **kwargs: "offline")
    course = models.Course("hub")
    assert course.nsmc()["test"].num_rows == 400
    assert korean.korean_encoder(course) == str(models.encoder_dir())
    printed = capsys.readouterr().out
    assert "does not serve e9t/nsmc; the vendored sample" in printed
    assert "model klue/bert-base: not served by" in printed


def test_a_hub_with_klue_gives_klue(monkeypatch, capsys):
    from tilnlp.sourcing import hub, models

    monkeypatch.setattr(hub, "hub_has", lambda repo_id, repo_type="model": repo_id == korean.KOREAN_ENCODER)
    monkeypatch.delenv("HF_ENDPOINT", raising=False)
    assert korean.korean_encoder(models.Course("hub")) == "klue/bert-base"
    assert "[tilnlp] model klue/bert-base: from the Hugging Face Hub" in capsys.readouterr().out


def test_under_auto_without_a_hub_nsmc_is_the_offline_stand_in(monkeypatch, capsys):
    from tilnlp.sourcing import hub, models

    monkeypatch.setattr(hub, "hub_reachable", lambda timeout=1.0: False)
    monkeypatch.setattr(hub, "hub_has", lambda repo_id, repo_type="model": False)
    monkeypatch.setattr(hub, "in_hf_cache", lambda real_id, cache_dir=None: False)
    course = models.Course("auto")
    course.nsmc()
    korean.korean_encoder(course)
    printed = capsys.readouterr().out
    assert "offline stand-in for the NSMC data set" in printed
    assert "model klue/bert-base: the Hugging Face Hub does not answer" in printed
