"""Chapter 02 (the neuron): checks for neuron_output(x, w, b, activation) = g(x·w + b)."""
import numpy as np

from .. import activations as _activations
from ..neuron import neuron_output as _ref_neuron_output
from .compare import show
from .spec import Case, Exercise, Mistake, register

def _g(activation):
    return activation if callable(activation) else _activations.get(activation)[0]


def _z(x, w, b):
    return np.asarray(x, dtype=float) @ np.asarray(w, dtype=float) + b


def _neuron_output_groups(rng: np.random.Generator):
    """Four groups of random hidden cases for neuron_output (each group a share of the points)."""

    def vectors(d):
        return rng.normal(0, 1.5, d), rng.normal(0, 1.0, d), float(rng.uniform(-2, 2))

    def case(x, w, b, g, kind):
        return Case((x, w, b, g), f"{kind}, x = {show(x)}, w = {show(w)}, b = {show(b)}")

    sigmoid = [case(*vectors(int(d)), "sigmoid", "sigmoid") for d in rng.integers(1, 9, 6)]
    named = [case(*vectors(int(rng.integers(2, 7))), name, name)
             for name in ("tanh", "relu", "leaky_relu", "step", "linear")]
    functions = [case(*vectors(int(rng.integers(2, 7))), g, f"g = np.{g.__name__}")
                 for g in (np.sin, np.cos, np.tanh)]
    as_lists = []
    for _ in range(3):
        d = int(rng.integers(2, 6))
        x = [int(v) for v in rng.integers(-3, 4, d)]
        w = rng.integers(-2, 3, d)
        b = int(rng.integers(-2, 3))
        as_lists.append(Case((x, w, b, "sigmoid"),
                             f"integers, x = {show(x)} (a list), w = {show(w)} (an int array), "
                             f"b = {show(b)}"))
    return [
        ("sigmoid on random inputs", sigmoid),
        ("every activation by name (tanh, relu, leaky_relu, step, linear)", named),
        ("activation given as a function", functions),
        ("integer inputs given as lists and int arrays", as_lists),
    ]


NEURON_OUTPUT = register(Exercise(
    name="neuron_output",
    signature="neuron_output(x, w, b, activation)",
    reference=_ref_neuron_output,
    public_cases=[
        Case(((-1.0, 2.0), (3.0, -2.0), 1.0, "sigmoid"),
             "the lecture's perceptron: x = (-1, 2), w = (3, -2), b = 1, sigmoid",
             "z = x·w + b = 3·(-1) + (-2)·2 + 1 = -6, and the output is g(z) = sigmoid(-6)"),
        Case(((0.9, 0.2, 0.3), (2.0, 3.0, -1.0), 0.5, "sigmoid"),
             "the lecture's logistic unit: x = (0.9, 0.2, 0.3), w = (2, 3, -1), b = 0.5, sigmoid",
             "z = 0.9·2 + 0.2·3 + 0.3·(-1) + 0.5 = 2.6; add the bias once, not once per input"),
        Case(((0.0, 0.0), (1.0, 1.0), 2.0, "linear"),
             "the bias alone: x = (0, 0), w = (1, 1), b = 2, linear",
             "with x = 0 the weighted sum is 0, so z = b and the output is g(b)"),
        Case(((1.0, -1.0), (0.5, 0.25), 0.0, "tanh"),
             "activation by name: x = (1, -1), w = (0.5, 0.25), b = 0, tanh",
             "look the function up by its name: g = activations.get(activation)[0]"),
        Case(((1.0, 2.0), (-1.0, -1.0), 0.5, "relu"),
             "relu of a negative z: x = (1, 2), w = (-1, -1), b = 0.5",
             "z = -2.5 and relu(z) = max(0, z)"),
        Case(((1.0, 2.0), (0.5, 0.5), 0.0, np.sin),
             "activation given as a function, g = np.sin: x = (1, 2), w = (0.5, 0.5), b = 0",
             "when activation is callable, use it as g directly (check with callable(activation))"),
        Case(([1, 2, 3], [1, 0, -1], 1, "step"),
             "inputs as Python lists of integers: x = [1, 2, 3], w = [1, 0, -1], b = 1, step",
             "convert with np.asarray(x, dtype=float) and return one number, e.g. float(g(z))"),
    ],
    hidden_groups=_neuron_output_groups,
    mistakes=[
        Mistake("the bias is missing", "z = x·w + b: add b after the weighted sum",
                lambda x, w, b, g: float(_g(g)(_z(x, w, 0.0)))),
        Mistake("the bias is added after the activation: g(x·w) + b",
                "first z = x·w + b, then the output g(z): the bias goes inside g",
                lambda x, w, b, g: float(_g(g)(_z(x, w, 0.0)) + b)),
        Mistake("the bias is added once per input",
                "add b once to the sum, not to every product x_j·w_j",
                lambda x, w, b, g: float(_g(g)(_z(x, w, b) + (len(x) - 1) * b))),
        Mistake("the activation is not applied", "return g(z), not z",
                lambda x, w, b, g: float(_z(x, w, b))),
        Mistake("the sigmoid is used whatever the activation",
                "use the activation you are given: activations.get(name)[0], or the function itself",
                lambda x, w, b, g: float(_activations.sigmoid(_z(x, w, b)))),
    ],
))
