"""Exercises and their worked solutions stay in step; every check accepts its solution and rejects a wrong answer.

The static tests are instant.  The course's notebooks themselves run with their exercises solved
under nbval (the project's conftest.py); the slow tests here prove that mechanism on small
notebooks: a right solution passes, a wrong solution fails, and a check that accepts the
solutions file's wrong answer fails too.
"""
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import nbformat.v4
import pytest
from nbformat.v4 import new_code_cell, new_notebook

from conftest import ROOT, tilnlp
from tilnlp.exercises import read_solutions
from tilnlp.publishing import notebooks as nbs
from tilnlp.publishing.runner import ANSWER_LINE, with_solutions

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
    for number, solution in blocks.items():
        for kind, code in (("solution", solution.right), ("wrong answer", solution.wrong)):
            assert code is not None, f"{sol_path.name} has no block '# %% exercise {number}: wrong'"
            assert re.search(rf"^answer_{number}\s*=", code, re.M), \
                f"{sol_path.name}: the {kind} of exercise {number} never sets answer_{number}"


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
        assert all(blocks[n].right in text and blocks[n].wrong in text for n in numbers)
        assert [int(n) for n in re.findall(r"^expect_rejection\((\d+), answer_\1\)$", text, re.M)] == numbers


def test_notebook_00_has_its_two_exercises_solved():
    path = nbs.find("00")
    solved = exercise_cells(with_solutions(nbs.read(path), path))
    solutions = [next(line for line in c.source.splitlines() if line.startswith("answer_")
                      and "expect_rejection" not in line and line != c.source.splitlines()[1]) for c in solved]
    assert solutions == ["answer_1 = course.profile", 'answer_2 = sum(imdb["test"]["label"]) / imdb["test"].num_rows']


def _exercise_notebook(folder: Path, name: str, solution: str, wrong: str = "answer_1 = 5",
                       test: str = "lambda a: a == 6") -> Path:
    cell = new_code_cell("answer_1 = None  # your code here\n"
                         f"from tilnlp import check\ncheck(1, answer_1, {test}, hint='2 * 3')")
    cell.metadata["tags"] = ["exercise"]
    nb = new_notebook(cells=[cell])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, str(folder / f"{name}.ipynb"))
    (folder / "solutions").mkdir(exist_ok=True)
    (folder / "solutions" / f"{name}.py").write_text(f"# %% exercise 1\n{solution}\n\n# %% exercise 1: wrong\n{wrong}\n")
    return folder / f"{name}.ipynb"


@pytest.mark.slow
def test_run_solutions_passes_a_right_answer_and_fails_a_wrong_one(tmp_path):
    right = _exercise_notebook(tmp_path, "41_right", "answer_1 = 2 * 3")
    wrong = _exercise_notebook(tmp_path, "42_wrong", "answer_1 = 2 + 3")
    lax = _exercise_notebook(tmp_path, "43_lax", "answer_1 = 2 * 3", wrong="answer_1 = 7", test="lambda a: a > 5")
    out = tmp_path / "out"
    proc = tilnlp("run", str(right), str(wrong), str(lax), "--solutions", "--out", str(out))
    assert proc.returncode == 1
    assert "ExerciseFailed: exercise 1: the answer 5 does not pass its check" in proc.stdout + proc.stderr
    assert "ExerciseFailed: exercise 1: its check accepts the wrong answer 7" in proc.stdout + proc.stderr
    assert correct_numbers(nbs.read(out / "41_right.ipynb")) == [1]
    record = json.loads((out / "run.json").read_text())["notebooks"]
    assert {k: (v["status"], v["solutions"]) for k, v in record.items()} == \
        {"41_right": ("passed", True), "42_wrong": ("failed", True), "43_lax": ("failed", True)}


@pytest.mark.slow
def test_pytest_runs_course_notebooks_with_their_exercises_solved(tmp_path):
    """The project's conftest.py under a real pytest: a course notebook passes with a right solution
    and fails with a wrong one or with a check that accepts the wrong answer."""
    (tmp_path / "pyproject.toml").write_text((ROOT / "pyproject.toml").read_text())
    (tmp_path / "conftest.py").write_text((ROOT / "conftest.py").read_text())
    notebooks = tmp_path / "notebooks"
    notebooks.mkdir()
    _exercise_notebook(notebooks, "41_right", "answer_1 = 2 * 3")
    _exercise_notebook(notebooks, "42_wrong", "answer_1 = 2 + 3")
    _exercise_notebook(notebooks, "43_lax", "answer_1 = 2 * 3", wrong="answer_1 = 7", test="lambda a: a > 5")
    proc = subprocess.run([sys.executable, "-m", "pytest", "-q", "-n", "0", "-rf", "notebooks"], cwd=tmp_path,
                          capture_output=True, text=True, timeout=600, env={**os.environ, "PYTHONPATH": str(ROOT)})
    failed = sorted(line.split("::")[0].split("/")[-1] for line in proc.stdout.splitlines() if line.startswith("FAILED"))
    assert failed == ["42_wrong.ipynb", "43_lax.ipynb"], proc.stdout[-3000:]
    assert "1 passed" in proc.stdout and "does not pass its check" in proc.stdout
    assert "accepts the wrong answer 7" in proc.stdout


