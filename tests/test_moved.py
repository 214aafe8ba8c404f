"""Old module names (before the package's layout in three parts) still import: tilnlp.moved.

Each case runs in a fresh Python, because an import is made once per process."""
import ast
import os
import re
import subprocess
import sys
import textwrap

import pytest

from conftest import ROOT
from test_layout import MODULES, import_source
from tilnlp.moved import MOVED, new_names


def _python(code: str, lang: str = "en", options: tuple[str, ...] = ()) -> subprocess.CompletedProcess:
    env = {**os.environ, "TILNLP_LANG": lang, "PYTHONWARNINGS": "default"}
    return subprocess.run([sys.executable, *options, "-c", textwrap.dedent(code)], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)


def _passes(proc: subprocess.CompletedProcess) -> str:
    assert proc.returncode == 0, proc.stderr
    return proc.stderr


def test_every_old_name_is_the_module_it_became_or_reads_from_them():
    """A single move gives the same object (nothing runs twice); a split answers every name of its parts."""
    stderr = _passes(_python("""
        import importlib
        from tilnlp.moved import MOVED
        for old, new in MOVED.items():
            got = importlib.import_module("tilnlp." + old)
            parts = [importlib.import_module("tilnlp." + n) for n in new]
            if len(parts) == 1:
                assert got is parts[0], old
                continue
            names = {n for p in parts for n in dir(p) if not n.startswith("__")}
            assert set(dir(got)) >= names, old
            for name in names:
                owner = next(p for p in parts if hasattr(p, name))
                assert getattr(got, name) is getattr(owner, name), (old, name)
        print("ok")
    """))
    for old, new in MOVED.items():
        assert stderr.count(f"tilnlp.{old} is now ") == 1, (old, stderr)  # one warning an old name
        assert " + ".join(f"tilnlp.{n}" for n in new) in stderr, old


def test_the_old_notebooks_imports_work_and_say_the_new_name():
    """Notebook 00 and 10 as `tilnlp init` copied them before the layout (their only moved imports)."""
    stderr = _passes(_python("""
        from tilnlp.notebooks import listing
        from tilnlp.models import hub_has
        from tilnlp.publishing.notebooks import listing as new_listing
        from tilnlp.sourcing.hub import hub_has as new_hub_has
        assert listing is new_listing and hub_has is new_hub_has
        assert "00_setup_and_tour" in listing()
    """))
    assert "tilnlp.notebooks is now tilnlp.publishing.notebooks" in stderr
    assert "tilnlp.models is now tilnlp.sourcing.models + tilnlp.sourcing.hub" in stderr
    assert "tilnlp init --force" in stderr
    assert "Traceback" not in stderr


def test_the_warning_points_at_the_learners_import_line(tmp_path):
    script = tmp_path / "old_copy.py"
    script.write_text("import sys\n\nfrom tilnlp.notebooks import listing\n", encoding="utf-8")
    proc = subprocess.run([sys.executable, "-W", "default", str(script)], cwd=ROOT, capture_output=True, text=True,
                          timeout=120, env={**os.environ, "TILNLP_LANG": "en"})
    assert proc.returncode == 0, proc.stderr
    assert f"{script}:3: FutureWarning: tilnlp.notebooks is now" in proc.stderr


def test_a_tilnlp_command_installed_before_still_runs_and_says_to_reinstall():
    """What pip wrote into bin/tilnlp for the old entry point ``tilnlp.cli:main``."""
    proc = _python("""
        import sys
        from tilnlp.cli import main
        sys.argv = ["tilnlp", "list"]
        sys.exit(main())
    """)
    assert "00_setup_and_tour" in proc.stdout and proc.returncode == 0, proc.stderr
    assert "tilnlp.cli is now tilnlp.publishing.cli" in proc.stderr
    assert "install command once more" in proc.stderr


def test_the_warning_speaks_korean_in_the_korean_edition():
    stderr = _passes(_python("from tilnlp.notebooks import listing", lang="ko"))
    assert "tilnlp.notebooks는 이제 tilnlp.publishing.notebooks입니다" in stderr
    assert "is now" not in stderr


