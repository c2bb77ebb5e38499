"""Chapter 05 (loss functions): the graded exercises' checks accept different correct
implementations and take the expected points from typical wrong ones, naming the mistake."""
import numpy as np
import pytest

from nnlib import checks, losses

SEEDS = (0, 1, 7)
EPS = 1e-12


def hidden_points(name, student, points, seed):
    return checks.EXERCISES[name].hidden(student, points, rng=np.random.default_rng(seed))


# ------------------------------------------------------------------ half_sse
def half_sse_loop(y_hat, y):
    y_hat, y = np.asarray(y_hat, dtype=float), np.asarray(y, dtype=float)
    total = 0.0
    for i in range(y_hat.shape[0]):
        for k in range(y_hat.shape[1]):
            total += 0.5 * (y_hat[i, k] - y[i, k]) ** 2
    return total


def half_sse_vectorised(y_hat, y):
    e = np.asarray(y_hat, dtype=float) - np.asarray(y, dtype=float)
    return float(0.5 * np.sum(e * e))


def half_sse_einsum(y_hat, y):
    e = np.subtract(y_hat, y, dtype=float)
    return float(0.5 * np.einsum("ik,ik->", e, e))


def half_sse_no_half(y_hat, y):
    return float(np.sum((np.asarray(y_hat, dtype=float) - np.asarray(y, dtype=float)) ** 2))


def half_sse_mean(y_hat, y):
    return float(0.5 * np.mean((np.asarray(y_hat, dtype=float) - np.asarray(y, dtype=float)) ** 2))


def half_sse_mse(y_hat, y):
    return float(np.mean((np.asarray(y_hat, dtype=float) - np.asarray(y, dtype=float)) ** 2))


def half_sse_no_conversion(y_hat, y):
    return float(0.5 * np.sum((y_hat - y) ** 2))   # fails on Python lists


def half_sse_first_column(y_hat, y):
    y_hat, y = np.asarray(y_hat, dtype=float), np.asarray(y, dtype=float)
    return float(0.5 * np.sum((y_hat[:, 0] - y[:, 0]) ** 2))   # ignores extra outputs


# ------------------------------------------------------------------ half_sse_grad
def grad_subtract(y_hat, y):
    return np.asarray(y_hat, dtype=float) - np.asarray(y, dtype=float)


def grad_loop(y_hat, y):
    y_hat, y = np.asarray(y_hat, dtype=float), np.asarray(y, dtype=float)
    out = np.empty_like(y_hat)
    for index in np.ndindex(y_hat.shape):
        out[index] = y_hat[index] - y[index]
    return out


def grad_sign_flipped(y_hat, y):
    return np.asarray(y, dtype=float) - np.asarray(y_hat, dtype=float)


def grad_factor_two(y_hat, y):
    return 2.0 * grad_subtract(y_hat, y)


def grad_mean(y_hat, y):
    d = grad_subtract(y_hat, y)
    return d / d.size


def grad_int_dtype(y_hat, y):
    return np.asarray(y_hat) - np.asarray(y)   # integer inputs give an integer array


# ------------------------------------------------------------------ binary_cross_entropy
def bce_vectorised(p, y):
    p = np.clip(np.asarray(p, dtype=float), EPS, 1 - EPS)
    y = np.asarray(y, dtype=float)
    return float(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)))


def bce_where(p, y):
    p = np.clip(np.asarray(p, dtype=float), EPS, 1 - EPS)
    y = np.asarray(y, dtype=float)
    return float(np.mean(np.where(y == 1, -np.log(p), -np.log1p(-p))))


def bce_loop(p, y):
    p, y = np.asarray(p, dtype=float).ravel(), np.asarray(y, dtype=float).ravel()
    total = 0.0
    for p_i, y_i in zip(p, y):
        p_i = min(max(p_i, EPS), 1 - EPS)
        total -= y_i * np.log(p_i) + (1 - y_i) * np.log(1 - p_i)
    return total / len(p)


def bce_sum(p, y):
    p = np.clip(np.asarray(p, dtype=float), EPS, 1 - EPS)
    y = np.asarray(y, dtype=float)
    return float(-np.sum(y * np.log(p) + (1 - y) * np.log(1 - p)))


def bce_unclipped(p, y):
    p, y = np.asarray(p, dtype=float), np.asarray(y, dtype=float)
    return float(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)))


def bce_no_minus(p, y):
    return -bce_vectorised(p, y)


