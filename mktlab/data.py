"""The one data loader: reads the course's files in ``datasets/``.

Every file there has a data dictionary beside it (``<name>.md``) with its
provenance, licence and columns.  Nothing is ever downloaded.

``datasets/`` is installed as the package ``mktlab.datasets`` (see
``pyproject.toml``), so the data travels inside the wheel and a lesson runs
from any folder.
"""
from __future__ import annotations

import os
from importlib import resources
from pathlib import Path

__all__ = ["DATA_DIR", "dataset_path", "load_dataset"]


def _installed_data():
    """The folder of the package ``mktlab.datasets``, or ``datasets/`` beside an uninstalled source tree."""
    try:
        return Path(str(resources.files("mktlab.datasets")))
    except ModuleNotFoundError:  # mktlab run from a source checkout on PYTHONPATH, not installed
        return Path(__file__).resolve().parent.parent / "datasets"


#: Where the course data lives; set ``MKTLAB_DATA`` to use another folder.
DATA_DIR = Path(os.environ.get("MKTLAB_DATA") or _installed_data())


def dataset_path(name):
    """The path of dataset ``name`` (a file name in ``datasets/``, with or without ``.csv``).

    Examples
    --------
    >>> dataset_path("marketing_concepts").name
    'marketing_concepts.csv'
    >>> dataset_path("no_such_data")
    Traceback (most recent call last):
    ...
    FileNotFoundError: dataset 'no_such_data' is not in .../datasets. Available: ...
    """
    path = DATA_DIR / name
    if not path.suffix:
        path = path.with_suffix(".csv")
    if not path.is_file():
        available = ", ".join(sorted(p.stem for p in DATA_DIR.glob("*.csv"))) or "none"
        raise FileNotFoundError(f"dataset {name!r} is not in {DATA_DIR}. Available: {available}")
    return path


def load_dataset(name, **read_csv):
    """Read dataset ``name`` from ``datasets/`` as a pandas DataFrame.

    Examples
    --------
    >>> concepts = load_dataset("marketing_concepts")
    >>> concepts["concept"].iloc[0]
    'production concept'
    """
    import pandas as pd

    return pd.read_csv(dataset_path(name), **read_csv)
