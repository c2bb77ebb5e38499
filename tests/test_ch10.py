"""Chapter 10's graded exercises: l2_penalty, l2_grad, dropout_forward, dropout_backward and
early_stopping_epoch.

For each function: correct implementations written in different ways earn full points, typical
buggy ones lose exactly the expected points with a message that names the mistake, and the
hidden cases are plain data that the sandboxed grader can send.
"""
import os
import sys

import numpy as np
import pytest

from nnlib import checks, regularization

L2_PENALTY = checks.EXERCISES["l2_penalty"]
L2_GRAD = checks.EXERCISES["l2_grad"]
DROPOUT_FORWARD = checks.EXERCISES["dropout_forward"]
DROPOUT_BACKWARD = checks.EXERCISES["dropout_backward"]
EARLY_STOPPING = checks.EXERCISES["early_stopping_epoch"]
ALL = (L2_PENALTY, L2_GRAD, DROPOUT_FORWARD, DROPOUT_BACKWARD, EARLY_STOPPING)


def points(exercise, fn, total, seeds=(0, 1, 2)):
    """The points `fn` earns on the hidden groups drawn with each seed (a list, one per seed)."""
    return [exercise.hidden(fn, total, rng=np.random.default_rng(k)) for k in seeds]


# ====================================================================== l2_penalty
def pen_loop(params, lam):
    total = 0.0
    for W, b in params:
        for w in np.ravel(W):
            total += w * w
    return 0.5 * lam * total


def pen_einsum(params, lam):
    return lam / 2 * sum(float(np.einsum("ij,ij->", W, W)) for W, _ in params)


def pen_norm(params, lam):
    return float(0.5 * lam * sum(np.linalg.norm(W) ** 2 for W, _ in params))


def pen_biases(params, lam):
    return 0.5 * lam * sum(np.sum(W ** 2) + np.sum(b ** 2) for W, b in params)


def pen_no_half(params, lam):
    return lam * sum(np.sum(W ** 2) for W, _ in params)


def pen_return_in_loop(params, lam):
    for W, b in params:
        return 0.5 * lam * np.sum(W ** 2)


@pytest.mark.parametrize("fn", [pen_loop, pen_einsum, pen_norm, regularization.l2_penalty])
def test_l2_penalty_correct_versions_earn_full_points(fn):
    assert points(L2_PENALTY, fn, 1) == [1.0, 1.0, 1.0]


@pytest.mark.parametrize("fn, expected, label", [
    (pen_biases, 0.0, "the biases are penalised too"),
    (pen_no_half, 0.0, "the factor ½ is missing"),
    (pen_return_in_loop, 0.333333, "only the first layer is counted"),
])
def test_l2_penalty_buggy_versions_lose_points_and_are_named(fn, expected, label, capsys):
    assert points(L2_PENALTY, fn, 1, seeds=(0,)) == [expected]
    assert label in capsys.readouterr().out


def test_l2_penalty_public_check_names_the_mistake(capsys):
    checks.l2_penalty(pen_biases)
    out = capsys.readouterr().out
    assert "✗ one layer W = [[1, 2], [3, -1]], b = [5, 5], lam = 0.1" in out
    assert "expected 0.75, received 3.25" in out
    assert "this looks like a known mistake: the biases are penalised too" in out
    assert "0 of 3 pass" in out or "1 of 3 pass" in out


# ====================================================================== l2_grad
def grad_comprehension(params, lam):
    return [(lam * W, np.zeros_like(b)) for W, b in params]


def grad_loop_lists(params, lam):
    """Pairs as 2-item lists, bias gradient from np.zeros(shape): accepted."""
    grads = []
    for W, b in params:
        dW = np.empty_like(W)
        for i in range(W.shape[0]):
            for j in range(W.shape[1]):
                dW[i, j] = lam * W[i, j]
        grads.append([dW, np.zeros(b.shape)])
    return grads


def grad_double(params, lam):
    return [(2 * lam * W, np.zeros_like(b)) for W, b in params]


def grad_biases(params, lam):
    return [(lam * W, lam * b) for W, b in params]


def grad_weights_only(params, lam):
    return [lam * W for W, _ in params]


def grad_sign(params, lam):
    return [(lam * np.sign(W), np.zeros_like(b)) for W, b in params]


@pytest.mark.parametrize("fn", [grad_comprehension, grad_loop_lists, regularization.l2_grad])
def test_l2_grad_correct_versions_earn_full_points(fn):
    assert points(L2_GRAD, fn, 1) == [1.0, 1.0, 1.0]


