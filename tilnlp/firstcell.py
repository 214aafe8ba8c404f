"""The notebooks' first code cell, kept here, in one place: it runs where ``tilnlp`` is missing.

A notebook opened in Google Colab, in a JupyterLab the learner already had, or with the wrong
kernel selected cannot import ``tilnlp``, so this cell cannot call it: it is plain Python.  When
``import tilnlp`` fails it stops the notebook with one message, instead of a traceback, in the
notebook's language – Korean when the notebook sits in a folder named ``ko`` (Jupyter starts the
kernel in the notebook's folder and sets ``JPY_SESSION_NAME`` to its path), English in a folder
named ``notebooks``, both elsewhere (Colab, a downloaded file).  The message names the one command
that installs the course into *this* kernel (``%pip install``, which installs where the kernel's
Python looks) and says that the kernel must be restarted afterwards; a kernel older than Python
3.10 is told to choose another kernel instead.  The exception it raises renders as the message
alone in IPython (``_render_traceback_``) and stops "Run all".

``tests/test_install.py`` runs the snippet with ``tilnlp`` hidden.  It is not yet placed in the
notebooks: :data:`REPO_URL` stands for the course's public repository, which this copy does not
have yet, and a notebook should not send a learner to an unchecked address.  The README's Colab
section and ``pyproject.toml`` name the same address (a test checks).
"""
from __future__ import annotations

REPO_URL = "https://github.com/tilnlp/tilnlp"
INSTALL = f'%pip install "tilnlp @ git+{REPO_URL}"'

SNIPPET = '''\
# Setup check: where the course's package is missing, say how to install it (and stop here).
try:
    import tilnlp
except ModuleNotFoundError as _missing:
    if _missing.name != "tilnlp":  # tilnlp is there but lacks a dependency: that error says which
        raise
    import os, sys
    _at = os.environ.get("JPY_SESSION_NAME", "")
    _dir = os.path.basename(os.path.dirname(_at) if _at.endswith(".ipynb") else os.getcwd())
    _py = f"Python {sys.version_info[0]}.{sys.version_info[1]} ({sys.executable})"
    _cmd = 'INSTALL'
    _en = (f"The course's package tilnlp is not installed in this kernel, {_py}. Run this in a cell:\\n    {_cmd}\\n"
           "then restart the kernel (Kernel > Restart Kernel; Colab: Runtime > Restart session) and run the "
           "notebook again from the top. Installed it in a terminal already? Then choose that environment's "
           "kernel (Kernel > Change Kernel).")
    _ko = (f"강의 패키지 tilnlp가 이 커널({_py})에 설치되어 있지 않습니다. 셀에서 다음을 실행하세요:\\n    {_cmd}\\n"
           "그다음 커널을 다시 시작하고(Kernel > Restart Kernel, Colab: 런타임 > 세션 다시 시작) 노트북을 처음부터 "
           "다시 실행하세요. 터미널에서 이미 설치했다면 그 환경의 커널을 고르세요(Kernel > Change Kernel).")
    if sys.version_info < (3, 10):
        _en = f"This kernel runs {_py}; the course needs Python 3.10 or newer: choose another kernel (Kernel > Change Kernel)."
        _ko = f"이 커널은 {_py}입니다. 강의에는 Python 3.10 이상이 필요합니다: 다른 커널을 고르세요(Kernel > Change Kernel)."

    class CourseNotInstalled(Exception):
        def _render_traceback_(self):
            return [str(self)]

    raise CourseNotInstalled(_ko if _dir == "ko" else _en if _dir == "notebooks" else _en + "\\n\\n" + _ko) from None
'''.replace("'INSTALL'", repr(INSTALL))
