"""Chapter 03 (activation functions): checks for sigmoid, sigmoid_prime, tanh_prime, relu, relu_prime.

Every function takes an array Z (any shape, float or integer entries) and returns a float array of
the same shape, computed entry by entry. The hidden groups are the same for all five:

    random Z, 1-D          a few vectors of normal values
    random Z, 2-D          batches (n, k), rows are examples
    large |Z| (up to 1000) where a naive exp overflows (nan or inf) in the sigmoid and tanh forms
    integer Z (with zeros) integer arrays, exact zeros among them (ReLU' must be 0 at z = 0)

The public checks of sigmoid, sigmoid_prime and tanh_prime also run the student's function on
Z = [-1000, ..., 1000] with warnings recorded: a form such as 1 / (1 + np.exp(-Z)) returns the
right values in float64 but makes NumPy warn "overflow encountered in exp". That is not a
mistake the hidden checks take points for, so the public check prints a note (not a ✗) that
suggests a stable form.
"""
import contextlib
import io
import warnings

import numpy as np

from .. import activations as _act
from .compare import show
from .spec import Case, Exercise, Mistake, register

LARGE = np.array([-1000.0, -50.0, -1.0, 0.0, 1.0, 50.0, 1000.0])


# ------------------------------------------------------------------ the note on warnings
def _warnings_of(student, Z):
    """(warning messages, result or None) when student(Z) runs with NumPy warnings turned on."""
    sink = io.StringIO()
    with warnings.catch_warnings(record=True) as caught, \
            np.errstate(over="warn", invalid="warn", divide="warn", under="ignore"):
        warnings.simplefilter("always")
        try:
            with contextlib.redirect_stdout(sink), contextlib.redirect_stderr(sink):
                result = student(Z.copy())
        except Exception:  # not implemented or broken: the public check has said so already
            return [], None
    messages = []
    for w in caught:
        if not issubclass(w.category, RuntimeWarning):
            continue
        text = str(w.message)
        if text not in messages:
            messages.append(text)
    return messages, result


STABLE_FORMS = {
    "sigmoid": ("never take exp of a large positive number: with E = np.exp(-np.abs(Z)),\n"
                "      sigmoid is np.where(Z >= 0, 1 / (1 + E), E / (1 + E)); or use "
                "0.5 * (1 + np.tanh(Z / 2)), the same function"),
    "sigmoid_prime": ("compute S = sigmoid(Z) with a stable sigmoid first (yours, once it passes "
                      "its check, or activations.sigmoid),\n      then return S * (1 - S)"),
    "tanh_prime": "use np.tanh(Z), which never overflows, then 1 - T**2",
}


def warning_note(student, exercise) -> str:
    """The public check's note when `student` makes NumPy warn (overflow in exp and the like) on
    large |Z|. It is advice, never a verdict: it says the values are right only when they are."""
    messages, result = _warnings_of(student, LARGE)
    if not messages:
        return ""
    lines = [f"Note: on Z = [-1000, -50, -1, 0, 1, 50, 1000] your {exercise.name} made NumPy warn: "
             f"{'; '.join(repr(m) for m in messages)}."]
    try:
        values = np.asarray(result, dtype=float)
        finite = bool(np.all(np.isfinite(values)))
    except (TypeError, ValueError):
        values, finite = None, False
    right = values is not None and exercise.compare(result, exercise.reference(LARGE.copy())) == ""
    if values is not None and not finite:
        lines.append("      and the result contains nan or inf: that loses the hidden group "
                     "'large |Z| (up to 1000)'.")
    elif right:
        lines.append("      The values are right (float64 turns the overflow into inf, and the formula still "
                     "lands on the right number),\n      so no points are lost, but the warning means the "
                     "formula is not numerically stable.")
    else:
        lines.append("      The values there are wrong too: see the ✗ lines above; fix those first.")
    lines.append(f"      A stable form: {STABLE_FORMS[exercise.name]}.")
    return "\n".join(lines)


