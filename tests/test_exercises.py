import pytest

from tilnlp.exercises import ExerciseFailed, Solution, check, expect_rejection, read_solutions, solved_source


def test_unanswered_correct_and_wrong(capsys):
    for answer in (None, 3, 4):
        assert check(1, answer, lambda a: a == 3, hint="count again") is None  # nothing to display
    assert capsys.readouterr().out.splitlines() == [
        "Exercise 1: not answered yet.", "Exercise 1: correct.", "Exercise 1: not quite: count again"]


def test_a_check_that_raises_is_a_wrong_answer(capsys):
    check(2, "abc", lambda a: a + 1 > 0)
    assert "not quite" in capsys.readouterr().out


def test_strict_mode_fails_missing_and_wrong_answers(monkeypatch):
    monkeypatch.setenv("TILNLP_STRICT_EXERCISES", "1")
    with pytest.raises(ExerciseFailed, match="no answer"):
        check(1, None, lambda a: True)
    with pytest.raises(ExerciseFailed, match="does not pass"):
        check(1, 4, lambda a: a == 3)
    check(1, 3, lambda a: a == 3)  # a right answer passes quietly


def test_solutions_file_blocks(tmp_path):
    path = tmp_path / "01_x.py"
    path.write_text("# header\n\n# %% exercise 1\nanswer_1 = 2\n\n# %% exercise 1: wrong\nanswer_1 = 3\n\n"
                    "# %% exercise 2\nx = 1\nanswer_2 = x + 1\n")
    assert read_solutions(path) == {1: Solution("answer_1 = 2", "answer_1 = 3"),
                                    2: Solution("x = 1\nanswer_2 = x + 1", None)}


def test_a_check_must_reject_the_registered_wrong_answer(monkeypatch):
    monkeypatch.setenv("TILNLP_STRICT_EXERCISES", "1")
    expect_rejection(7, 5)
    check(7, 6, lambda a: a == 6)  # rejects 5, accepts 6
    expect_rejection(7, 7)
    with pytest.raises(ExerciseFailed, match="its check accepts the wrong answer 7"):
        check(7, 6, lambda a: a > 5)  # a lax check: accepts the wrong 7 too
    expect_rejection(7, "abc")
    check(7, 6, lambda a: a + 1 == 7)  # a wrong answer that makes the check raise counts as rejected


def test_solved_source_puts_the_wrong_answer_first():
    code = solved_source(3, Solution("answer_3 = 6", "answer_3 = 5"))
    namespace = {}
    exec(code.replace("from tilnlp.exercises import expect_rejection\n", ""),
         {"expect_rejection": lambda n, a: namespace.setdefault("rejected", (n, a))}, namespace)
    assert namespace["rejected"] == (3, 5) and namespace["answer_3"] == 6
