"""Chapter 04 (forward propagation): checks for dense_forward and forward.

    dense_forward(A_prev, W, b, activation) -> (A, cache)
        Z = A_prev @ W + b, A = g(Z), cache = (A_prev, W, b, Z, activation)
    forward(X, params, activations) -> (y_hat, caches)
        one dense_forward per layer, each fed the previous layer's A; one cache per layer

Both return a cache that holds the activation's *name* (a string) and, for forward, a list of
caches: the answer schemas below say so. forward uses dense_forward: while forward is graded,
the name dense_forward resolves to a correct one, so a bug in dense_forward costs points once.
"""
import numpy as np

from .. import activations as _activations
from ..layers import dense_forward as _ref_dense_forward
from ..network import forward as _ref_forward
from .compare import Array, Cache, ListOf, Pair
from .spec import Case, Exercise, Mistake, register

CACHE_NAMES = ("A_prev", "W", "b", "Z", "activation")


# ---------------------------------------------------------------------------- answer schemas
# dense_forward returns (A, cache); forward returns (y_hat, caches), one cache per layer. A known
# mistake is recognised by A (or y_hat) alone, whatever the student put in the cache.
CACHE = Cache(*CACHE_NAMES)
DENSE_ANSWER = Pair(Array("A (the first value returned)"), CACHE, names=("A", "cache"),
                    recognise_by_first=True)
FORWARD_ANSWER = Pair(Array("y_hat (the first value returned)"),
                      ListOf(CACHE, what="caches", item_name="the cache of layer {n}",
                             kind="caches should be a list of {expected} caches, one per layer; "
                                  "received {described}",
                             length="caches should be a list of {expected} caches, one per layer; "
                                    "received {described}"),
                      names=("y_hat", "caches"), recognise_by_first=True)


# ---------------------------------------------------------------------------- dense_forward
def _g(activation):
    return _activations.get(activation)[0]


def _z(A_prev, W, b):
    return np.asarray(A_prev) @ np.asarray(W) + np.asarray(b)


def _transposed(A_prev, W, b, activation):
    A_prev, W, b = np.asarray(A_prev), np.asarray(W), np.asarray(b)
    Z = A_prev @ W.T + b
    return _g(activation)(Z), (A_prev, W, b, Z, activation)


def _no_bias(A_prev, W, b, activation):
    A_prev, W, b = np.asarray(A_prev), np.asarray(W), np.asarray(b)
    Z = A_prev @ W
    return _g(activation)(Z), (A_prev, W, b, Z, activation)


def _g_before_b(A_prev, W, b, activation):
    A_prev, W, b = np.asarray(A_prev), np.asarray(W), np.asarray(b)
    Z = A_prev @ W + b
    return _g(activation)(A_prev @ W) + b, (A_prev, W, b, Z, activation)


def _returns_Z(A_prev, W, b, activation):
    A_prev, W, b = np.asarray(A_prev), np.asarray(W), np.asarray(b)
    Z = A_prev @ W + b
    return Z, (A_prev, W, b, Z, activation)


def _dense_case(A_prev, W, b, activation, kind):
    return Case((A_prev, W, b, activation),
                f"{kind}: A_prev {A_prev.shape}, W {W.shape}, b {b.shape}, activation {activation!r}")


def _dense_forward_groups(rng: np.random.Generator):
    """Four groups of random hidden cases for dense_forward."""

    def layer(n, n_in, n_out, integers=False):
        if integers:
            return (rng.integers(-3, 4, (n, n_in)), rng.integers(-2, 3, (n_in, n_out)),
                    rng.integers(-2, 3, n_out))
        return rng.normal(0, 1.5, (n, n_in)), rng.normal(0, 1, (n_in, n_out)), rng.uniform(-1, 1, n_out)

    def different(low, high, avoid):
        value = int(rng.integers(low, high))
        return value + 1 if value == avoid else value

    one_row = []
    for activation in ("linear", "relu", "tanh"):
        n_in = int(rng.integers(2, 6))
        one_row.append(_dense_case(*layer(1, n_in, different(1, 6, n_in)), activation, "one example"))
    batch = []
    for activation in ("sigmoid", "tanh", "relu", "leaky_relu"):
        n_in = int(rng.integers(2, 6))
        batch.append(_dense_case(*layer(int(rng.integers(3, 9)), n_in, different(1, 6, n_in)),
                                 activation, "a batch"))
    square = []
    for activation in ("relu", "tanh", "sigmoid", "linear"):
        n = int(rng.integers(2, 5))
        square.append(_dense_case(*layer(int(rng.integers(2, 7)), n, n), activation,
                                  "square W (n_in = n_out)"))
    mixed = []
    n_in = int(rng.integers(2, 5))
    mixed.append(_dense_case(*layer(int(rng.integers(2, 6)), n_in, different(2, 5, n_in)),
                             "softmax", "softmax output"))
    n_in = int(rng.integers(2, 5))
    mixed.append(_dense_case(*layer(int(rng.integers(2, 6)), n_in, different(1, 5, n_in), True),
                             "relu", "integer arrays"))
    return [
        ("one example (a single row)", one_row),
        ("a batch of examples, several activations", batch),
        ("square weight matrices (n_in = n_out)", square),
        ("softmax outputs and integer arrays", mixed),
    ]


