"""Chapter 11 (normalization): checks for standardize(X_train, X_test),
batchnorm_forward(Z, gamma, beta, eps) and batchnorm_backward(dout, cache).

standardize: the student's version takes exactly two sets and returns the pair
(X_train_s, X_test_s); nnlib's reference `normalization.standardize(X_train, *X_others)` called
with two sets returns the same pair. A constant column (std 0) is only centred (std 0 → 1).

batchnorm_forward: training mode only. The student returns (out, cache); the cache is the
student's own business, so only `out`, the first element of the pair, is compared. The cache
must still be plain data (arrays, numbers, tuples or lists of them, or None), because the
sandboxed grader can only receive plain data back from the student's function.
"""

import numpy as np

from ..normalization import batchnorm_backward as _ref_batchnorm_backward
from ..normalization import batchnorm_forward as _ref_batchnorm_forward
from ..normalization import standardize as _ref_standardize
from .compare import Array, Cache, Pair, Unchecked, show
from .spec import Case, Exercise, Mistake, register


# ---------------------------------------------------------------------- standardize
def _safe(sigma):
    return np.where(sigma > 0, sigma, 1.0)


def _std_own_test_statistics(X_train, X_test):
    X_train, X_test = np.asarray(X_train, dtype=float), np.asarray(X_test, dtype=float)
    return ((X_train - X_train.mean(axis=0)) / _safe(X_train.std(axis=0)),
            (X_test - X_test.mean(axis=0)) / _safe(X_test.std(axis=0)))


def _std_pooled(X_train, X_test):
    X_train, X_test = np.asarray(X_train, dtype=float), np.asarray(X_test, dtype=float)
    both = np.vstack([X_train, X_test])
    mu, sigma = both.mean(axis=0), _safe(both.std(axis=0))
    return (X_train - mu) / sigma, (X_test - mu) / sigma


def _std_variance(X_train, X_test):
    X_train, X_test = np.asarray(X_train, dtype=float), np.asarray(X_test, dtype=float)
    mu, var = X_train.mean(axis=0), _safe(X_train.var(axis=0))
    return (X_train - mu) / var, (X_test - mu) / var


def _std_rows(X_train, X_test):
    def rows(X):
        X = np.asarray(X, dtype=float)
        return (X - X.mean(axis=1, keepdims=True)) / _safe(X.std(axis=1, keepdims=True))
    return rows(X_train), rows(X_test)


def _std_ddof1(X_train, X_test):
    X_train, X_test = np.asarray(X_train, dtype=float), np.asarray(X_test, dtype=float)
    mu = X_train.mean(axis=0)
    sigma = _safe(X_train.std(axis=0, ddof=1)) if len(X_train) > 1 else np.ones(X_train.shape[1])
    return (X_train - mu) / sigma, (X_test - mu) / sigma


def _std_centre_only(X_train, X_test):
    X_train, X_test = np.asarray(X_train, dtype=float), np.asarray(X_test, dtype=float)
    mu = X_train.mean(axis=0)
    return X_train - mu, X_test - mu


def _columns(rng, n, d, integers=False):
    """n rows of d columns, each column with its own offset and scale (0.01 to 1000)."""
    offsets = rng.uniform(-50, 50, d)
    scales = 10.0 ** rng.uniform(-2, 3, d)
    X = offsets + scales * rng.normal(0, 1, (n, d))
    return np.round(X).astype(int) if integers else np.round(X, 4)


