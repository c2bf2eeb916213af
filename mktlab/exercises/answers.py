"""Answers as plain data, and the protected (hashed) form of an answer.

Only plain data crosses from a student's kernel to the judge: ``None``,
``bool``, ``int``, ``float``, ``str``, lists and string-keyed dicts of those,
and pandas tables converted to a small dict.  Anything else, including
subclasses of the plain types and objects with a custom ``__eq__``, is refused
with a message, so such an object can never be judged "equal" to an answer.
"""
from __future__ import annotations

import hashlib
import json
import math

__all__ = ["UNANSWERED", "NotPlain", "to_plain", "canonical", "digest", "describe"]

#: The plain form of ``...``, the stub a released notebook puts in an answer cell.
UNANSWERED = {"__unanswered__": True}

_SCALARS = (type(None), bool, int, float, str)


class NotPlain(TypeError):
    """An answer that cannot be turned into plain data; ``what`` names the offending type, if one is to blame."""

    def __init__(self, message, what=""):
        super().__init__(message)
        self.what = what


def _numpy_scalar(value):
    """Return a Python scalar for a NumPy scalar, else ``None``."""
    if type(value).__module__ == "numpy" and hasattr(value, "item") and getattr(value, "ndim", None) == 0:
        item = value.item()
        if type(item) in _SCALARS:
            return item
    return None


def _pandas_kind(value):
    """``"frame"``, ``"series"`` or ``None`` for exact pandas tables (not subclasses)."""
    cls = type(value)
    if cls.__module__.startswith("pandas") and cls.__name__ in ("DataFrame", "Series"):
        return "frame" if cls.__name__ == "DataFrame" else "series"
    return None


def to_plain(value, _depth=0):
    """Convert an answer to plain JSON-ready data, refusing anything unusual.

    Parameters
    ----------
    value : object
        A student's answer: a number, string, bool, list, tuple, set, dict,
        pandas Series or DataFrame, or ``...`` for "not answered yet".

    Returns
    -------
    object
        Plain data.  Tuples become lists, sets become sorted lists, pandas
        tables become ``{"__table__": kind, "columns": …, "index": …, "data": …}``.

    Raises
    ------
    NotPlain
        For any other type, including subclasses of the plain types.

    Examples
    --------
    >>> to_plain((1, 2.5, "a"))
    [1, 2.5, 'a']
    >>> to_plain(...)
    {'__unanswered__': True}
    >>> class Sneaky(float):
    ...     def __eq__(self, other):
    ...         return True
    >>> to_plain(Sneaky(1.0))
    Traceback (most recent call last):
    ...
    mktlab.exercises.answers.NotPlain: expected plain data, got Sneaky
    """
    if _depth > 20:
        raise NotPlain("answer is nested too deeply")
    cls = type(value)
    if value is Ellipsis:
        return dict(UNANSWERED)
    if cls in _SCALARS:
        if cls is float and not math.isfinite(value):
            return str(value)
        return value
    scalar = _numpy_scalar(value)
    if scalar is not None:
        return to_plain(scalar, _depth + 1)
    if cls in (list, tuple):
        return [to_plain(v, _depth + 1) for v in value]
    if cls in (set, frozenset):
        items = [to_plain(v, _depth + 1) for v in value]
        return sorted(items, key=lambda v: json.dumps(v, sort_keys=True))
    if cls is dict:
        if not all(type(k) in (str, int, bool) for k in value):
            raise NotPlain("dictionary keys must be strings or numbers")
        return {str(k): to_plain(v, _depth + 1) for k, v in value.items()}
    kind = _pandas_kind(value)
    if kind == "series":
        value = value.to_frame(name=value.name if value.name is not None else 0)
    if kind:
        return {
            "__table__": kind,
            "columns": [to_plain(_cell(c), _depth + 1) for c in value.columns],
            "index": [to_plain(_cell(i), _depth + 1) for i in value.index],
            "data": [[to_plain(_cell(x), _depth + 1) for x in row]
                     for row in value.itertuples(index=False, name=None)],
        }
    raise NotPlain(f"expected plain data, got {cls.__name__}", what=cls.__name__)


def _cell(x):
    """A table cell as a plain scalar: NumPy scalars unwrapped, missing values as ``None``."""
    scalar = _numpy_scalar(x)
    if scalar is not None:
        x = scalar
    if type(x) is float and math.isnan(x):
        return None
    if type(x).__name__ in ("NAType", "NaTType"):
        return None
    if type(x).__name__ == "Timestamp":
        return x.isoformat()
    return x


#: Characters that Chinese input methods type for their ASCII twins (dashes, full-width brackets, space, letters
#: and digits).
_TYPING = str.maketrans({"—": "-", "–": "-", "‐": "-", "－": "-", "（": "(", "）": ")", "\u3000": " ",
                         **{chr(c + 0xFEE0): chr(c) for c in (*range(0x30, 0x3A), *range(0x41, 0x5B), *range(0x61, 0x7B))}})


def canonical(plain, decimals=6):
    """A stable text form of plain data, with numbers rounded to ``decimals``.

    Integers and floats with the same rounded value give the same text, so
    ``3`` and ``3.0`` match.  Strings are stripped and compared case-blind, and
    the dashes, full-width brackets, letters and digits of Chinese typing count as their ASCII forms.

    Examples
    --------
    >>> canonical([3, 2.50001, " Yes "], decimals=2)
    '["3.00","2.50","yes"]'
    >>> canonical(True) == canonical(1)
    False
    >>> canonical("需求—效益问题") == canonical("需求-效益问题"), canonical("渠道（地点）") == canonical("渠道(地点)")
    (True, True)
    >>> canonical(["ａ", "Ｂ", "４Ｃ"]) == canonical(["a", "b", "4C"])
    True
    """
    def norm(v):
        if type(v) is bool or v is None:
            return v
        if type(v) in (int, float):
            r = round(float(v), decimals)
            return f"{0.0 if r == 0 else r:.{max(decimals, 0)}f}"
        if type(v) is str:
            return " ".join(v.translate(_TYPING).split()).lower()
        if type(v) is list:
            return [norm(x) for x in v]
        if type(v) is dict:
            return {k: norm(x) for k, x in v.items()}
        raise NotPlain(f"expected plain data, got {type(v).__name__}")
    return json.dumps(norm(plain), sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def digest(salt, qid, text):
    """Salted SHA-256 of ``text`` for question ``qid`` (hex, 16 characters).

    Examples
    --------
    >>> digest("s", "q1", "1983") == digest("s", "q1", "1983")
    True
    >>> digest("s", "q1", "1983") == digest("s", "q2", "1983")
    False
    """
    return hashlib.sha256(f"{salt}|{qid}|{text}".encode()).hexdigest()[:16]


def describe(plain, tr=str):
    """A short human description of a plain answer's type, for messages, through the translator ``tr``.

    Examples
    --------
    >>> describe(3.5), describe("a"), describe([1, 2])
    ('a number', 'text', 'a list of 2 items')
    """
    if type(plain) is list:
        return tr("a list of {n} items").format(n=len(plain))
    if type(plain) is bool:
        return tr("True/False")
    if type(plain) in (int, float):
        return tr("a number")
    if type(plain) is str:
        return tr("text")
    if type(plain) is dict and "__table__" in plain:
        return tr("a DataFrame") if plain["__table__"] == "frame" else tr("a Series")
    if type(plain) is dict:
        return tr("a dictionary")
    return tr("nothing (None)")