def bce_only_positive_term(p, y):
    p = np.clip(np.asarray(p, dtype=float), EPS, 1 - EPS)
    return float(-np.mean(np.asarray(y, dtype=float) * np.log(p)))


# ------------------------------------------------------------------ binary_cross_entropy_grad
def bce_grad_formula(p, y):
    p = np.clip(np.asarray(p, dtype=float), EPS, 1 - EPS)
    y = np.asarray(y, dtype=float)
    return (p - y) / (p * (1 - p)) / p.size


def bce_grad_two_terms(p, y):
    p = np.clip(np.asarray(p, dtype=float), EPS, 1 - EPS)
    y = np.asarray(y, dtype=float)
    return (-y / p + (1 - y) / (1 - p)) / np.prod(p.shape)


def bce_grad_no_n(p, y):
    p = np.clip(np.asarray(p, dtype=float), EPS, 1 - EPS)
    y = np.asarray(y, dtype=float)
    return (p - y) / (p * (1 - p))


def bce_grad_sign(p, y):
    return -bce_grad_formula(p, y)


def bce_grad_rows(p, y):
    p = np.clip(np.asarray(p, dtype=float), EPS, 1 - EPS)
    y = np.asarray(y, dtype=float)
    return (p - y) / (p * (1 - p)) / p.shape[0]


def bce_grad_unclipped(p, y):
    p, y = np.asarray(p, dtype=float), np.asarray(y, dtype=float)
    return (p - y) / (p * (1 - p)) / p.size


# ------------------------------------------------------------------ the tests
@pytest.mark.parametrize("name, student, points", [
    ("half_sse", half_sse_loop, 1),
    ("half_sse", half_sse_vectorised, 1),
    ("half_sse", half_sse_einsum, 1),
    ("half_sse", losses.half_sse, 1),
    ("half_sse_grad", grad_subtract, 1),
    ("half_sse_grad", grad_loop, 1),
    ("binary_cross_entropy", bce_vectorised, 2),
    ("binary_cross_entropy", bce_where, 2),
    ("binary_cross_entropy", bce_loop, 2),
    ("binary_cross_entropy_grad", bce_grad_formula, 2),
    ("binary_cross_entropy_grad", bce_grad_two_terms, 2),
])
@pytest.mark.parametrize("seed", SEEDS)
def test_correct_implementations_earn_full_points(name, student, points, seed, capsys):
    assert hidden_points(name, student, points, seed) == float(points)
    assert "✗" not in capsys.readouterr().out


@pytest.mark.parametrize("name, student, points, expected, label", [
    ("half_sse", half_sse_no_half, 1, 0.0, "the ½ is missing"),
    ("half_sse", half_sse_mean, 1, 0.0, "the mean instead of the sum"),
    ("half_sse", half_sse_mse, 1, 0.0, "the mean squared error instead of the half sum"),
    ("half_sse", half_sse_no_conversion, 1, 0.75, None),          # only the lists group fails
    ("half_sse", half_sse_first_column, 1, 0.75, None),           # only the (n, k) group fails
    ("half_sse_grad", grad_sign_flipped, 1, 0.0, "the sign is flipped (y − y_hat)"),
    ("half_sse_grad", grad_factor_two, 1, 0.0, "the factor 2 of the square is kept"),
    ("half_sse_grad", grad_mean, 1, 0.0, "divided by the number of entries"),
    ("half_sse_grad", grad_int_dtype, 1, 0.75, None),              # integer lists give ints
    ("binary_cross_entropy", bce_sum, 2, 0.0, "the sum instead of the mean"),
    ("binary_cross_entropy", bce_unclipped, 2, 1.5, "p is not clipped"),
    ("binary_cross_entropy", bce_no_minus, 2, 0.0, "the minus sign is missing"),
    ("binary_cross_entropy", bce_only_positive_term, 2, 0.0, "only the y·log(p) term"),
    ("binary_cross_entropy_grad", bce_grad_no_n, 2, 0.0, "the 1/N is missing"),
    ("binary_cross_entropy_grad", bce_grad_sign, 2, 0.0, "the sign is flipped"),
    ("binary_cross_entropy_grad", bce_grad_rows, 2, 1.0, "number of rows instead of the number of entries"),
    ("binary_cross_entropy_grad", bce_grad_unclipped, 2, 1.5, "p is not clipped"),
])
@pytest.mark.parametrize("seed", SEEDS)
def test_typical_mistakes_lose_the_expected_points(name, student, points, expected, label, seed, capsys):
    assert hidden_points(name, student, points, seed) == expected
    out = capsys.readouterr().out
    assert "✗" in out
    if label is not None:
        assert "this looks like a known mistake:" in out and label in out, out