# ------------------------------------------------------------------ hidden groups
def _groups(rng, zero_label="integer Z (with zeros)"):
    """Four groups of random arrays; every function of this chapter is graded on the same kinds."""

    def case(Z, kind):
        return Case((Z,), f"{kind}, Z = {show(Z)}")

    one_d = [case(rng.normal(0, 3, int(rng.integers(1, 9))), "1-D") for _ in range(4)]
    two_d = [case(rng.normal(0, 3, (int(rng.integers(1, 6)), int(rng.integers(1, 5)))), "2-D batch")
             for _ in range(4)]
    large = []
    for _ in range(4):
        n, k = int(rng.integers(2, 5)), int(rng.integers(2, 5))
        Z = rng.normal(0, 2, (n, k))
        far = rng.random((n, k)) < 0.5
        Z[far] = rng.choice([-1.0, 1.0], far.sum()) * rng.uniform(40, 1000, far.sum())
        Z.flat[0], Z.flat[-1] = -float(rng.uniform(700, 1000)), float(rng.uniform(700, 1000))
        large.append(case(Z, "large |Z|"))
    integers = []
    for shape in ((int(rng.integers(3, 8)),), (int(rng.integers(2, 5)), int(rng.integers(2, 5)))):
        Z = rng.integers(-4, 5, shape)
        Z.flat[int(rng.integers(0, Z.size))] = 0
        integers.append(case(Z, "integers (an int array)"))
    Z = rng.normal(0, 2, (int(rng.integers(2, 5)), 3))
    Z[rng.random(Z.shape) < 0.4] = 0.0
    Z.flat[0] = 0.0
    integers.append(case(Z, "floats with exact zeros"))
    return [
        ("random Z, 1-D", one_d),
        ("random Z, 2-D batches", two_d),
        ("large |Z| (up to 1000)", large),
        (zero_label, integers),
    ]


def _f(Z):
    return np.asarray(Z, dtype=float)


def _public(*pairs):
    return [Case((np.array(Z, dtype=float) if not isinstance(Z, np.ndarray) else Z,), label, hint)
            for Z, label, hint in pairs]


# ------------------------------------------------------------------ sigmoid
def _naive_exp_ratio(Z):
    E = np.exp(_f(Z))
    return E / (1.0 + E)


SIGMOID = register(Exercise(
    name="sigmoid",
    signature="sigmoid(Z)",
    reference=_act.sigmoid,
    public_cases=_public(
        ([0.0], "σ(0) = 0.5: Z = [0]", "sigmoid(0) = 1 / (1 + e^0) = 1 / 2"),
        ([2.6, -6.0], "chapter 02's neurons: Z = [2.6, -6]",
         "σ(2.6) ≈ 0.93 and σ(-6) ≈ 0.0025; apply the formula to every entry"),
        ([[-1.0, 0.0, 1.0], [2.0, -2.0, 0.5]], "a batch of shape (2, 3)",
         "return an array of the same shape as Z, computed entry by entry"),
        ([-1000.0, -50.0, 50.0, 1000.0], "large |Z|: Z = [-1000, -50, 50, 1000]",
         "expected [0, 1.9e-22, 1, 1]; np.exp(1000) is inf, and inf / inf is nan"),
    ),
    hidden_groups=_groups,
    public_note=warning_note,
    mistakes=[
        Mistake("overflow in exp for large |z|",
                "e^z / (1 + e^z) gives inf / inf = nan when z is large; use e^z / (1 + e^z) only "
                "where z < 0 and 1 / (1 + e^(-z)) where z >= 0",
                _naive_exp_ratio),
        Mistake("the sign of z is flipped: this is σ(−z) = 1 − σ(z)",
                "σ(z) = 1 / (1 + e^(-z)): minus z in the exponent, so σ(z) → 1 as z grows",
                lambda Z: _act.sigmoid(-_f(Z))),
        Mistake("a minus sign in the denominator: 1 / (1 − e^(−z))",
                "the denominator is 1 + e^(-z), which is always > 1",
                lambda Z: 1.0 / (1.0 - np.exp(-_f(Z)))),
        Mistake("tanh instead of the sigmoid", "tanh has range (-1, 1); the sigmoid has range (0, 1)",
                lambda Z: np.tanh(_f(Z))),
    ],
))


