"""Chapter 07's graded exercises: minibatches, sgd_step and train_epoch.

For each function: correct implementations written in different ways earn full points, typical
buggy ones lose exactly the expected points with a message that names the mistake, and the
answer key keeps nnlib's code identity so the grader notices a submission calling nnlib.
"""
import os
import sys

import numpy as np
import pytest

from nnlib import checks, losses, network, optim
from nnlib.checks import ch07

MINIBATCHES = checks.EXERCISES["minibatches"]
SGD_STEP = checks.EXERCISES["sgd_step"]
TRAIN_EPOCH = checks.EXERCISES["train_epoch"]


def points(exercise, fn, total, seeds=(0, 1, 2)):
    """The points `fn` earns on the hidden groups drawn with each seed (a list, one per seed)."""
    return [exercise.hidden(fn, total, rng=np.random.default_rng(k)) for k in seeds]


# ====================================================================== minibatches
def mb_loop(X, y, batch_size, rng):
    X, y = np.asarray(X), np.asarray(y)
    order = np.random.default_rng(rng).permutation(len(X))
    batches = []
    for start in range(0, len(X), batch_size):
        rows = order[start:start + batch_size]
        batches.append((X[rows], y[rows]))
    return batches


def mb_split(X, y, batch_size, rng):
    """Shuffle first, then cut with np.array_split at multiples of batch_size."""
    order = np.random.default_rng(rng).permutation(len(X))
    Xs, ys = np.asarray(X)[order], np.asarray(y)[order]
    cuts = np.arange(batch_size, len(X), batch_size)
    return list(zip(np.split(Xs, cuts), np.split(ys, cuts)))


def mb_generator_collected(X, y, batch_size, rng):
    """A generator inside, collected into a list: also correct."""
    def gen():
        order = np.random.default_rng(rng).permutation(len(X))
        i = 0
        while i < len(X):
            yield np.asarray(X)[order[i:i + batch_size]], np.asarray(y)[order[i:i + batch_size]]
            i += batch_size
    return [pair for pair in gen()]


def mb_lists(X, y, batch_size, rng):
    """Pairs as 2-item lists instead of tuples: accepted."""
    return [list(pair) for pair in mb_loop(X, y, batch_size, rng)]


def mb_no_shuffle(X, y, batch_size, rng):
    return [(X[s:s + batch_size], y[s:s + batch_size]) for s in range(0, len(X), batch_size)]


def mb_drop_last(X, y, batch_size, rng):
    return [pair for pair in mb_loop(X, y, batch_size, rng) if len(pair[0]) == batch_size]


def mb_two_permutations(X, y, batch_size, rng):
    gen = np.random.default_rng(rng)
    ox, oy = gen.permutation(len(X)), gen.permutation(len(X))
    return [(X[ox[s:s + batch_size]], y[oy[s:s + batch_size]]) for s in range(0, len(X), batch_size)]


def mb_generator(X, y, batch_size, rng):
    order = np.random.default_rng(rng).permutation(len(X))
    for s in range(0, len(X), batch_size):
        yield X[order[s:s + batch_size]], y[order[s:s + batch_size]]


def mb_calls_nnlib(X, y, batch_size, rng):
    return list(optim.minibatches(X, y, batch_size, rng=rng))


@pytest.mark.parametrize("fn", [mb_loop, mb_split, mb_generator_collected, mb_lists,
                                ch07.minibatches_reference])
def test_minibatches_correct_versions_earn_full_points(fn):
    assert points(MINIBATCHES, fn, 2) == [2.0, 2.0, 2.0]


@pytest.mark.parametrize("fn, expected, label", [
    (mb_no_shuffle, 0.0, "the rows are not shuffled"),
    (mb_drop_last, 0.5, "the last, smaller batch is dropped"),
    (mb_two_permutations, 0.0, "X and y are shuffled with two different permutations"),
])
def test_minibatches_buggy_versions_lose_points_and_are_named(fn, expected, label, capsys):
    assert points(MINIBATCHES, fn, 2, seeds=(0,)) == [expected]
    assert label in capsys.readouterr().out


def test_minibatches_generator_is_refused_with_a_clear_message(capsys):
    assert points(MINIBATCHES, mb_generator, 2, seeds=(0,)) == [0.0]
    assert "generator" in capsys.readouterr().out


