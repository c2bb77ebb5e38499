"""Chapter 03 (activation functions): the checks of its five graded exercises.

For every graded function: several correct implementations written differently earn full points,
typical buggy ones lose exactly the points of the groups they fail, and the failure names the
mistake. Also: the public checks' output, including the note on NumPy overflow warnings.
"""
import math
import re
import warnings

import numpy as np
import pytest

from nnlib import activations, checks

SEEDS = (0, 1, 2)


def f(Z):
    return np.asarray(Z, dtype=float)


# ------------------------------------------------------------------ sigmoid
def sigmoid_where(Z):
    Z = f(Z)
    E = np.exp(-np.abs(Z))
    return np.where(Z >= 0, 1 / (1 + E), E / (1 + E))


def sigmoid_tanh(Z):
    return 0.5 * (1 + np.tanh(f(Z) / 2))


def sigmoid_loop(Z):
    Z = f(Z)
    out = np.empty_like(Z)
    for i, z in np.ndenumerate(Z):
        out[i] = 1 / (1 + math.exp(-z)) if z >= 0 else math.exp(z) / (1 + math.exp(z))
    return out


def sigmoid_direct(Z):            # right values in float64, but warns at z = -1000
    return 1 / (1 + np.exp(-f(Z)))


def sigmoid_ratio(Z):             # nan at z = +1000: loses the large-|Z| group
    return np.exp(Z) / (1 + np.exp(Z))


def sigmoid_flipped(Z):
    return 1 / (1 + np.exp(f(Z)))


def sigmoid_is_tanh(Z):
    return np.tanh(f(Z))


def sigmoid_int_buffer(Z):        # np.zeros_like keeps an int dtype: loses the integer group
    Z = np.asarray(Z)
    out = np.zeros_like(Z)
    out[...] = sigmoid_where(Z)
    return out


# ------------------------------------------------------------------ sigmoid_prime
def sigmoid_prime_product(Z):
    S = sigmoid_where(Z)
    return S * (1 - S)


def sigmoid_prime_sech(Z):        # σ'(z) = ¼ sech²(z/2) = ¼ (1 − tanh²(z/2))
    return 0.25 * (1 - np.tanh(f(Z) / 2) ** 2)


def sigmoid_prime_symmetric(Z):   # σ' is even: e^(−|z|) / (1 + e^(−|z|))² never overflows
    E = np.exp(-np.abs(f(Z)))
    return E / (1 + E) ** 2


def sigmoid_prime_naive_exp(Z):
    return np.exp(-f(Z)) / (1 + np.exp(-f(Z))) ** 2


# ------------------------------------------------------------------ tanh_prime
def tanh_prime_square(Z):
    return 1 - np.tanh(f(Z)) ** 2


def tanh_prime_cosh(Z):           # 1 / cosh²: cosh overflows to inf at 1000, 1/inf² = 0 is right
    with np.errstate(over="ignore"):
        return 1 / np.cosh(f(Z)) ** 2


def tanh_prime_loop(Z):
    Z = f(Z)
    out = np.empty_like(Z)
    for i, z in np.ndenumerate(Z):
        out[i] = 1 - math.tanh(z) ** 2
    return out


def tanh_prime_naive_exp(Z):
    Z = f(Z)
    T = (np.exp(Z) - np.exp(-Z)) / (np.exp(Z) + np.exp(-Z))
    return 1 - T ** 2


# ------------------------------------------------------------------ relu
def relu_maximum(Z):
    return np.maximum(f(Z), 0.0)


def relu_mask(Z):
    Z = f(Z)
    return Z * (Z > 0)


def relu_where(Z):
    Z = f(Z)
    return np.where(Z > 0, Z, 0.0)


def relu_loop(Z):
    Z = f(Z)
    out = Z.copy()
    for i, z in np.ndenumerate(Z):
        out[i] = z if z > 0 else 0.0
    return out


def relu_int_dtype(Z):            # np.maximum(Z, 0) keeps integers: loses the integer group
    return np.maximum(Z, 0)


