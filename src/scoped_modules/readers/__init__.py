"""Readers: pure functions from a file's text to facts (references as written, with the guard
each sits under). One module per language; no I/O, no registry."""
