"""Notebook plumbing: parameters, cleanliness, discovery."""
import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from tilnlp.publishing import notebooks as nbs


def _nb(*cells):
    return new_notebook(cells=list(cells))


def _params_cell(source):
    cell = new_code_cell(source)
    cell.metadata["tags"] = ["parameters"]
    return cell


PARAMS = _params_cell('from tilnlp import preset\nprofile = None\nseed = 42\n'
                      'n_test = preset(full=500, ci=48)\nrate = 2e-5\nrecipe = "fast"\nplot = True')


def test_parameters_read_types_from_the_full_values():
    params = nbs.parameters(_nb(PARAMS))
    assert list(params) == ["profile", "seed", "n_test", "rate", "recipe", "plot"]
    assert params["n_test"].default == 500 and params["n_test"].kind is int
    assert params["rate"].kind is float and params["recipe"].kind is str and params["plot"].kind is bool
    assert params["profile"].kind is None


@pytest.mark.parametrize("text, value", [("12", 12), ("0.5", 0.5), ("true", True), ("None", None),
                                         ("fast", "fast"), ("'seed'", "seed"), ("a b", "a b")])
def test_parse_value(text, value):
    assert nbs.parse_value(text) == value


def test_parse_params_splits_at_the_first_equals_sign():
    assert nbs.parse_params(["n_test=100", " profile =offline", "title=a=b"]) == \
        {"n_test": 100, "profile": "offline", "title": "a=b"}


@pytest.mark.parametrize("pair", ["n_test", "=100", " =1"])
def test_parse_params_rejects_a_pair_without_a_key_or_value_sign(pair):
    with pytest.raises(nbs.NotebookError, match="write it as KEY=VALUE"):
        nbs.parse_params([pair])


def test_check_parameters_coerces_and_rejects(tmp_path):
    nb, path = _nb(PARAMS), tmp_path / "09_x.ipynb"
    assert nbs.check_parameters(nb, path, {"n_test": 10, "rate": 1, "profile": "offline"}) == \
        {"n_test": 10, "rate": 1.0, "profile": "offline"}
    with pytest.raises(nbs.NotebookError, match="takes a int"):
        nbs.check_parameters(nb, path, {"n_test": "many"})
    with pytest.raises(nbs.NotebookError, match="takes a int"):
        nbs.check_parameters(nb, path, {"n_test": True})
    with pytest.raises(nbs.NotebookError, match="has no parameter 'epochs'; its parameters: profile, seed"):
        nbs.check_parameters(nb, path, {"epochs": 3})


def _checked_cell(with_output=True):
    cell = new_code_cell(f"{nbs.CHECK_MARK}\nprint(1)", execution_count=3)
    if with_output:
        cell.outputs = [new_output("stream", name="stdout", text="1\n")]
    return cell


def test_clean_strips_everything_but_checked_outputs():
    plain = new_code_cell("print(2)", execution_count=4)
    plain.outputs = [new_output("stream", name="stdout", text="2\n")]
    plain.metadata["papermill"] = {"duration": 1.0}
    nb = _nb(new_markdown_cell("# t"), plain, _checked_cell())
    nb.metadata["papermill"] = {}
    assert len(nbs.dirt(nb)) == 5
    nbs.clean(nb)
    assert nbs.dirt(nb) == []
    assert nb.cells[1].outputs == [] and nb.cells[1].execution_count is None
    assert nb.cells[2].outputs[0]["text"] == "1\n"


def test_dirt_names_checked_cells_without_expected_output_and_machine_paths():
    nb = _nb(_checked_cell(with_output=False))
    assert nbs.dirt(nb) == ["cell 0: execution count 3",
                            "cell 0: checked cell has no expected output (nbval would compare nothing)"]
    leaky = _checked_cell()
    leaky.execution_count = 1  # nbval needs a count on a cell with expected output
    leaky.outputs[0]["text"] = "saved to /home/ada/model\n"
    assert nbs.dirt(_nb(leaky)) == ["cell 0: machine path in stored output"]


