"""The notebooks' first code cell, kept here, in one place: it runs where ``tilnlp`` is missing.

A notebook opened in a JupyterLab the learner already had, with the wrong kernel selected, or in
Google Colab cannot import ``tilnlp``, so this cell cannot call it: it is plain Python.  When
``import tilnlp`` fails it stops the notebook with one message, instead of a traceback, in the
notebook's language – Korean when the notebook sits in a folder named ``ko`` (Jupyter starts the
kernel in the notebook's folder and sets ``JPY_SESSION_NAME`` to its path), English in a folder
named ``notebooks``, both elsewhere (Colab, a downloaded file).  The message names the one command
that installs the course into *this* kernel (``%pip install``, which installs where the kernel's
Python looks) and says that the kernel must be restarted afterwards:

* in the course's repository (a clone, or its unpacked archive: ``pyproject.toml`` beside
  ``tilnlp/``, one or two folders up) – ``%pip install -c "<that folder>/constraints.txt" -e
  "<that folder>"``, a real path, with the tested versions (the CPU build of PyTorch among them);
* in a folder ``tilnlp init`` filled – the course is installed in some environment already, so
  the kernel is the wrong one: choose that environment's kernel;
* anywhere else (Colab, a notebook downloaded alone) – ``%pip install`` of the course's wheel file
  (uploaded beside the notebook); the course has no public address yet (:data:`REPO_URL` is a
  stand-in that only the READMEs mention), so no notebook sends a learner to it.

A kernel older than Python 3.10 is told to choose another kernel instead.  The exception it raises
renders as the message alone in IPython (``_render_traceback_``) and stops "Run all".
``tests/test_install.py`` runs the snippet with ``tilnlp`` hidden, in each of those places.
"""
from __future__ import annotations

REPO_URL = "https://github.com/tilnlp/tilnlp"
INSTALL = f'%pip install "tilnlp @ git+{REPO_URL}"'  # the READMEs' Colab command, once the address is real
WHEEL = "tilnlp-0.1.0-py3-none-any.whl"

SNIPPET = '''\
# Setup check: where the course's package is missing, say how to install it (and stop here).
try:
    import tilnlp
except ModuleNotFoundError as _missing:
    if _missing.name != "tilnlp":  # tilnlp is there but lacks a dependency: that error says which
        raise
    import os, sys
    _at = os.environ.get("JPY_SESSION_NAME", "")
    _here = os.path.dirname(os.path.abspath(_at)) if _at.endswith(".ipynb") else os.getcwd()
    _up = [_here, os.path.dirname(_here), os.path.dirname(os.path.dirname(_here))]
    _repo = next((d for d in _up if os.path.isfile(os.path.join(d, "pyproject.toml"))
                  and os.path.isdir(os.path.join(d, "tilnlp"))), None)
    _init = any(os.path.isfile(os.path.join(d, ".tilnlp-course")) for d in _up)
    _py = f"Python {sys.version_info[0]}.{sys.version_info[1]} ({sys.executable})"
    _cmd = (f'%pip install -c "{os.path.join(_repo, "constraints.txt")}" -e "{_repo}"' if _repo
            else "%pip install WHEEL")
    _en = (f"The course's package tilnlp is not installed in this kernel, {_py}. Run this in a cell:\\n    {_cmd}\\n"
           + ("" if _repo else "(WHEEL: the course's wheel file, uploaded beside this notebook)\\n")
           + "then restart the kernel (Kernel > Restart Kernel; Colab: Runtime > Restart session) and run the "
           "notebook again from the top. Installed it in a terminal already? Then choose that environment's "
           "kernel (Kernel > Change Kernel).")
    _ko = (f"강의 패키지 tilnlp가 이 커널({_py})에 설치되어 있지 않습니다. 셀에서 다음을 실행하십시오:\\n    {_cmd}\\n"
           + ("" if _repo else "(WHEEL: 강의의 wheel 파일. 이 노트북 옆에 올려 두십시오)\\n")
           + "그다음 커널을 다시 시작하고(Kernel > Restart Kernel, Colab: 런타임 > 세션 다시 시작) 노트북을 처음부터 "
           "다시 실행하십시오. 터미널에서 이미 설치했다면 그 환경의 커널을 고르십시오(Kernel > Change Kernel).")
    if _init and not _repo:
        _en = (f"This kernel, {_py}, does not have the course's package tilnlp, but `tilnlp init` made this folder: "
               "choose the kernel of the environment where you installed the course (Kernel > Change Kernel).")
        _ko = (f"이 커널({_py})에는 강의 패키지 tilnlp가 없지만, 이 폴더는 `tilnlp init`으로 만들었습니다: "
               "강의를 설치한 환경의 커널을 고르십시오(Kernel > Change Kernel).")
    if sys.version_info < (3, 10):
        _en = f"This kernel runs {_py}; the course needs Python 3.10 or newer: choose another kernel (Kernel > Change Kernel)."
        _ko = f"이 커널은 {_py}입니다. 강의에는 Python 3.10 이상이 필요합니다: 다른 커널을 고르십시오(Kernel > Change Kernel)."

    class CourseNotInstalled(Exception):
        def _render_traceback_(self):
            return [str(self)]

    raise CourseNotInstalled(_ko if os.path.basename(_here) == "ko" else _en if os.path.basename(_here) == "notebooks"
                             else _en + "\\n\\n" + _ko) from None
'''.replace("WHEEL", WHEEL)

CELL_ID = "setup-check"


def is_first_cell(cell) -> bool:
    return cell.get("cell_type") == "code" and cell.get("id") == CELL_ID


def place(paths) -> list:
    """Make :data:`SNIPPET` the first code cell of each English notebook in ``paths`` (course authors:
    after changing it, run this, then ``tilnlp translate``); the notebooks it changed."""
    from nbformat.v4 import new_code_cell

    from . import notebooks as nbs

    changed = []
    for path in paths:
        nb = nbs.read(path)
        cell = next((c for c in nb.cells if is_first_cell(c)), None)
        if cell is None:
            cell = new_code_cell(SNIPPET)
            cell.id = CELL_ID
            first_code = next(i for i, c in enumerate(nb.cells) if c.cell_type == "code")
            nb.cells.insert(first_code, cell)
        elif cell.source == SNIPPET:
            continue
        cell.source = SNIPPET
        nbs.write(nb, path)
        changed.append(path)
    return changed
