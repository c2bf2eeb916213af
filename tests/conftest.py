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


@pytest.fixture(scope="module")
def survey():
    """The SERVQUAL hotel survey."""
    return load_dataset("servqual_hotel_survey")


@pytest.fixture(scope="module")
def agents():
    """The insurer's sales agents."""
    return load_dataset("insurer_agents")
