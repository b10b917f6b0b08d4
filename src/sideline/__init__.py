"""Sideline: the platform on which security organizations meet on the sidelines."""

__version__ = "0.1.0"
