"""mktlab: helpers for a Jupyter course in relationship and service marketing.

Topic modules (pure functions and data tables, one per lesson topic):

* :mod:`mktlab.concepts`: the evolution of marketing concepts (lesson 01);
* :mod:`mktlab.mix`: marketing-mix frameworks and delivered value (lesson 02);
* :mod:`mktlab.relationship_marketing`: relationship vs transaction marketing, the simulation (lesson 03);
* :mod:`mktlab.relationship_levels`: bonds, relationship levels, customer share (lesson 04);
* :mod:`mktlab.loyalty`: loyalty, retention, CLV, cohorts, RFM, BG/NBD (lesson 05);
* :mod:`mktlab.services`: SERVQUAL and service marketing (lesson 06);
* :mod:`mktlab.recovery`: the service-recovery role-play model (case 07);
* :mod:`mktlab.selling`: customer-centred selling and SPIN (case 08);
* :mod:`mktlab.incentives`: the insurer's bonus schemes (case 09);
* :mod:`mktlab.games`: competitors and the pirate game (lesson 10);
* :mod:`mktlab.question_bank`: the true/false bank, quizzes and the glossary.

Shared pieces: :mod:`mktlab.data` reads ``datasets/``, :mod:`mktlab.plotting`
chooses a font that can show Chinese, :mod:`mktlab.widgets` wires topic
functions to ipywidgets, :mod:`mktlab.i18n` is the one translation layer of
the Chinese edition, :mod:`mktlab.exercises` is the exercise engine, and
:mod:`mktlab.exchange` hands lessons out to a class and collects them back.

Importing ``mktlab`` is cheap: nothing heavy is imported until it is used.
"""
__version__ = "0.1.0"
