"""The ``tilnlp`` command and what it does with the course's notebooks: run, check, translate, publish.

``cli`` is the command line; ``runner`` executes notebooks with papermill and ``record`` keeps what
each run did; ``notebooks`` reads and cleans the notebook files and ``firstcell`` places their
setup check; ``translation`` makes the Korean edition's code from the English one; ``bless``
stores checked cells' expected outputs; ``site`` builds the HTML site and ``student`` a student's
copy; ``coursefiles`` fills a folder for ``tilnlp init``; ``doctor`` reports what a machine has.
Nothing here is imported by a notebook's lessons.
"""
