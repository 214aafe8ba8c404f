"""What each stand-in changes: one table, every entry used by a notebook, shown only when a stand-in ran."""
import re

import pytest

from tilnlp.publishing import notebooks as nbs
from tilnlp.sourcing import hub, models
from tilnlp.sourcing.models import Course
from tilnlp.sourcing.standins.effects import EFFECTS, effect

CALL = re.compile(r"""course\.offline_note\(\s*["']([^"']+)["']\s*,\s*["']([^"']+)["']\s*\)""")


def calls() -> dict[tuple[str, str], list[str]]:
    """Every ``course.offline_note(model, topic)`` in the course's notebooks, by (real id, topic)."""
    found: dict[tuple[str, str], list[str]] = {}
    for path in nbs.course_notebooks():
        for cell in nbs.read(path).cells:
            for name, topic in CALL.findall(cell.source):
                real = "imdb" if name == "imdb" else models.lookup(name).real_id
                found.setdefault((real, topic), []).append(path.stem)
    return found


def test_every_note_a_notebook_asks_for_is_in_the_table():
    assert calls() and set(calls()) <= set(EFFECTS), set(calls()) - set(EFFECTS)


def test_every_entry_of_the_table_is_shown_by_some_notebook():
    assert set(EFFECTS) - set(calls()) == set()


def test_the_notebooks_the_issue_names_say_what_a_standin_changes():
    notebooks = {stem[:2] for stems in calls().values() for stem in stems}
    assert {"01", "02", "03", "04", "06", "07", "08"} <= notebooks


def test_entries_have_english_text_and_name_what_the_real_model_gives():
    for (model, topic), entry in EFFECTS.items():
        assert len(entry.en.split()) >= 30, (model, topic)
        assert entry.text("ko") == (entry.ko or entry.en).strip()


def test_unknown_entry_is_a_clear_error():
    with pytest.raises(KeyError, match="no stand-in effect gpt2/poetry"):
        effect("gpt2", "poetry")


def test_a_note_is_shown_when_the_standin_ran(monkeypatch):
    shown = []
    monkeypatch.setattr("IPython.display.display", lambda obj: shown.append(obj.data))
    course = Course("offline")
    monkeypatch.setattr(models, "offline_path", lambda model, build=True: "/stand-in")
    course.offline_note("roberta-base", "head")
    assert len(shown) == 1 and shown[0].startswith("> **Offline stand-in: what this changes.** ")
    assert "classifier.dense.weight" in shown[0]


def test_no_note_when_the_real_model_ran(monkeypatch):
    shown = []
    monkeypatch.setattr("IPython.display.display", lambda obj: shown.append(obj.data))
    monkeypatch.setattr(hub, "in_hf_cache", lambda real_id, cache_dir=None: True)  # the real model is cached
    course = Course("auto")
    course.offline_note("roberta-base", "head")
    course.offline_note("gpt2", "tokens")
    assert shown == []


def test_the_imdb_note_follows_the_data_that_was_loaded(monkeypatch, tmp_path):
    shown = []
    monkeypatch.setattr("IPython.display.display", lambda obj: shown.append(obj.data))
    course = Course("offline")
    csv = tmp_path / "mine.csv"
    csv.write_text("text,label\ngood,1\nbad,0\nfine,1\nawful,0\n")
    course.imdb(train_path=csv)
    course.offline_note("imdb", "sample")
    assert shown == []  # the user's own reviews: the vendored sample played no part
    course.imdb()
    course.offline_note("imdb", "sample")
    assert len(shown) == 1 and "2,000 real reviews" in shown[0]
