"""Build hook: a wheel carries the course's files – notebooks, glossary, translations, licence notices – in ``tilnlp/course/``.

The repository keeps one copy of them, at its root (``notebooks/``, ``GLOSSARY.md``, ``i18n/``, ``LICENSES/``);
building a wheel copies them into the package, where ``tilnlp init`` and ``tilnlp run`` find them
(``tilnlp/paths.py``).  ``MANIFEST.in`` puts the same files into the sdist, so a wheel built from
the sdist (``pip install tilnlp-0.1.0.tar.gz``, ``pip install git+URL``) has them too.  An editable
install reads them from the checkout and copies nothing.  Everything else is in ``pyproject.toml``.
"""
import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent
COURSE_FILES = ("notebooks/*.ipynb", "notebooks/ko/*.ipynb", "notebooks/solutions/*.py", "GLOSSARY.md",
                "i18n/*/*.md", "LICENSES/*.txt")


class BuildPyWithCourse(build_py):
    def run(self):
        super().run()
        if getattr(self, "editable_mode", False):
            return
        target = Path(self.build_lib) / "tilnlp" / "course"
        copied = 0
        for pattern in COURSE_FILES:
            for src in sorted(HERE.glob(pattern)):
                dest = target / src.relative_to(HERE)
                dest.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(src, dest)
                copied += src.suffix == ".ipynb"
        if not copied:
            raise SystemExit(f"no notebooks under {HERE / 'notebooks'}: the wheel would carry no course")


# setuptools' own scratch folders go under build/setuptools/, out of the way of the course's build/executed etc.
setup(cmdclass={"build_py": BuildPyWithCourse}, options={"build": {"build_base": "build/setuptools"}})