# ------------------------------------------------------------------ relu_prime
def relu_prime_astype(Z):
    return (f(Z) > 0).astype(float)


def relu_prime_heaviside(Z):
    return np.heaviside(f(Z), 0.0)


def relu_prime_where(Z):
    return np.where(f(Z) > 0, 1.0, 0.0)


def relu_prime_loop(Z):
    Z = f(Z)
    out = np.zeros_like(Z)
    for i, z in np.ndenumerate(Z):
        if z > 0:
            out[i] = 1.0
    return out


CORRECT = {
    "sigmoid": [sigmoid_where, sigmoid_tanh, sigmoid_loop, sigmoid_direct, activations.sigmoid],
    "sigmoid_prime": [sigmoid_prime_product, sigmoid_prime_sech, sigmoid_prime_symmetric],
    "tanh_prime": [tanh_prime_square, tanh_prime_cosh, tanh_prime_loop],
    "relu": [relu_maximum, relu_mask, relu_where, relu_loop],
    "relu_prime": [relu_prime_astype, relu_prime_heaviside, relu_prime_where, relu_prime_loop],
}
POINTS = {"sigmoid": 2, "sigmoid_prime": 2, "tanh_prime": 1, "relu": 1, "relu_prime": 2}

# (exercise, buggy function, points earned out of POINTS, mistake label named in the report or None)
BUGGY = [
    ("sigmoid", sigmoid_ratio, 1.5, "overflow in exp for large |z|"),
    ("sigmoid", sigmoid_flipped, 0.0, "the sign of z is flipped"),
    ("sigmoid", lambda Z: 1 / (1 - np.exp(-f(Z))), 0.0, "a minus sign in the denominator"),
    ("sigmoid", sigmoid_is_tanh, 0.0, "tanh instead of the sigmoid"),
    ("sigmoid", sigmoid_int_buffer, 1.5, None),
    ("sigmoid_prime", lambda Z: sigmoid_where(Z), 0.0, "returns σ(z) instead of σ(z)(1 − σ(z))"),
    ("sigmoid_prime", lambda Z: 1 - sigmoid_where(Z), 0.0, "returns 1 − σ(z)"),
    ("sigmoid_prime", lambda Z: sigmoid_where(Z) ** 2, 0.0, "returns σ(z)²"),
    ("sigmoid_prime", lambda Z: f(Z) * (1 - f(Z)), 0.0, "applied to z instead of σ(z)"),
    ("sigmoid_prime", sigmoid_prime_naive_exp, 1.5, "overflow in exp for large |z|"),
    ("tanh_prime", lambda Z: np.tanh(f(Z)), 0.0, "returns tanh(z) instead of its derivative"),
    ("tanh_prime", lambda Z: 1 - np.tanh(f(Z)), 0.0, "the square is missing"),
    ("tanh_prime", lambda Z: 1 - f(Z) ** 2, 0.0, "applied to z instead of tanh(z)"),
    ("tanh_prime", lambda Z: 1 + np.tanh(f(Z)) ** 2, 0.0, "wrong sign"),
    ("tanh_prime", tanh_prime_naive_exp, 0.75, "overflow in exp for large |z|"),
    ("relu", lambda Z: np.max(f(Z), 0), 0.0, "np.max(Z, 0)"),
    ("relu", lambda Z: np.abs(f(Z)), 0.0, "wrong for negatives"),
    ("relu", lambda Z: np.minimum(f(Z), 0.0), 0.0, "min instead of max"),
    ("relu", lambda Z: (f(Z) > 0).astype(float), 0.0, "returns the derivative"),
    ("relu", relu_int_dtype, 0.75, None),
    ("relu_prime", lambda Z: (f(Z) >= 0).astype(float), 1.5, "wrong at 0"),
    ("relu_prime", lambda Z: np.maximum(f(Z), 0.0), 0.0, "returns relu(Z) instead of its derivative"),
    ("relu_prime", lambda Z: np.sign(f(Z)), 0.0, "wrong for negatives: returns −1"),
    ("relu_prime", lambda Z: np.ones_like(f(Z)), 0.0, "wrong for negatives: returns 1 everywhere"),
    ("relu_prime", lambda Z: f(Z) > 0, 0.0, "returns True/False"),
]


