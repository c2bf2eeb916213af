"""Fixtures shared by several test modules."""
import pytest

from mktlab.data import load_dataset


@pytest.fixture(scope="module")
def bank():
    """The true/false question bank."""
    return load_dataset("true_false_bank")


@pytest.fixture(scope="module")
def glossary():
    """The bilingual glossary."""
    return load_dataset("glossary")
