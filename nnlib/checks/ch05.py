"""Chapter 05 (loss functions): checks for half_sse, half_sse_grad, binary_cross_entropy and
binary_cross_entropy_grad.

    half_sse(y_hat, y)                   C = Σ ½ (y_hat − y)²                     a float
    half_sse_grad(y_hat, y)              ∂C/∂y_hat = y_hat − y                     an array like y_hat
    binary_cross_entropy(p, y)           −(1/N) Σ [y log p + (1 − y) log(1 − p)]  a float
    binary_cross_entropy_grad(p, y)      (p − y) / (p (1 − p)) / N                 an array like p

N is the number of entries of p; p is clipped to [1e-12, 1 − 1e-12] (nnlib.losses.EPS) so that
both cross-entropy functions stay finite at p = 0 and p = 1.
"""
import numpy as np

from .. import losses as _losses
from .compare import show
from .spec import Case, Exercise, Mistake, register

EPS = _losses.EPS


def _f(a):
    return np.asarray(a, dtype=float)


def _clip(p):
    return np.clip(_f(p), EPS, 1.0 - EPS)


# ---------------------------------------------------------------- random data for hidden cases
def _regression_pair(rng, n, k, scale=10.0):
    y = rng.normal(50.0, 20.0, (n, k)).round(1)
    y_hat = (y + rng.normal(0.0, scale, (n, k))).round(2)
    return y_hat, y


def _labels_and_probabilities(rng, n, k):
    y = rng.integers(0, 2, (n, k)).astype(float)
    p = rng.uniform(0.02, 0.98, (n, k)).round(3)
    return p, y


def _pair_label(first, second, names=("y_hat", "y")):
    shape = np.shape(first)
    kind = "lists" if isinstance(first, list) else f"arrays of shape {shape}"
    return f"{names[0]} = {show(np.asarray(first))}, {names[1]} = {show(np.asarray(second))} ({kind})"


def _regression_groups(rng):
    """Shared by half_sse and half_sse_grad: one output, several outputs, integer lists, edges."""
    one_output = []
    for n in rng.integers(3, 12, 4):
        y_hat, y = _regression_pair(rng, int(n), 1)
        one_output.append(Case((y_hat, y), _pair_label(y_hat, y)))
    several = []
    for _ in range(4):
        n, k = int(rng.integers(2, 7)), int(rng.integers(2, 5))
        y_hat, y = _regression_pair(rng, n, k)
        several.append(Case((y_hat, y), _pair_label(y_hat, y),
                            "every entry of every column counts: sum over the whole array"))
    as_lists = []
    for _ in range(3):
        n = int(rng.integers(2, 6))
        y = [[int(v)] for v in rng.integers(40, 100, n)]
        y_hat = [[int(v)] for v in rng.integers(40, 100, n)]
        as_lists.append(Case((y_hat, y), _pair_label(y_hat, y),
                             "convert first: np.asarray(y_hat, dtype=float), np.asarray(y, dtype=float)"))
    n = int(rng.integers(2, 6))
    y_hat, y = _regression_pair(rng, n, 1)
    single_value = float(rng.normal(0, 5))
    edges = [
        Case((y_hat.copy(), y_hat.copy()), f"a perfect prediction, y_hat = y = {show(y_hat)}",
             "when every prediction is right, the cost is 0 and its gradient is all zeros"),
        Case((np.array([[single_value]]), np.array([[0.0]])),
             f"one entry: y_hat = [[{single_value:.4g}]], y = [[0]]",
             "with one entry the cost is ½ (y_hat − y)²"),
        Case((y_hat, y), _pair_label(y_hat, y)),
    ]
    return [
        ("one output column, random sizes", one_output),
        ("several output columns (n, k)", several),
        ("integer targets given as Python lists", as_lists),
        ("a perfect prediction, a single entry", edges),
    ]


