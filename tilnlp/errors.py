"""The one kind of error a user can cause – and fix – without reading a traceback.

The ``tilnlp`` command prints a :class:`UserError` as one line (``tilnlp: error: ...``) and
exits with status 2.  Every other exception is a bug in the course and keeps its traceback.
"""
from __future__ import annotations


class UserError(Exception):
    """A problem the user can fix: a bad name, a bad file, a setting that cannot work here."""
