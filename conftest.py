"""pytest plugin of the course: each course notebook is executed once, by nbval, with its exercises solved.

nbval runs every code cell of ``notebooks/NN_name.ipynb`` in a fresh kernel and compares the
outputs of the checked cells (``# NBVAL_CHECK_OUTPUT``; the other cells must only run without
error, as with ``--nbval-lax``).  Before that, each exercise cell gets its worked solution and a
tempting wrong answer from ``notebooks/solutions/NN_name.py`` (see ``tilnlp.exercises``), and the
kernel runs in strict mode: a wrong solution, or a check that accepts the wrong answer, fails
that cell.  One execution per notebook checks both the expected outputs and the exercises.
"""
import os

import pytest
from nbval.plugin import IPyNbFile


class SolvedNotebook(IPyNbFile):
    """nbval's notebook collector, with the exercise cells solved and the kernel in strict mode."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.compare_outputs = False  # like --nbval-lax: only the checked cells are compared

    def setup(self):
        before = os.environ.get("TILNLP_STRICT_EXERCISES")
        os.environ["TILNLP_STRICT_EXERCISES"] = "1"  # the kernel started here inherits it
        try:
            super().setup()
        finally:
            if before is None:
                del os.environ["TILNLP_STRICT_EXERCISES"]
            else:
                os.environ["TILNLP_STRICT_EXERCISES"] = before

    def collect(self):
        from pathlib import Path

        from tilnlp.notebooks import read
        from tilnlp.runner import with_solutions

        path = Path(str(self.fspath))
        solved = {c.id: c.source for c in with_solutions(read(path), path).cells}
        for item in super().collect():
            item.cell.source = solved.get(item.cell.get("id"), item.cell.source)
            item.add_marker(pytest.mark.slow)
            yield item


def pytest_collect_file(file_path, parent):
    from tilnlp.notebooks import is_course_notebook

    if is_course_notebook(file_path):
        return SolvedNotebook.from_parent(parent, path=file_path)
