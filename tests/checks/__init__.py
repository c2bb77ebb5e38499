"""Tests of nnlib.checks: the variant tables (variants_chNN.py) and the test that runs them."""
