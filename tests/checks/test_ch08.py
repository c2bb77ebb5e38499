"""Chapter 08 (backpropagation): the checks of dense_backward, backward and numerical_gradient.

Correct and buggy variants (points earned, mistake named) are in tests/checks/variants_ch08.py;
here: the public checks' words, the comparison of gradient lists, and hidden cases that are
plain data the sandboxed grader can send.
"""
import sys

import numpy as np
import pytest

from checks.variants_ch08 import (SEEDS, backward_not_passed_back, backward_reversed,
                                  dense_backward_db_not_summed, dense_backward_no_g_prime,
                                  numerical_gradient_forward, numerical_gradient_not_restored)
from nnlib import activations, checks
from nnlib.checks import ch08


# ====================================================================== dense_backward
def test_dense_backward_public_check_names_the_mistake(capsys):
    checks.dense_backward(dense_backward_no_g_prime)
    out = capsys.readouterr().out
    assert "✗ the output layer of the chapter's 2-2-1 network" in out
    assert "known mistake: g' is missing (dZ = dA)" in out
    assert "hint: multiply by the activation's slope at Z: dZ = dA * g_prime(Z)" in out
    assert "0 of 5 pass" in out and "decide the grade" in out
    checks.dense_backward(dense_backward_db_not_summed)
    out = capsys.readouterr().out
    # Issue 12: the entry is named by what it is (db), not only by its position.
    assert "db (element 2 of the result) has shape" in out and "known mistake: db is not summed" in out


# ====================================================================== backward
def test_backward_not_passing_dA_back_is_named_where_shapes_allow(capsys):
    checks.backward(backward_not_passed_back)
    out = capsys.readouterr().out
    assert "known mistake: dA_prev is not passed back" in out or "raised ValueError" in out
    # the chapter's 2-2-1 network: a (1, 1) dy_hat broadcasts against the hidden layer's (1, 2)
    case = checks.EXERCISES["backward"].public_cases[0]
    mistake = checks.EXERCISES["backward"].recognise(case, backward_not_passed_back_unchecked(*case.args))
    assert mistake is not None and "not passed back" in mistake.label


def backward_not_passed_back_unchecked(dy_hat, caches):
    grads = []
    for A_prev, W, b, Z, act in caches:
        dZ = dy_hat * activations.get(act)[1](Z)
        grads.append((A_prev.T @ dZ, dZ.sum(axis=0)))
    return grads


def test_backward_public_check_text_for_reversed_order(capsys):
    checks.backward(backward_reversed)
    out = capsys.readouterr().out
    assert "✗ the chapter's 2-2-1 network" in out
    assert "grads[0] (layer 1) has shape (2, 1)" in out and "expected shape (2, 2)" in out
    assert "known mistake: the gradients are in reverse order (last layer first)" in out
    assert "hint: grads[0] must be the first layer's (dW1, db1)" in out
    assert "✓ a one-layer network" in out     # reversing one layer changes nothing


def test_backward_compare_says_what_is_wrong_with_the_list():
    exercise = checks.EXERCISES["backward"]
    case = exercise.public_cases[0]
    expected = exercise.expected(case)
    assert exercise.compare(expected, expected) == ""
    assert exercise.compare(tuple(expected), expected) == ""        # a tuple of pairs is fine
    assert "list of 2 (dW, db) pairs" in exercise.compare(np.zeros(3), expected)
    assert "grads has 1 entry; expected 2" in exercise.compare(expected[:1], expected)
    wrong = [expected[0], (expected[1][0] + 1, expected[1][1])]
    assert "grads[1] (layer 2)" in exercise.compare(wrong, expected)


# ====================================================================== numerical_gradient
def test_numerical_gradient_public_check_names_the_mistake(capsys):
    checks.numerical_gradient(numerical_gradient_forward)
    out = capsys.readouterr().out
    assert "✗ f(x) = ½ Σ x² at x = (1, 2, 3), h = 0.001" in out
    assert "expected 1, received 1.0005" in out
    assert "known mistake: a forward difference (f(x + h) − f(x)) / h" in out
    checks.numerical_gradient(numerical_gradient_not_restored)
    out = capsys.readouterr().out
    # Issue 12: inputs must not be modified, so even a separable f (where the values come out
    # right) now fails: x was left changed, and the message says so.
    assert "✗ f(x) = ½ Σ x² at x = (1, 2, 3)" in out
    assert "changed its argument x in place" in out
    assert "known mistake: x is not restored after each entry" in out


def test_argument_functions_have_the_stated_gradients():
    x = np.array([0.3, -1.2, 2.0])
    ref = ch08._ref_numerical_gradient
    assert np.allclose(ref(ch08.half_square_norm, x.copy()), x, atol=1e-8)
    assert np.allclose(ref(ch08.half_square_of_sum, x.copy()), np.full(3, x.sum()), atol=1e-8)
    assert np.allclose(ref(ch08.sum_of_sines, x.copy()), np.cos(x), atol=1e-8)
    assert np.allclose(ref(ch08.sum_of_exps, x.copy()), np.exp(x), atol=1e-6)
    softmax = np.exp(x) / np.exp(x).sum()
    assert np.allclose(ref(ch08.log_sum_exp, x.copy()), softmax, atol=1e-8)
    W = np.array([[0.1, -0.2], [0.3, 0.4], [-0.5, 0.6]])
    from nnlib import gradcheck, losses, network
    y_hat, caches = network.forward(ch08._NET_X, [(W, np.zeros(2)), (ch08._NET_V, np.zeros(1))],
                                    ["sigmoid", "sigmoid"])
    dW = network.backward(losses.half_sse_grad(y_hat, ch08._NET_Y), caches)[0][0]
    assert gradcheck.relative_error(ref(ch08.tiny_network_cost, W.copy()), dW) < 1e-7


# ====================================================================== plain data for the grader
@pytest.mark.parametrize("name", ["dense_backward", "backward", "numerical_gradient"])
def test_hidden_and_public_cases_can_be_sent_to_the_sandbox(name):
    sys.path.insert(0, str(__import__("coursetools").ROOT))
    from autograder import codec

    exercise = checks.EXERCISES[name]
    for seed in SEEDS:
        groups = exercise.hidden_groups(np.random.default_rng(seed))
        cases = [c for _, cs in groups for c in cs] + list(exercise.public_cases)
        for case in cases:
            arrays = {}
            decoded = codec.decode(codec.encode(tuple(case.args), arrays), arrays)
            expected = exercise.expected(case)
            assert exercise.compare(exercise.reference(*decoded), expected) == ""
            assert codec.plain_result(expected)[0]


def test_hidden_cases_are_reproducible_and_differ_from_the_public_ones():
    for name in ("dense_backward", "backward", "numerical_gradient"):
        exercise = checks.EXERCISES[name]
        first = [c.label for _, cs in exercise.hidden_groups(np.random.default_rng(7)) for c in cs]
        again = [c.label for _, cs in exercise.hidden_groups(np.random.default_rng(7)) for c in cs]
        other = [c.label for _, cs in exercise.hidden_groups(np.random.default_rng(8)) for c in cs]
        assert first == again and first != other
        assert not set(first) & {c.label for c in exercise.public_cases}
