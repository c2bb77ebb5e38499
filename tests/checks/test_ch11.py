"""Chapter 11's graded exercises: standardize, batchnorm_forward and batchnorm_backward.

Correct and buggy variants (points earned, mistake named) are in tests/checks/variants_ch11.py;
here: the public checks' words, the references, hidden cases that are plain data the sandboxed
grader can send, and the answer keys the sandbox leaves out.
"""

import numpy as np

from checks.variants_ch11 import bn_dict_cache, bn_eps_outside, bn_loops, std_own_statistics, std_vectorised
from nnlib import checks

STANDARDIZE = checks.EXERCISES["standardize"]
BATCHNORM = checks.EXERCISES["batchnorm_forward"]


# ====================================================================== standardize
def test_standardize_public_check_names_the_mistake(capsys):
    checks.standardize(std_own_statistics)
    out = capsys.readouterr().out
    assert "✗ the lectures' study-hours table (study, sleep, quiz): rows 1-6 train, rows 7-8 test" in out
    assert "this looks like a known mistake: the test set is standardised with its own statistics" in out
    assert "hint: compute the mean and std from X_train only and apply the same numbers to X_test" in out
    assert "0 of 4 pass" in out


def test_standardize_reference_is_nnlib_and_accepts_two_sets():
    X_train, X_test = np.arange(12.0).reshape(4, 3) ** 2, np.ones((2, 3))
    result = STANDARDIZE.reference(X_train, X_test)
    assert isinstance(result, tuple) and len(result) == 2
    assert STANDARDIZE.compare(std_vectorised(X_train, X_test), result) == ""


# ====================================================================== batchnorm_forward
def test_batchnorm_public_check_names_the_mistake(capsys):
    checks.batchnorm_forward(bn_eps_outside)
    out = capsys.readouterr().out
    assert "✗ eps = 1: Z = [[0], [2]], gamma = (1,), beta = (0,)" in out
    assert "out, the first element of the returned pair" in out
    assert "this looks like a known mistake: eps is added outside the square root" in out
    assert "hint: eps goes under the square root: np.sqrt(var + eps), not np.sqrt(var) + eps" in out


# ====================================================================== both
def test_hidden_cases_are_plain_data_and_results_can_be_sent():
    from autograder import codec

    for exercise in (STANDARDIZE, BATCHNORM):
        cases = [c for _, group in exercise.hidden_groups(np.random.default_rng(0)) for c in group]
        for case in cases + list(exercise.public_cases):
            arrays = {}
            decoded = codec.decode(codec.encode(tuple(case.args), arrays), arrays)
            assert exercise.compare(exercise.reference(*decoded), exercise.expected(case)) == ""
            ok, reason = codec.plain_result(exercise.expected(case))
            assert ok, reason
    ok, _ = codec.plain_result(bn_loops(np.ones((3, 2)), np.ones(2), np.zeros(2), 1e-5))
    assert ok
    ok, _ = codec.plain_result(bn_dict_cache(np.ones((3, 2)), np.ones(2), np.zeros(2), 1e-5))
    assert not ok, "the sandbox refuses a dict cache, which is why the check asks for plain data"


def test_answer_keys_name_the_nnlib_functions():
    """Issue 12: each exercise names its answer keys (the sandbox's nnlib copy leaves them out)."""
    assert STANDARDIZE.answer_keys == ("nnlib.normalization.standardize",)
    assert BATCHNORM.answer_keys == ("nnlib.normalization.batchnorm_forward",)


# ====================================================================== batchnorm_backward
from nnlib import gradcheck, normalization  # noqa: E402

BATCHNORM_BACKWARD = checks.EXERCISES["batchnorm_backward"]


def test_batchnorm_backward_reference_matches_finite_differences():
    rng = np.random.default_rng(5)
    for training in (True, False):
        Z, gamma, beta = rng.normal(1, 2, (6, 3)), rng.uniform(0.5, 2, 3), rng.normal(0, 1, 3)
        running = {"mean": rng.normal(0, 1, 3), "var": rng.uniform(0.5, 2, 3)}
        R = rng.normal(0, 1, (6, 3))

        def cost(Z_):
            return np.sum(R * normalization.batchnorm_forward(Z_, gamma, beta, running=dict(running),
                                                              training=training)[0])

        _, cache = normalization.batchnorm_forward(Z, gamma, beta, running=dict(running), training=training)
        dZ, _, _ = normalization.batchnorm_backward(R, cache)
        assert gradcheck.relative_error(dZ, gradcheck.numerical_gradient(cost, Z.copy())) < 1e-6


def test_batchnorm_backward_cases_are_plain_data_and_its_answer_key_is_nnlib():
    from autograder import codec

    cases = [c for _, group in BATCHNORM_BACKWARD.hidden_groups(np.random.default_rng(0)) for c in group]
    for case in cases + list(BATCHNORM_BACKWARD.public_cases):
        arrays = {}
        decoded = codec.decode(codec.encode(tuple(case.args), arrays), arrays)
        assert BATCHNORM_BACKWARD.compare(normalization.batchnorm_backward(*decoded),
                                          BATCHNORM_BACKWARD.expected(case)) == ""
    assert BATCHNORM_BACKWARD.answer_keys == ("nnlib.normalization.batchnorm_backward",)
