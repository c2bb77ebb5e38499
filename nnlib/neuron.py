"""One artificial neuron, for one example (chapter 02).

    z = x · w + b = Σ_j x_j w_j + b        (weighted sum plus bias)
    a = g(z)                                 (activation)

With g = sigmoid this is exactly a logistic-regression unit; with g = step it is
Rosenblatt's perceptron.
"""
import numpy as np

from . import activations


def neuron_output(x, w, b, activation):
    """Return g(x · w + b) as a Python float for one example.

    x, w       : 1-D arrays of the same length d (inputs and their weights)
    b          : a number (the bias)
    activation : a name such as "sigmoid" (see activations.NAMES) or a function g

    Example (the lectures' perceptron): x = (-1, 2), w = (3, -2), b = 1 gives
    z = 1 + 3·(-1) + (-2)·2 = -6 and sigmoid(-6) ≈ 0.00247.
    """
    x = np.asarray(x, dtype=float)
    w = np.asarray(w, dtype=float)
    if x.ndim != 1 or w.ndim != 1 or x.shape != w.shape:
        raise ValueError(
            f"neuron_output needs x and w as 1-D arrays of the same length; "
            f"got x of shape {x.shape} and w of shape {w.shape}"
        )
    if np.ndim(b) != 0:
        raise ValueError(f"b must be a single number; got an array of shape {np.shape(b)}")
    g = activation if callable(activation) else activations.get(activation)[0]
    z = float(x @ w + b)
    return float(np.asarray(g(np.array(z))).item())
