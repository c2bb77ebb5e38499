"""Every public function and class of nnlib teaches: it has a docstring, and the core ones state an equation."""
import importlib
import inspect
import pkgutil
import re

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
        normalization.batchnorm_backward: ["dout", "cache"],
        activations.softmax: ["Z"], losses.softmax_cross_entropy_grad: ["Z", "y"],
    }
    for fn, params in expected.items():
        names = list(inspect.signature(fn).parameters)
        assert names[:len(params)] == params, f"{fn.__name__}{inspect.signature(fn)}"
    for fn, params in {optim.minibatches: ["X", "y", "batch_size", "rng"],
                       optim.train_epoch: ["X", "y", "params", "activations", "lr", "batch_size", "rng"],
                       normalization.standardize: ["X_train"], nnlib.build_and_train: ["X_train", "y_train"]}.items():
        assert set(params) <= set(inspect.signature(fn).parameters), fn.__name__
    from nnlib import datasets
    assert list(inspect.signature(datasets.digits).parameters) == [], "datasets.digits() takes no arguments"


def _answer_keys():
    """(exercise, nnlib function) for every graded exercise whose answer key is the nnlib function
    of the same name (train_digits, whose keys are ready-made trainers, has none)."""
    import nnlib.checks  # noqa: F401 - registers every chapter's exercises
    from nnlib.checks.spec import EXERCISES
    pairs = []
    for exercise in EXERCISES.values():
        for key in exercise.answer_keys:
            module, _, attr = key.rpartition(".")
            if attr == exercise.name and module.startswith("nnlib.") and not module.startswith("nnlib.checks"):
                pairs.append((exercise, getattr(importlib.import_module(module), attr)))
    return pairs


def test_every_graded_exercise_matches_its_answer_key():
    """The signature an exercise states to students names the answer key's parameters, in order,
    and the answer key explains itself: a renamed parameter (beta -> mu) or a new exercise whose
    nnlib function has no docstring fails here."""
    pairs = _answer_keys()
    assert len(pairs) >= 25, f"only {len(pairs)} exercises have an nnlib answer key of their own name"
    for exercise, fn in pairs:
        stated = re.match(r"\w+\((.*?)\)", exercise.signature).group(1)
        stated = [part.split("=")[0].strip() for part in stated.split(",") if part.strip()]
        actual = list(inspect.signature(fn).parameters.values())
        for i, name in enumerate(stated):
            if i < len(actual) and actual[i].kind is inspect.Parameter.VAR_POSITIONAL:
                break                                   # standardize(X_train, *X_others)
            assert i < len(actual) and actual[i].name == name, \
                f"{exercise.name}: the exercise states {exercise.signature}, nnlib has {fn.__name__}{inspect.signature(fn)}"
        assert len((fn.__doc__ or "").strip()) > 20, f"{fn.__module__}.{fn.__name__} has no docstring to read"


def test_optimizer_and_batchnorm_docstrings_use_the_course_symbols():
    """Chapter 06 writes the momentum coefficient μ and Adam's decay rates ρ₁, ρ₂ (β is taken);
    chapter 11 derives batch norm's backward pass through μ_B and σ²_B."""
    from nnlib import normalization, optim
    assert "μ" in optim.momentum_step.__doc__ and "β" not in optim.momentum_step.__doc__
    for symbol in ("ρ₁", "ρ₂", "ε", "m̂", "v̂"):
        assert symbol in optim.adam_step.__doc__, f"adam_step's docstring should write {symbol}"
    for symbol in ("μ_B", "σ²_B", "dgamma", "dbeta", "dZ ="):
        assert symbol in normalization.batchnorm_backward.__doc__, f"batchnorm_backward's docstring lacks {symbol}"
