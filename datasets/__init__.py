"""The course's data files, installed as the package ``mktlab.datasets``.

``pyproject.toml`` maps this folder to ``mktlab.datasets``, so a wheel carries
every ``<name>.csv`` and its data dictionary ``<name>.md``; read them with
:func:`mktlab.data.load_dataset`.
"""
