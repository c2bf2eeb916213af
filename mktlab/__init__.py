"""mktlab: helpers for a Jupyter course in relationship and service marketing.

Topic modules (pure functions and data tables, one per lesson topic):

* :mod:`mktlab.concepts` — the evolution of marketing concepts (lesson 01).

Shared pieces: :mod:`mktlab.data` reads ``datasets/``, :mod:`mktlab.plotting`
chooses a font that can show Chinese, :mod:`mktlab.widgets` wires topic
functions to ipywidgets, and :mod:`mktlab.exercises` is the exercise engine.

Importing ``mktlab`` is cheap: nothing heavy is imported until it is used.
"""
__version__ = "0.1.0"
