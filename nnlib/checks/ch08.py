"""Chapter 08 (backpropagation): checks for three graded functions.

    dense_backward(dA, cache) -> (dA_prev, dW, db)     one layer, cache = (A_prev, W, b, Z, activation)
    backward(dy_hat, caches) -> grads                  [(dW1, db1), ..., (dWL, dbL)], first layer first
    numerical_gradient(f, x, h=1e-5) -> array          central differences over every entry of x

Hidden cases are plain data. The functions f that numerical_gradient receives are the
module-level functions below, registered with @argument_function so that the sandboxed
grader can send them by name.

`backward` returns a *list* of (dW, db) pairs (the answer schema GRADS names the layer that
differs). backward uses dense_backward: while backward is graded, dense_backward resolves to a
correct one, so a bug in dense_backward costs points in dense_backward only.
"""

import numpy as np

from .. import activations as _activations
from ..gradcheck import numerical_gradient as _ref_numerical_gradient
from ..layers import dense_backward as _ref_dense_backward, dense_forward as _dense_forward
from ..network import backward as _ref_backward, forward as _forward
from .compare import Cache, ListOf, Value
from .spec import Case, Exercise, Mistake, argument_function, register

# ------------------------------------------------------------------ the chapter's 2-2-1 network
# The same numbers as the explorer (nnlib.widgets.backprop_view): one example, sigmoid layers.
X_221 = np.array([[0.5, 1.0]])
Y_221 = np.array([[0.0]])
PARAMS_221 = [(np.array([[0.15, 0.25], [0.20, 0.30]]), np.array([0.35, 0.35])),
              (np.array([[0.40], [0.45]]), np.array([0.60]))]


def _caches(X, params, acts):
    y_hat, caches = _forward(X, params, acts)
    return y_hat, caches


# ====================================================================== dense_backward
def _parts(cache):
    A_prev, W, b, Z, activation = cache
    g, g_prime = _activations.get(activation)
    return A_prev, W, Z, g, g_prime


def _wrong_no_g_prime(dA, cache):
    A_prev, W, Z, g, g_prime = _parts(cache)
    dZ = dA
    return dZ @ W.T, A_prev.T @ dZ, dZ.sum(axis=0)


def _wrong_g_prime_of_A(dA, cache):
    A_prev, W, Z, g, g_prime = _parts(cache)
    dZ = dA * g_prime(g(Z))
    return dZ @ W.T, A_prev.T @ dZ, dZ.sum(axis=0)


def _wrong_dW_no_transpose(dA, cache):
    A_prev, W, Z, g, g_prime = _parts(cache)
    dZ = dA * g_prime(Z)
    return dZ @ W.T, A_prev @ dZ, dZ.sum(axis=0)


def _wrong_dW_transposed(dA, cache):
    A_prev, W, Z, g, g_prime = _parts(cache)
    dZ = dA * g_prime(Z)
    return dZ @ W.T, dZ.T @ A_prev, dZ.sum(axis=0)


def _wrong_db_not_summed(dA, cache):
    A_prev, W, Z, g, g_prime = _parts(cache)
    dZ = dA * g_prime(Z)
    return dZ @ W.T, A_prev.T @ dZ, dZ


def _wrong_db_axis_1(dA, cache):
    A_prev, W, Z, g, g_prime = _parts(cache)
    dZ = dA * g_prime(Z)
    return dZ @ W.T, A_prev.T @ dZ, dZ.sum(axis=1)


def _wrong_divided_by_n(dA, cache):
    A_prev, W, Z, g, g_prime = _parts(cache)
    dZ = dA * g_prime(Z)
    n = A_prev.shape[0]
    return dZ @ W.T, A_prev.T @ dZ / n, dZ.sum(axis=0) / n


def _wrong_dA_prev_from_dA(dA, cache):
    A_prev, W, Z, g, g_prime = _parts(cache)
    dZ = dA * g_prime(Z)
    return dA @ W.T, A_prev.T @ dZ, dZ.sum(axis=0)


def _layer_case(rng, n, n_in, n_out, activation, what=""):
    A_prev = rng.normal(0, 1.0, (n, n_in))
    W = rng.normal(0, 1.0, (n_in, n_out))
    b = rng.normal(0, 0.5, n_out)
    Z = A_prev @ W + b
    dA = rng.normal(0, 1.0, (n, n_out))
    label = f"{activation}, {n} example{'s' if n > 1 else ''}, {n_in} → {n_out} units{what}"
    return Case((dA, (A_prev, W, b, Z, activation)), label)


