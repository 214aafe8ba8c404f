"""The offline stand-ins: each module builds, once, a real model that takes the place of one hub id.

A module here has ``ASSET`` (its folder name in the course cache) and ``ensure()`` (build it if
needed, return its folder); :data:`tilnlp.sourcing.models.MODELS` names which module stands in
for which id, and ``effects`` says what each one changes in a lesson.
"""