def test_every_course_notebook_is_clean_and_checked():
    paths = nbs.course_notebooks()
    assert paths and paths[0].name == "00_setup_and_tour.ipynb"
    for path in paths:
        nb = nbs.read(path)
        assert nbs.dirt(nb) == [], path.name
        assert any(nbs.is_checked(c) for c in nb.cells), f"{path.name} has no nbval-checked cell"
        assert "parameters" in nbs.parameters(nb) or nbs.parameters(nb), f"{path.name} has no parameters cell"
        assert nb.metadata.get("tilnlp", {}).get("description"), f"{path.name} has no description"


def test_find_by_number_stem_or_path():
    first = nbs.course_notebooks()[0]
    assert nbs.find("00") == first
    assert nbs.find(first.stem) == first
    assert nbs.find(str(first)) == first
    with pytest.raises(nbs.NotebookError, match="unknown notebook '99'"):
        nbs.find("99")


def test_corrupt_notebook_is_one_clear_error(tmp_path):
    bad = tmp_path / "01_bad.ipynb"
    bad.write_text('{"cells": [')
    with pytest.raises(nbs.NotebookError, match="is not a readable notebook"):
        nbs.read(bad)


def test_write_then_read_round_trips(tmp_path):
    nb = _nb(PARAMS)
    nbs.write(nb, tmp_path / "00_x.ipynb")
    assert nbformat.read(str(tmp_path / "00_x.ipynb"), as_version=4).cells[0].source == PARAMS.source


def test_every_code_cell_is_valid_python():
    """A syntax error is found here in a second, not after minutes of executing the notebook."""
    import ast

    for lang in nbs.LANGS:
        for path in nbs.course_notebooks(nbs.lang_dir(lang)):
            for cell in nbs.read(path).cells:
                if cell.cell_type == "code":
                    try:
                        ast.parse(cell.source)
                    except SyntaxError as exc:
                        pytest.fail(f"{path.parent.name}/{path.name} cell {cell.id}: {exc}")


def test_checked_outputs_compare_a_stream_however_the_kernel_split_it():
    # CI once failed a right answer: the stored cell had the stand-in line and "NEGATIVE" as two
    # stdout chunks, the run printed them as one.
    split = [new_output("stream", name="stdout", text="[tilnlp] stand-in\n"),
             new_output("stream", name="stdout", text="NEGATIVE\n")]
    whole = [new_output("stream", name="stdout", text="[tilnlp] stand-in\nNEGATIVE\n")]
    assert nbs.comparable_outputs(split) == nbs.comparable_outputs(whole)
    # ... but the text itself, the stream's name and the order of streams and results still count
    assert nbs.comparable_outputs(split) != nbs.comparable_outputs(
        [new_output("stream", name="stdout", text="[tilnlp] stand-in\nPOSITIVE\n")])
    assert nbs.comparable_outputs(split) != nbs.comparable_outputs(
        [split[0], new_output("stream", name="stderr", text="NEGATIVE\n")])
    result = new_output("execute_result", data={"text/plain": "0.87", "image/png": "iVBOR"})
    assert nbs.comparable_outputs([split[0], result, split[1]]) != nbs.comparable_outputs(whole + [result])
    assert nbs.comparable_outputs([result]) == [("data", {"text/plain": "0.87"})]


# --- reading length: a core path a learner reads in one sitting ------------------------------------

CORE_WORDS = 1200      # about 15 minutes of reading, for a learner reading English as a second language
CELL_CHARACTERS = 1500  # a longer Markdown cell is a wall of text: split it, or move it to "Going deeper"
GOING_DEEPER = {"en": "## Going deeper", "ko": "## 더 깊이"}


