"""``python -m tilnlp``: the ``tilnlp`` command, for a Python whose scripts folder is not on PATH."""
import sys

from .publishing.cli import main

sys.exit(main())
