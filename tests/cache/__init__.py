"""Tests of the axios-python-cache distribution."""
