"""Plain data is the only thing that crosses from a kernel to the judge."""
import numpy as np
import pandas as pd
import pytest

from mktlab.exercises.answers import NotPlain, canonical, to_plain


def test_plain_scalars_and_containers_pass_through():
    """Tuples become lists, sets become sorted lists, NumPy scalars become Python ones."""
    assert to_plain((1, "a", None, True)) == [1, "a", None, True]
    assert to_plain({3, 1, 2}) == [1, 2, 3]
    assert to_plain({"k": np.int64(4), "f": np.float64(0.5)}) == {"k": 4, "f": 0.5}
    assert type(to_plain(np.int64(4))) is int


@pytest.mark.parametrize("sneaky", [
    type("AlwaysEqual", (), {"__eq__": lambda self, other: True, "__hash__": lambda self: 0})(),
    type("FloatLike", (float,), {"__eq__": lambda self, other: True})(1983.0),
    type("StrLike", (str,), {"__str__": lambda self: "b"})("x"),
    type("ListLike", (list,), {})([1, 2]),
    type("Proxy", (), {"__float__": lambda self: 1983.0})(),
])
def test_impostor_objects_are_refused(sneaky):
    """Subclasses of plain types and objects with odd dunders never become plain data."""
    with pytest.raises(NotPlain):
        to_plain(sneaky)


def test_dataframe_becomes_labels_and_values():
    """A DataFrame keeps its column names, index labels and cell values; NaN becomes None."""
    frame = pd.DataFrame({"a": [1.5, np.nan]}, index=pd.Index([1935, 2007], name="year"))
    assert to_plain(frame) == {"__table__": "frame", "columns": ["a"], "index": [1935, 2007],
                               "data": [[1.5], [None]]}
    series = pd.Series([1, 2], index=["x", "y"], name="n")
    assert to_plain(series)["__table__"] == "series"
    assert to_plain(series)["columns"] == ["n"]


def test_canonical_text_ignores_case_spacing_and_int_float():
    """'  Yes' equals 'yes' and 3 equals 3.0 after rounding; True stays distinct from 1."""
    assert canonical(["  Yes", 3]) == canonical(["yes", 3.0])
    assert canonical(0.123456789, decimals=3) == canonical(0.1234, decimals=3)
    assert canonical(True) != canonical(1)
