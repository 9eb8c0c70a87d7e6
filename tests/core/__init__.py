"""Tests of axios-python-core (axios_python), one module per area of the core."""