def hidden(name, student, points, seed):
    return checks.EXERCISES[name].hidden(student, points, rng=np.random.default_rng(seed))


# ------------------------------------------------------------------ hidden checks
@pytest.mark.parametrize("name, student", [(n, s) for n, fs in CORRECT.items() for s in fs],
                         ids=lambda v: getattr(v, "__name__", str(v)))
@pytest.mark.parametrize("seed", SEEDS)
def test_correct_implementations_earn_full_points(name, student, seed, capsys):
    assert hidden(name, student, POINTS[name], seed) == float(POINTS[name])
    out = capsys.readouterr()
    assert "✗" not in out.out and out.err == ""


@pytest.mark.parametrize("name, student, earned, label", BUGGY,
                         ids=[f"{b[0]}-{i}" for i, b in enumerate(BUGGY)])
@pytest.mark.parametrize("seed", SEEDS)
def test_buggy_implementations_lose_the_expected_points(name, student, earned, label, seed, capsys):
    score = hidden(name, student, POINTS[name], seed)
    assert type(score) is float and score == earned
    out = capsys.readouterr()
    assert out.err == ""
    if label is not None:
        assert re.search(r"known mistake: [^\n]*" + re.escape(label), out.out), out.out


def test_each_exercise_has_at_least_three_named_mistakes_and_two_correct_versions():
    for name in POINTS:
        labelled = {b[3] for b in BUGGY if b[0] == name and b[3]}
        assert len(labelled) >= 3, name
        assert len(CORRECT[name]) >= 2, name
        assert len(checks.EXERCISES[name].mistakes) >= 3, name


def test_not_implemented_earns_nothing():
    def todo(Z):
        raise NotImplementedError()

    for name, points in POINTS.items():
        assert hidden(name, todo, points, 0) == 0.0


def test_hard_coding_the_public_examples_earns_nothing():
    for name, points in POINTS.items():
        exercise = checks.EXERCISES[name]
        table = {str(np.asarray(c.args[0]).tolist()): exercise.expected(c) for c in exercise.public_cases}

        def hard_coded(Z):
            return table.get(str(np.asarray(Z).tolist()), np.zeros(np.shape(Z)))

        assert hidden(name, hard_coded, points, 3) == 0.0


# ------------------------------------------------------------------ registry and data
def test_registry_entries_are_nnlib_references_with_plain_data():
    for name in POINTS:
        exercise = checks.EXERCISES[name]
        assert exercise.reference is getattr(activations, name)
        groups = exercise.hidden_groups(np.random.default_rng(0))
        labels = [label for label, _ in groups]
        assert "large |Z| (up to 1000)" in labels and len(groups) == 4
        for case in list(exercise.public_cases) + [c for _, cs in groups for c in cs]:
            (Z,) = case.args
            assert isinstance(Z, np.ndarray) and Z.dtype.kind in "if"
            assert exercise.compare(exercise.expected(case), exercise.expected(case)) == ""
        large = dict(groups)["large |Z| (up to 1000)"]
        assert max(np.abs(c.args[0]).max() for c in large) > 700


def test_hidden_cases_are_reproducible_from_the_seed():
    for name in POINTS:
        groups = checks.EXERCISES[name].hidden_groups
        a, b = groups(np.random.default_rng(7)), groups(np.random.default_rng(7))
        assert [c.label for _, cs in a for c in cs] == [c.label for _, cs in b for c in cs]


# ------------------------------------------------------------------ public checks
@pytest.mark.parametrize("name", sorted(POINTS))
def test_public_check_passes_the_reference_quietly(name, capsys):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        getattr(checks, name)(getattr(activations, name))
    out = capsys.readouterr()
    assert "✗" not in out.out and "Note:" not in out.out and out.err == ""
    assert "decide the grade" in out.out


