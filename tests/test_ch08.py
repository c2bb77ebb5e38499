"""Chapter 08 (backpropagation): the checks of dense_backward, backward and numerical_gradient.

For every graded function: correct implementations written in different ways earn full points,
typical buggy ones lose the expected points with a message that names the mistake, and the
hidden cases are plain data that the sandboxed grader can send.
"""
import sys

import numpy as np
import pytest

from nnlib import activations, checks
from nnlib.checks import ch08

SEEDS = (0, 1, 2, 3, 4)


def score(name, student, points, seed, capsys=None):
    result = checks.EXERCISES[name].hidden(student, points, rng=np.random.default_rng(seed))
    assert type(result) is float
    return result


def hidden_text(name, student, points, seed, capsys):
    capsys.readouterr()
    checks.EXERCISES[name].hidden(student, points, rng=np.random.default_rng(seed))
    return capsys.readouterr().out


# ====================================================================== dense_backward
def _unpack(cache):
    A_prev, W, b, Z, activation = cache
    return A_prev, W, Z, activations.get(activation)[1]


def dense_backward_vectorised(dA, cache):
    A_prev, W, Z, g_prime = _unpack(cache)
    dZ = dA * g_prime(Z)
    return dZ @ W.T, A_prev.T @ dZ, dZ.sum(axis=0)


def dense_backward_loops(dA, cache):
    """One example at a time, outer products added up."""
    A_prev, W, Z, g_prime = _unpack(cache)
    dW, db = np.zeros(W.shape), np.zeros(W.shape[1])
    dA_prev = np.zeros(A_prev.shape)
    for k in range(A_prev.shape[0]):
        delta = dA[k] * g_prime(Z[k])
        dW += np.outer(A_prev[k], delta)
        db += delta
        dA_prev[k] = W @ delta
    return dA_prev, dW, db


def dense_backward_einsum(dA, cache):
    A_prev, W, Z, g_prime = _unpack(cache)
    dZ = np.multiply(dA, g_prime(Z))
    return (np.einsum("nj,ij->ni", dZ, W), np.einsum("ni,nj->ij", A_prev, dZ),
            np.einsum("nj->j", dZ))


def dense_backward_sigmoid_from_output(dA, cache):
    """Correct too: for the sigmoid, g'(Z) = a (1 − a) computed from the output a = g(Z)."""
    A_prev, W, b, Z, activation = cache
    g, g_prime = activations.get(activation)
    if activation == "sigmoid":
        a = g(Z)
        dZ = dA * a * (1 - a)
    else:
        dZ = dA * g_prime(Z)
    return dZ @ W.T, A_prev.T @ dZ, dZ.sum(axis=0)


def dense_backward_no_g_prime(dA, cache):
    A_prev, W, Z, g_prime = _unpack(cache)
    return dA @ W.T, A_prev.T @ dA, dA.sum(axis=0)


def dense_backward_g_prime_of_A(dA, cache):
    A_prev, W, b, Z, activation = cache
    g, g_prime = activations.get(activation)
    dZ = dA * g_prime(g(Z))
    return dZ @ W.T, A_prev.T @ dZ, dZ.sum(axis=0)


def dense_backward_no_transpose(dA, cache):
    A_prev, W, Z, g_prime = _unpack(cache)
    dZ = dA * g_prime(Z)
    return dZ @ W.T, A_prev @ dZ, dZ.sum(axis=0)


def dense_backward_db_not_summed(dA, cache):
    A_prev, W, Z, g_prime = _unpack(cache)
    dZ = dA * g_prime(Z)
    return dZ @ W.T, A_prev.T @ dZ, dZ


def dense_backward_mean(dA, cache):
    A_prev, W, Z, g_prime = _unpack(cache)
    dZ = dA * g_prime(Z)
    n = len(A_prev)
    return dZ @ W.T, A_prev.T @ dZ / n, dZ.mean(axis=0)


def not_implemented(*args):
    # YOUR CODE HERE
    raise NotImplementedError()


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("student", [dense_backward_vectorised, dense_backward_loops,
                                     dense_backward_einsum, dense_backward_sigmoid_from_output])
def test_dense_backward_correct_versions_earn_full_points(student, seed):
    assert score("dense_backward", student, 4, seed) == 4.0


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("student, points, label", [
    (dense_backward_no_g_prime, 0.0, "g' is missing"),
    (dense_backward_g_prime_of_A, 0.0, "g' is evaluated at A = g(Z) instead of Z"),
    (dense_backward_no_transpose, 0.0, "dW is missing the transpose"),
    (dense_backward_db_not_summed, 0.0, "db is not summed over the batch"),
    (dense_backward_mean, 1.0, "divided by the batch size"),      # right only for one example
    (not_implemented, 0.0, "not implemented yet"),
])
def test_dense_backward_mistakes_lose_points_and_are_named(student, points, label, seed, capsys):
    assert score("dense_backward", student, 4, seed) == points
    assert label in hidden_text("dense_backward", student, 4, seed, capsys)


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
def backward_by_index(dy_hat, caches):
    grads, dA = [None] * len(caches), dy_hat
    for l in range(len(caches) - 1, -1, -1):
        dA, dW, db = dense_backward_vectorised(dA, caches[l])
        grads[l] = (dW, db)
    return grads