def test_minibatches_public_check_names_the_mistake(capsys):
    checks.minibatches(mb_no_shuffle)
    out = capsys.readouterr().out
    assert "✗ the lectures' study-hours table (8 rows), batch_size = 3, rng = 0" in out
    assert "this looks like a known mistake: the rows are not shuffled" in out
    assert "hint: draw order = np.random.default_rng(rng).permutation(len(X))" in out
    assert "0 of 4 pass" in out


def test_answer_keys_name_the_nnlib_functions_the_sandbox_leaves_out():
    """Issue 12: the grader no longer watches a reference's __code__ (no forged __code__ on a
    wrapper); each exercise names its answer keys, which the sandboxed nnlib copy replaces by stubs."""
    assert MINIBATCHES.answer_keys == ("nnlib.optim.minibatches",)
    assert SGD_STEP.answer_keys == ("nnlib.optim.sgd_step",)
    assert "nnlib.optim.train_epoch" in TRAIN_EPOCH.answer_keys
    assert TRAIN_EPOCH.uses == ("minibatches", "sgd_step")
    X, y = np.arange(12.0).reshape(6, 2), np.arange(6.0)
    assert all(np.array_equal(a, b) for (a, _), (b, _) in
               zip(MINIBATCHES.reference(X, y, 4, 0), mb_loop(X, y, 4, 0)))