def core_path(nb, lang: str) -> list[str]:
    """The Markdown of the notebook's core path: every Markdown cell before its first "Going deeper"."""
    texts = []
    for cell in nb.cells:
        if cell.cell_type != "markdown":
            continue
        if cell.source.lstrip().startswith(GOING_DEEPER[lang]):
            break
        texts.append(cell.source)
    return texts


@pytest.mark.parametrize("path", nbs.course_notebooks(), ids=lambda p: p.stem)
def test_the_core_path_reads_in_fifteen_minutes_and_no_cell_is_a_wall(path):
    nb = nbs.read(path)
    words = sum(len(text.split()) for text in core_path(nb, "en"))
    assert words <= CORE_WORDS, f"{path.stem}: {words} words of Markdown before 'Going deeper' (at most {CORE_WORDS})"
    longest = max((c for c in nb.cells if c.cell_type == "markdown"), key=lambda c: len(c.source))
    assert len(longest.source) <= CELL_CHARACTERS, \
        f"{path.stem}: Markdown cell {longest.id} has {len(longest.source)} characters (at most {CELL_CHARACTERS})"


@pytest.mark.parametrize("path", nbs.course_notebooks(), ids=lambda p: p.stem)
def test_going_deeper_is_marked_optional_and_comes_after_the_key_points(path):
    nb = nbs.read(path)
    headings = [c.source.lstrip().splitlines()[0] for c in nb.cells
                if c.cell_type == "markdown" and c.source.lstrip().startswith("## ")]
    deeper = [i for i, h in enumerate(headings) if h.startswith(GOING_DEEPER["en"])]
    if not deeper:
        return
    assert all(i > headings.index("## Key points") for i in deeper), f"{path.stem}: Going deeper before Key points"
    assert headings[deeper[0]:] == [h for h in headings[deeper[0]:] if h.startswith(GOING_DEEPER["en"])], \
        f"{path.stem}: a core section after 'Going deeper': {headings[deeper[0]:]}"
    for cell in nb.cells:
        if cell.cell_type == "markdown" and cell.source.lstrip().startswith(GOING_DEEPER["en"]):
            assert "*Optional.*" in cell.source, f"{path.stem}: cell {cell.id} is not marked *Optional.*"


def test_core_path_stops_at_going_deeper():
    nb = _nb(new_markdown_cell("# Title\none two"), new_markdown_cell("## Key points\nthree"),
             new_markdown_cell("## Going deeper: more\n*Optional.* four five"), new_markdown_cell("six"))
    assert core_path(nb, "en") == ["# Title\none two", "## Key points\nthree"]


@pytest.mark.parametrize("path", nbs.course_notebooks() + nbs.course_notebooks(nbs.lang_dir("ko")),
                         ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_every_notebook_starts_with_the_setup_check(path):
    """The first code cell is tilnlp/publishing/firstcell.py's snippet, as it stands there (firstcell.place() puts it)."""
    from tilnlp.publishing import firstcell

    first = next(c for c in nbs.read(path).cells if c.cell_type == "code")
    assert first.id == firstcell.CELL_ID and first.source == firstcell.SNIPPET, \
        f"{path.name}: run python -c 'from tilnlp.publishing import firstcell, notebooks; firstcell.place(notebooks.course_notebooks())'" \
        " and tilnlp translate"


def test_firstcell_place_inserts_once_and_updates(tmp_path):
    from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

    from tilnlp.publishing import firstcell

    path = tmp_path / "00_x.ipynb"
    nbs.write(new_notebook(cells=[new_markdown_cell("# x"), new_code_cell("x = 1")]), path)
    assert firstcell.place([path]) == [path] and firstcell.place([path]) == []
    cells = nbs.read(path).cells
    assert [c.cell_type for c in cells] == ["markdown", "code", "code"] and cells[1].source == firstcell.SNIPPET
    nb = nbs.read(path)
    nb.cells[1].source = "old"
    nbs.write(nb, path)
    assert firstcell.place([path]) == [path] and len(nbs.read(path).cells) == 3
