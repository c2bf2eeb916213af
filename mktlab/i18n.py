"""Language: the one translation layer that every face calls.

The course has two editions, English (the source) and Chinese.  What a
student reads in Chinese comes from standard gettext PO catalogs beside the
code, ``mktlab/locale/<locale>/LC_MESSAGES/<domain>.po``, which an instructor
can open in Poedit or Weblate:

* one domain per lesson (``01_marketing_concepts``): the notebook's text,
  code comments, hints and answer labels;
* the domain ``mktlab``: the check lines, widgets, charts and reports.

A notebook chooses its language in its setup cell (``Exercises(...,
language="zh")``), never from the computer's locale; widgets and charts then
follow :func:`get_language`.  Only translated, non-fuzzy entries are used: a
missing translation shows the English text (and ``mktlab release --check``
fails on it, so a released edition never has one).
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

__all__ = ["LANGUAGES", "LOCALE_DIR", "RUNTIME_DOMAIN", "DATA_TEXTS", "finished", "catalog_path", "translations", "translator",
           "set_language", "get_language", "gettext", "_", "N_"]

#: The editions: language tag -> gettext locale of its catalogs (English is the source, so it has none).
LANGUAGES = {"en": None, "zh": "zh_CN"}
LOCALE_DIR = Path(__file__).resolve().parent / "locale"
RUNTIME_DOMAIN = "mktlab"
#: Text columns of datasets that widgets show; their cells are in the runtime catalog too.
DATA_TEXTS = {"marketing_concepts": ("focus", "core_idea", "textbook_dating", "anchor", "dating_note"),
              "mix_p_to_c": ("customer_question",),
              "servqual_hotel_survey": ("segment", "booking_channel"),
              "insurer_agents": ("work_style",),
              "true_false_bank": ("explanation",)}
_state = {"language": "en"}


def _locale(language):
    if language not in LANGUAGES:
        raise ValueError(f"unknown language {language!r}; choose one of {', '.join(LANGUAGES)}")
    return LANGUAGES[language]


def catalog_path(domain, language):
    """Where the catalog of ``domain`` in ``language`` lives.

    Examples
    --------
    >>> catalog_path("mktlab", "zh").relative_to(LOCALE_DIR).as_posix()
    'zh_CN/LC_MESSAGES/mktlab.po'
    """
    return LOCALE_DIR / _locale(language) / "LC_MESSAGES" / f"{domain}.po"


@lru_cache(maxsize=None)
def translations(domain, language):
    """``{English: translation}`` for the finished (translated, non-fuzzy) entries of a catalog.

    English, and a domain without a catalog, give an empty dict.
    """
    if _locale(language) is None:
        return {}
    path = catalog_path(domain, language)
    if not path.is_file():
        return {}
    from babel.messages.pofile import read_po

    with path.open("rb") as handle:
        return finished(read_po(handle))


def finished(catalog):
    """``{English: translation}`` for the entries of a Babel catalog that are translated and not fuzzy."""
    return {m.id: m.string for m in catalog if m.id and m.string and not m.fuzzy and isinstance(m.id, str)}


def translator(language, *domains):
    """A function that translates a text through ``domains`` in turn (the runtime domain last).

    Examples
    --------
    >>> tr = translator("en", "01_marketing_concepts")
    >>> tr("correct")
    'correct'
    """
    tables = [translations(d, language) for d in (*domains, RUNTIME_DOMAIN)]

    def tr(text):
        for table in tables:
            if text in table:
                return table[text]
        return text
    return tr


def set_language(language):
    """Make ``language`` ("en" or "zh") the language of widgets, charts and checks in this process."""
    _locale(language)
    _state["language"] = language


def get_language():
    """The language set by :func:`set_language` (English unless a notebook chose another)."""
    return _state["language"]


def gettext(text):
    """``text`` in the current language, from the runtime catalog.

    Examples
    --------
    >>> gettext("correct")
    'correct'
    """
    return translator(get_language())(text)


_ = gettext


def N_(text):
    """Mark ``text`` for the catalog without translating it now (it is translated where it is shown)."""
    return text
