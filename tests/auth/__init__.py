"""Tests of axios-python-auth (AuthPlugin) against real servers on 127.0.0.1."""
