"""Every dataset has a data dictionary with its provenance, licence and every column."""
from pathlib import Path

import pandas as pd
import pytest

from mktlab.data import DATA_DIR, dataset_path

CSV_FILES = sorted(DATA_DIR.glob("*.csv"))


@pytest.mark.parametrize("path", CSV_FILES, ids=lambda p: p.name)
def test_data_dictionary_lists_provenance_licence_and_columns(path):
    """`<name>.md` exists, has Provenance and Licence sections, and names each column in a table row."""
    doc = path.with_suffix(".md")
    assert doc.exists(), f"{path.name} has no data dictionary"
    text = doc.read_text(encoding="utf-8")
    assert "## Provenance" in text and "## Licence" in text
    for column in pd.read_csv(path, nrows=5).columns:
        assert f"| {column} |" in text, f"column {column!r} of {path.name} is not documented"


def test_missing_dataset_error_names_the_available_ones():
    """Asking for an unknown dataset says where it looked and what exists."""
    with pytest.raises(FileNotFoundError, match="marketing_concepts"):
        dataset_path("no_such_dataset")


BUILD_SCRIPTS = sorted((DATA_DIR / "build").glob("*.py"))


@pytest.mark.parametrize("script", BUILD_SCRIPTS, ids=lambda p: p.stem)
def test_constructed_data_is_rebuilt_exactly_by_its_seeded_script(script):
    """`datasets/build/<name>.py` with its fixed seed reproduces the committed `<name>.csv`."""
    import importlib.util

    spec = importlib.util.spec_from_file_location(f"build_{script.stem}", script)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    committed = pd.read_csv(dataset_path(script.stem))
    pd.testing.assert_frame_equal(module.build().reset_index(drop=True), committed, check_dtype=False)