def _standardize_groups(rng: np.random.Generator):
    def case(X_train, X_test, kind):
        return Case((X_train, X_test), f"{kind}: X_train of shape {X_train.shape}, X_test of shape "
                                       f"{X_test.shape}")

    random = []
    for _ in range(4):
        d = int(rng.integers(2, 6))
        random.append(case(_columns(rng, int(rng.integers(5, 20)), d), _columns(rng, int(rng.integers(2, 7)), d),
                           "columns of very different scales"))
    shifted = []
    for _ in range(3):
        d = int(rng.integers(1, 5))
        X_train = _columns(rng, int(rng.integers(6, 15)), d)
        X_test = np.round(X_train[: int(rng.integers(1, 4))] * rng.uniform(1.5, 3.0) + rng.uniform(5, 20), 4)
        shifted.append(case(X_train, X_test, "a test set of 1 to 3 rows from a shifted distribution"))
    constant = []
    for _ in range(3):
        d = int(rng.integers(2, 5))
        X_train = _columns(rng, int(rng.integers(4, 10)), d)
        j = int(rng.integers(0, d))
        X_train[:, j] = float(rng.integers(-5, 6))     # an integer: its mean is exact, its std exactly 0
        X_test = _columns(rng, int(rng.integers(2, 5)), d)
        constant.append(case(X_train, X_test, f"column {j} of X_train is constant"))
    small = []
    for _ in range(3):
        n = int(rng.integers(2, 5))
        X_train = _columns(rng, n, 1, integers=True)
        X_train[0, 0] = X_train[1:, 0].max() + int(rng.integers(1, 20))    # never a constant column here
        small.append(case(X_train, _columns(rng, int(rng.integers(1, 4)), 1, integers=True),
                          "one column of integers, few rows"))
    return [
        ("training and test sets with columns of very different scales", random),
        ("a small test set whose statistics differ from the training set's", shifted),
        ("a constant column in X_train (only centred, not divided)", constant),
        ("a single column of integers and few rows", small),
    ]


_STUDY = np.array([[12.0, 6.0, 78.0], [22.0, 6.5, 24.0], [115.0, 4.0, 100.0], [31.0, 9.0, 67.0],
                   [0.0, 10.0, 58.0], [5.0, 8.0, 78.0], [92.0, 6.0, 82.0], [57.0, 8.0, 91.0]])

# standardize returns the pair (X_train_s, X_test_s): a tuple, or a list of two arrays.
STANDARDIZED = Pair(Array("element 0 of the result (X_train_s)"), Array("element 1 of the result (X_test_s)"),
                    names=("X_train_s", "X_test_s"), accept_list=True)


STANDARDIZE = register(Exercise(
    name="standardize",
    signature="standardize(X_train, X_test)",
    reference=_ref_standardize,
    public_cases=[
        Case((_STUDY[:6], _STUDY[6:]),
             "the lectures' study-hours table (study, sleep, quiz): rows 1-6 train, rows 7-8 test",
             "compute mu = X_train.mean(axis=0) and sigma = X_train.std(axis=0) once, from X_train "
             "only, and use them for both sets"),
        Case((np.array([[1.0, 10.0], [3.0, 30.0]]), np.array([[2.0, 20.0], [5.0, 0.0]])),
             "X_train = [[1, 10], [3, 30]], X_test = [[2, 20], [5, 0]]",
             "the training columns have mean (2, 20) and std (1, 10): X_test_s = [[0, 0], [3, -2]]"),
        Case((np.array([[1.0, 5.0], [2.0, 5.0], [3.0, 5.0]]), np.array([[4.0, 6.0]])),
             "a constant column: X_train = [[1, 5], [2, 5], [3, 5]], X_test = [[4, 6]]",
             "where a column's std is 0, divide by 1 instead: sigma = np.where(sigma > 0, sigma, 1.0)"),
        Case((np.array([[0.0], [10.0], [20.0], [30.0]]), np.array([[35.0]])),
             "one feature, a test set of one row: X_train = [[0], [10], [20], [30]], X_test = [[35]]",
             "one row has std 0 on its own: the test set must be scaled with the training statistics"),
    ],
    hidden_groups=_standardize_groups,
    mistakes=[
        Mistake("the test set is standardised with its own statistics",
                "compute the mean and std from X_train only and apply the same numbers to X_test",
                _std_own_test_statistics),
        Mistake("the statistics come from the training and test sets together",
                "the test set must not influence the statistics: use X_train.mean(axis=0) and "
                "X_train.std(axis=0)", _std_pooled),
        Mistake("the columns are divided by the variance instead of the standard deviation",
                "divide by X_train.std(axis=0), the square root of the variance", _std_variance),
        Mistake("each row is standardised instead of each column (axis=1)",
                "statistics are per feature, i.e. per column: use axis=0", _std_rows),
        Mistake("the standard deviation uses ddof=1 (the sample std)",
                "use np.std's default ddof=0, as nnlib does: X_train.std(axis=0)", _std_ddof1),
        Mistake("the columns are centred but not divided by their std",
                "after subtracting the mean, divide by the training std", _std_centre_only),
    ],
    answer=STANDARDIZED,
))