def test_public_check_notes_the_overflow_warning_of_the_direct_sigmoid(capsys):
    checks.sigmoid(sigmoid_direct)
    out = capsys.readouterr()
    assert "✗" not in out.out and "all pass" in out.out
    assert "Note: on Z = [-1000, -50, -1, 0, 1, 50, 1000] your sigmoid made NumPy warn: " \
           "'overflow encountered in exp'." in out.out
    assert "so no points are lost" in out.out
    assert "np.where(Z >= 0, 1 / (1 + E), E / (1 + E))" in out.out
    assert out.err == ""


def test_public_check_names_the_overflow_mistake_of_the_ratio_form(capsys):
    checks.sigmoid(sigmoid_ratio)
    out = capsys.readouterr().out
    assert "✗ large |Z|: Z = [-1000, -50, 50, 1000]" in out
    assert "expected 1, received nan" in out
    assert "(this looks like a known mistake: overflow in exp for large |z|)" in out
    assert "the result contains nan or inf: that loses the hidden group 'large |Z| (up to 1000)'" in out
    assert "3 of 4 pass" in out


def test_public_check_of_relu_prime_explains_the_convention_at_zero(capsys):
    checks.relu_prime(lambda Z: (f(Z) >= 0).astype(float))
    out = capsys.readouterr().out
    assert "✗ the convention at 0: relu_prime([0]) = [0]" in out
    assert "expected 0, received 1" in out
    assert "known mistake: wrong at 0: returns 1 at z = 0" in out
    assert "hint: nnlib's convention is relu_prime(0) = 0: use Z > 0, not Z >= 0" in out
    assert "1 of 4 pass" in out


def test_public_check_of_sigmoid_prime_recognises_the_lectures_difsigmoid_trap(capsys):
    checks.sigmoid_prime(lambda Z: f(Z) * (1 - f(Z)))
    out = capsys.readouterr().out
    assert "known mistake: the formula is applied to z instead of σ(z): Z (1 − Z)" in out


def test_public_checks_say_not_implemented_without_a_note(capsys):
    def todo(Z):
        raise NotImplementedError()

    for name in POINTS:
        getattr(checks, name)(todo)
    out = capsys.readouterr().out
    assert out.count("is not implemented yet") == len(POINTS)
    assert "Note:" not in out and "Traceback" not in out


# ------------------------------------------------------------------ softmax (row by row)
SOFTMAX_POINTS = 2


def softmax_rowmax(Z):
    Z = f(Z)
    E = np.exp(Z - Z.max(axis=1, keepdims=True))
    return E / E.sum(axis=1, keepdims=True)


def softmax_logsumexp(Z):         # exp(z − log Σ e^z), log-sum-exp computed stably
    Z = f(Z)
    m = Z.max(axis=1, keepdims=True)
    return np.exp(Z - m - np.log(np.exp(Z - m).sum(axis=1, keepdims=True)))


def softmax_loop(Z):
    Z = f(Z)
    out = np.empty_like(Z)
    for i, row in enumerate(Z):
        e = [math.exp(z - max(row)) for z in row]
        out[i] = [v / sum(e) for v in e]
    return out


def softmax_naive(Z):             # nan for logits near 1000: loses the large-logit group
    E = np.exp(f(Z))
    return E / E.sum(axis=1, keepdims=True)


def softmax_columns(Z):
    Z = f(Z)
    E = np.exp(Z - Z.max(axis=0, keepdims=True))
    return E / E.sum(axis=0, keepdims=True)


def softmax_whole_array(Z):
    E = np.exp(f(Z) - f(Z).max())
    return E / E.sum()


def softmax_batch_max(Z):         # 0 / 0 = nan in a row far below the batch's maximum
    E = np.exp(f(Z) - f(Z).max())
    return E / E.sum(axis=1, keepdims=True)


def softmax_unnormalised(Z):
    return np.exp(f(Z) - f(Z).max(axis=1, keepdims=True))


def softmax_int_buffer(Z):        # np.empty_like keeps an int dtype: loses the integer group
    Z = np.asarray(Z)
    out = np.empty_like(Z)
    out[...] = softmax_rowmax(Z)
    return out


