"""Chapter 11's graded exercises: standardize and batchnorm_forward.

For each function: correct implementations written in different ways earn full points, typical
buggy ones lose exactly the expected points with a message that names the mistake, the hidden
cases are plain data the sandboxed grader can send, and the answer key keeps nnlib's code
identity so the grader notices a submission calling nnlib.
"""
import os
import sys

import numpy as np
import pytest

from nnlib import checks, normalization

STANDARDIZE = checks.EXERCISES["standardize"]
BATCHNORM = checks.EXERCISES["batchnorm_forward"]
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def points(exercise, fn, total, seeds=(0, 1, 2)):
    """The points `fn` earns on the hidden groups drawn with each seed (a list, one per seed)."""
    return [exercise.hidden(fn, total, rng=np.random.default_rng(k)) for k in seeds]


# ====================================================================== standardize
def std_vectorised(X_train, X_test):
    mu, sigma = X_train.mean(axis=0), X_train.std(axis=0)
    sigma = np.where(sigma > 0, sigma, 1.0)
    return (X_train - mu) / sigma, (X_test - mu) / sigma


def std_loops(X_train, X_test):
    """Column by column, with the formulas written out."""
    X_train, X_test = np.array(X_train, dtype=float), np.array(X_test, dtype=float)
    out_train, out_test = np.empty_like(X_train), np.empty_like(X_test)
    n = len(X_train)
    for j in range(X_train.shape[1]):
        mu = sum(X_train[:, j]) / n
        sigma = (sum((v - mu) ** 2 for v in X_train[:, j]) / n) ** 0.5
        if sigma == 0:
            sigma = 1.0
        out_train[:, j] = (X_train[:, j] - mu) / sigma
        out_test[:, j] = (X_test[:, j] - mu) / sigma
    return out_train, out_test


def std_keepdims_list(X_train, X_test):
    """keepdims statistics, sigma fixed with a mask, the pair returned as a list: accepted."""
    X_train = np.asarray(X_train, dtype=float)
    mu = X_train.mean(axis=0, keepdims=True)
    sigma = np.sqrt(((X_train - mu) ** 2).mean(axis=0, keepdims=True))
    sigma[sigma == 0] = 1.0
    return [(X_train - mu) / sigma, (np.asarray(X_test, dtype=float) - mu) / sigma]


def std_nnlib(X_train, X_test):
    return normalization.standardize(X_train, X_test)


def std_own_statistics(X_train, X_test):
    def own(X):
        s = X.std(axis=0)
        return (X - X.mean(axis=0)) / np.where(s > 0, s, 1.0)
    return own(X_train), own(X_test)


def std_pooled(X_train, X_test):
    both = np.vstack([X_train, X_test])
    mu, sigma = both.mean(axis=0), both.std(axis=0)
    sigma = np.where(sigma > 0, sigma, 1.0)
    return (X_train - mu) / sigma, (X_test - mu) / sigma


def std_variance(X_train, X_test):
    mu, var = X_train.mean(axis=0), X_train.var(axis=0)
    var = np.where(var > 0, var, 1.0)
    return (X_train - mu) / var, (X_test - mu) / var


def std_rows(X_train, X_test):
    def rows(X):
        s = X.std(axis=1, keepdims=True)
        return (X - X.mean(axis=1, keepdims=True)) / np.where(s > 0, s, 1.0)
    return rows(X_train), rows(X_test)


def std_ddof1(X_train, X_test):
    mu, sigma = X_train.mean(axis=0), X_train.std(axis=0, ddof=1)
    sigma = np.where(sigma > 0, sigma, 1.0)
    return (X_train - mu) / sigma, (X_test - mu) / sigma


def std_no_constant_guard(X_train, X_test):
    mu, sigma = X_train.mean(axis=0), X_train.std(axis=0)
    return (X_train - mu) / sigma, (X_test - mu) / sigma


@pytest.mark.parametrize("fn", [std_vectorised, std_loops, std_keepdims_list, std_nnlib])
def test_standardize_correct_versions_earn_full_points(fn):
    assert points(STANDARDIZE, fn, 2) == [2.0, 2.0, 2.0]


@pytest.mark.parametrize("fn, expected, label", [
    (std_own_statistics, 0.0, "the test set is standardised with its own statistics"),
    (std_pooled, 0.0, "the statistics come from the training and test sets together"),
    (std_variance, 0.0, "divided by the variance instead of the standard deviation"),
    (std_rows, 0.0, "each row is standardised instead of each column (axis=1)"),
    (std_ddof1, 0.0, "the standard deviation uses ddof=1"),
])
def test_standardize_buggy_versions_lose_points_and_are_named(fn, expected, label, capsys):
    assert points(STANDARDIZE, fn, 2, seeds=(0,)) == [expected]
    assert label in capsys.readouterr().out


