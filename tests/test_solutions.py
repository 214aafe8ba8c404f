"""Exercises and their worked solutions stay in step, and every solution passes its check.

The static tests are instant; the last test runs the whole course once with
`tilnlp run --solutions` (CI sizes, offline), which is what keeps the exercises from rotting.
"""
import json
import re
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook
from conftest import ROOT, tilnlp

from tilnlp import notebooks as nbs
from tilnlp.exercises import read_solutions
from tilnlp.runner import ANSWER_LINE, with_solutions

SOLUTIONS = ROOT / "notebooks" / "solutions"
CORRECT = re.compile(r"^Exercise (\d+): correct\.$", re.M)



def exercise_cells(nb) -> list:
    return [c for c in nb.cells if c.cell_type == "code" and "exercise" in c.metadata.get("tags", [])]


def exercise_numbers(nb) -> list[int]:
    """The N of each exercise cell's ``answer_N = None`` line, in order."""
    return [int(n) for cell in exercise_cells(nb) for n in ANSWER_LINE.findall(cell.source)]


def correct_numbers(executed) -> list[int]:
    """The N of every "Exercise N: correct." line printed by the exercise cells of an executed copy."""
    text = "".join(out.get("text", "") for cell in exercise_cells(executed) for out in cell.outputs
                   if out.get("output_type") == "stream")
    return [int(n) for n in CORRECT.findall(text)]


COURSE = nbs.course_notebooks()


@pytest.mark.parametrize("path", COURSE, ids=[p.stem for p in COURSE])
def test_each_exercise_cell_has_one_answer_line_and_checks_that_number(path):
    for cell in exercise_cells(nbs.read(path)):
        numbers = ANSWER_LINE.findall(cell.source)
        assert len(numbers) == 1, f"{path.name}: an exercise cell needs exactly one 'answer_N = None' line"
        assert re.search(rf"check\(\s*{numbers[0]}\s*,", cell.source), f"{path.name}: exercise {numbers[0]}"


@pytest.mark.parametrize("path", COURSE, ids=[p.stem for p in COURSE])
def test_exercises_and_solution_blocks_match(path):
    numbers = exercise_numbers(nbs.read(path))
    assert len(numbers) == len(set(numbers)), f"{path.name} numbers two exercises alike: {numbers}"
    sol_path = SOLUTIONS / f"{path.stem}.py"
    if not numbers:
        assert not sol_path.exists(), f"{sol_path.name} has solutions but {path.name} has no exercise cell"
        return
    assert sol_path.is_file(), f"{path.name} has exercises but no {sol_path.relative_to(ROOT)}"
    blocks = read_solutions(sol_path)
    assert sorted(blocks) == sorted(numbers), f"{sol_path.name} blocks vs {path.name} exercises"
    for number, code in blocks.items():
        assert re.search(rf"^answer_{number}\s*=", code, re.M), f"{sol_path.name} block {number} never sets answer_{number}"


def test_every_solutions_file_belongs_to_a_notebook():
    stems = {p.stem for p in COURSE}
    assert sorted(p.stem for p in SOLUTIONS.glob("*.py") if p.stem not in stems) == []


@pytest.mark.parametrize("path", COURSE, ids=[p.stem for p in COURSE])
def test_with_solutions_swaps_in_every_block(path):
    nb = nbs.read(path)
    numbers = exercise_numbers(nb)
    solved = with_solutions(nbs.read(path), path)
    assert exercise_numbers(solved) == []  # no "answer_N = None" left
    if numbers:
        blocks = read_solutions(SOLUTIONS / f"{path.stem}.py")
        text = "\n".join(c.source for c in exercise_cells(solved))
        assert all(blocks[n] in text for n in numbers)


def test_notebook_00_has_its_two_exercises_solved():
    path = nbs.find("00")
    solved = exercise_cells(with_solutions(nbs.read(path), path))
    assert [c.source.splitlines()[0] for c in solved] == [
        "answer_1 = course.profile", 'answer_2 = sum(imdb["test"]["label"]) / imdb["test"].num_rows']


def _exercise_notebook(folder: Path, name: str, solution: str) -> Path:
    cell = new_code_cell("answer_1 = None  # your code here\n"
                         "from tilnlp import check\ncheck(1, answer_1, lambda a: a == 6, hint='2 * 3')")
    cell.metadata["tags"] = ["exercise"]
    nb = new_notebook(cells=[cell])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, str(folder / f"{name}.ipynb"))
    (folder / "solutions").mkdir(exist_ok=True)
    (folder / "solutions" / f"{name}.py").write_text(f"# %% exercise 1\n{solution}\n")
    return folder / f"{name}.ipynb"


@pytest.mark.slow
def test_run_solutions_passes_a_right_answer_and_fails_a_wrong_one(tmp_path):
    right = _exercise_notebook(tmp_path, "41_right", "answer_1 = 2 * 3")
    wrong = _exercise_notebook(tmp_path, "42_wrong", "answer_1 = 2 + 3")
    out = tmp_path / "out"
    proc = tilnlp("run", str(right), str(wrong), "--solutions", "--out", str(out))
    assert proc.returncode == 1
    assert "ExerciseFailed: exercise 1: the answer 5 does not pass its check" in proc.stdout + proc.stderr
    assert correct_numbers(nbs.read(out / "41_right.ipynb")) == [1]
    record = json.loads((out / "run.json").read_text())["notebooks"]
    assert {k: (v["status"], v["solutions"]) for k, v in record.items()} == \
        {"41_right": ("passed", True), "42_wrong": ("failed", True)}


@pytest.mark.slow
def test_every_exercise_of_the_course_is_solved_correctly(tmp_path):
    """One run of the whole course with the solutions filled in (CI sizes, offline)."""
    proc = tilnlp("run", "--solutions", "--preset", "ci", "--profile", "offline", "--out", str(tmp_path),
                  timeout=2700)
    failed = [line for line in proc.stdout.splitlines() + proc.stderr.splitlines() if line.startswith("FAILED")]
    assert proc.returncode == 0, "\n".join(failed) or proc.stderr[-2000:]
    assert f"{len(COURSE)}/{len(COURSE)} passed" in proc.stdout
    record = json.loads((tmp_path / "run.json").read_text())["notebooks"]
    for path in COURSE:
        assert record[path.stem]["status"] == "passed", path.stem
        assert (record[path.stem]["preset"], record[path.stem]["profile"]) == ("ci", "offline")
        expected = sorted(exercise_numbers(nbs.read(path)))
        assert sorted(correct_numbers(nbs.read(tmp_path / path.name))) == expected, path.stem