def _probability_groups(rng):
    """Shared by binary_cross_entropy and its gradient."""
    one_column = []
    for n in rng.integers(3, 12, 4):
        p, y = _labels_and_probabilities(rng, int(n), 1)
        one_column.append(Case((p, y), _pair_label(p, y, ("p", "y"))))
    several = []
    for _ in range(4):
        n, k = int(rng.integers(2, 6)), int(rng.integers(2, 5))
        p, y = _labels_and_probabilities(rng, n, k)
        several.append(Case((p, y), _pair_label(p, y, ("p", "y")),
                            "N is the number of entries, p.size, not the number of rows"))
    as_lists = []
    for _ in range(3):
        n = int(rng.integers(2, 6))
        p = [[round(float(v), 2)] for v in rng.uniform(0.05, 0.95, n)]
        y = [[int(v)] for v in rng.integers(0, 2, n)]
        as_lists.append(Case((p, y), _pair_label(p, y, ("p", "y")),
                             "convert first: np.asarray(p, dtype=float), np.asarray(y, dtype=float)"))
    # p exactly 0 and 1: confidently wrong first (an unclipped log gives inf), then mixed
    # entries where 0·log 0 would give nan.
    wrong_hint = ("log(0) = −inf: clip p to [1e-12, 1 − 1e-12] with np.clip(p, 1e-12, 1 - 1e-12) "
                  "before taking logs or dividing")
    certain = []
    for _ in range(2):
        n = int(rng.integers(2, 6))
        y = rng.integers(0, 2, (n, 1)).astype(float)
        p = 1.0 - y                                   # certain and wrong on every row
        certain.append(Case((p, y), _pair_label(p, y, ("p", "y")), wrong_hint))
    for _ in range(2):
        n = int(rng.integers(4, 8))
        y = rng.integers(0, 2, (n, 2)).astype(float)
        p = rng.uniform(0.05, 0.95, (n, 2)).round(2)
        p[0, 0], p[1, 1] = 0.0, 1.0
        p[2, 0], p[3, 1] = y[2, 0], y[3, 1]           # certain and right
        certain.append(Case((p, y), _pair_label(p, y, ("p", "y")),
                            "0·log(0) is nan in NumPy: clip p to [1e-12, 1 − 1e-12] first"))
    return [
        ("one column of labels, random sizes", one_column),
        ("several columns of labels (n, k)", several),
        ("probabilities and labels given as Python lists", as_lists),
        ("p exactly 0 and 1 (clipping)", certain),
    ]


# ---------------------------------------------------------------- half_sse
def _half_sse_cases():
    study_y = np.array([[93.0], [68.0], [95.0], [75.0], [51.0], [60.0], [89.0], [97.0]])
    first_guess = np.array([[55.6], [59.6], [82.5], [67.3], [60.0], [57.5], [79.6], [73.1]])
    return [
        Case((np.array([[3.0]]), np.array([[1.0]])), "one example: y_hat = [[3]], y = [[1]]",
             "½ (3 − 1)² = 2: square the error, then halve it"),
        Case((np.array([[1.0], [2.0], [3.0]]), np.array([[1.0], [1.0], [1.0]])),
             "three examples: y_hat = [[1], [2], [3]], y = [[1], [1], [1]]",
             "½ (0² + 1² + 2²) = 2.5: add the halves over all rows; do not divide by n"),
        Case((first_guess, study_y),
             "the study-hours table with the chapter's first guess (C = 1215.84)",
             "C = Σ ½ (y_hat − y)² over the 8 students"),
        Case((np.array([[1.0, 0.0], [0.0, 2.0]]), np.array([[0.0, 0.0], [1.0, 0.0]])),
             "two outputs per example: y_hat = [[1, 0], [0, 2]], y = [[0, 0], [1, 0]]",
             "sum over every entry of the array, all columns included: ½ (1 + 0 + 1 + 4) = 3"),
        Case(([[2], [4]], [[1], [1]]), "Python lists of integers: y_hat = [[2], [4]], y = [[1], [1]]",
             "convert with np.asarray(..., dtype=float) and return one number, e.g. float(...)"),
    ]