@pytest.mark.parametrize("fn, label", [
    (grad_double, "the gradient is 2λW"),
    (grad_biases, "the biases get a penalty gradient"),
    (grad_weights_only, "only the weight gradients are returned"),
    (grad_sign, "the L1 gradient λ sign(W) instead of the L2 gradient"),
])
def test_l2_grad_buggy_versions_earn_nothing_and_are_named(fn, label, capsys):
    assert points(L2_GRAD, fn, 1, seeds=(0,)) == [0.0]
    assert label in capsys.readouterr().out


def test_l2_grad_public_check_names_the_mistake(capsys):
    checks.l2_grad(grad_double)
    out = capsys.readouterr().out
    assert "this looks like a known mistake: the gradient is 2λW" in out
    assert "hint: the ½ in the penalty cancels the 2 of the square" in out
    assert "0 of 2 pass" in out


# ====================================================================== dropout_forward
def do_reference_way(A, keep_prob, rng=None):
    A = np.asarray(A, dtype=float)
    mask = (np.random.default_rng(rng).random(A.shape) < keep_prob).astype(float)
    return A * mask / keep_prob, mask


def do_bool_mask_where(A, keep_prob, rng=None):
    """A boolean mask and np.where: accepted."""
    gen = np.random.default_rng(rng)
    mask = gen.random(np.shape(A)) < keep_prob
    return np.where(mask, np.asarray(A, dtype=float) / keep_prob, 0.0), mask


def do_uniform_loop(A, keep_prob, rng=None):
    """Generator.uniform draws the same numbers as Generator.random; entries filled in a loop."""
    A = np.asarray(A, dtype=float)
    u = np.random.default_rng(rng).uniform(size=A.shape)
    out, mask = np.zeros_like(A), np.zeros_like(A)
    for index in np.ndindex(A.shape):
        if u[index] < keep_prob:
            mask[index] = 1.0
            out[index] = A[index] / keep_prob
    return out, mask


def do_not_scaled(A, keep_prob, rng=None):
    mask = (np.random.default_rng(rng).random(A.shape) < keep_prob).astype(float)
    return A * mask, mask


def do_drop_keep_prob(A, keep_prob, rng=None):
    mask = (np.random.default_rng(rng).random(A.shape) < 1 - keep_prob).astype(float)
    return A * mask / keep_prob, mask


def do_binomial(A, keep_prob, rng=None):
    mask = np.random.default_rng(rng).binomial(1, keep_prob, A.shape).astype(float)
    return A * mask / keep_prob, mask


def do_times_keep(A, keep_prob, rng=None):
    mask = (np.random.default_rng(rng).random(A.shape) < keep_prob).astype(float)
    return A * mask * keep_prob, mask


@pytest.mark.parametrize("fn", [do_reference_way, do_bool_mask_where, do_uniform_loop,
                                regularization.dropout_forward])
def test_dropout_forward_correct_versions_earn_full_points(fn):
    assert points(DROPOUT_FORWARD, fn, 2) == [2.0, 2.0, 2.0]


@pytest.mark.parametrize("fn, expected, label", [
    (do_not_scaled, 0.0, "the kept units are not scaled by 1/keep_prob"),
    (do_drop_keep_prob, 0.0, "units are kept with probability 1 − keep_prob"),
    (do_binomial, 0.0, "the mask is drawn differently from nnlib"),
    (do_times_keep, 0.0, "the kept units are multiplied by keep_prob instead of divided"),
])
def test_dropout_forward_buggy_versions_lose_points_and_are_named(fn, expected, label, capsys):
    assert points(DROPOUT_FORWARD, fn, 2, seeds=(0,)) == [expected]
    assert label in capsys.readouterr().out


def test_dropout_forward_public_check_names_the_mistake(capsys):
    checks.dropout_forward(do_not_scaled)
    out = capsys.readouterr().out
    assert "✗ A = [[1, 2, 3, 4], [-1, -2, -3, -4]], keep_prob = 0.5, rng = 0" in out
    assert "A_dropped: " in out
    assert "this looks like a known mistake: the kept units are not scaled by 1/keep_prob" in out
    assert "✓ keep_prob = 1: nothing is dropped, A comes back unchanged" in out
    assert "1 of 3 pass" in out


# ====================================================================== dropout_backward
def db_vectorised(dA, mask, keep_prob):
    return dA * mask / keep_prob


def db_where(dA, mask, keep_prob):
    return np.where(np.asarray(mask) > 0, np.asarray(dA, dtype=float) / keep_prob, 0.0)


def db_not_scaled(dA, mask, keep_prob):
    return dA * mask


def db_no_mask(dA, mask, keep_prob):
    return dA / keep_prob


def db_times_keep(dA, mask, keep_prob):
    return dA * mask * keep_prob


