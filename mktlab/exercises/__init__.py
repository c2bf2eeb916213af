"""The exercise engine: answer markers, student checks, release and grading.

It knows nothing about marketing: a lesson registers its questions in the
hidden cells of its solution notebook, and the engine never imports a topic
module.
"""
from .check import Exercises

__all__ = ["Exercises"]