HALF_SSE = register(Exercise(
    name="half_sse",
    signature="half_sse(y_hat, y)",
    reference=_losses.half_sse,
    public_cases=_half_sse_cases(),
    hidden_groups=_regression_groups,
    mistakes=[
        Mistake("the ½ is missing", "C = Σ ½ (y_hat − y)²: multiply the sum of squares by 0.5",
                lambda y_hat, y: float(np.sum((_f(y_hat) - _f(y)) ** 2))),
        Mistake("the mean instead of the sum",
                "the lectures' cost adds the halves up (np.sum), it does not average them (np.mean)",
                lambda y_hat, y: float(0.5 * np.mean((_f(y_hat) - _f(y)) ** 2))),
        Mistake("the mean squared error instead of the half sum",
                "this is the MSE, (1/N) Σ (y_hat − y)²; the exercise asks for Σ ½ (y_hat − y)²",
                lambda y_hat, y: float(np.mean((_f(y_hat) - _f(y)) ** 2))),
        Mistake("the errors are not squared",
                "square each error before adding: (y_hat − y) ** 2",
                lambda y_hat, y: float(0.5 * np.sum(_f(y_hat) - _f(y)))),
    ],
))


# ---------------------------------------------------------------- half_sse_grad
HALF_SSE_GRAD = register(Exercise(
    name="half_sse_grad",
    signature="half_sse_grad(y_hat, y)",
    reference=_losses.half_sse_grad,
    public_cases=[
        Case((np.array([[3.0]]), np.array([[1.0]])), "one example: y_hat = [[3]], y = [[1]]",
             "d/dy_hat ½ (y_hat − y)² = y_hat − y = 2: the ½ cancels the 2 of the square"),
        Case((np.array([[1.0], [2.0], [3.0]]), np.array([[1.0], [1.0], [1.0]])),
             "three examples: y_hat = [[1], [2], [3]], y = [[1], [1], [1]]",
             "one entry per example, y_hat − y, not divided by n"),
        Case((np.array([[55.6], [59.6], [82.5]]), np.array([[93.0], [68.0], [95.0]])),
             "three rows of the study-hours table with the chapter's first guess",
             "predictions too low give negative entries: increasing them lowers the cost"),
        Case((np.array([[1.0, 0.0], [0.0, 2.0]]), np.array([[0.0, 0.0], [1.0, 0.0]])),
             "two outputs per example: y_hat = [[1, 0], [0, 2]], y = [[0, 0], [1, 0]]",
             "the gradient has the shape of y_hat: one entry per prediction"),
        Case(([[2], [4]], [[1], [1]]), "Python lists of integers: y_hat = [[2], [4]], y = [[1], [1]]",
             "return a float NumPy array: np.asarray(y_hat, dtype=float) - np.asarray(y, dtype=float)"),
    ],
    hidden_groups=_regression_groups,
    mistakes=[
        Mistake("the sign is flipped (y − y_hat)",
                "differentiate with respect to y_hat: ∂C/∂y_hat = y_hat − y, positive when the "
                "prediction is too high",
                lambda y_hat, y: _f(y) - _f(y_hat)),
        Mistake("the factor 2 of the square is kept",
                "the ½ in the cost cancels the 2 from differentiating the square: y_hat − y",
                lambda y_hat, y: 2.0 * (_f(y_hat) - _f(y))),
        Mistake("divided by the number of entries (the gradient of a mean)",
                "the lectures' cost is a sum, so its gradient is not divided by n",
                lambda y_hat, y: (_f(y_hat) - _f(y)) / _f(y_hat).size),
        Mistake("the gradient of the MSE instead of the half sum",
                "that is ∂MSE/∂y_hat = 2 (y_hat − y) / N; for C = Σ ½ (y_hat − y)² it is y_hat − y",
                lambda y_hat, y: 2.0 * (_f(y_hat) - _f(y)) / _f(y_hat).size),
    ],
))


# ---------------------------------------------------------------- binary_cross_entropy
_WEATHER_P = np.array([[0.9], [0.2], [0.6], [0.05]])
_WEATHER_Y = np.array([[1.0], [0.0], [1.0], [1.0]])