def test_unclipped_cross_entropy_fails_only_the_group_with_p_0_and_1(capsys):
    hidden_points("binary_cross_entropy", bce_unclipped, 2, 3)
    failed = [line for line in capsys.readouterr().out.splitlines() if line.lstrip().startswith("✗")]
    assert len(failed) == 1 and "p exactly 0 and 1" in failed[0]


def test_hidden_groups_include_p_exactly_0_and_1():
    groups = dict(checks.EXERCISES["binary_cross_entropy"].hidden_groups(np.random.default_rng(5)))
    edge = groups["p exactly 0 and 1 (clipping)"]
    values = np.concatenate([np.ravel(case.args[0]) for case in edge])
    assert (values == 0).any() and (values == 1).any()
    for case in edge:   # the reference stays finite there
        assert np.isfinite(losses.binary_cross_entropy(*case.args))
        assert np.isfinite(losses.binary_cross_entropy_grad(*case.args)).all()


def test_public_check_names_the_mistake_and_shows_expected_and_received(capsys):
    checks.half_sse(half_sse_no_half)
    out = capsys.readouterr().out
    assert "✗ one example: y_hat = [[3]], y = [[1]]" in out
    assert "expected 2, received 4" in out
    assert "known mistake: the ½ is missing" in out
    assert "hint: C = Σ ½ (y_hat − y)²: multiply the sum of squares by 0.5" in out
    assert "decide the grade" in out

    checks.binary_cross_entropy(bce_unclipped)
    out = capsys.readouterr().out
    assert "✗ certain and wrong: p = [[0], [1]], y = [[1], [0]]" in out
    assert "known mistake: p is not clipped" in out
    assert "✓ the chapter's four days" in out

    checks.binary_cross_entropy_grad(bce_grad_no_n)
    out = capsys.readouterr().out
    assert "known mistake: the 1/N is missing" in out
    assert "✓ one example: p = [[0.8]], y = [[1]]" in out     # N = 1 hides the mistake there


def test_public_cases_match_the_chapter_numbers():
    study = checks.EXERCISES["half_sse"].public_cases[2]
    assert round(losses.half_sse(*study.args), 2) == 1215.84
    days = checks.EXERCISES["binary_cross_entropy"].public_cases[2]
    assert round(losses.binary_cross_entropy(*days.args), 3) == 0.959


def test_checks_write_nothing_to_stderr(capsys):
    for name, student in (("half_sse", half_sse_no_half), ("binary_cross_entropy", bce_unclipped),
                          ("binary_cross_entropy_grad", bce_grad_unclipped)):
        getattr(checks, name)(student)
        hidden_points(name, student, 2, 0)
    assert capsys.readouterr().err == ""


# ------------------------------------------------------------------ softmax_cross_entropy_grad
def _rows_softmax(Z):
    Z = np.asarray(Z, dtype=float)
    E = np.exp(Z - Z.max(axis=1, keepdims=True))
    return E / E.sum(axis=1, keepdims=True)


def ce_grad_formula(Z, y):
    return (_rows_softmax(Z) - np.asarray(y, dtype=float)) / len(Z)


def ce_grad_log_softmax(Z, y):      # P from log P = Z − max − log Σ e^(Z − max)
    Z = np.asarray(Z, dtype=float)
    shifted = Z - Z.max(axis=1, keepdims=True)
    log_P = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    return (np.exp(log_P) - y) / Z.shape[0]


def ce_grad_loop(Z, y):
    Z, y = np.asarray(Z, dtype=float), np.asarray(y, dtype=float)
    n = Z.shape[0]
    out = np.zeros_like(Z)
    for i in range(n):
        e = np.exp(Z[i] - Z[i].max())
        out[i] = (e / e.sum() - y[i]) / n
    return out


def ce_grad_sum(Z, y):
    return _rows_softmax(Z) - y


def ce_grad_sign(Z, y):
    return -ce_grad_formula(Z, y)


def ce_grad_entries(Z, y):
    return (_rows_softmax(Z) - y) / np.size(Z)


def ce_grad_naive(Z, y):
    E = np.exp(np.asarray(Z, dtype=float))
    return (E / E.sum(axis=1, keepdims=True) - y) / len(Z)


def ce_grad_wrt_p(Z, y):
    return -y / np.clip(_rows_softmax(Z), EPS, 1) / len(Z)