def _dense_backward_groups(rng):
    """Four groups of random layers (each one share of the points)."""
    def size():
        return int(rng.integers(1, 6))

    sigmoid = [_layer_case(rng, int(rng.integers(2, 7)), size(), size(), "sigmoid") for _ in range(5)]
    named = [_layer_case(rng, int(rng.integers(2, 7)), size(), size(), act)
             for act in ("tanh", "relu", "leaky_relu", "linear")]
    single = [_layer_case(rng, 1, size(), size(), act) for act in ("sigmoid", "tanh", "relu")]
    square = []
    for act in ("sigmoid", "tanh", "sigmoid"):
        n = int(rng.integers(2, 6))
        square.append(_layer_case(rng, n, n, size(), act, " (as many examples as inputs)"))
    return [
        ("sigmoid layers on batches of 2 to 6 examples", sigmoid),
        ("tanh, relu, leaky_relu and linear layers", named),
        ("a batch of one example", single),
        ("square A_prev (as many examples as inputs): shape slips cannot hide", square),
    ]


def _public_layer(n, n_in, n_out, activation, seed, label, hint=""):
    rng = np.random.default_rng(seed)
    case = _layer_case(rng, n, n_in, n_out, activation)
    return Case(case.args, label, hint)


def _chapter_layer_cases():
    """The output and the hidden layer of the chapter's 2-2-1 network, with their real dA."""
    (W1, b1), (W2, b2) = PARAMS_221
    a1, cache1 = _dense_forward(X_221, W1, b1, "sigmoid")
    y_hat, cache2 = _dense_forward(a1, W2, b2, "sigmoid")
    dA2 = y_hat - Y_221
    dA1, _, _ = _ref_dense_backward(dA2, cache2)
    return [
        Case((dA2, cache2), "the output layer of the chapter's 2-2-1 network, dA = ŷ − y",
             "dZ = dA * g'(Z) is the output's δ; then dW = A_prev.T @ dZ and db = dZ.sum(axis=0)"),
        Case((dA1, cache1), "the hidden layer of the chapter's 2-2-1 network, dA from the output layer",
             "the same four lines work for every layer: only dA and the cache change"),
    ]


DENSE_BACKWARD = register(Exercise(
    name="dense_backward",
    signature="dense_backward(dA, cache)",
    reference=_ref_dense_backward,
    public_cases=_chapter_layer_cases() + [
        _public_layer(3, 2, 2, "sigmoid", 81, "a batch of 3 examples, sigmoid, 2 → 2 units",
                      "db = dZ.sum(axis=0): one number per unit, the examples' contributions added"),
        _public_layer(4, 3, 2, "relu", 82, "a batch of 4 examples, relu, 3 → 2 units",
                      "look the derivative up by name: g_prime = activations.get(activation)[1]"),
        _public_layer(2, 2, 3, "tanh", 83, "a square A_prev (2 examples, 2 inputs), tanh, 2 → 3 units",
                      "dW = A_prev.T @ dZ has W's shape (n_in, n_out)"),
    ],
    hidden_groups=_dense_backward_groups,
    mistakes=[
        Mistake("g' is missing (dZ = dA)",
                "multiply by the activation's slope at Z: dZ = dA * g_prime(Z)", _wrong_no_g_prime),
        Mistake("g' is evaluated at A = g(Z) instead of Z",
                "g_prime takes the pre-activation Z (cache[3]); nnlib's sigmoid_prime(Z) already "
                "computes σ(Z)(1 − σ(Z)), so do not feed it the activation", _wrong_g_prime_of_A),
        Mistake("dW is missing the transpose (A_prev @ dZ)",
                "dW = A_prev.T @ dZ: (n_in, n) @ (n, n_out) sums over the examples and has W's shape",
                _wrong_dW_no_transpose),
        Mistake("dW is transposed (dZ.T @ A_prev)",
                "dW must have W's shape (n_in, n_out): dW = A_prev.T @ dZ", _wrong_dW_transposed),
        Mistake("db is not summed over the batch",
                "db = dZ.sum(axis=0): one number per unit, shape (n_out,) like b", _wrong_db_not_summed),
        Mistake("db is summed over axis 1 (over the units) instead of axis 0 (over the examples)",
                "db = dZ.sum(axis=0): add the examples' rows, keeping one number per unit, shape (n_out,)",
                _wrong_db_axis_1),
        Mistake("dW and db are divided by the batch size",
                "the cost C = Σ ½ (ŷ − y)² is a sum over examples, so its gradient is a sum: do not "
                "divide (if a cost is a mean, its 1/n is already inside dA)", _wrong_divided_by_n),
        Mistake("dA_prev is computed from dA instead of dZ",
                "pass the error back after multiplying by g': dA_prev = dZ @ W.T", _wrong_dA_prev_from_dA),
    ],
    answer=Cache("dA_prev", "dW", "db", what="the result", entry="{name} (element {i} of {what})"),
))