# ------------------------------------------------------------------ sigmoid_prime
SIGMOID_PRIME = register(Exercise(
    name="sigmoid_prime",
    signature="sigmoid_prime(Z)",
    reference=_act.sigmoid_prime,
    public_cases=_public(
        ([0.0], "the maximum: σ'(0) = 0.25", "σ(0) = 0.5, so σ'(0) = 0.5 · (1 − 0.5) = 0.25"),
        ([2.6, -6.0], "chapter 02's neurons: Z = [2.6, -6]",
         "first S = σ(Z), then S · (1 − S), entry by entry"),
        ([[-1.0, 0.0, 1.0], [3.0, -3.0, 0.5]], "a batch of shape (2, 3), symmetric values",
         "σ' is symmetric: σ'(−z) = σ'(z)"),
        ([-1000.0, -50.0, 50.0, 1000.0], "large |Z|: the derivative vanishes",
         "expected [0, 1.9e-22, 1.9e-22, 0]; compute σ stably first, then S · (1 − S)"),
    ),
    hidden_groups=_groups,
    public_note=warning_note,
    mistakes=[
        Mistake("the second factor uses z instead of σ(z): σ(z)(1 − z)",
                "both factors use S = σ(Z): S * (1 - S), not S * (1 - Z)",
                lambda Z: _act.sigmoid(Z) * (1.0 - _f(Z))),
        Mistake("returns σ(z) instead of σ(z)(1 − σ(z))",
                "the derivative is S · (1 − S) with S = σ(Z), not S itself",
                lambda Z: _act.sigmoid(Z)),
        Mistake("returns 1 − σ(z): the factor σ(z) is missing",
                "σ'(z) = σ(z) · (1 − σ(z)): both factors",
                lambda Z: 1.0 - _act.sigmoid(Z)),
        Mistake("returns σ(z)²", "σ'(z) = σ(z) · (1 − σ(z)), not σ(z) · σ(z)",
                lambda Z: _act.sigmoid(Z) ** 2),
        Mistake("the formula is applied to z instead of σ(z): Z (1 − Z)",
                "a (1 − a) holds for a = σ(z), the neuron's output; compute S = σ(Z) first",
                lambda Z: _f(Z) * (1.0 - _f(Z))),
        Mistake("overflow in exp for large |z|",
                "e^(−z) / (1 + e^(−z))² overflows to inf / inf = nan for large negative z; "
                "compute S = σ(Z) stably, then S · (1 − S)",
                lambda Z: np.exp(-_f(Z)) / (1.0 + np.exp(-_f(Z))) ** 2),
    ],
))


# ------------------------------------------------------------------ tanh_prime
def _naive_tanh(Z):
    Z = _f(Z)
    return (np.exp(Z) - np.exp(-Z)) / (np.exp(Z) + np.exp(-Z))


TANH_PRIME = register(Exercise(
    name="tanh_prime",
    signature="tanh_prime(Z)",
    reference=_act.tanh_prime,
    public_cases=_public(
        ([0.0], "the maximum: tanh'(0) = 1", "tanh(0) = 0, so 1 − tanh(0)² = 1"),
        ([0.5, -2.0, 3.0], "Z = [0.5, -2, 3]", "first T = np.tanh(Z), then 1 − T²"),
        ([[1.0, -1.0], [0.0, 4.0]], "a batch of shape (2, 2)", "entry by entry, same shape as Z"),
        ([-1000.0, 1000.0], "large |Z|: Z = [-1000, 1000]",
         "expected [0, 0]; (e^z − e^−z) / (e^z + e^−z) is inf / inf there, np.tanh is not"),
    ),
    hidden_groups=_groups,
    public_note=warning_note,
    mistakes=[
        Mistake("returns tanh(z) instead of its derivative",
                "the derivative is 1 − tanh(z)², not tanh(z)",
                lambda Z: np.tanh(_f(Z))),
        Mistake("returns 1 − tanh(z): the square is missing",
                "square tanh(z) before subtracting: 1 − T**2",
                lambda Z: 1.0 - np.tanh(_f(Z))),
        Mistake("returns 1 + tanh(z)²: wrong sign", "tanh'(z) = 1 − tanh(z)², at most 1",
                lambda Z: 1.0 + np.tanh(_f(Z)) ** 2),
        Mistake("the formula is applied to z instead of tanh(z): 1 − Z²",
                "compute T = np.tanh(Z) first, then 1 − T²",
                lambda Z: 1.0 - _f(Z) ** 2),
        Mistake("overflow in exp for large |z|",
                "(e^z − e^−z) / (e^z + e^−z) is inf / inf = nan for large |z|; use np.tanh",
                lambda Z: 1.0 - _naive_tanh(Z) ** 2),
    ],
))