def _array(rows):
    return np.array(rows, dtype=float)


DENSE_FORWARD = register(Exercise(
    name="dense_forward",
    signature="dense_forward(A_prev, W, b, activation)",
    reference=_ref_dense_forward,
    public_cases=[
        Case((_array([[2, 3]]), _array([[1, -1], [1, 1]]), _array([0, 0]), "linear"),
             "the lecture's bank example, hidden layer: x = (2, 3), W = [[1, -1], [1, 1]], b = 0, "
             "linear (expect A = [[5, 1]])",
             "column j of W holds the weights into unit j: Z = A_prev @ W + b, with W of shape "
             "(n_in, n_out), not W.T"),
        Case((_array([[-1, 2]]), _array([[3, 1], [3, 5]]), _array([0, 0]), "tanh"),
             "the lecture's tanh example, hidden layer: x = (-1, 2), W = [[3, 1], [3, 5]], b = 0, tanh",
             "Z = A_prev @ W + b = [[3, 9]], then A = tanh(Z)"),
        Case((_array([[1, 2], [0, -1], [3, 0]]), _array([[0.5, -1, 2], [1, 0.5, -1]]),
              _array([0.1, -0.2, 0.3]), "relu"),
             "a batch of 3 examples, 2 inputs, 3 units, relu, b = (0.1, -0.2, 0.3)",
             "b has one entry per unit and is added to every row: A_prev @ W + b broadcasts"),
        Case((_array([[1, -2]]), _array([[1, 2], [3, 4]]), _array([0.5, -0.5]), "sigmoid"),
             "a square W = [[1, 2], [3, 4]], x = (1, -2), b = (0.5, -0.5), sigmoid",
             "first add the bias, then apply g: A = g(A_prev @ W + b)"),
        Case((_array([[1, 0], [0, 1]]), _array([[1, 0, -1], [0, 2, 1]]), _array([0, 0, 1]), "softmax"),
             "softmax output: 2 examples, 3 classes",
             "apply the activation by its name, g = activations.get(activation)[0]; softmax "
             "normalises each row"),
    ],
    hidden_groups=_dense_forward_groups,
    mistakes=[
        Mistake("W is used transposed (W.T)",
                "W has shape (n_in, n_out) and Z = A_prev @ W + b; no transpose is needed",
                _transposed),
        Mistake("the bias is missing", "Z = A_prev @ W + b: add b before applying g", _no_bias),
        Mistake("the activation is applied before the bias is added",
                "first Z = A_prev @ W + b, then A = g(Z); not g(A_prev @ W) + b", _g_before_b),
        Mistake("Z is returned instead of A", "return A = g(Z) as the first value; Z goes in the cache",
                _returns_Z),
    ],
    answer=DENSE_ANSWER,
))


# ---------------------------------------------------------------------------- forward
def _forward_with(X, params, activations, layer_input, names):
    """A forward pass that feeds layer l with layer_input(X, A) and uses activation names[l]."""
    A = np.asarray(X)
    caches = []
    for (W, b), name in zip(params, names):
        A, cache = _ref_dense_forward(layer_input(X, A), W, b, name)
        caches.append(cache)
    return A, caches


def _same_activation(X, params, activations):
    return _forward_with(X, params, activations, lambda X, A: A, [activations[0]] * len(params))


def _X_every_time(X, params, activations):
    return _forward_with(X, params, activations, lambda X, A: np.asarray(X), list(activations))


def _last_cache_only(X, params, activations):
    y_hat, caches = _ref_forward(X, params, activations)
    return y_hat, caches[-1:]


def _forward_case(X, params, activations, kind):
    sizes = [X.shape[1]] + [W.shape[1] for W, _ in params]
    return Case((X, params, activations),
                f"{kind}: X {X.shape}, layer sizes {sizes}, activations {activations}")


