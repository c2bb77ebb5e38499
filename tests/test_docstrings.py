"""Every public function and class of nnlib teaches: it has a docstring, and the core ones state an equation."""
import importlib
import inspect
import pkgutil

import pytest

import nnlib

MODULES = sorted(m.name for m in pkgutil.walk_packages(nnlib.__path__, "nnlib.") if not m.name.split(".")[-1].startswith("_"))


def _public_members(module):
    for name, obj in vars(module).items():
        if name.startswith("_") or getattr(obj, "__module__", None) != module.__name__:
            continue
        if inspect.isfunction(obj) or inspect.isclass(obj):
            yield name, obj


@pytest.mark.parametrize("module_name", MODULES)
def test_every_public_function_has_a_docstring(module_name):
    module = importlib.import_module(module_name)
    assert module.__doc__ and len(module.__doc__.strip()) > 40, f"{module_name} has no module docstring"
    missing = [name for name, obj in _public_members(module) if not (obj.__doc__ or "").strip()]
    assert not missing, f"{module_name}: no docstring for {missing}"


@pytest.mark.parametrize("module_name", ["nnlib.activations", "nnlib.layers", "nnlib.network", "nnlib.losses",
                                         "nnlib.optim", "nnlib.gradcheck", "nnlib.regularization",
                                         "nnlib.normalization", "nnlib.neuron"])
def test_core_module_docstrings_state_the_equations(module_name):
    doc = importlib.import_module(module_name).__doc__
    assert "=" in doc and any(sym in doc for sym in ("Z", "z", "W", "C", "∂", "σ"))


def test_the_exercise_references_exist_with_their_signatures():
    from nnlib import activations, layers, losses, network, normalization, optim, regularization, gradcheck
    expected = {
        nnlib.neuron_output: ["x", "w", "b", "activation"],
        activations.sigmoid: ["Z"], activations.sigmoid_prime: ["Z"], activations.tanh_prime: ["Z"],
        activations.relu: ["Z"], activations.relu_prime: ["Z"],
        layers.dense_forward: ["A_prev", "W", "b", "activation"], layers.dense_backward: ["dA", "cache"],
        network.forward: ["X", "params", "activations"], network.backward: ["dy_hat", "caches"],
        losses.half_sse: ["y_hat", "y"], losses.half_sse_grad: ["y_hat", "y"],
        losses.binary_cross_entropy: ["p", "y"], losses.binary_cross_entropy_grad: ["p", "y"],
        optim.gradient_descent: ["grad_fn", "w0", "lr", "max_steps", "tol"],
        optim.sgd_step: ["params", "grads", "lr"],
        optim.momentum_step: ["params", "grads", "velocity", "lr", "mu"],
        optim.adam_step: ["params", "grads", "m", "v", "t", "lr", "rho1", "rho2", "eps"],
        gradcheck.numerical_gradient: ["f", "x", "h"],
        regularization.l2_penalty: ["params", "lam"], regularization.l2_grad: ["params", "lam"],
        regularization.dropout_forward: ["A", "keep_prob", "rng"],
        regularization.dropout_backward: ["dA", "mask", "keep_prob"],
        regularization.early_stopping_epoch: ["val_losses", "patience", "min_delta"],
        normalization.batchnorm_forward: ["Z", "gamma", "beta", "eps"],
    }
    for fn, params in expected.items():
        names = list(inspect.signature(fn).parameters)
        assert names[:len(params)] == params, f"{fn.__name__}{inspect.signature(fn)}"
    for fn, params in {optim.minibatches: ["X", "y", "batch_size", "rng"],
                       optim.train_epoch: ["X", "y", "params", "activations", "lr", "batch_size", "rng"],
                       normalization.standardize: ["X_train"], nnlib.build_and_train: ["X_train", "y_train"]}.items():
        assert set(params) <= set(inspect.signature(fn).parameters), fn.__name__
