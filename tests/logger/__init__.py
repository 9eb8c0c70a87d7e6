"""Tests of axios-python-logger (LoggerPlugin) against the real echo server."""
