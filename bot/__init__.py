"""FactBot: answers questions from a curated fact sheet, always with its source."""

__version__ = "0.1.0"