# ------------------------------------------------------------------ relu
RELU = register(Exercise(
    name="relu",
    signature="relu(Z)",
    reference=_act.relu,
    public_cases=_public(
        ([-2.0, -0.5, 0.0, 0.5, 2.0], "Z = [-2, -0.5, 0, 0.5, 2]",
         "negative entries become 0, the others stay as they are"),
        ([[1.0, -3.0], [-2.0, 4.0], [0.0, 0.25]], "a batch of shape (3, 2)",
         "entry by entry: np.maximum(Z, 0.0), not np.max(Z, 0), which takes each column's largest"),
        (np.array([-3, 0, 2, 5]), "integers: Z = np.array([-3, 0, 2, 5])",
         "return floats: np.maximum(Z, 0.0) (a float zero) or convert with Z.astype(float)"),
    ),
    hidden_groups=_groups,
    mistakes=[
        Mistake("np.max(Z, 0) takes the largest entry of each column",
                "np.max reduces along an axis; np.maximum(Z, 0.0) compares entry by entry",
                lambda Z: np.max(_f(Z), 0)),
        Mistake("wrong for negatives: returns |z|", "negative z gives 0, not −z",
                lambda Z: np.abs(_f(Z))),
        Mistake("min instead of max: keeps the negative part", "ReLU(z) = max(0, z)",
                lambda Z: np.minimum(_f(Z), 0.0)),
        Mistake("returns the derivative (1 where z > 0) instead of ReLU itself",
                "ReLU(z) keeps positive z as it is: max(0, z)",
                lambda Z: (_f(Z) > 0).astype(float)),
    ],
))


# ------------------------------------------------------------------ relu_prime
RELU_PRIME = register(Exercise(
    name="relu_prime",
    signature="relu_prime(Z)",
    reference=_act.relu_prime,
    public_cases=_public(
        ([-2.0, -0.5, 0.5, 2.0], "Z = [-2, -0.5, 0.5, 2]", "1 where z > 0, 0 where z < 0"),
        ([0.0], "the convention at 0: relu_prime([0]) = [0]",
         "ReLU has no derivative at exactly 0; nnlib (like most libraries) uses 0 there, so "
         "compare with Z > 0, not Z >= 0"),
        ([[1.0, -3.0, 0.0], [-2.0, 4.0, 0.0]], "a batch of shape (2, 3) with zeros",
         "entry by entry, same shape as Z, 1.0 or 0.0"),
        (np.array([-3, 0, 2, 5]), "integers: Z = np.array([-3, 0, 2, 5])",
         "return floats 1.0 and 0.0: (Z > 0).astype(float)"),
    ),
    hidden_groups=lambda rng: _groups(rng, zero_label="exact zeros (0 at z = 0) and integer Z"),
    mistakes=[
        Mistake("wrong at 0: returns 1 at z = 0",
                "nnlib's convention is relu_prime(0) = 0: use Z > 0, not Z >= 0",
                lambda Z: (_f(Z) >= 0).astype(float)),
        Mistake("returns relu(Z) instead of its derivative",
                "the slope of max(0, z) is 1 for z > 0 and 0 for z < 0, whatever the size of z",
                lambda Z: np.maximum(_f(Z), 0.0)),
        Mistake("wrong for negatives: returns −1 where z < 0 (the sign of z)",
                "ReLU is flat (0) for negative z, so its slope there is 0, not −1",
                lambda Z: np.sign(_f(Z))),
        Mistake("wrong for negatives: returns 1 everywhere", "the slope is 0 where z < 0",
                lambda Z: np.ones_like(_f(Z))),
        Mistake("returns True/False instead of 1.0/0.0",
                "convert the comparison to numbers: (Z > 0).astype(float)",
                lambda Z: _f(Z) > 0),
    ],
))