# ---------------------------------------------------------------------- batchnorm_forward
# batchnorm_forward returns (out, cache): only out is compared; the cache must be plain data the
# grader can receive (arrays, numbers, None, tuples and lists of them).
BATCHNORM_ANSWER = Pair(Array("out, the first element of the returned pair"),
                 Unchecked("the cache (the second element of the pair)"), names=("out", "cache"),
                 accept_list=True, what="batchnorm_forward")


def _bn(Z, gamma, beta, mu, var_or_std, *, std_given=False):
    std = var_or_std if std_given else np.sqrt(var_or_std)
    return gamma * (Z - mu) / std + beta


def _bn_rows(Z, gamma, beta, eps):
    Z = np.asarray(Z, dtype=float)
    mu, var = Z.mean(axis=1, keepdims=True), Z.var(axis=1, keepdims=True)
    return _bn(Z, gamma, beta, mu, var + eps), None


def _bn_no_eps(Z, gamma, beta, eps):
    Z = np.asarray(Z, dtype=float)
    return _bn(Z, gamma, beta, Z.mean(axis=0), Z.var(axis=0)), None


def _bn_eps_outside(Z, gamma, beta, eps):
    Z = np.asarray(Z, dtype=float)
    return _bn(Z, gamma, beta, Z.mean(axis=0), np.sqrt(Z.var(axis=0)) + eps, std_given=True), None


def _bn_no_gamma_beta(Z, gamma, beta, eps):
    Z = np.asarray(Z, dtype=float)
    return (Z - Z.mean(axis=0)) / np.sqrt(Z.var(axis=0) + eps), None


def _bn_ddof1(Z, gamma, beta, eps):
    Z = np.asarray(Z, dtype=float)
    return _bn(Z, gamma, beta, Z.mean(axis=0), Z.var(axis=0, ddof=1) + eps), None


def _bn_variance(Z, gamma, beta, eps):
    Z = np.asarray(Z, dtype=float)
    return _bn(Z, gamma, beta, Z.mean(axis=0), Z.var(axis=0) + eps, std_given=True), None


def _batchnorm_groups(rng: np.random.Generator):
    def case(Z, gamma, beta, eps, kind):
        return Case((Z, gamma, beta, eps), f"{kind}: Z of shape {Z.shape}, gamma = {show(gamma)}, "
                                           f"beta = {show(beta)}, eps = {eps:g}")

    def Z_of(n, k):
        return np.round(rng.uniform(-3, 3, k) + rng.uniform(0.5, 3, k) * rng.normal(0, 1, (n, k)), 4)

    plain = []
    for _ in range(4):
        n, k = int(rng.integers(4, 12)), int(rng.integers(1, 5))
        plain.append(case(Z_of(n, k), np.ones(k), np.zeros(k), 1e-5, "gamma = 1, beta = 0"))
    scaled = []
    for _ in range(4):
        n, k = int(rng.integers(4, 12)), int(rng.integers(2, 5))
        scaled.append(case(Z_of(n, k), np.round(rng.uniform(0.2, 3, k), 3), np.round(rng.uniform(-2, 2, k), 3),
                           1e-5, "random gamma and beta"))
    eps_cases = []
    for eps in (0.1, 1.0, 4.0):
        n, k = int(rng.integers(3, 8)), int(rng.integers(1, 4))
        eps_cases.append(case(np.round(rng.normal(0, 1, (n, k)), 4), np.round(rng.uniform(0.5, 2, k), 3),
                              np.round(rng.uniform(-1, 1, k), 3), eps, "an eps large enough to matter"))
    small = []
    for n in (2, 3, 3):
        k = int(rng.integers(1, 4))
        small.append(case(Z_of(n, k), np.round(rng.uniform(0.5, 2, k), 3), np.round(rng.uniform(-1, 1, k), 3),
                          1e-3, "a small batch"))
    return [
        ("random batches, gamma = 1 and beta = 0", plain),
        ("random gamma and beta", scaled),
        ("eps = 0.1, 1 and 4 (large enough to change the result)", eps_cases),
        ("small batches of 2 or 3 rows", small),
    ]


