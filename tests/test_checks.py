"""nnlib.checks: the engine (compare, run_case, public_check, hidden_check) and chapter 02's checks."""
import warnings

import numpy as np
import pytest

from nnlib import activations, checks
from nnlib.neuron import neuron_output as reference

EXERCISE = checks.EXERCISES["neuron_output"]
PUBLIC = EXERCISE.public_cases


def correct(x, w, b, activation):
    x, w = np.asarray(x, dtype=float), np.asarray(w, dtype=float)
    g = activation if callable(activation) else activations.get(activation)[0]
    return float(g(x @ w + b))


def not_implemented(x, w, b, activation):
    # YOUR CODE HERE
    raise NotImplementedError()


def always_sigmoid(x, w, b, activation):
    z = np.asarray(x, dtype=float) @ np.asarray(w, dtype=float) + b
    return float(1 / (1 + np.exp(-z)))


def no_bias(x, w, b, activation):
    return correct(x, w, 0.0, activation)


def returns_array(x, w, b, activation):
    return np.array([correct(x, w, b, activation)])


def noisy(x, w, b, activation):
    """Correct, but warns, overflows and writes to stderr (nbgrader zeroes cells with stderr)."""
    import sys

    warnings.warn("a student's warning")
    np.exp(1000.0)
    print("debug output", file=sys.stderr)
    return correct(x, w, b, activation)


def crashes(x, w, b, activation):
    return x.dot(w)


# ------------------------------------------------------------------ engine
def test_compare_accepts_numbers_and_reports_type_shape_and_dtype():
    assert checks.compare(0.5, 0.5) == ""
    assert checks.compare(np.float64(0.5), 0.5) == ""
    assert checks.compare(np.array(0.5), 0.5) == ""
    assert "expected 0.5, received 0.6" in checks.compare(0.6, 0.5)
    message = checks.compare(np.array([0.5]), 0.5)
    assert "single number" in message and "shape (1,)" in message and "float64" in message
    assert "single number" in checks.compare(True, 1.0)
    message = checks.compare(np.zeros((2, 3)), np.zeros((3, 2)))
    assert "shape (2, 3)" in message and "(3, 2)" in message
    assert "dtype int64" in checks.compare(np.zeros((2, 2), dtype=np.int64), np.zeros((2, 2)))
    message = checks.compare(np.array([1.0, 2.0]), np.array([1.0, 2.5]))
    assert "1 of 2 entries differ" in message and "index (1,)" in message
    assert checks.compare((1.0, np.ones(2)), (1.0, np.ones(2))) == ""
    assert "element 1" in checks.compare((1.0, np.zeros(2)), (1.0, np.ones(2)))


def test_run_case_isolates_arguments_and_classifies_outcomes():
    case = checks.Case((np.array([1.0, 2.0]),), "x = (1, 2)")

    def mutating(x):
        x[:] = 0
        return float(x.sum())

    outcome = checks.run_case(mutating, lambda x: float(x.sum()), case)
    assert outcome.status == checks.FAIL and "expected 3" in outcome.message
    assert case.args[0].tolist() == [1.0, 2.0], "the student's function got a copy"
    assert checks.run_case(not_implemented, correct, PUBLIC[0]).status == checks.TODO
    outcome = checks.run_case(crashes, correct, PUBLIC[0])
    assert outcome.status == checks.ERROR and "AttributeError" in outcome.message


# ------------------------------------------------------------------ public check
def test_public_check_passes_the_reference(capsys):
    checks.neuron_output(correct)
    out = capsys.readouterr()
    assert out.out.count("✓") == len(PUBLIC) and "✗" not in out.out
    assert "hidden checks" in out.out and "decide the grade" in out.out
    assert out.err == ""


def test_public_check_says_plainly_when_not_implemented(capsys):
    assert checks.neuron_output(not_implemented) is None
    out = capsys.readouterr().out
    assert "not implemented yet" in out and "raise NotImplementedError()" in out
    assert "Traceback" not in out