@pytest.mark.slow
def test_pytest_reuses_a_fresh_tilnlp_run_instead_of_executing_again(tmp_path):
    """After `tilnlp run` (CI does it first), pytest compares the run's checked outputs instead of
    executing the notebook again – and executes it when the sources changed since."""
    (tmp_path / "pyproject.toml").write_text((ROOT / "pyproject.toml").read_text())
    (tmp_path / "conftest.py").write_text((ROOT / "conftest.py").read_text())
    notebooks = tmp_path / "notebooks"
    notebooks.mkdir()
    path = _exercise_notebook(notebooks, "41_checked", "answer_1 = 2 * 3")
    nb = nbs.read(path)
    checked = new_code_cell(f"{nbs.CHECK_MARK}\nprint(6 * 7)", execution_count=1)
    checked.outputs = [nbformat.v4.new_output("stream", name="stdout", text="42\n")]
    nb.cells.insert(0, checked)
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbs.write(nb, path)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    pytest_args = [sys.executable, "-m", "pytest", "-q", "-n", "0", "-rA", "notebooks"]  # one process

    # as CI runs it: a plain `tilnlp run` (profile auto), an offline flag, an empty Hugging Face cache
    run = tilnlp("run", "--preset", "ci", cwd=tmp_path,
                 env={"TILNLP_PROFILE": "", "HF_HUB_OFFLINE": "1", "HF_HOME": str(tmp_path / "hf-home")})
    assert run.returncode == 0, run.stdout + run.stderr
    entry = json.loads((tmp_path / "build" / "executed" / "run.json").read_text())["notebooks"]["41_checked"]
    assert (entry["profile"], entry["sources"]) == ("auto", "offline")
    reused = subprocess.run(pytest_args, cwd=tmp_path, capture_output=True, text=True, timeout=300, env=env)
    assert reused.returncode == 0, reused.stdout[-2000:]
    assert "1 passed" in reused.stdout and "PASSED notebooks/41_checked.ipynb::Cell 0" in reused.stdout

    nb.cells[0].outputs[0]["text"] = "43\n"  # the expected output changes: the sources no longer match the run
    nbs.write(nb, path)
    executed = subprocess.run(pytest_args, cwd=tmp_path, capture_output=True, text=True, timeout=300, env=env)
    assert executed.returncode == 1 and "FAILED notebooks/41_checked.ipynb::Cell 0" in executed.stdout
    assert "1 failed, 1 passed" in executed.stdout  # nbval executed both code cells: the exercise cell passed


# --- at the notes' (full) sizes too --------------------------------------------------------------
# CI executes every notebook at the small "ci" sizes only, but a learner in JupyterLab gets the full
# ones – where notebook 05's exercise 2 once accepted its wrong answer (both ways round the analogy
# gave "yasser" after 50 epochs).  The notebooks that run at full size in about a minute or two on a
# 2-core laptop are run so here, with the exercises solved and the wrong answers tried; the others
# take many minutes at full size and are checked by hand before a release
# (`tilnlp run NN --preset full --solutions`).
FULL_SIZE_CHECKED = ["05_word2vec"]
FULL_SIZE_BY_HAND = ["00_setup_and_tour", "01_text_generation", "02_sentiment_pipeline",
                     "03_roberta_without_finetuning", "04_embeddings_and_similarity",
                     "06_bert_sentence_similarity", "07_pretraining_objectives",
                     "08_imdb_before_finetuning", "09_imdb_finetuning", "10_korean_text"]


def test_every_notebook_is_placed_in_one_full_size_list():
    assert sorted(FULL_SIZE_CHECKED + FULL_SIZE_BY_HAND) == [p.stem for p in nbs.course_notebooks()]


@pytest.mark.slow
@pytest.mark.parametrize("stem", FULL_SIZE_CHECKED)
def test_every_exercise_rejects_its_wrong_answer_at_full_size(stem, tmp_path):
    proc = tilnlp("run", stem[:2], "--preset", "full", "--profile", "offline", "--solutions",
                  "--out", tmp_path, timeout=900)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    assert "1/1 passed" in proc.stdout
    outputs = [out.get("text", "") for cell in json.loads((tmp_path / f"{stem}.ipynb").read_text())["cells"]
               for out in cell.get("outputs", [])]
    printed = "".join("".join(t) if isinstance(t, list) else t for t in outputs)
    numbers = [int(n) for n in CORRECT.findall(printed)]
    assert numbers == sorted(read_solutions(SOLUTIONS / f"{stem}.py")), printed[-2000:]