BATCHNORM_FORWARD = register(Exercise(
    name="batchnorm_forward",
    signature="batchnorm_forward(Z, gamma, beta, eps)",
    reference=_ref_batchnorm_forward,
    public_cases=[
        Case((np.array([[1.0, 2.0], [3.0, 6.0]]), np.ones(2), np.zeros(2), 1e-5),
             "Z = [[1, 2], [3, 6]], gamma = (1, 1), beta = (0, 0), eps = 1e-5",
             "each column has two values, so after normalising they are -1 and +1 (a little less, "
             "because of eps): statistics per column, mean and variance over the rows (axis=0)"),
        Case((_STUDY, np.ones(3), np.zeros(3), 1e-5),
             "the study-hours table as a batch of 8 rows, gamma = (1, 1, 1), beta = (0, 0, 0), eps = 1e-5",
             "Z_hat = (Z - Z.mean(axis=0)) / np.sqrt(Z.var(axis=0) + eps) has mean 0 and std 1 per column"),
        Case((np.array([[0.0, 1.0, -2.0], [2.0, 1.0, 0.0], [4.0, 4.0, 2.0], [2.0, 2.0, 4.0]]),
              np.array([2.0, 1.0, 0.5]), np.array([0.0, 1.0, -1.0]), 1e-5),
             "Z of shape (4, 3), gamma = (2, 1, 0.5), beta = (0, 1, -1), eps = 1e-5",
             "scale and shift after normalising: out = gamma * Z_hat + beta, column by column"),
        Case((np.array([[0.0], [2.0]]), np.array([1.0]), np.array([0.0]), 1.0),
             "eps = 1: Z = [[0], [2]], gamma = (1,), beta = (0,)",
             "the variance is 1, and eps goes under the square root: (Z - 1) / sqrt(1 + 1)"),
        Case((np.array([[3.0, -1.0, 7.0]]), np.array([2.0, 2.0, 2.0]), np.array([0.5, -0.5, 1.0]), 1e-5),
             "a batch of one row: Z = [[3, -1, 7]], gamma = (2, 2, 2), beta = (0.5, -0.5, 1)",
             "with one row, Z - mean is 0 and the output is beta"),
    ],
    hidden_groups=_batchnorm_groups,
    mistakes=[
        Mistake("the statistics are taken over each row (axis=1) instead of each column",
                "batch norm normalises each unit (column) over the examples of the batch: axis=0",
                _bn_rows),
        Mistake("eps is left out", "divide by np.sqrt(var + eps), not by np.sqrt(var)", _bn_no_eps),
        Mistake("eps is added outside the square root",
                "eps goes under the square root: np.sqrt(var + eps), not np.sqrt(var) + eps",
                _bn_eps_outside),
        Mistake("gamma and beta are not applied",
                "after normalising, scale and shift: out = gamma * Z_hat + beta", _bn_no_gamma_beta),
        Mistake("the variance uses ddof=1 (the unbiased estimate)",
                "use the batch's own variance, np.var's default ddof=0: Z.var(axis=0)", _bn_ddof1),
        Mistake("Z - mean is divided by the variance, not by the standard deviation",
                "divide by the square root: np.sqrt(var + eps)", _bn_variance),
    ],
    answer=BATCHNORM_ANSWER,
))


