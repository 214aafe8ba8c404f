"""A teacher's machine serving the course to a room: a mirror folder built from the caches, served by olah.

``mirror`` builds the folder (``tilnlp mirror build``); ``server`` serves it with olah
(``tilnlp mirror serve``, the optional ``classroom`` extra).  A laptop's side – copying a stand-in
from that mirror – is :mod:`tilnlp.sourcing.fetch`; nothing here is needed on a student's laptop.
"""
