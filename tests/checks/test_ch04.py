"""Chapter 04 (forward propagation): the checks of dense_forward and forward.

Correct and buggy variants (points earned, mistake named) are in tests/checks/variants_ch04.py;
here: the public checks' words and the hidden cases.
"""
import numpy as np
import pytest

from checks.variants_ch04 import (dense_cache_order, dense_no_bias, dense_not_implemented, dense_transposed,
                                  dense_vectorised, forward_last_cache, forward_X_every_time)
from nnlib import checks
from nnlib.layers import dense_forward as reference_dense_forward
from nnlib.network import forward as reference_forward

DENSE = checks.EXERCISES["dense_forward"]
FORWARD = checks.EXERCISES["forward"]


def test_public_dense_forward_check_explains_a_missing_bias(capsys):
    checks.dense_forward(dense_no_bias)
    out = capsys.readouterr().out
    assert "✗ a batch of 3 examples, 2 inputs, 3 units, relu" in out
    assert ("A (the first value returned): 5 of 9 entries differ; at index (0, 0) expected 2.6, "
            "received 2.5. (this looks like a known mistake: the bias is missing)") in out
    assert "hint: Z = A_prev @ W + b: add b before applying g" in out
    assert "✓ the lecture's bank example, hidden layer" in out      # b = 0 there: no difference
    assert "decide the grade" in out


def test_public_dense_forward_check_recognises_W_transposed_on_the_bank_example(capsys):
    checks.dense_forward(dense_transposed)
    out = capsys.readouterr().out
    assert "✗ the lecture's bank example, hidden layer" in out
    assert "known mistake: W is used transposed (W.T)" in out


def test_public_dense_forward_check_names_the_cache_entry(capsys):
    checks.dense_forward(dense_cache_order)
    out = capsys.readouterr().out
    assert "entry 3 of the cache (Z)" in out
    checks.dense_forward(lambda A_prev, W, b, g: dense_vectorised(A_prev, W, b, g)[1][:4])
    assert "should return a pair (A, cache)" in capsys.readouterr().out
    checks.dense_forward(lambda A_prev, W, b, g: (dense_vectorised(A_prev, W, b, g)[0],
                                                  dense_vectorised(A_prev, W, b, g)[1][:4]))
    assert "the tuple (A_prev, W, b, Z, activation) of 5 values" in capsys.readouterr().out


def test_public_dense_forward_check_says_when_not_implemented(capsys):
    checks.dense_forward(dense_not_implemented)
    out = capsys.readouterr().out
    assert "not implemented yet" in out and "Traceback" not in out


def test_public_forward_check_explains_feeding_X_to_every_layer(capsys):
    checks.forward(forward_X_every_time)
    out = capsys.readouterr().out
    assert "✗ the lecture's bank example: x = (2, 3)" in out
    assert "y_hat (the first value returned): 1 of 1 entries differ" in out
    assert "expected 9, received 1." in out
    assert "known mistake: every layer is fed X instead of the previous layer's output A" in out
    assert "hint: keep A = X before the loop" in out


def test_public_forward_check_counts_the_caches(capsys):
    checks.forward(forward_last_cache)
    out = capsys.readouterr().out
    assert "caches should be a list of 2 caches, one per layer; received a list of length 1" in out
    assert "known mistake: only the last layer's cache is kept" in out


# ------------------------------------------------------------------ the registry
@pytest.mark.parametrize("exercise", [DENSE, FORWARD])
def test_hidden_cases_are_plain_data_and_differ_from_the_public_ones(exercise):
    def plain(value):
        if isinstance(value, (list, tuple)):
            return all(plain(v) for v in value)
        return isinstance(value, (int, float, str, np.ndarray))

    groups = exercise.hidden_groups(np.random.default_rng(0))
    assert len(groups) == 4 and all(label and cases for label, cases in groups)
    public = {c.label for c in exercise.public_cases}
    for _, cases in groups:
        for case in cases:
            assert plain(case.args), case.label
            assert case.label not in public
            expected = exercise.expected(case)
            assert exercise.compare(expected, expected) == ""


def test_references_are_nnlib_functions():
    assert DENSE.reference is reference_dense_forward
    assert FORWARD.reference is reference_forward
    assert len(DENSE.mistakes) >= 3 and len(FORWARD.mistakes) >= 3
