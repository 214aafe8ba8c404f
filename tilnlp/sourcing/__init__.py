"""Where the course's models and data come from: the real hub ids, a mirror, the Hugging Face cache, or offline stand-ins.

``models`` resolves each model the notebooks load (profiles ``auto``/``hub``/``offline``) and is
the ``course`` object ``tilnlp.setup()`` returns; ``hub`` asks the endpoint (``HF_ENDPOINT`` or
huggingface.co) and the local Hugging Face cache; ``fetch`` copies a built stand-in from a
classroom mirror; ``standins/`` builds the offline stand-ins; ``cache`` keeps them, one folder per
asset, built once and atomically, guarded by ``locks``.  The data loaders the lessons call
themselves live in :mod:`tilnlp.data`.
"""
