"""Packaging tests: the distributions build as wheels and work when installed from them."""