def test_the_finder_imports_nothing_itself():
    """Every import asks the finder first: one that imported a module while answering would recurse
    (without site, importlib.machinery is not loaded yet – as in a fresh venv where the wheel is installed)."""
    proc = subprocess.run([sys.executable, "-S", "-c", f"import sys; sys.path.insert(0, {str(ROOT)!r})\n"
                           "import tilnlp, tilnlp.paths, json, tilnlp.notebooks; print('ok')"],
                          capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert proc.stdout == "ok\n", proc.stderr[-2000:]


def test_a_moved_packages_modules_come_with_it_under_one_warning():
    stderr = _passes(_python("""
        import tilnlp.standins.sentiment as old
        import tilnlp.sourcing.standins.sentiment as new
        assert old is new
        import sys
        assert sys.modules["tilnlp.standins.sentiment"] is new
    """))
    assert stderr.count("FutureWarning") == 1, stderr


def test_the_new_names_and_tilnlp_itself_warn_nothing():
    _passes(_python("""
        import importlib, tilnlp
        from tilnlp.moved import MOVED
        for new in MOVED.values():
            for name in new:
                importlib.import_module("tilnlp." + name)
    """, options=("-W", "error::FutureWarning")))


@pytest.mark.parametrize("name", ["tilnlp.nothere", "tilnlp.mirror.x", "tilnlp.cli.x"])
def test_a_name_that_never_was_still_fails_as_python_says(name):
    proc = _python(f"import {name}")
    assert proc.returncode == 1 and f"ModuleNotFoundError: No module named '{name}'" in proc.stderr, proc.stderr


def test_a_split_module_names_what_none_of_its_parts_has():
    proc = _python("import tilnlp.models as m; m.no_such_name")
    assert "AttributeError: module 'tilnlp.models' has no attribute 'no_such_name'" in proc.stderr


def test_only_old_names_are_mapped():
    assert new_names("tilnlp.cli") == ("tilnlp.publishing.cli",)
    assert new_names("tilnlp.standins.smollm2") == ("tilnlp.sourcing.standins.smollm2",)
    assert new_names("tilnlp.models") == ("tilnlp.sourcing.models", "tilnlp.sourcing.hub")
    for name in ("tilnlp", "tilnlp.similarity", "tilnlp.publishing.cli", "tilnlp.mirror.fetch", "other.cli", "tilnlpx.cli"):
        assert new_names(name) is None, name


def test_no_old_name_is_a_module_that_exists_now():
    """An old name that is also a real module would hide it."""
    assert not {f"tilnlp.{old}" for old in MOVED} & set(MODULES)


def old_imports(text: str, module: str | None = None) -> set[str]:
    """The old names ``text`` imports: absolute imports anywhere, relative ones resolved from ``module``."""
    found = set(re.findall(rf"(?:from|import)\s+(tilnlp\.(?:{'|'.join(MOVED)}))\b", text))
    if module is not None:
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, ast.ImportFrom) and node.level:
                source = import_source(module, node)
                found |= {name for alias in node.names for name in (source, f"{source}.{alias.name}")
                          if new_names(name) is not None}
    return found


def test_the_old_import_reader_finds_old_imports():
    assert old_imports("from tilnlp.notebooks import listing") == {"tilnlp.notebooks"}
    assert old_imports("import tilnlp.cli") == {"tilnlp.cli"}
    assert old_imports("from .models import course", "tilnlp.preamble") == {"tilnlp.models"}
    assert old_imports("from . import runner", "tilnlp.preamble") == {"tilnlp.runner"}
    assert old_imports("from . import runner", "tilnlp.publishing.cli") == set()
    assert old_imports("from ..sourcing import cache", "tilnlp.publishing.cli") == set()
    assert old_imports("from ..standins import sentiment", "tilnlp.sourcing.cache") == {"tilnlp.standins", "tilnlp.standins.sentiment"}
    assert old_imports("from tilnlp.publishing.notebooks import listing") == set()


def test_nothing_in_the_course_imports_an_old_name():
    """Only a learner's older copies and installs do: the course, its tests and notebooks use the new names."""
    for path in sorted((ROOT / "tilnlp").rglob("*.py")):
        module = ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")
        assert not old_imports(path.read_text(encoding="utf-8"), module), path
    for path in [*ROOT.glob("notebooks/**/*.ipynb"), *ROOT.glob("benchmarks/*.py"), *ROOT.glob("tests/*.py"),
                 ROOT / "conftest.py", *ROOT.glob("i18n/**/*.*")]:  # the READMEs name the old ones on purpose
        if path.name != "test_moved.py" and path.is_file():
            assert not old_imports(path.read_text(encoding="utf-8")), path