# ---------------------------------------------------------------------- batchnorm_backward
# The cache is nnlib's: (Z_hat, gamma, std, training), as batchnorm_forward returns it, so that
# the grader can send it (plain data) and every student's backward receives the same thing.

BATCHNORM_BACKWARD_ANSWER = Cache("dZ", "dgamma", "dbeta", what="the result (dZ, dgamma, dbeta)")


def _bnb_parts(dout, cache):
    Z_hat, gamma, std, training = cache
    dout = np.asarray(dout, dtype=float)
    return dout, Z_hat, gamma, std, dout * gamma, dout.shape[0]


def _bnb_constant_statistics(dout, cache):
    dout, Z_hat, gamma, std, dZ_hat, n = _bnb_parts(dout, cache)
    return dZ_hat / std, (dout * Z_hat).sum(axis=0), dout.sum(axis=0)


def _bnb_no_variance_path(dout, cache):
    dout, Z_hat, gamma, std, dZ_hat, n = _bnb_parts(dout, cache)
    dZ = (n * dZ_hat - dZ_hat.sum(axis=0)) / (n * std)
    return dZ, (dout * Z_hat).sum(axis=0), dout.sum(axis=0)


def _bnb_no_mean_path(dout, cache):
    dout, Z_hat, gamma, std, dZ_hat, n = _bnb_parts(dout, cache)
    dZ = (n * dZ_hat - Z_hat * (dZ_hat * Z_hat).sum(axis=0)) / (n * std)
    return dZ, (dout * Z_hat).sum(axis=0), dout.sum(axis=0)


def _bnb_gamma_forgotten(dout, cache):
    dout, Z_hat, gamma, std, dZ_hat, n = _bnb_parts(dout, cache)
    dZ_hat = dout
    dZ = (n * dZ_hat - dZ_hat.sum(axis=0) - Z_hat * (dZ_hat * Z_hat).sum(axis=0)) / (n * std)
    return dZ, (dout * Z_hat).sum(axis=0), dout.sum(axis=0)


def _bnb_means(dout, cache):
    dZ, dgamma, dbeta = _ref_batchnorm_backward(dout, cache)
    n = np.asarray(dout).shape[0]
    return dZ, dgamma / n, dbeta / n


def _bnb_dgamma_without_z_hat(dout, cache):
    dZ, dgamma, dbeta = _ref_batchnorm_backward(dout, cache)
    return dZ, dbeta.copy(), dbeta


def _bn_cache(rng, n, k, training=True, scale=1.0):
    """(dout, cache) from nnlib's batchnorm_forward on a random batch Z of shape (n, k)."""
    Z = rng.normal(rng.uniform(-2, 2, k), scale * rng.uniform(0.5, 3.0, k), (n, k)).round(3)
    gamma = rng.uniform(0.5, 2.0, k).round(3) * rng.choice([-1.0, 1.0], k)
    beta = rng.normal(0, 1, k).round(3)
    running = {"mean": rng.normal(0, 1, k), "var": rng.uniform(0.5, 2.0, k)}
    _, cache = _ref_batchnorm_forward(Z, gamma, beta, 1e-5, running=running, training=training)
    dout = rng.normal(0, 1, (n, k)).round(3)
    return dout, cache


def _batchnorm_backward_groups(rng: np.random.Generator):
    def case(n, k, kind, training=True, scale=1.0, hint=""):
        dout, cache = _bn_cache(rng, n, k, training, scale)
        mode = "training mode" if training else "evaluation mode (training=False)"
        return Case((dout, cache), f"{kind}: dout of shape {dout.shape}, {mode}", hint)

    return [
        ("training mode, random batches",
         [case(int(rng.integers(3, 9)), int(rng.integers(1, 5)), "a batch") for _ in range(4)]),
        ("training mode, two rows and wide batches",
         [case(2, int(rng.integers(2, 5)), "two rows", hint="with n = 2 the formula still holds"),
          case(int(rng.integers(20, 40)), int(rng.integers(5, 9)), "a wide batch", scale=10.0)]),
        ("evaluation mode (the statistics are constants)",
         [case(int(rng.integers(2, 8)), int(rng.integers(1, 5)), "a batch", training=False,
               hint="with training=False, μ and σ² are running averages: dZ = dout · γ / std")
          for _ in range(3)]),
        ("dgamma and dbeta on large batches",
         [case(int(rng.integers(50, 90)), int(rng.integers(2, 6)), "a large batch") for _ in range(2)]),
    ]