# ====================================================================== backward
GRADS = ListOf(Value(), what="grads", item_name="grads[{i}] (layer {n})",
               kind="grads should be a list of {expected} (dW, db) pairs, first layer first; received {described}",
               length="grads has {received} entr{ies}; expected {expected}, one (dW, db) pair per layer, "
                      "first layer first",
               accept_lists_as_pairs=True)


def _layer_backward_unchecked(dA, cache):
    """dense_backward as a student might write it, without the shape check (NumPy broadcasts)."""
    A_prev, W, b, Z, activation = cache
    dZ = dA * _activations.get(activation)[1](Z)
    return dZ @ W.T, A_prev.T @ dZ, dZ.sum(axis=0)


def _all_layers(dy_hat, caches):
    dA, grads = dy_hat, []
    for cache in reversed(caches):
        dA, dW, db = _layer_backward_unchecked(dA, cache)
        grads.append((dW, db))
    return grads                                    # last layer first


def _wrong_reversed(dy_hat, caches):
    return _all_layers(dy_hat, caches)


def _wrong_not_passed_back(dy_hat, caches):
    grads = []
    for cache in caches:
        _, dW, db = _layer_backward_unchecked(dy_hat, cache)
        grads.append((dW, db))
    return grads


def _wrong_last_layer_only(dy_hat, caches):
    return _all_layers(dy_hat, caches)[:1]


def _wrong_first_layer_missing(dy_hat, caches):
    return _all_layers(dy_hat, caches)[::-1][1:]


def _network_case(rng, sizes, acts, n, what=""):
    params = [(rng.normal(0, 1.0, (a, b)), rng.normal(0, 0.5, b)) for a, b in zip(sizes[:-1], sizes[1:])]
    X = rng.normal(0, 1.0, (n, sizes[0]))
    y_hat, caches = _forward(X, params, list(acts))
    dy_hat = rng.normal(0, 1.0, y_hat.shape)
    layout = "-".join(str(s) for s in sizes)
    label = f"a {layout} network ({', '.join(acts)}), {n} example{'s' if n > 1 else ''}{what}"
    return Case((dy_hat, caches), label)


def _backward_groups(rng):
    """Three groups of random networks (each one share of the points)."""
    hidden_acts = ("sigmoid", "tanh", "relu", "leaky_relu")
    out_acts = ("sigmoid", "linear", "tanh")

    def width():
        return int(rng.integers(1, 5))

    two = []
    for _ in range(4):
        sizes = [width(), width() + 1, width()]
        acts = (str(rng.choice(hidden_acts)), str(rng.choice(out_acts)))
        two.append(_network_case(rng, sizes, acts, int(rng.integers(2, 6))))
    deep = []
    for depth in (3, 4, 5):
        sizes = [width() for _ in range(depth + 1)]
        acts = tuple(str(rng.choice(hidden_acts)) for _ in range(depth - 1)) + (str(rng.choice(out_acts)),)
        deep.append(_network_case(rng, sizes, acts, int(rng.integers(2, 6))))
    k = int(rng.integers(2, 4))                      # every layer equally wide
    deep.append(_network_case(rng, [k] * 4, ("tanh", "sigmoid", "linear"), int(rng.integers(2, 5)),
                              " (all layers equally wide)"))
    small = [_network_case(rng, [width(), width()], (str(rng.choice(out_acts)),), int(rng.integers(1, 5)),
                           " (one layer)"),
             _network_case(rng, [width(), width() + 1, 1], ("sigmoid", "sigmoid"), 1),
             _network_case(rng, [width(), width() + 1, width(), 1], ("relu", "tanh", "linear"), 1)]
    return [
        ("two-layer networks", two),
        ("deeper networks (3 to 5 layers, mixed activations)", deep),
        ("one-layer networks and batches of one example", small),
    ]