def test_minibatches_hidden_cases_are_plain_data():
    sys.path.insert(0, str(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
    from autograder import codec

    for exercise in (MINIBATCHES, SGD_STEP, TRAIN_EPOCH):
        cases = [c for _, group in exercise.hidden_groups(np.random.default_rng(0)) for c in group]
        for case in cases + list(exercise.public_cases):
            arrays = {}
            encoded = codec.encode(tuple(case.args), arrays)
            decoded = codec.decode(encoded, arrays)
            assert exercise.compare(exercise.reference(*decoded), exercise.expected(case)) == ""
            ok, reason = codec.plain_result(exercise.expected(case))
            assert ok, reason


# ====================================================================== sgd_step
def sgd_comprehension(params, grads, lr):
    return [(W - lr * dW, b - lr * db) for (W, b), (dW, db) in zip(params, grads)]


def sgd_loop_copies(params, grads, lr):
    new = []
    for i in range(len(params)):
        W, b = params[i][0].copy(), params[i][1].copy()
        W -= lr * grads[i][0]
        b -= lr * grads[i][1]
        new.append((W, b))
    return new


def sgd_sign(params, grads, lr):
    return [(W + lr * dW, b + lr * db) for (W, b), (dW, db) in zip(params, grads)]


def sgd_only_W(params, grads, lr):
    return [(W - lr * dW, b) for (W, b), (dW, _) in zip(params, grads)]


def sgd_in_place(params, grads, lr):
    for (W, b), (dW, db) in zip(params, grads):
        W -= lr * dW
        b -= lr * db


@pytest.mark.parametrize("fn", [sgd_comprehension, sgd_loop_copies, optim.sgd_step])
def test_sgd_step_correct_versions_earn_full_points(fn):
    assert points(SGD_STEP, fn, 1) == [1.0, 1.0, 1.0]


@pytest.mark.parametrize("fn, label", [
    (sgd_sign, "the step goes uphill (sign flipped)"),
    (sgd_only_W, "only the weights W are updated"),
    (sgd_in_place, "the parameters are changed in place and nothing is returned"),
])
def test_sgd_step_buggy_versions_earn_nothing_and_are_named(fn, label, capsys):
    assert points(SGD_STEP, fn, 1, seeds=(0,)) == [0.0]
    assert label in capsys.readouterr().out


def test_sgd_step_public_check_names_the_mistake(capsys):
    checks.sgd_step(sgd_only_W)
    out = capsys.readouterr().out
    assert "the new params, layer 1, b" in out
    assert "this looks like a known mistake: only the weights W are updated" in out
    assert "hint: update the biases too: b - lr * db" in out


# ====================================================================== train_epoch
def te_own_pieces(X, y, params, activations, lr, batch_size, rng):
    total = 0.0
    for X_b, y_b in mb_loop(X, y, batch_size, rng):
        y_hat, caches = network.forward(X_b, params, activations)
        total += losses.mse(y_hat, y_b) * len(X_b)
        params = sgd_comprehension(params, network.backward(losses.mse_grad(y_hat, y_b), caches), lr)
    return params, total / len(X)


def te_nnlib_pieces_and_list_of_losses(X, y, params, activations, lr, batch_size, rng):
    batch_losses, sizes = [], []
    for X_b, y_b in optim.minibatches(X, y, batch_size, rng=rng):
        y_hat, caches = network.forward(X_b, params, activations)
        batch_losses.append(np.mean((y_hat - y_b) ** 2))
        sizes.append(len(X_b))
        params = optim.sgd_step(params, network.backward(2 * (y_hat - y_b) / y_hat.size, caches), lr)
    return params, float(np.average(batch_losses, weights=sizes))


def te_no_shuffle(X, y, params, activations, lr, batch_size, rng):
    total = 0.0
    for s in range(0, len(X), batch_size):
        X_b, y_b = X[s:s + batch_size], y[s:s + batch_size]
        y_hat, caches = network.forward(X_b, params, activations)
        total += losses.mse(y_hat, y_b) * len(X_b)
        params = optim.sgd_step(params, network.backward(losses.mse_grad(y_hat, y_b), caches), lr)
    return params, total / len(X)


def te_drop_last(X, y, params, activations, lr, batch_size, rng):
    return te_own_pieces_batches(X, y, params, activations, lr,
                                 [p for p in mb_loop(X, y, batch_size, rng) if len(p[0]) == batch_size])


def te_own_pieces_batches(X, y, params, activations, lr, batches):
    total = 0.0
    for X_b, y_b in batches:
        y_hat, caches = network.forward(X_b, params, activations)
        total += losses.mse(y_hat, y_b) * len(X_b)
        params = optim.sgd_step(params, network.backward(losses.mse_grad(y_hat, y_b), caches), lr)
    return params, total / len(X)


def te_unweighted(X, y, params, activations, lr, batch_size, rng):
    values = []
    for X_b, y_b in mb_loop(X, y, batch_size, rng):
        y_hat, caches = network.forward(X_b, params, activations)
        values.append(losses.mse(y_hat, y_b))
        params = optim.sgd_step(params, network.backward(losses.mse_grad(y_hat, y_b), caches), lr)
    return params, float(np.mean(values))


def te_loss_after(X, y, params, activations, lr, batch_size, rng):
    total = 0.0
    for X_b, y_b in mb_loop(X, y, batch_size, rng):
        y_hat, caches = network.forward(X_b, params, activations)
        params = optim.sgd_step(params, network.backward(losses.mse_grad(y_hat, y_b), caches), lr)
        total += losses.mse(network.forward(X_b, params, activations)[0], y_b) * len(X_b)
    return params, total / len(X)


def te_two_permutations(X, y, params, activations, lr, batch_size, rng):
    return te_own_pieces_batches(X, y, params, activations, lr,
                                 mb_two_permutations(X, y, batch_size, rng))


@pytest.mark.parametrize("fn", [te_own_pieces, te_nnlib_pieces_and_list_of_losses, optim.train_epoch])
def test_train_epoch_correct_versions_earn_full_points(fn):
    assert points(TRAIN_EPOCH, fn, 3) == [3.0, 3.0, 3.0]


@pytest.mark.parametrize("fn, expected, label", [
    (te_no_shuffle, 0.0, "the rows are not shuffled"),
    (te_drop_last, 1.5, "the last, smaller batch is dropped"),
    (te_two_permutations, 0.0, "X and y are shuffled with two different permutations"),
    (te_unweighted, 1.5, "the epoch's loss is the plain mean of the batch losses"),
    (te_loss_after, 0.0, "each batch's loss is measured after its update"),
])
def test_train_epoch_buggy_versions_lose_points_and_are_named(fn, expected, label, capsys):
    assert points(TRAIN_EPOCH, fn, 3, seeds=(0,)) == [expected]
    assert label in capsys.readouterr().out


def test_train_epoch_public_check_names_the_mistake(capsys):
    checks.train_epoch(te_unweighted)
    out = capsys.readouterr().out
    assert "✗ the same line, batch_size = 4 (a batch of 4 rows, then one of 2), rng = 0" in out
    assert "the epoch's mean loss: expected" in out
    assert "this looks like a known mistake: the epoch's loss is the plain mean of the batch losses" in out


def test_not_implemented_is_reported_once(capsys):
    def todo(*args):
        raise NotImplementedError()

    assert TRAIN_EPOCH.hidden(todo, 3, rng=np.random.default_rng(0)) == 0.0
    checks.train_epoch(todo)
    assert "train_epoch is not implemented yet" in capsys.readouterr().out