_BNB_DOUT = np.array([[1.0, -1.0], [0.5, 2.0], [-2.0, 0.0]])
_BNB_CACHE = _ref_batchnorm_forward(np.array([[1.0, 0.0], [3.0, 2.0], [5.0, -2.0]]),
                                    np.array([2.0, 0.5]), np.array([0.0, 1.0]))[1]

BATCHNORM_BACKWARD = register(Exercise(
    name="batchnorm_backward",
    signature="batchnorm_backward(dout, cache) -> (dZ, dgamma, dbeta)",
    reference=_ref_batchnorm_backward,
    public_cases=[
        Case((np.ones((3, 2)), _BNB_CACHE),
             "dout all ones, Z = [[1, 0], [3, 2], [5, -2]], gamma = (2, 0.5), beta = (0, 1)",
             "dbeta = Σ_rows dout = (3, 3); dgamma = Σ_rows dout ⊙ Z_hat = (0, 0), because each "
             "column of Z_hat sums to 0; and dZ = 0: shifting every output equally changes nothing "
             "after normalising"),
        Case((_BNB_DOUT, _BNB_CACHE),
             "dout = [[1, -1], [0.5, 2], [-2, 0]], the same cache",
             "dZ = (n·dZ_hat − Σ_rows dZ_hat − Z_hat ⊙ Σ_rows(dZ_hat ⊙ Z_hat)) / (n·std), "
             "with dZ_hat = dout ⊙ gamma"),
        Case((_BNB_DOUT, _ref_batchnorm_forward(np.array([[1.0, 0.0], [3.0, 2.0], [5.0, -2.0]]),
                                                np.array([2.0, 0.5]), np.array([0.0, 1.0]),
                                                running={"mean": np.array([3.0, 0.0]),
                                                         "var": np.array([4.0, 1.0])},
                                                training=False)[1]),
             "evaluation mode: the same dout, a cache with training = False",
             "with training=False, μ and σ² are constants: dZ = dout ⊙ gamma / std"),
    ],
    hidden_groups=_batchnorm_backward_groups,
    mistakes=[
        Mistake("μ and σ² are treated as constants",
                "in training mode every Z_i moves the batch mean and variance too: add the paths "
                "through μ_B and σ²_B (the two sums in the formula)", _bnb_constant_statistics),
        Mistake("the path through σ² is missing",
                "subtract Z_hat ⊙ Σ_rows(dZ_hat ⊙ Z_hat): each Z_i also changes the variance",
                _bnb_no_variance_path),
        Mistake("the path through μ is missing",
                "subtract Σ_rows dZ_hat: each Z_i also changes the mean", _bnb_no_mean_path),
        Mistake("γ is left out of dZ",
                "out = γ ⊙ Z_hat + β, so dZ_hat = dout ⊙ γ before the normalisation's backward",
                _bnb_gamma_forgotten),
        Mistake("dgamma and dbeta are means, not sums",
                "γ and β are shared by every row: their gradients add up over the rows (sum, not mean)",
                _bnb_means),
        Mistake("dgamma is missing the factor Z_hat",
                "out = γ ⊙ Z_hat + β, so ∂out/∂γ = Z_hat: dgamma = Σ_rows dout ⊙ Z_hat",
                _bnb_dgamma_without_z_hat),
    ],
    answer=BATCHNORM_BACKWARD_ANSWER,
))