def test_standardize_without_the_constant_column_guard_loses_one_group(capsys):
    assert points(STANDARDIZE, std_no_constant_guard, 2) == [1.5, 1.5, 1.5]
    out = capsys.readouterr().out
    assert "✗ a constant column in X_train (only centred, not divided)" in out
    assert "received nan" in out


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
def bn_vectorised(Z, gamma, beta, eps):
    mu = Z.mean(axis=0)
    std = np.sqrt(Z.var(axis=0) + eps)
    Z_hat = (Z - mu) / std
    return gamma * Z_hat + beta, (Z_hat, gamma, std)


def bn_loops(Z, gamma, beta, eps):
    """Unit by unit with explicit sums; a list as the cache and a list as the pair."""
    Z = np.array(Z, dtype=float)
    n, k = Z.shape
    out = np.empty_like(Z)
    stds = []
    for j in range(k):
        mu = sum(Z[:, j]) / n
        var = sum((z - mu) ** 2 for z in Z[:, j]) / n
        std = (var + eps) ** 0.5
        stds.append(std)
        out[:, j] = gamma[j] * (Z[:, j] - mu) / std + beta[j]
    return [out, [np.array(stds), float(eps)]]


def bn_einsum_no_cache(Z, gamma, beta, eps):
    """Centred with einsum, cache None: still full points (only out is compared)."""
    n = Z.shape[0]
    centred = Z - np.einsum("ij->j", Z) / n
    var = np.einsum("ij,ij->j", centred, centred) / n
    return centred / np.sqrt(var + eps) * gamma + beta, None


def bn_nnlib(Z, gamma, beta, eps):
    return normalization.batchnorm_forward(Z, gamma, beta, eps)


def bn_rows(Z, gamma, beta, eps):
    mu, var = Z.mean(axis=1, keepdims=True), Z.var(axis=1, keepdims=True)
    return gamma * (Z - mu) / np.sqrt(var + eps) + beta, None


def bn_no_eps(Z, gamma, beta, eps):
    return gamma * (Z - Z.mean(axis=0)) / Z.std(axis=0) + beta, None


def bn_eps_outside(Z, gamma, beta, eps):
    return gamma * (Z - Z.mean(axis=0)) / (Z.std(axis=0) + eps) + beta, None


def bn_no_gamma_beta(Z, gamma, beta, eps):
    Z_hat = (Z - Z.mean(axis=0)) / np.sqrt(Z.var(axis=0) + eps)
    return Z_hat, (Z_hat,)


def bn_ddof1(Z, gamma, beta, eps):
    return gamma * (Z - Z.mean(axis=0)) / np.sqrt(Z.var(axis=0, ddof=1) + eps) + beta, None


def bn_only_out(Z, gamma, beta, eps):
    return bn_vectorised(Z, gamma, beta, eps)[0]


def bn_dict_cache(Z, gamma, beta, eps):
    out, (Z_hat, gamma, std) = bn_vectorised(Z, gamma, beta, eps)
    return out, {"Z_hat": Z_hat, "std": std}


@pytest.mark.parametrize("fn", [bn_vectorised, bn_loops, bn_einsum_no_cache, bn_nnlib])
def test_batchnorm_correct_versions_earn_full_points(fn):
    assert points(BATCHNORM, fn, 3) == [3.0, 3.0, 3.0]


@pytest.mark.parametrize("fn, expected, label", [
    (bn_rows, 0.0, "the statistics are taken over each row (axis=1) instead of each column"),
    (bn_no_eps, 0.0, "eps is left out"),
    (bn_eps_outside, 0.0, "eps is added outside the square root"),
    (bn_no_gamma_beta, 0.75, "gamma and beta are not applied"),
    (bn_ddof1, 0.0, "the variance uses ddof=1 (the unbiased estimate)"),
])
def test_batchnorm_buggy_versions_lose_points_and_are_named(fn, expected, label, capsys):
    assert points(BATCHNORM, fn, 3, seeds=(0,)) == [expected]
    assert label in capsys.readouterr().out


def test_batchnorm_must_return_a_pair_with_a_plain_cache(capsys):
    assert points(BATCHNORM, bn_only_out, 3, seeds=(0,)) == [0.0]
    assert "should return a pair (out, cache)" in capsys.readouterr().out
    assert points(BATCHNORM, bn_dict_cache, 3, seeds=(0,)) == [0.0]
    assert "the cache (the second element of the pair) should hold only arrays" in capsys.readouterr().out


def test_batchnorm_public_check_names_the_mistake(capsys):
    checks.batchnorm_forward(bn_eps_outside)
    out = capsys.readouterr().out
    assert "✗ eps = 1: Z = [[0], [2]], gamma = (1,), beta = (0,)" in out
    assert "out, the first element of the returned pair" in out
    assert "this looks like a known mistake: eps is added outside the square root" in out
    assert "hint: eps goes under the square root: np.sqrt(var + eps), not np.sqrt(var) + eps" in out


# ====================================================================== both
def test_hidden_cases_are_plain_data_and_results_can_be_sent():
    sys.path.insert(0, ROOT)
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