def _chapter_network_case():
    y_hat, caches = _forward(X_221, PARAMS_221, ["sigmoid", "sigmoid"])
    return Case((y_hat - Y_221, caches), "the chapter's 2-2-1 network, one example, dy_hat = ŷ − y",
                "go through the layers from the last to the first, passing dA_prev back each time, "
                "and return the list with the first layer's (dW, db) first")


def _public_network(sizes, acts, n, seed, label, hint):
    case = _network_case(np.random.default_rng(seed), sizes, acts, n)
    return Case(case.args, label, hint)


BACKWARD = register(Exercise(
    name="backward",
    signature="backward(dy_hat, caches)",
    reference=_ref_backward,
    public_cases=[
        _chapter_network_case(),
        _public_network([2, 3, 3, 1], ("tanh", "sigmoid", "linear"), 4, 84,
                        "a 2-3-3-1 network (tanh, sigmoid, linear), a batch of 4 examples",
                        "each layer's dense_backward returns dA_prev: that is the next (lower) layer's dA"),
        _public_network([3, 2], ("sigmoid",), 3, 85, "a one-layer network (3-2, sigmoid), 3 examples",
                        "with one layer, grads is a list holding one (dW, db) pair"),
        _public_network([2, 4, 3], ("relu", "linear"), 5, 86,
                        "a 2-4-3 network (relu, linear), a batch of 5 examples",
                        "grads[l] must have the shapes of (W, b) of layer l + 1"),
    ],
    hidden_groups=_backward_groups,
    mistakes=[
        Mistake("the gradients are in reverse order (last layer first)",
                "grads[0] must be the first layer's (dW1, db1): fill a list of length L by index, "
                "or reverse your list before returning it", _wrong_reversed),
        Mistake("dA_prev is not passed back (every layer receives dy_hat)",
                "each layer's dA is the dA_prev that the layer above it returned", _wrong_not_passed_back),
        Mistake("only the last layer's gradients are returned",
                "loop over every cache, from the last to the first, and keep each (dW, db)",
                _wrong_last_layer_only),
        Mistake("the first layer's gradients are missing",
                "the loop must also run for the first layer (index 0)", _wrong_first_layer_missing),
    ],
    answer=GRADS,
    uses=("dense_backward",),
))


# ====================================================================== numerical_gradient
@argument_function
def half_square_norm(x):
    """f(x) = ½ Σ x², gradient x."""
    return 0.5 * float(np.sum(x ** 2))


@argument_function
def half_square_of_sum(x):
    """f(x) = ½ (Σ x)², gradient Σ x in every entry (every entry interacts with every other)."""
    return 0.5 * float(np.sum(x)) ** 2


@argument_function
def sum_of_sines(x):
    """f(x) = Σ sin(x), gradient cos(x)."""
    return float(np.sum(np.sin(x)))


@argument_function
def log_sum_exp(x):
    """f(x) = log Σ exp(x), gradient softmax(x)."""
    m = float(np.max(x))
    return m + float(np.log(np.sum(np.exp(x - m))))


@argument_function
def sum_of_exps(x):
    """f(x) = Σ exp(x), gradient exp(x)."""
    return float(np.sum(np.exp(x)))


_NET_X = np.array([[0.5, -1.0, 2.0], [1.5, 0.3, -0.7], [-0.2, 0.8, 0.1], [1.0, 1.0, -1.0]])
_NET_V = np.array([[0.7], [-1.2]])
_NET_Y = np.array([[1.0], [0.0], [1.0], [0.0]])


@argument_function
def tiny_network_cost(W):
    """C = Σ ½ (ŷ − y)² of a fixed 3-2-1 sigmoid network on 4 fixed examples, as a function
    of its first-layer weights W (shape (3, 2))."""
    A1 = _activations.sigmoid(_NET_X @ W)
    y_hat = _activations.sigmoid(A1 @ _NET_V)
    return 0.5 * float(np.sum((y_hat - _NET_Y) ** 2))


VECTOR_FUNCTIONS = (half_square_of_sum, sum_of_sines, log_sum_exp, sum_of_exps)


def _wrong_forward_difference(f, x, h=1e-5):
    grad = np.zeros_like(x)
    f0 = f(x)
    for i in np.ndindex(x.shape):
        old = x[i]
        x[i] = old + h
        grad[i] = (f(x) - f0) / h
        x[i] = old
    return grad


