"""Jarida: a static site generator for Arabic news sites."""

__version__ = "0.1.0"