@pytest.mark.parametrize("student", [ce_grad_formula, ce_grad_log_softmax, ce_grad_loop,
                                     losses.softmax_cross_entropy_grad], ids=lambda s: s.__name__)
@pytest.mark.parametrize("seed", SEEDS)
def test_softmax_ce_grad_correct_implementations_earn_full_points(student, seed, capsys):
    assert hidden_points("softmax_cross_entropy_grad", student, 2, seed) == 2.0
    assert "✗" not in capsys.readouterr().out


@pytest.mark.parametrize("student, expected, label", [
    (ce_grad_sum, 0.0, "the 1/n is missing"),
    (ce_grad_sign, 0.0, "the sign is flipped"),
    (ce_grad_entries, 0.0, "divided by the number of entries"),
    (ce_grad_naive, 1.5, "the row maximum is not subtracted"),
    (ce_grad_wrt_p, 0.0, "instead of with respect to Z"),
], ids=lambda v: getattr(v, "__name__", None))
@pytest.mark.parametrize("seed", SEEDS)
def test_softmax_ce_grad_mistakes_lose_points(student, expected, label, seed, capsys):
    assert hidden_points("softmax_cross_entropy_grad", student, 2, seed) == expected
    out = capsys.readouterr().out
    assert "this looks like a known mistake:" in out and label in out, out


def test_softmax_ce_grad_is_the_derivative_of_the_mean_cost():
    """∂C/∂Z = (P − Y)/n, checked by finite differences on the chapter's logits."""
    Z = np.array([[2.0, 1.0, -1.0], [0.5, 0.0, 3.0]])
    Y = np.array([[0.0, 1.0, 0.0], [0.0, 0.0, 1.0]])
    h = 1e-6
    numerical = np.zeros_like(Z)
    for index in np.ndindex(Z.shape):
        step = np.zeros_like(Z)
        step[index] = h
        numerical[index] = (losses.softmax_cross_entropy(Z + step, Y)
                            - losses.softmax_cross_entropy(Z - step, Y)) / (2 * h)
    assert np.allclose(losses.softmax_cross_entropy_grad(Z, Y), numerical, atol=1e-8)
    big = losses.softmax_cross_entropy_grad(np.array([[1000.0, 0.0, -1000.0]]),
                                            np.array([[0.0, 0.0, 1.0]]))
    assert np.allclose(big, [[1.0, 0.0, -1.0]])


def test_softmax_ce_grad_declaration():
    exercise = checks.EXERCISES["softmax_cross_entropy_grad"]
    assert exercise.answer_keys == ("nnlib.losses.softmax_cross_entropy_grad",)
    assert len(exercise.mistakes) >= 3
    groups = exercise.hidden_groups(np.random.default_rng(2))
    assert len(groups) >= 3
    for _, cases in groups:
        for case in cases:
            Z, Y = case.args
            assert Z.shape == Y.shape and np.all(Y.sum(axis=1) == 1)
            assert np.all(np.isfinite(exercise.expected(case)))
    checks.softmax_cross_entropy_grad(ce_grad_formula)


def test_softmax_ce_grad_hard_coding_earns_nothing():
    exercise = checks.EXERCISES["softmax_cross_entropy_grad"]
    table = {str(np.asarray(c.args[0]).tolist()): exercise.expected(c) for c in exercise.public_cases}

    def hard_coded(Z, y):
        return table.get(str(np.asarray(Z).tolist()), np.zeros(np.shape(Z)))

    assert hidden_points("softmax_cross_entropy_grad", hard_coded, 2, 4) == 0.0


# ------------------------------------------------------------------ the three-class data
def test_spirals_are_balanced_reproducible_and_checked():
    from nnlib import datasets

    X, y = datasets.spirals(n=301, classes=3, seed=4)
    assert X.shape == (301, 2) and y.shape == (301,) and y.dtype.kind == "i"
    assert sorted(np.bincount(y).tolist()) == [100, 100, 101]
    X2, y2 = datasets.spirals(n=301, classes=3, seed=4)
    assert np.array_equal(X, X2) and np.array_equal(y, y2)
    assert np.abs(X).max() < 1.5
    clean, labels = datasets.spirals(n=90, classes=3, noise=0.0, seed=0)
    radii = np.hypot(*clean.T)
    assert radii.min() >= 0.05 - 1e-12 and radii.max() <= 1.0 + 1e-12
    for bad in ({"classes": 1}, {"classes": 2.5}, {"n": 2, "classes": 3}, {"noise": -1}):
        with pytest.raises(ValueError):
            datasets.spirals(**bad)
