"""Clean sources and student copies: `tilnlp clean --check`, `tilnlp student`, the JupyterLab kernel."""
import json
import re
import sys
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from conftest import ROOT, tilnlp
from tilnlp.publishing import notebooks as nbs
from tilnlp.publishing import student


def _notebook(dirty: bool):
    checked = new_code_cell(f"{nbs.CHECK_MARK}\nprint(1)", execution_count=1)  # as tilnlp bless stores it
    checked.outputs = [new_output("stream", name="stdout", text="1\n")]
    plain = new_code_cell("print(2)", execution_count=1 if dirty else None)
    if dirty:
        plain.outputs = [new_output("stream", name="stdout", text="2\n")]
    exercise = new_code_cell("answer_1 = None  # your code here\ncheck(1, answer_1, lambda a: a == 2)")
    exercise.metadata["tags"] = ["exercise"]
    return new_notebook(cells=[new_markdown_cell("# 42 · Test"), plain, checked, exercise])


def test_clean_check_fails_on_a_dirty_notebook(tmp_path):
    path = tmp_path / "42_dirty.ipynb"
    nbs.write(_notebook(dirty=True), path)
    before = path.read_bytes()
    proc = tilnlp("clean", "--check", str(path))
    assert proc.returncode == 1
    assert proc.stdout.splitlines() == ["42_dirty.ipynb: cell 1: execution count 1",
                                        "42_dirty.ipynb: cell 1: stored output in a cell nbval does not check",
                                        "1 dirty notebook(s)"]
    assert path.read_bytes() == before  # --check only reports


def test_clean_check_passes_a_clean_notebook(tmp_path):
    path = tmp_path / "42_clean.ipynb"
    nbs.write(_notebook(dirty=False), path)
    proc = tilnlp("clean", "--check", str(path))
    assert (proc.returncode, proc.stdout.strip()) == (0, "all notebooks clean")


def test_clean_check_passes_on_the_course_notebooks():
    """What CI relies on: a source notebook stored with outputs fails the build."""
    proc = tilnlp("clean", "--check")
    assert proc.returncode == 0, proc.stdout
    assert proc.stdout.strip() == "all notebooks clean"


def test_student_copy_strips_checked_outputs_and_markers():
    nb = student.student_copy(_notebook(dirty=True))
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert [c.outputs for c in code] == [[], [], []]
    assert [c.execution_count for c in code] == [None, None, None]
    assert [c.source for c in code] == ["print(2)", "print(1)",
                                        "answer_1 = None  # your code here\ncheck(1, answer_1, lambda a: a == 2)"]
    assert nbs.dirt(nb) == []


def test_student_command_writes_handout_copies(tmp_path):
    sources = nbs.course_notebooks()
    before = {p: p.read_bytes() for p in sources}
    proc = tilnlp("student", "--out", str(tmp_path))
    assert proc.returncode == 0, proc.stderr
    assert f"student copies: {len(sources)} notebook(s) + GLOSSARY.md -> {tmp_path}" in proc.stdout

    copies = sorted((tmp_path / "notebooks").glob("*.ipynb"))
    assert [p.name for p in copies] == [p.name for p in sources]
    assert sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*") if p.is_file()) == \
        sorted(["GLOSSARY.md"] + [f"notebooks/{p.name}" for p in sources])  # no solutions, nothing else
    assert (tmp_path / "GLOSSARY.md").read_bytes() == (ROOT / "GLOSSARY.md").read_bytes()
    for copy, source in zip(copies, sources):
        text = copy.read_text(encoding="utf-8")
        assert nbs.CHECK_MARK not in text, copy.name
        student, original = nbformat.reads(text, as_version=4), nbs.read(source)
        assert len(student.cells) == len(original.cells)
        for mine, theirs in zip(student.cells, original.cells):
            assert mine.cell_type == theirs.cell_type
            if mine.cell_type == "code":
                assert mine.outputs == [] and mine.execution_count is None, copy.name
                assert mine.source == theirs.source.removeprefix(nbs.CHECK_MARK + "\n")
        exercises = [c for c in student.cells if "exercise" in c.metadata.get("tags", [])]
        assert all("= None" in c.source for c in exercises), copy.name
    assert {p: p.read_bytes() for p in sources} == before  # the sources are untouched


def test_student_refuses_to_overwrite_the_course(tmp_path):
    """In a scratch copy of the course, so a broken guard could only hurt the copy."""
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'scratch'\n")
    (tmp_path / "notebooks").mkdir()
    source = tmp_path / "notebooks" / "00_scratch.ipynb"
    nbs.write(_notebook(dirty=False), source)
    before = source.read_bytes()
    proc = tilnlp("student", "--out", ".", cwd=tmp_path)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert proc.stderr.strip().startswith("tilnlp: error: . is the course folder itself")
    assert source.read_bytes() == before


def test_jupyterlab_runs_the_notebooks_with_this_environment():
    """`jupyter lab notebooks/` from the venv: the notebooks' python3 kernel is the venv's python."""
    from jupyter_client.kernelspec import KernelSpecManager
    from jupyter_client.manager import KernelManager

    spec = KernelSpecManager().get_kernel_spec("python3")
    assert Path(spec.resource_dir).is_relative_to(sys.prefix), spec.resource_dir
    assert KernelManager(kernel_name="python3").format_kernel_cmd()[0] == sys.executable
    for path in nbs.course_notebooks():
        assert json.loads(path.read_text(encoding="utf-8"))["metadata"]["kernelspec"]["name"] == "python3", path.name


def test_student_out_must_be_a_folder(tmp_path):
    target = tmp_path / "handout.txt"
    target.write_text("not a folder")
    proc = tilnlp("student", "--out", str(target))
    assert proc.returncode == 2 and "Traceback" not in proc.stderr + proc.stdout
    assert proc.stderr.strip() == f"tilnlp: error: {target} is a file, not a folder"


def test_student_copies_in_korean_keep_the_layout_the_glossary_links_need(tmp_path):
    sources = nbs.course_notebooks(nbs.lang_dir("ko"))
    proc = tilnlp("student", "--lang", "ko", "--out", str(tmp_path))
    assert proc.returncode == 0, proc.stderr
    copies = sorted((tmp_path / "notebooks" / "ko").glob("*.ipynb"))
    assert [p.name for p in copies] == [p.name for p in sources] and len(copies) == len(nbs.course_notebooks())
    assert (tmp_path / "GLOSSARY.md").is_file()
    first = nbformat.read(str(copies[0]), as_version=4)
    links = re.findall(r"\]\((\.\./\.\./GLOSSARY\.md)(?:#[^)]*)?\)", "".join(c.source for c in first.cells))
    assert links and all((copies[0].parent / link).resolve() == (tmp_path / "GLOSSARY.md").resolve() for link in links)
    assert all(not c.get("outputs") for c in first.cells if c.cell_type == "code")