def backward_insert_front(dy_hat, caches):
    grads, dA = [], dy_hat
    for cache in caches[::-1]:
        dA, dW, db = dense_backward_loops(dA, cache)
        grads.insert(0, (dW, db))
    return grads


def backward_recursive_lists(dy_hat, caches):
    """Recursion, and [dW, db] lists instead of tuples: accepted."""
    if not caches:
        return []
    dA_prev, dW, db = dense_backward_einsum(dy_hat, caches[-1])
    return backward_recursive_lists(dA_prev, caches[:-1]) + [[dW, db]]


def backward_reversed(dy_hat, caches):
    grads, dA = [], dy_hat
    for cache in reversed(caches):
        dA, dW, db = dense_backward_vectorised(dA, cache)
        grads.append((dW, db))
    return grads


def backward_not_passed_back(dy_hat, caches):
    grads = []
    for cache in caches:
        _, dW, db = dense_backward_vectorised(dy_hat, cache)
        grads.append((dW, db))
    return grads


def backward_last_layer_only(dy_hat, caches):
    _, dW, db = dense_backward_vectorised(dy_hat, caches[-1])
    return [(dW, db)]


def backward_with_wrong_layer(dy_hat, caches):
    """Uses a buggy dense_backward (no g'): backward earns nothing either."""
    grads, dA = [None] * len(caches), dy_hat
    for l in reversed(range(len(caches))):
        dA, dW, db = dense_backward_no_g_prime(dA, caches[l])
        grads[l] = (dW, db)
    return grads


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("student", [backward_by_index, backward_insert_front, backward_recursive_lists])
def test_backward_correct_versions_earn_full_points(student, seed):
    assert score("backward", student, 3, seed) == 3.0


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("student, points, label", [
    (backward_reversed, 0.0, "the gradients are in reverse order"),
    (backward_last_layer_only, 0.0, "only the last layer's gradients are returned"),
    (backward_not_passed_back, 0.0, "raised"),          # shapes clash in most networks
    (backward_with_wrong_layer, 0.0, "wrong") ,
    (not_implemented, 0.0, "not implemented yet"),
])
def test_backward_mistakes_lose_points(student, points, label, seed, capsys):
    assert score("backward", student, 3, seed) == points
    text = hidden_text("backward", student, 3, seed, capsys)
    assert label in text or (label == "wrong" and "entries differ" in text)


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
def numerical_gradient_in_place(f, x, h=1e-5):
    grad = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        old = x[i]
        try:
            x[i] = old + h
            f_plus = f(x)
            x[i] = old - h
            f_minus = f(x)
        finally:
            x[i] = old
        grad[i] = (f_plus - f_minus) / (2 * h)
    return grad


def numerical_gradient_copies(f, x, h=1e-5):
    """Unit vectors e_i of x's shape, and fresh arrays x ± h e_i."""
    grad = np.empty(x.shape)
    flat = grad.reshape(-1)
    for k in range(x.size):
        e = np.zeros(x.size)
        e[k] = h
        e = e.reshape(x.shape)
        flat[k] = (f(x + e) - f(x - e)) / 2 / h
    return grad


def numerical_gradient_flat_view(f, x, h=1e-5):
    grad = np.zeros(x.size)
    view = x.reshape(-1)                                # a view: writes reach x
    for k in range(x.size):
        old = view[k]
        view[k] = old + h
        up = f(x)
        view[k] = old - h
        down = f(x)
        view[k] = old
        grad[k] = (up - down) / (2 * h)
    return grad.reshape(x.shape)


def numerical_gradient_forward(f, x, h=1e-5):
    grad, f0 = np.zeros_like(x), f(x)
    for i in np.ndindex(x.shape):
        old = x[i]
        x[i] = old + h
        grad[i] = (f(x) - f0) / h
        x[i] = old
    return grad


def numerical_gradient_over_h(f, x, h=1e-5):
    grad = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        old = x[i]
        x[i] = old + h
        f_plus = f(x)
        x[i] = old - h
        f_minus = f(x)
        x[i] = old
        grad[i] = (f_plus - f_minus) / h
    return grad


def numerical_gradient_not_restored(f, x, h=1e-5):
    grad = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        x[i] += h
        f_plus = f(x)
        x[i] -= 2 * h
        f_minus = f(x)
        grad[i] = (f_plus - f_minus) / (2 * h)
    return grad


def numerical_gradient_no_default(f, x, h):
    return numerical_gradient_in_place(f, x, h)


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("student", [numerical_gradient_in_place, numerical_gradient_copies,
                                     numerical_gradient_flat_view])
def test_numerical_gradient_correct_versions_earn_full_points(student, seed):
    assert score("numerical_gradient", student, 3, seed) == 3.0


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("student, points, label", [
    (numerical_gradient_forward, 0.0, "a forward difference"),
    (numerical_gradient_over_h, 0.0, "divided by h instead of 2h"),
    (numerical_gradient_not_restored, 0.0, "x is not restored after each entry"),
    (numerical_gradient_no_default, 2.0, "missing 1 required positional argument: 'h'"),
    (not_implemented, 0.0, "not implemented yet"),
])
def test_numerical_gradient_mistakes_lose_points_and_are_named(student, points, label, seed, capsys):
    assert score("numerical_gradient", student, 3, seed) == points
    assert label in hidden_text("numerical_gradient", student, 3, seed, capsys)


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