def test_public_check_shows_expected_received_and_hint(capsys):
    checks.neuron_output(no_bias)
    out = capsys.readouterr().out
    assert "✗ the lecture's perceptron" in out
    assert "expected 0.00247262, received 0.000911051" in out
    assert "hint:" in out
    assert "known mistake: the bias is missing" in out
    checks.neuron_output(returns_array)
    assert "shape (1,)" in capsys.readouterr().out


def test_checks_never_write_to_stderr(capsys):
    checks.neuron_output(noisy)
    score = checks.hidden.neuron_output(noisy, points=2)
    out = capsys.readouterr()
    assert out.err == ""
    assert score == 2.0


# ------------------------------------------------------------------ hidden check
@pytest.mark.parametrize("student, points, expected", [
    (correct, 2, 2.0),
    (not_implemented, 2, 0.0),
    (always_sigmoid, 2, 1.0),     # passes "sigmoid" and "integer inputs", fails two groups
    (no_bias, 2, 0.0),
    (crashes, 2, 0.0),
    (correct, 4, 4.0),
])
def test_hidden_check_gives_partial_credit_per_group(student, points, expected, monkeypatch):
    for seed in ("1", "2", "3"):
        monkeypatch.setenv(checks.SEED_VARIABLE, seed)
        score = checks.hidden.neuron_output(student, points=points)
        assert type(score) is float and score == expected


def test_hidden_cases_come_from_the_seed_or_fresh_randomness(monkeypatch):
    def labels():
        return [c.label for _, cases in EXERCISE.hidden_groups(checks.grading_rng())
                for c in cases]

    monkeypatch.setenv(checks.SEED_VARIABLE, "42")
    assert labels() == labels()
    monkeypatch.delenv(checks.SEED_VARIABLE)
    assert labels() != labels()


def test_public_examples_are_not_the_hidden_ones(monkeypatch):
    """Hard-coding the public examples earns nothing."""
    table = {tuple(map(str, c.args[:3])) + (str(c.args[3]),): correct(*c.args)
             for c in PUBLIC}

    def hard_coded(x, w, b, activation):
        return table.get(tuple(map(str, (x, w, b))) + (str(activation),), 0.0)

    monkeypatch.setenv(checks.SEED_VARIABLE, "5")
    assert checks.hidden.neuron_output(hard_coded, points=2) == 0.0


# ------------------------------------------------------------------ the registry
def test_registry_entry_has_what_graders_need():
    assert EXERCISE.reference is reference, "the answer key is nnlib's own function"
    groups = EXERCISE.hidden_groups(np.random.default_rng(0))
    assert len(groups) >= 2 and all(label and cases for label, cases in groups)
    for case in PUBLIC + [c for _, cases in groups for c in cases]:
        expected = EXERCISE.expected(case)
        assert EXERCISE.compare(expected, expected) == ""
        for arg in case.args:                      # plain data an out-of-process grader can send
            assert isinstance(arg, (int, float, str, tuple, list, np.ndarray)) or arg in (
                np.sin, np.cos, np.tanh), f"{case.label}: {arg!r} is not plain data"
    assert dir(checks.hidden) == sorted(checks.EXERCISES)
    with pytest.raises(AttributeError):
        checks.hidden.no_such_exercise


@pytest.mark.parametrize("student, label", [
    (no_bias, "the bias is missing"),
    (always_sigmoid, "the sigmoid is used whatever the activation"),
    (lambda x, w, b, g: float(np.asarray(x, float) @ np.asarray(w, float) + b),
     "the activation is not applied"),
    (lambda x, w, b, g: correct(x, w, b * len(x), g), "the bias is added once per input"),
])
def test_known_mistakes_are_recognised(student, label):
    case = checks.Case(((0.5, -1.0, 2.0), (1.0, 0.5, -0.25), 0.3, "tanh"), "example")
    mistake = EXERCISE.recognise(case, student(*case.args))
    assert mistake is not None and mistake.label == label
    assert EXERCISE.recognise(case, correct(*case.args)) is None