BINARY_CROSS_ENTROPY = register(Exercise(
    name="binary_cross_entropy",
    signature="binary_cross_entropy(p, y)",
    reference=_losses.binary_cross_entropy,
    public_cases=[
        Case((np.array([[0.8]]), np.array([[1.0]])), "one example: p = [[0.8]], y = [[1]]",
             "for y = 1 the loss is −log(p) = −log(0.8) ≈ 0.223 (np.log is the natural log)"),
        Case((np.array([[0.8]]), np.array([[0.0]])), "one example: p = [[0.8]], y = [[0]]",
             "for y = 0 the loss is −log(1 − p) = −log(0.2) ≈ 1.609"),
        Case((_WEATHER_P, _WEATHER_Y), "the chapter's four days: p = [[0.9], [0.2], [0.6], [0.05]], "
             "y = [[1], [0], [1], [1]]",
             "average the four losses: −(1/N) Σ [y log p + (1 − y) log(1 − p)]"),
        Case((np.array([[0.9, 0.3], [0.4, 0.6]]), np.array([[1.0, 0.0], [0.0, 1.0]])),
             "two columns: p = [[0.9, 0.3], [0.4, 0.6]], y = [[1, 0], [0, 1]]",
             "N is the number of entries (here 4), so use np.mean over the whole array"),
        Case((np.array([[0.0], [1.0]]), np.array([[1.0], [0.0]])),
             "certain and wrong: p = [[0], [1]], y = [[1], [0]]",
             "log(0) = −inf: clip first, p = np.clip(p, 1e-12, 1 - 1e-12), which gives "
             "−log(1e-12) ≈ 27.63 per entry"),
        Case((np.array([[0.0], [1.0], [0.5]]), np.array([[0.0], [1.0], [1.0]])),
             "certain and right: p = [[0], [1], [0.5]], y = [[0], [1], [1]]",
             "0·log(0) is nan in NumPy: clip p to [1e-12, 1 − 1e-12] before taking logs"),
        Case(([[0.5], [0.25]], [[1], [0]]), "Python lists: p = [[0.5], [0.25]], y = [[1], [0]]",
             "convert with np.asarray(..., dtype=float) and return one number, e.g. float(...)"),
    ],
    hidden_groups=_probability_groups,
    mistakes=[
        Mistake("the sum instead of the mean",
                "binary cross-entropy averages over all N entries: np.mean, not np.sum",
                lambda p, y: float(-np.sum(_f(y) * np.log(_clip(p)) + (1 - _f(y)) * np.log(1 - _clip(p))))),
        Mistake("p is not clipped (log 0 = −inf)",
                "clip first: p = np.clip(p, 1e-12, 1 - 1e-12)",
                lambda p, y: float(-np.mean(_f(y) * np.log(_f(p)) + (1 - _f(y)) * np.log(1 - _f(p))))),
        Mistake("the minus sign is missing",
                "log p is negative for 0 < p < 1, so the loss is −mean(...), a positive number",
                lambda p, y: float(np.mean(_f(y) * np.log(_clip(p)) + (1 - _f(y)) * np.log(1 - _clip(p))))),
        Mistake("only the y·log(p) term",
                "a label 0 also costs something: add (1 − y)·log(1 − p)",
                lambda p, y: float(-np.mean(_f(y) * np.log(_clip(p))))),
    ],
))


# ---------------------------------------------------------------- binary_cross_entropy_grad
def _bce_grad_sum(p, y):
    p = _clip(p)
    return (p - _f(y)) / (p * (1 - p))


