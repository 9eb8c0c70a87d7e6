"""The transport conformance suite: one set of tests, run on every transport."""