def _wrong_divided_by_h(f, x, h=1e-5):
    return 2.0 * _ref_numerical_gradient(f, x, h)


def _wrong_not_restored(f, x, h=1e-5):
    grad = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        old = x[i]
        x[i] = old + h
        f_plus = f(x)
        x[i] = old - h
        f_minus = f(x)
        grad[i] = (f_plus - f_minus) / (2 * h)      # x[i] stays at old − h
    return grad


def _numerical_gradient_groups(rng):
    """Three groups (each one share of the points): vectors, matrices, the default h."""
    def name(f):
        return f.__name__

    vectors = []
    for f in VECTOR_FUNCTIONS:
        x = rng.normal(0, 1.0, int(rng.integers(2, 7)))
        h = float(rng.choice([1e-2, 1e-3, 1e-4]))
        vectors.append(Case((f, x, h), f"f = {name(f)}, x of shape {x.shape}, h = {h:g}"))
    matrices = []
    for _ in range(2):
        W = rng.normal(0, 1.0, (3, 2))
        h = float(rng.choice([1e-2, 1e-3]))
        matrices.append(Case((tiny_network_cost, W, h), f"f = tiny_network_cost, x = W of shape (3, 2), h = {h:g}"))
    for f in (half_square_of_sum, sum_of_sines):
        x = rng.normal(0, 1.0, (int(rng.integers(2, 4)), int(rng.integers(2, 4))))
        h = 1e-3
        matrices.append(Case((f, x, h), f"f = {name(f)}, x a matrix of shape {x.shape}, h = {h:g}"))
    default = []
    for f in (sum_of_exps, half_square_of_sum, tiny_network_cost):
        x = rng.normal(0, 1.0, (3, 2) if f is tiny_network_cost else int(rng.integers(2, 6)))
        default.append(Case((f, x), f"f = {name(f)}, x of shape {x.shape}, h not given (default 1e-5)"))
    return [
        ("vectors, several functions and step sizes h", vectors),
        ("matrices, among them a network's cost as a function of W", matrices),
        ("the default step h = 1e-5", default),
    ]


NUMERICAL_GRADIENT = register(Exercise(
    name="numerical_gradient",
    signature="numerical_gradient(f, x, h=1e-5)",
    reference=_ref_numerical_gradient,
    public_cases=[
        Case((half_square_norm, np.array([1.0, 2.0, 3.0]), 1e-3),
             "f(x) = ½ Σ x² at x = (1, 2, 3), h = 0.001 (the gradient is x itself)",
             "for each entry i: (f(x + h e_i) − f(x − h e_i)) / (2h), where e_i changes entry i only"),
        Case((half_square_of_sum, np.array([0.5, -1.0, 2.0]), 1e-2),
             "f(x) = ½ (Σ x)² at x = (0.5, −1, 2), h = 0.01 (every entry of the gradient is Σ x = 1.5)",
             "put x[i] back to its old value after the two evaluations, before moving to the next entry"),
        Case((sum_of_sines, np.array([0.0, 1.0]), 1e-2),
             "f(x) = Σ sin(x) at x = (0, 1), h = 0.01 (the gradient is about cos(x))",
             "use the central difference: the two points x + h e_i and x − h e_i are 2h apart"),
        Case((tiny_network_cost, np.array([[0.1, -0.2], [0.3, 0.4], [-0.5, 0.6]]), 1e-3),
             "a network's cost as a function of its 3×2 weight matrix W, h = 0.001",
             "x can be a matrix: loop over np.ndindex(x.shape) and return an array of x's shape"),
        Case((sum_of_exps, np.array([0.0, 1.0])),
             "f(x) = Σ exp(x) at x = (0, 1), h not given (default 1e-5)",
             "give h a default value: def numerical_gradient(f, x, h=1e-5)"),
    ],
    hidden_groups=_numerical_gradient_groups,
    mistakes=[
        Mistake("a forward difference (f(x + h) − f(x)) / h",
                "use the central difference (f(x + h e_i) − f(x − h e_i)) / (2h): its error shrinks "
                "like h², the forward difference's only like h", _wrong_forward_difference),
        Mistake("divided by h instead of 2h",
                "the two points x + h e_i and x − h e_i are 2h apart: divide by 2 * h", _wrong_divided_by_h),
        Mistake("x is not restored after each entry",
                "after the two evaluations set x[i] back to its old value (or work on a copy); "
                "otherwise every later entry is computed at a shifted point", _wrong_not_restored),
    ],
))