SOFTMAX_CORRECT = [softmax_rowmax, softmax_logsumexp, softmax_loop, activations.softmax]
SOFTMAX_BUGGY = [                 # (buggy function, points earned of 2, mistake named or None)
    (softmax_naive, 1.5, "the row maximum is not subtracted"),
    (softmax_columns, 0.0, "normalised over the batch (axis 0)"),
    (softmax_whole_array, 0.0, "normalised over the whole array"),
    (softmax_batch_max, 1.5, "subtracted the batch's largest logit"),
    (softmax_unnormalised, 0.0, "without dividing by the row's sum"),
    (softmax_int_buffer, 1.5, None),
]


@pytest.mark.parametrize("student", SOFTMAX_CORRECT, ids=lambda s: s.__name__)
@pytest.mark.parametrize("seed", SEEDS)
def test_softmax_correct_implementations_earn_full_points(student, seed, capsys):
    assert hidden("softmax", student, SOFTMAX_POINTS, seed) == float(SOFTMAX_POINTS)
    out = capsys.readouterr()
    assert "✗" not in out.out and out.err == ""


@pytest.mark.parametrize("student, earned, label", SOFTMAX_BUGGY,
                         ids=[b[0].__name__ for b in SOFTMAX_BUGGY])
@pytest.mark.parametrize("seed", SEEDS)
def test_softmax_buggy_implementations_lose_points(student, earned, label, seed, capsys):
    assert hidden("softmax", student, SOFTMAX_POINTS, seed) == earned
    out = capsys.readouterr()
    assert out.err == ""
    if label is not None:
        assert re.search(r"known mistake: [^\n]*" + re.escape(label), out.out), out.out


def test_softmax_exercise_declaration():
    exercise = checks.EXERCISES["softmax"]
    assert exercise.reference is activations.softmax
    assert exercise.answer_keys == ("nnlib.activations.softmax",)
    assert len(exercise.mistakes) >= 3
    groups = exercise.hidden_groups(np.random.default_rng(0))
    assert len(groups) >= 3
    large = dict(groups)["large logits (up to ±1000)"]
    assert max(np.abs(c.args[0]).max() for c in large) > 700
    for case in [c for _, cs in groups for c in cs]:
        P = exercise.expected(case)
        assert np.all(np.isfinite(P)) and np.allclose(P.sum(axis=1), 1.0)
    again = exercise.hidden_groups(np.random.default_rng(0))
    assert [c.label for _, cs in groups for c in cs] == [c.label for _, cs in again for c in cs]


def test_softmax_public_check_names_the_overflow(capsys):
    checks.softmax(softmax_naive)
    out = capsys.readouterr().out
    assert "✗ large logits: Z = [[1000, 999, 998]]" in out
    assert "known mistake: overflow: the row maximum is not subtracted" in out
    assert "3 of 4 pass" in out


def test_softmax_hard_coding_the_public_examples_earns_nothing():
    exercise = checks.EXERCISES["softmax"]
    table = {str(np.asarray(c.args[0]).tolist()): exercise.expected(c) for c in exercise.public_cases}

    def hard_coded(Z):
        return table.get(str(np.asarray(Z).tolist()), np.zeros(np.shape(Z)))

    assert hidden("softmax", hard_coded, SOFTMAX_POINTS, 3) == 0.0


def test_softmax_jacobian_matches_finite_differences():
    """The chapter's derivation: ∂p_i/∂z_j = p_i (δ_ij − p_j), checked numerically."""
    z = np.array([0.3, -1.2, 2.0, 0.5])
    p = activations.softmax(z)
    J = np.diag(p) - np.outer(p, p)
    h = 1e-6
    numerical = np.column_stack([(activations.softmax(z + h * e) - activations.softmax(z - h * e))
                                 / (2 * h) for e in np.eye(4)])
    assert np.allclose(J, numerical, atol=1e-8)
    assert np.allclose(activations.softmax_prime(z[None])[0], J)