BINARY_CROSS_ENTROPY_GRAD = register(Exercise(
    name="binary_cross_entropy_grad",
    signature="binary_cross_entropy_grad(p, y)",
    reference=_losses.binary_cross_entropy_grad,
    public_cases=[
        Case((np.array([[0.8]]), np.array([[1.0]])), "one example: p = [[0.8]], y = [[1]]",
             "(p − y) / (p (1 − p)) = −0.2 / 0.16 = −1.25, divided by N = 1"),
        Case((_WEATHER_P, _WEATHER_Y), "the chapter's four days: p = [[0.9], [0.2], [0.6], [0.05]], "
             "y = [[1], [0], [1], [1]]",
             "(p − y) / (p (1 − p)), every entry divided by N = 4 because the loss is a mean"),
        Case((np.array([[0.9, 0.3], [0.4, 0.6]]), np.array([[1.0, 0.0], [0.0, 1.0]])),
             "two columns: p = [[0.9, 0.3], [0.4, 0.6]], y = [[1, 0], [0, 1]]",
             "N = p.size = 4 entries, not the 2 rows"),
        Case((np.array([[0.0], [1.0], [0.5]]), np.array([[1.0], [1.0], [0.0]])),
             "p exactly 0 and 1: p = [[0], [1], [0.5]], y = [[1], [1], [0]]",
             "dividing by p (1 − p) = 0 gives inf or nan: clip p to [1e-12, 1 − 1e-12] first"),
        Case(([[0.5], [0.25]], [[1], [0]]), "Python lists: p = [[0.5], [0.25]], y = [[1], [0]]",
             "return a float NumPy array of the same shape as p"),
    ],
    hidden_groups=_probability_groups,
    mistakes=[
        Mistake("the 1/N is missing",
                "the loss is a mean over N = p.size entries, so divide the gradient by N too",
                _bce_grad_sum),
        Mistake("the sign is flipped",
                "∂/∂p of −[y log p + (1 − y) log(1 − p)] is (p − y) / (p (1 − p)): positive when "
                "p is above the label",
                lambda p, y: -_bce_grad_sum(p, y) / _f(p).size),
        Mistake("divided by the number of rows instead of the number of entries",
                "N is p.size (every entry of every column), not len(p)",
                lambda p, y: _bce_grad_sum(p, y) / _f(p).shape[0]),
        Mistake("p is not clipped",
                "clip first: p = np.clip(p, 1e-12, 1 - 1e-12), so p (1 − p) is never 0",
                lambda p, y: (_f(p) - _f(y)) / (_f(p) * (1 - _f(p))) / _f(p).size),
        Mistake("only the −y/p term",
                "differentiate both terms: −y/p + (1 − y)/(1 − p) = (p − y) / (p (1 − p))",
                lambda p, y: -_f(y) / _clip(p) / _f(p).size),
    ],
))


# ---------------------------------------------------------------- softmax_cross_entropy_grad
def _one_hot(rng, n, k):
    Y = np.zeros((n, k))
    Y[np.arange(n), rng.integers(0, k, n)] = 1.0
    return Y


def _softmax_rows(Z):
    Z = _f(Z)
    E = np.exp(Z - Z.max(axis=1, keepdims=True))
    return E / E.sum(axis=1, keepdims=True)


def _ce_logit_groups(rng):
    """Logits Z (n, k) and one-hot targets Y (n, k)."""

    def case(Z, Y, kind, hint=""):
        return Case((Z, Y), f"{kind}: Z = {show(Z)}, y = {show(Y)}", hint)

    batches = []
    for _ in range(4):
        n, k = int(rng.integers(2, 7)), int(rng.integers(2, 6))
        batches.append(case(rng.normal(0, 2, (n, k)).round(3), _one_hot(rng, n, k), "a batch"))
    single = []
    for _ in range(3):
        k = int(rng.integers(2, 6))
        single.append(case(rng.normal(0, 2, (1, k)).round(3), _one_hot(rng, 1, k),
                           "one example (n = 1)", "with n = 1 the gradient is P − Y itself"))
    k = int(rng.integers(3, 6))
    single.append(case(rng.normal(0, 2, (8, k)).round(3), _one_hot(rng, 8, k),
                       "eight examples", "the cost is a mean over the n rows: divide by n"))
    large = []
    for _ in range(3):
        n, k = int(rng.integers(2, 5)), int(rng.integers(2, 5))
        Z = rng.normal(0, 3, (n, k))
        Z[0] += float(rng.uniform(760, 1000))
        Z[-1] -= float(rng.uniform(760, 1000))
        large.append(case(Z.round(3), _one_hot(rng, n, k), "logits near ±1000",
                          "subtract each row's maximum before np.exp"))
    n, k = int(rng.integers(2, 5)), int(rng.integers(2, 5))
    Z = rng.normal(0, 2, (n, k))
    Y = _one_hot(rng, n, k)
    Z[Y == 0] += 900.0                              # confidently wrong on every row
    large.append(case(Z.round(3), Y, "confidently wrong, logits about 900"))
    two = []
    for _ in range(3):
        n = int(rng.integers(2, 7))
        two.append(case(rng.normal(0, 3, (n, 2)).round(3), _one_hot(rng, n, 2), "two classes"))
    Z = rng.normal(0, 2, (int(rng.integers(2, 5)), 3)).round(3)
    two.append(case(Z, _one_hot(rng, len(Z), 3), "three classes"))
    return [
        ("random batches (n, k)", batches),
        ("one example and eight (the mean over rows)", single),
        ("large logits (up to ±1000)", large),
        ("two and three classes", two),
    ]