def _forward_groups(rng: np.random.Generator):
    """Four groups of random hidden cases for forward."""

    def params_for(sizes):
        return [(rng.normal(0, 1, (n_in, n_out)), rng.uniform(-1, 1, n_out))
                for n_in, n_out in zip(sizes[:-1], sizes[1:])]

    def batch(d):
        return rng.normal(0, 1.5, (int(rng.integers(4, 9)), d))

    def different(low, high, avoid):
        value = int(rng.integers(low, high))
        return value + 1 if value == avoid else value

    def varied(L):
        """L activation names, each different from the one before."""
        names = ["tanh", "relu", "sigmoid", "leaky_relu", "linear"]
        chosen = [names[int(rng.integers(len(names)))]]
        while len(chosen) < L:
            rest = [n for n in names if n != chosen[-1]]
            chosen.append(rest[int(rng.integers(len(rest)))])
        return chosen

    regression = []
    for _ in range(3):
        d = int(rng.integers(2, 5))
        sizes = [d, different(2, 6, d), 1]
        regression.append(_forward_case(batch(d), params_for(sizes), ["relu", "linear"],
                                         "relu hidden layer, linear output"))
    deeper = []
    for L in (3, 3, 4):
        d = int(rng.integers(2, 5))
        sizes = [d]
        for _ in range(L):
            sizes.append(different(2, 6, sizes[-1]))
        deeper.append(_forward_case(batch(d), params_for(sizes), varied(L), "deeper network"))
    d = int(rng.integers(2, 4))
    deeper.append(_forward_case(batch(d), params_for([d, different(2, 5, d), 3]), ["tanh", "softmax"],
                                "softmax classifier"))
    square = []
    for L in (2, 3, 3):
        d = int(rng.integers(2, 5))
        square.append(_forward_case(batch(d), params_for([d] * (L + 1)), varied(L),
                                    "every layer as wide as the input"))
    single = []
    for name in ("relu", "tanh", "sigmoid"):
        d = int(rng.integers(2, 5))
        single.append(_forward_case(batch(d), params_for([d, int(rng.integers(1, 5))]), [name],
                                    "a single layer"))
    return [
        ("two layers: relu hidden layer, linear output", regression),
        ("three and four layers with different activations, a softmax classifier", deeper),
        ("every layer as wide as the input", square),
        ("a network of a single layer", single),
    ]


def _bank(tanh=False):
    if tanh:
        return [(_array([[3, 1], [3, 5]]), _array([0, 0])), (_array([[2], [-1]]), _array([0]))]
    return [(_array([[1, -1], [1, 1]]), _array([0, 0])), (_array([[2], [-1]]), _array([0]))]


DEEPER = [(_array([[1, -1, 0.5], [1, 1, -1]]), _array([0, 1, 1])),
          (_array([[0.5, -1], [1, 1], [2, 0.5]]), _array([-1, 2])),
          (_array([[1.5], [-2]]), _array([0.5]))]

FORWARD = register(Exercise(
    name="forward",
    signature="forward(X, params, activations)",
    reference=_ref_forward,
    public_cases=[
        Case((_array([[2, 3]]), _bank(), ["linear", "linear"]),
             "the lecture's bank example: x = (2, 3), no activation (expect y_hat = [[9]])",
             "the hidden layer gives A1 = [[5, 1]]; feed A1 (not X) into the output layer"),
        Case((_array([[-1, 2]]), _bank(tanh=True), ["tanh", "linear"]),
             "the lecture's tanh example: x = (-1, 2), tanh hidden layer, linear output "
             "(expect 0.9901)",
             "use activations[l] for layer l: tanh in the hidden layer, linear at the output"),
        Case((_array([[3, 5]]), DEEPER, ["relu", "relu", "linear"]),
             "the chapter's deeper ReLU network: x = (3, 5), layer sizes [2, 3, 2, 1]",
             "loop over the layers: A = X, then for each layer A, cache = dense_forward(A, W, b, g)"),
        Case((_array([[2, 3], [-1, 2]]), _bank(), ["relu", "linear"]),
             "a batch: both bank customers at once, relu hidden layer",
             "each row of X is one example; the same code handles one row or many"),
        Case((_array([[1, 0], [0, 1]]), [(_array([[1, -1, 0], [0, 1, 1]]), _array([0, 0, 0.5])),
                                         (_array([[1, 0, 0], [0, 1, 0], [0, 0, 1]]), _array([0, 0, 0]))],
              ["tanh", "softmax"]),
             "a softmax classifier: layer sizes [2, 3, 3], tanh then softmax",
             "return every layer's cache, in order: caches is a list with one entry per layer"),
    ],
    hidden_groups=_forward_groups,
    mistakes=[
        Mistake("the same activation is used for every layer",
                "layer l uses its own activation, activations[l] (zip(params, activations))",
                _same_activation),
        Mistake("every layer is fed X instead of the previous layer's output A",
                "keep A = X before the loop and feed A into each layer: A, cache = "
                "dense_forward(A, W, b, g)",
                _X_every_time),
        Mistake("only the last layer's cache is kept",
                "append each layer's cache to a list inside the loop and return the whole list",
                _last_cache_only),
    ],
    answer=FORWARD_ANSWER,
    uses=("dense_forward",),
))