# ------------------------------------------------------------------ softmax (row by row)
def _softmax_groups(rng):
    """Batches of logits (n, k): softmax acts on each row, so the groups vary the rows."""

    def case(Z, kind, hint=""):
        return Case((Z,), f"{kind}, Z = {show(Z)}", hint)

    batches = [case(rng.normal(0, 3, (int(rng.integers(2, 6)), int(rng.integers(2, 6)))),
                    "a batch (n, k)") for _ in range(4)]
    large = []
    for _ in range(3):
        n, k = int(rng.integers(2, 5)), int(rng.integers(2, 5))
        Z = rng.normal(0, 3, (n, k))
        Z[0] += float(rng.uniform(760, 1000))          # one row of huge logits
        Z[-1] -= float(rng.uniform(760, 1000))         # one row of hugely negative logits
        large.append(case(Z, "rows of logits near ±1000",
                          "subtract each row's own maximum before np.exp"))
    Z = rng.normal(0, 2, (int(rng.integers(2, 5)), 3))
    Z[:, int(rng.integers(0, 3))] = float(rng.uniform(900, 1000))   # one class far ahead
    large.append(case(Z, "one logit of about 1000 per row"))
    shapes = [
        case(rng.normal(0, 2, (1, int(rng.integers(2, 6)))), "one example, shape (1, k)"),
        case(rng.normal(0, 2, (int(rng.integers(2, 6)), 1)), "one class, shape (n, 1)",
             "a row with a single logit gets probability 1"),
        case(np.full((int(rng.integers(2, 5)), int(rng.integers(2, 5))),
                     round(float(rng.normal(0, 3)), 2)), "equal logits",
             "equal logits give equal probabilities 1/k"),
        case(rng.normal(0, 3, (int(rng.integers(5, 9)), 2)), "a tall batch (n, 2)"),
    ]
    integers = [case(rng.integers(-5, 6, (int(rng.integers(2, 5)), int(rng.integers(2, 5)))),
                     "integer logits (an int array)", "return floats")
                for _ in range(3)]
    return [
        ("random batches (n, k)", batches),
        ("large logits (up to ±1000)", large),
        ("shapes (1, k), (n, 1), equal and tall", shapes),
        ("integer logits", integers),
    ]


def _softmax_axis(Z, axis):
    Z = _f(Z)
    E = np.exp(Z - Z.max(axis=axis, keepdims=True))
    return E / E.sum(axis=axis, keepdims=True)


def _softmax_naive(Z):
    E = np.exp(_f(Z))
    return E / E.sum(axis=1, keepdims=True)


def _softmax_batch_max(Z):
    Z = _f(Z)
    E = np.exp(Z - Z.max())
    return E / E.sum(axis=1, keepdims=True)


SOFTMAX = register(Exercise(
    name="softmax",
    signature="softmax(Z)",
    reference=_act.softmax,
    public_cases=_public(
        ([[2.0, 1.0, 0.1]], "one example: Z = [[2, 1, 0.1]]",
         "e^z for every entry, divided by the row's total: [[0.659, 0.242, 0.099]]"),
        ([[2.0, 1.0, 0.1], [0.5, 0.5, 3.0]], "a batch of two examples, shape (2, 3)",
         "each row on its own: the sums go along axis=1 (keepdims=True), not over the batch"),
        ([[1000.0, 999.0, 998.0]], "large logits: Z = [[1000, 999, 998]]",
         "np.exp(1000) is inf and inf / inf is nan: subtract the row's maximum first, "
         "Z - Z.max(axis=1, keepdims=True)"),
        ([[0.0, 0.0], [1.0, 1.0], [-3.0, -3.0]], "equal logits in each row, shape (3, 2)",
         "equal logits give equal probabilities: every entry is 1/2"),
    ),
    hidden_groups=_softmax_groups,
    mistakes=[
        Mistake("overflow: the row maximum is not subtracted before np.exp",
                "e^1000 is inf and inf / inf is nan; subtract Z.max(axis=1, keepdims=True) "
                "first, which changes no probability",
                _softmax_naive),
        Mistake("normalised over the batch (axis 0) instead of each row",
                "each example is a row: sum along axis=1, so that every row sums to 1",
                lambda Z: _softmax_axis(Z, 0)),
        Mistake("normalised over the whole array instead of each row",
                "np.sum(E) adds every entry of the batch; use E.sum(axis=1, keepdims=True)",
                lambda Z: np.exp(_f(Z) - _f(Z).max()) / np.exp(_f(Z) - _f(Z).max()).sum()),
        Mistake("subtracted the batch's largest logit, not each row's",
                "a row far below the batch maximum underflows to 0 / 0 = nan; subtract "
                "Z.max(axis=1, keepdims=True), each row's own maximum",
                _softmax_batch_max),
        Mistake("e^z without dividing by the row's sum",
                "probabilities must add up to 1: divide by E.sum(axis=1, keepdims=True)",
                lambda Z: np.exp(_f(Z) - _f(Z).max(axis=-1, keepdims=True))),
    ],
))