_CHAPTER_Z = np.array([[2.0, 1.0, -1.0], [0.5, 0.0, 3.0]])
_CHAPTER_Y = np.array([[0.0, 1.0, 0.0], [0.0, 0.0, 1.0]])

SOFTMAX_CROSS_ENTROPY_GRAD = register(Exercise(
    name="softmax_cross_entropy_grad",
    signature="softmax_cross_entropy_grad(Z, y)",
    reference=_losses.softmax_cross_entropy_grad,
    public_cases=[
        Case((np.array([[2.0, 1.0, -1.0]]), np.array([[0.0, 1.0, 0.0]])),
             "one example: Z = [[2, 1, -1]], y = [[0, 1, 0]]",
             "P = softmax(Z) row by row, then P − y: [[0.705, −0.741, 0.035]]"),
        Case((_CHAPTER_Z, _CHAPTER_Y),
             "the chapter's two days: Z = [[2, 1, -1], [0.5, 0, 3]], y = [[0, 1, 0], [0, 0, 1]]",
             "(P − y) / n with n = 2 rows: the cost is a mean over the examples"),
        Case((np.array([[1000.0, 0.0, -1000.0]]), np.array([[0.0, 0.0, 1.0]])),
             "large logits: Z = [[1000, 0, -1000]], y = [[0, 0, 1]]",
             "np.exp(1000) is inf: subtract each row's maximum before np.exp; expected [[1, 0, −1]]"),
    ],
    hidden_groups=_ce_logit_groups,
    mistakes=[
        Mistake("the 1/n is missing (the gradient of the sum over rows)",
                "the cost is the mean over the n examples, so divide P − y by n = Z.shape[0]",
                lambda Z, y: _softmax_rows(Z) - _f(y)),
        Mistake("the sign is flipped: y − P",
                "∂C/∂Z = (P − y) / n: positive where the model gives a class too much probability",
                lambda Z, y: (_f(y) - _softmax_rows(Z)) / _f(Z).shape[0]),
        Mistake("divided by the number of entries n·k instead of the number of rows n",
                "the cost averages over the n rows (examples), not over every entry: divide by "
                "Z.shape[0]",
                lambda Z, y: (_softmax_rows(Z) - _f(y)) / _f(Z).size),
        Mistake("overflow: the row maximum is not subtracted before np.exp",
                "e^1000 is inf and inf / inf is nan; subtract Z.max(axis=1, keepdims=True) first",
                lambda Z, y: (np.exp(_f(Z)) / np.exp(_f(Z)).sum(axis=1, keepdims=True) - _f(y))
                / _f(Z).shape[0]),
        Mistake("the gradient with respect to P, −y / P / n, instead of with respect to Z",
                "the exercise asks for ∂C/∂Z; through the softmax Jacobian it simplifies to "
                "(P − y) / n",
                lambda Z, y: -_f(y) / np.clip(_softmax_rows(Z), EPS, 1.0) / _f(Z).shape[0]),
        Mistake("softmax over the batch (axis 0) instead of each row",
                "each example is a row: normalise along axis=1",
                lambda Z, y: (np.exp(_f(Z) - _f(Z).max(axis=0))
                              / np.exp(_f(Z) - _f(Z).max(axis=0)).sum(axis=0) - _f(y))
                / _f(Z).shape[0]),
    ],
))