@pytest.mark.parametrize("fn", [db_vectorised, db_where, regularization.dropout_backward])
def test_dropout_backward_correct_versions_earn_full_points(fn):
    assert points(DROPOUT_BACKWARD, fn, 1) == [1.0, 1.0, 1.0]


@pytest.mark.parametrize("fn, label", [
    (db_not_scaled, "the gradient is not scaled by 1/keep_prob"),
    (db_no_mask, "the mask is not applied"),
    (db_times_keep, "the gradient is multiplied by keep_prob instead of divided"),
])
def test_dropout_backward_buggy_versions_earn_nothing_and_are_named(fn, label, capsys):
    assert points(DROPOUT_BACKWARD, fn, 1, seeds=(0,)) == [0.0]
    assert label in capsys.readouterr().out


# ====================================================================== early_stopping_epoch
def es_loop(val_losses, patience, min_delta=0.0):
    best, wait = float("inf"), 0
    for epoch, loss in enumerate(val_losses):
        if loss < best - min_delta:
            best, wait = loss, 0
        else:
            wait += 1
            if wait == patience:
                return epoch
    return len(val_losses) - 1


def es_best_index(val_losses, patience, min_delta=0.0):
    """Tracks the best epoch's index instead of a counter."""
    best_epoch = 0
    for epoch in range(1, len(val_losses)):
        if val_losses[epoch] < val_losses[best_epoch] - min_delta:
            best_epoch = epoch
        elif epoch - best_epoch >= patience:
            return epoch
    return len(val_losses) - 1


def es_returns_best(val_losses, patience, min_delta=0.0):
    best, best_epoch = float("inf"), 0
    for epoch, loss in enumerate(val_losses):
        if loss < best - min_delta:
            best, best_epoch = loss, epoch
    return best_epoch


def es_late(val_losses, patience, min_delta=0.0):
    best, wait = float("inf"), 0
    for epoch, loss in enumerate(val_losses):
        if loss < best - min_delta:
            best, wait = loss, 0
        else:
            wait += 1
            if wait > patience:
                return epoch
    return len(val_losses) - 1


def es_no_delta(val_losses, patience, min_delta=0.0):
    return es_loop(val_losses, patience, 0.0)


def es_one_based(val_losses, patience, min_delta=0.0):
    return es_loop(val_losses, patience, min_delta) + 1


@pytest.mark.parametrize("fn", [es_loop, es_best_index, regularization.early_stopping_epoch])
def test_early_stopping_correct_versions_earn_full_points(fn):
    assert points(EARLY_STOPPING, fn, 2) == [2.0, 2.0, 2.0]


@pytest.mark.parametrize("fn, expected, label", [
    (es_returns_best, 0.5, "the best epoch is returned instead of the stopping epoch"),
    (es_late, 0.5, "training stops one epoch too late"),
    (es_no_delta, 1.5, "min_delta is ignored"),
    (es_one_based, 0.0, "training stops one epoch too late"),
])
def test_early_stopping_buggy_versions_lose_points_and_are_named(fn, expected, label, capsys):
    assert points(EARLY_STOPPING, fn, 2, seeds=(0,)) == [expected]
    assert label in capsys.readouterr().out


def test_early_stopping_public_check_names_the_mistake(capsys):
    checks.early_stopping_epoch(es_returns_best)
    out = capsys.readouterr().out
    assert "expected 6, received 3" in out
    assert "this looks like a known mistake: the best epoch is returned instead of the stopping epoch" in out


# ====================================================================== all five
def test_not_implemented_is_reported_once(capsys):
    def todo(*args):
        raise NotImplementedError()

    for exercise in ALL:
        assert exercise.hidden(todo, 1, rng=np.random.default_rng(0)) == 0.0
    checks.dropout_forward(todo)
    assert "dropout_forward is not implemented yet" in capsys.readouterr().out


def test_hidden_cases_are_plain_data_and_take_integer_seeds():
    sys.path.insert(0, str(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
    from autograder import codec

    for exercise in ALL:
        cases = [c for _, group in exercise.hidden_groups(np.random.default_rng(0)) for c in group]
        for case in cases + list(exercise.public_cases):
            arrays = {}
            decoded = codec.decode(codec.encode(tuple(case.args), arrays), arrays)
            assert exercise.compare(exercise.reference(*decoded), exercise.expected(case)) == ""
            ok, reason = codec.plain_result(exercise.expected(case))
            assert ok, reason
        if exercise is DROPOUT_FORWARD:
            assert all(isinstance(c.args[2], int) for c in cases)


def test_every_mistake_differs_from_the_reference_on_some_public_case():
    for exercise in ALL:
        for mistake in exercise.mistakes:
            assert any(exercise.compare(checks.engine.call_quietly(mistake.wrong, case),
                                        exercise.expected(case)) for case in exercise.public_cases), mistake.label
