"""pytest plugin of the course: each course notebook is executed at most once, with its exercises solved.

nbval runs every code cell of ``notebooks/NN_name.ipynb`` (and of the Korean ``notebooks/ko/``
copy) in a fresh kernel and compares the outputs of the checked cells (``# NBVAL_CHECK_OUTPUT``;
the other cells must only run without error, as with ``--nbval-lax``).  Before that, each
exercise cell gets its worked solution and a tempting wrong answer from
``notebooks/solutions/NN_name.py`` (see ``tilnlp.exercises``), and the kernel runs in strict
mode: a wrong solution, or a check that accepts the wrong answer, fails that cell.

An English notebook that ``tilnlp run`` has just executed – passed, offline, at CI sizes, from
exactly these sources (the run record's fingerprint) – is not executed again: its checked cells'
outputs in ``build/executed/`` are compared with the expected ones instead.  Its Korean copy,
which has the same code, is executed with the exercises solved.  (CI runs ``tilnlp run`` and
then ``pytest``, so each notebook runs once per language.)
"""
import os

import pytest
from nbval.plugin import IPyNbFile

if os.environ.get("PYTEST_XDIST_WORKER"):
    # pytest runs two workers (pyproject.toml). Each gives the kernels and commands it starts one
    # PyTorch thread: two workers of two threads each on a 2-core laptop slowed some cells tenfold
    # and the whole suite by a tenth. Stand-in builds set their own thread count.
    os.environ.setdefault("OMP_NUM_THREADS", "1")


class SolvedNotebook(IPyNbFile):
    """nbval's notebook collector, with the exercise cells solved and the kernel in strict mode."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.compare_outputs = False  # like --nbval-lax: only the checked cells are compared

    def setup(self):
        settings = {"TILNLP_STRICT_EXERCISES": "1"}  # the kernel started here inherits them
        if self.figure_text is not None:  # what the Korean notebook's figures say, for KoreanOutput
            self.figure_text.unlink(missing_ok=True)
            settings["TILNLP_FIGURE_TEXT"] = str(self.figure_text)
        before = {name: os.environ.get(name) for name in settings}
        os.environ.update(settings)
        try:
            super().setup()
        finally:
            for name, value in before.items():
                if value is None:
                    del os.environ[name]
                else:
                    os.environ[name] = value

    @property
    def figure_text(self):
        from pathlib import Path

        from tilnlp.paths import build_dir

        path = Path(str(self.fspath))
        return build_dir("figure-text") / f"{path.stem}.jsonl" if path.parent.name == "ko" else None

    def collect(self):
        from pathlib import Path

        from tilnlp.publishing.notebooks import read
        from tilnlp.publishing.runner import with_solutions

        path = Path(str(self.fspath))
        solved = {c.id: c.source for c in with_solutions(read(path), path).cells}
        cells = []
        for item in super().collect():
            item.cell.source = solved.get(item.cell.get("id"), item.cell.source)
            item.add_marker(pytest.mark.slow)
            cells.append(item)
            yield item
        if self.figure_text is not None:
            item = KoreanOutput.from_parent(self, name="the course speaks Korean", cells=cells)
            item.add_marker(pytest.mark.slow)
            yield item


class KoreanOutput(pytest.Item):
    """After a Korean notebook's cells ran: nothing the course printed, displayed or drew is English.

    The course's English is every phrase of the tilnlp package's strings and of the notebook's code
    strings (those the translation does not keep as they are); model output and data print as they
    are, and are not the course's (see ``tilnlp.publishing.translation.english_left``).  Standard error is
    the libraries' (transformers' loading reports), not the course's."""

    def __init__(self, *, cells, **kwargs):
        super().__init__(**kwargs)
        self.cells = cells

    def runtest(self):
        import json

        from tilnlp.paths import notebooks_dir
        from tilnlp.publishing import translation

        texts = []
        for item in self.cells:
            for out in item.test_outputs or []:
                if out.get("output_type") == "stream" and out.get("name") == "stdout":
                    texts.append(out.get("text", ""))
                for kind in ("text/markdown", "text/plain"):
                    if kind in out.get("data", {}):
                        texts.append(out["data"][kind])
                        break
        figure_text = self.parent.figure_text
        lines = figure_text.read_text(encoding="utf-8").splitlines() if figure_text.is_file() else []
        texts += [text for line in lines for text in json.loads(line)]
        english = notebooks_dir() / self.path.name
        left = translation.english_left(texts, translation.course_english(english))
        assert not left, (f"{len(left)} line(s) of the course's own English in the Korean {self.path.name}: "
                          + " | ".join(line[:100] for line in left[:8]))

    def reportinfo(self):
        return self.path, None, f"{self.name}"


class CheckedOutput(pytest.Item):
    """One checked cell of a notebook executed by ``tilnlp run``: its outputs must be the stored ones."""

    def __init__(self, *, cell, executed, **kwargs):
        super().__init__(**kwargs)
        self.cell, self.executed = cell, executed

    def runtest(self):
        from tilnlp.publishing.notebooks import comparable_outputs

        assert comparable_outputs(self.executed.outputs) == comparable_outputs(self.cell.outputs), \
            f"checked cell {self.cell.id}: the run printed something else than the notebook expects"

    def reportinfo(self):
        return self.path, None, f"{self.name} (from the fresh tilnlp run)"


class ExecutedNotebook(pytest.File):
    """A course notebook that a fresh ``tilnlp run`` executed: compare, do not execute again."""

    def __init__(self, *, executed, **kwargs):
        super().__init__(**kwargs)
        self.executed_copy = executed

    def collect(self):
        from tilnlp.publishing import notebooks as nbs

        ran = {c.id: c for c in nbs.read(self.executed_copy).cells}
        for i, cell in enumerate(nbs.read(self.path).cells):
            if nbs.is_checked(cell):
                item = CheckedOutput.from_parent(self, name=f"Cell {i}", cell=cell, executed=ran[cell.id])
                item.add_marker(pytest.mark.slow)
                yield item


def fresh_run(path):
    """The executed copy of ``path`` in ``build/executed`` when a passing ``tilnlp run`` made it with every
    model and data set offline (under ``--profile offline``, or ``auto`` with no hub – CI's plain
    ``tilnlp run``), at CI sizes, from these very sources (same fingerprint); else None."""
    from tilnlp.paths import build_dir
    from tilnlp.publishing.record import fingerprint, read_record

    folder = build_dir("executed") / ("ko" if path.parent.name == "ko" else "")
    entry = read_record(folder).get(path.stem, {})
    copy = folder / path.name
    fresh = (entry.get("status") == "passed" and (entry.get("preset"), entry.get("sources")) == ("ci", "offline")
             and entry.get("fingerprint") == fingerprint(path) and copy.is_file())
    return copy if fresh else None


def pytest_collect_file(file_path, parent):
    from tilnlp.publishing.notebooks import is_course_notebook

    if not is_course_notebook(file_path):
        return None
    executed = fresh_run(file_path) if file_path.parent.name != "ko" else None
    if executed is not None:
        return ExecutedNotebook.from_parent(parent, path=file_path, executed=executed)
    return SolvedNotebook.from_parent(parent, path=file_path)
