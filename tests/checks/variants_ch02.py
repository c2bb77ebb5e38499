"""Chapter 02's variants: neuron_output. (tests/checks/test_checks.py keeps a few of these as tests of
the engine itself: partial credit per group, the seed taken from NNLIB_GRADING_SEED.)"""
import math

import numpy as np

from nnlib import activations, neuron

from .variants import Variant, correct as correct_variants


def correct(x, w, b, activation):
    x, w = np.asarray(x, dtype=float), np.asarray(w, dtype=float)
    g = activation if callable(activation) else activations.get(activation)[0]
    return float(g(x @ w + b))


def correct_loop(x, w, b, activation):
    """A plain loop over the inputs, the activation looked up by name or used as given."""
    z = b
    for x_j, w_j in zip(x, w):
        z += float(x_j) * float(w_j)
    g = activation if callable(activation) else activations.get(activation)[0]
    return float(np.asarray(g(np.array(float(z)))))


def not_implemented(x, w, b, activation):
    # YOUR CODE HERE
    raise NotImplementedError()


def always_sigmoid(x, w, b, activation):
    z = np.asarray(x, dtype=float) @ np.asarray(w, dtype=float) + b
    return float(1 / (1 + np.exp(-z)))


def no_bias(x, w, b, activation):
    return correct(x, w, 0.0, activation)


def no_activation(x, w, b, activation):
    return float(np.asarray(x, dtype=float) @ np.asarray(w, dtype=float) + b)


def bias_per_input(x, w, b, activation):
    return correct(x, w, b * len(x), activation)


def returns_array(x, w, b, activation):
    return np.array([correct(x, w, b, activation)])


def crashes(x, w, b, activation):
    return x.dot(w)


def math_exp_sigmoid_only(x, w, b, activation):
    """Right for the sigmoid given by name, and nothing else."""
    z = sum(a * c for a, c in zip(x, w)) + b
    return 1 / (1 + math.exp(-z))


VARIANTS = [
    *correct_variants("neuron_output", correct, correct_loop, neuron.neuron_output),
    Variant("neuron_output", always_sigmoid, 0.5, "the sigmoid is used whatever the activation"),
    Variant("neuron_output", math_exp_sigmoid_only, 0.5, "the sigmoid is used whatever the activation"),
    Variant("neuron_output", no_bias, 0.0, "the bias is missing"),
    Variant("neuron_output", no_activation, 0.0, "the activation is not applied"),
    Variant("neuron_output", bias_per_input, 0.0, "the bias is added once per input"),
    Variant("neuron_output", returns_array, 0.0, None, says=("single number",)),
    Variant("neuron_output", crashes, 0.0, None, says=("raised",)),
    Variant("neuron_output", not_implemented, 0.0, None, says=("not implemented yet",)),
]
