"""Chapter 09 (training a network): the graded capstone `build_and_train(X_train, y_train)`.

The student writes

    build_and_train(X_train, y_train) -> model      (model.predict(X) gives labels 0/1)

for a 2-D binary problem (X_train (n, 2), y_train (n, 1)). A model is an object, and the
sandboxed autograder can only send plain data back from the student's process, so the
exercise is graded on *predictions*: the engine-facing function is

    fit_predict(X_train, y_train, X_test) = build_and_train(X_train, y_train).predict(X_test)

(`as_fit_predict(student)` builds it, with clear messages when the student returns None or
an object without `predict`), and its answer key is this module's `build_and_predict`.

What is compared is the student's predictions with the TRUE labels of the held-out points
(not with the answer key's predictions): a case carries its labels (`LabelledCase.truth`),
`expected(case)` returns them, and `compare` passes when the accuracy is at least
`PASS_ACCURACY` (90 %). The hidden groups are four fresh data sets (circle, xor, gauss,
spiral; noise, n = 300, seeds drawn from the grading rng), each one share of the points, so
a network that only manages the linear `gauss` set earns a quarter.

Typical mistakes are recognised from the predictions themselves (training is random, so a
buggy answer cannot be reproduced exactly): probabilities instead of labels, one class for
every point, swapped labels, and a boundary that is a straight line (no hidden layer, or
linear activations).

For the sandboxed grader: call `as_fit_predict(fn)(*case.args)` instead of `fn(*case.args)`
for this exercise (`FitPredictExercise.adapter == "fit_predict"`); see the chapter author's
report. The answer key keeps the code identity of `nnlib.models.build_and_train`
(`__code__`), so the grader's tripwire notices a submission that simply calls nnlib's
reference; students may use `Sequential`, `Dense` and `fit` freely.
"""
from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any, Callable

import numpy as np

from .. import datasets as _datasets
from .. import models as _models
from .engine import ERROR, FAIL, PASS, TODO, Case, Exercise, Mistake, Outcome, _quiet, register

PASS_ACCURACY = 0.90
DATASETS = ("circle", "xor", "gauss", "spiral")
N_POINTS = 300
TEST_FRACTION = 0.25


# ---------------------------------------------------------------------- a case with its labels
@dataclass(frozen=True)
class LabelledCase(Case):
    """A case (X_train, y_train, X_test) that also knows the true labels y_test of X_test."""

    truth: Any = None


def draw_case(name, noise, seed, split_seed, kind="") -> LabelledCase:
    """The case for data set `name`: n = 300 points, 75 held out (a quarter)."""
    X, y = _datasets.make_2d(name, n=N_POINTS, noise=noise, seed=seed)
    X_train, X_test, y_train, y_test = _datasets.train_test_split(X, y, TEST_FRACTION, seed=split_seed)
    label = (f"{kind}{name}: {len(X_train)} training points, {len(X_test)} held-out points, "
             f"noise = {noise:.3g}")
    return LabelledCase((X_train, y_train, X_test), label,
                        "a hidden layer (or two) with a non-linear activation, enough epochs, "
                        "and predict() must return labels 0/1", truth=y_test)


# ---------------------------------------------------------------------- the answer key
def _features(X):
    """The inputs scaled to about [-1, 1] plus TensorFlow Playground's sin and cos features."""
    X = np.asarray(X, dtype=float)
    return np.column_stack([X / 5.0, np.sin(X), np.cos(X)])


class _FeaturesAndNetwork:
    """A trained model: the feature map followed by a Sequential network."""

    def __init__(self, network):
        self.network = network

    def predict(self, X):
        return self.network.predict(_features(X))


def _train(X_train, y_train):
    """Two tanh layers of 32 units on the features; up to three starts, keep the best fit."""
    F = _features(X_train)
    y_train = np.asarray(y_train, dtype=float).reshape(-1, 1)
    best = None
    for seed in range(3):
        network = _models.Sequential([_models.Dense(F.shape[1], 32, "tanh"), _models.Dense(32, 32, "tanh"),
                                      _models.Dense(32, 1, "sigmoid")], seed=seed)
        network.fit(F, y_train, loss="binary_cross_entropy", lr=0.05, epochs=400, batch_size=32,
                    momentum=0.9, seed=seed)
        accuracy = network.accuracy(F, y_train)
        if best is None or accuracy > best[0]:
            best = (accuracy, network)
        if accuracy >= 0.99:
            break
    return _FeaturesAndNetwork(best[1])


class _BuildAndPredict:
    """build_and_predict(X_train, y_train, X_test): train the reference, predict (n_test, 1) labels.

    `__code__` is nnlib.models.build_and_train's, so the grader's tripwire (which watches the
    answer key's code) notices a submission that returns nnlib's ready-made model."""

    __code__ = _models.build_and_train.__code__
    __name__ = "build_and_predict"
    __qualname__ = "build_and_predict"

    def __call__(self, X_train, y_train, X_test):
        return _train(X_train, y_train).predict(X_test)


build_and_predict = _BuildAndPredict()


def build_and_train_reference(X_train, y_train):
    """What a full-marks build_and_train returns: a model with predict(X) -> (n, 1) labels."""
    return _train(X_train, y_train)


# ---------------------------------------------------------------------- student -> predictions
class NotAModel(Exception):
    """The student's build_and_train did not return something with a predict method."""


def as_fit_predict(student: Callable) -> Callable:
    """fit_predict(X_train, y_train, X_test) = student(X_train, y_train).predict(X_test)."""

    def fit_predict(X_train, y_train, X_test):
        model = student(X_train, y_train)
        if model is None:
            raise NotAModel("build_and_train returned None: end it with `return model`, the trained "
                            "model (an object with a predict method)")
        if not callable(getattr(model, "predict", None)):
            raise NotAModel(f"build_and_train returned an object of type {type(model).__name__}, "
                            f"which has no predict method: return the trained model itself")
        return model.predict(X_test)

    fit_predict.__name__ = getattr(student, "__name__", "build_and_train")
    return fit_predict


# ---------------------------------------------------------------------- comparing with the labels
def _as_labels(received, n):
    """(labels as a 1-D float array, "") or (None, what is wrong with `received`)."""
    if received is None:
        return None, "predict returned None: return the array of predicted labels"
    try:
        values = np.asarray(received, dtype=float)
    except (TypeError, ValueError):
        return None, f"predict returned an object of type {type(received).__name__}, not an array of numbers"
    if values.shape not in ((n, 1), (n,)):
        return None, (f"predict returned an array of shape {values.shape}; expected one label per "
                      f"held-out point, shape ({n}, 1)")
    return values.reshape(-1), ""


def accuracy_of(received, truth) -> float:
    """Fraction of held-out points whose predicted label equals the true one (0.0 if unusable)."""
    truth = np.asarray(truth, dtype=float).reshape(-1)
    labels, problem = _as_labels(received, len(truth))
    if problem:
        return 0.0
    return float(np.mean(labels == truth))


def compare_accuracy(received, truth) -> str:
    """"" when `received` gets at least PASS_ACCURACY of the true labels `truth`, else why not."""
    truth = np.asarray(truth, dtype=float).reshape(-1)
    labels, problem = _as_labels(received, len(truth))
    if problem:
        return problem
    if not np.all(np.isfinite(labels)):
        return "the predictions contain NaN or infinite values: training diverged (lower lr)"
    if not np.all(np.isin(labels, (0.0, 1.0))):
        distance = np.minimum(np.abs(labels), np.abs(labels - 1.0))
        return (f"the predictions must be the labels 0 or 1; received values such as "
                f"{labels[np.argmax(distance)]:.4g}")
    accuracy = float(np.mean(labels == truth))
    if accuracy < PASS_ACCURACY:
        return (f"accuracy {accuracy:.1%} on the held-out points ({int(np.sum(labels == truth))} of "
                f"{len(truth)}); at least {PASS_ACCURACY:.0%} is needed")
    return ""


def _linearly_separable(X, labels) -> bool:
    """True when a straight line reproduces (almost) all of `labels` on the points X."""
    if len(np.unique(labels)) < 2:
        return False
    X = np.asarray(X, dtype=float)
    Xs = (X - X.mean(axis=0)) / (X.std(axis=0) + 1e-12)
    unit = _models.Sequential([_models.Dense(X.shape[1], 1, "sigmoid")], seed=0)
    with np.errstate(all="ignore"):
        unit.fit(Xs, labels.reshape(-1, 1), loss="binary_cross_entropy", lr=1.0, epochs=300,
                 batch_size=len(Xs), seed=0)
    return float(np.mean(unit.predict(Xs).reshape(-1) == labels)) >= 0.97


# ---------------------------------------------------------------------- typical mistakes
# `wrong` has the answer key's signature (X_train, y_train, X_test) -> predictions; it shows what
# the mistake produces. Recognition works on the predictions (see FitPredictExercise.recognise).
def _no_hidden_layer(X_train, y_train, X_test):
    unit = _models.Sequential([_models.Dense(2, 1, "sigmoid")], seed=0)
    unit.fit(X_train, y_train, loss="binary_cross_entropy", lr=0.1, epochs=200, batch_size=32)
    return unit.predict(X_test)


def _probabilities(X_train, y_train, X_test):
    model = _train(X_train, y_train)
    return model.network.predict_proba(_features(X_test))


def _one_class(X_train, y_train, X_test):
    return np.zeros((len(X_test), 1))


def _swapped(X_train, y_train, X_test):
    return 1.0 - build_and_predict(X_train, y_train, X_test)


def _is_probabilities(X_test, labels, truth):
    return (np.all(np.isfinite(labels)) and np.all((labels >= 0) & (labels <= 1))
            and not np.all(np.isin(labels, (0.0, 1.0))))


def _is_one_class(X_test, labels, truth):
    return np.all(np.isin(labels, (0.0, 1.0))) and len(np.unique(labels)) == 1


def _is_swapped(X_test, labels, truth):
    return np.all(np.isin(labels, (0.0, 1.0))) and np.mean(labels == truth) <= 0.1


def _is_straight(X_test, labels, truth):
    return np.all(np.isin(labels, (0.0, 1.0))) and _linearly_separable(X_test, labels)


MISTAKES = [
    Mistake("predict returns probabilities, not labels",
            "turn the sigmoid outputs into labels: (y_hat > 0.5).astype(float); nnlib's "
            "Sequential.predict does this, predict_proba does not", _probabilities),
    Mistake("every point gets the same class",
            "the network did not learn: check that fit is called on (X_train, y_train), that lr is "
            "neither tiny nor huge, and train for more epochs", _one_class),
    Mistake("the labels 0 and 1 are swapped",
            "predict class 1 when the output is above 0.5 (not below), and train on y_train as given",
            _swapped),
    Mistake("the boundary is a straight line",
            "one neuron (no hidden layer) or linear hidden activations can only draw a straight "
            "boundary; add a hidden layer with tanh or ReLU units", _no_hidden_layer),
]
_SYMPTOMS = {MISTAKES[0].label: _is_probabilities, MISTAKES[1].label: _is_one_class,
             MISTAKES[2].label: _is_swapped, MISTAKES[3].label: _is_straight}


# ---------------------------------------------------------------------- the exercise
@dataclass
class FitPredictExercise(Exercise):
    """An exercise whose student function returns a model: graded on model.predict(X_test),
    against the true labels of the held-out points (accuracy >= PASS_ACCURACY passes)."""

    adapter: str = "fit_predict"

    def expected(self, case):
        """The true labels of the held-out points (not the answer key's predictions)."""
        return case.truth

    def compare(self, received, expected) -> str:
        return compare_accuracy(received, expected)

    def adapt(self, student: Callable) -> Callable:
        return as_fit_predict(student)

    def recognise(self, case, received) -> Mistake | None:
        """The typical mistake the predictions show (on a failing case), or None."""
        truth = np.asarray(case.truth, dtype=float).reshape(-1)
        labels, problem = _as_labels(received, len(truth))
        if problem or compare_accuracy(received, case.truth) == "":
            return None
        for mistake in self.mistakes:
            try:
                with np.errstate(all="ignore"):
                    if _SYMPTOMS[mistake.label](case.args[2], labels, truth):
                        return mistake
            except Exception:
                continue
        return None

    def run(self, student: Callable, cases, capture_stdout=False) -> list:
        """Train the student's model on each case's training set, predict the held-out points."""
        fit_predict = self.adapt(student)
        outcomes = []
        for case in cases:
            expected = self.expected(case)
            try:
                with _quiet(capture_stdout):
                    received = fit_predict(*copy.deepcopy(case.args))
            except NotImplementedError:
                outcomes.append(Outcome(case, TODO, "not implemented yet", expected))
                break
            except NotAModel as exc:
                outcomes.append(Outcome(case, ERROR, str(exc), expected))
                continue
            except Exception as exc:  # the student's code may raise anything: report it
                outcomes.append(Outcome(case, ERROR, f"raised {type(exc).__name__}: {exc}", expected))
                continue
            problem = self.compare(received, expected)
            outcome = Outcome(case, FAIL if problem else PASS, problem, expected, received)
            if problem:
                mistake = self.recognise(case, received)
                if mistake is not None:
                    outcome.message += f" (this looks like a known mistake: {mistake.label})"
                    outcome.case = Case(case.args, case.label, mistake.hint, case.kwargs)
            else:
                outcome.message = f"accuracy {accuracy_of(received, expected):.1%}"
            outcomes.append(outcome)
        return outcomes

    def public(self, student: Callable) -> None:
        """Like Exercise.public, and also prints each data set's held-out accuracy."""
        outcomes = self.run(student, self.public_cases)
        if outcomes and outcomes[-1].status == TODO:
            print(f"✗ {self.name} is not implemented yet: replace the line "
                  f"`raise NotImplementedError()` in the exercise cell with your code, run that "
                  f"cell, then run this one again.")
            print("These public checks only help you; hidden checks on other inputs decide "
                  "the grade.")
            return None
        print(f"Checking {self.signature} on {len(outcomes)} public data sets "
              f"(pass: at least {PASS_ACCURACY:.0%} of the held-out points right):")
        for o in outcomes:
            if o.passed:
                print(f"  ✓ {o.case.label}: {o.message}")
            else:
                print(f"  ✗ {o.case.label}")
                print(f"      {o.message}")
                if o.case.hint:
                    print(f"      hint: {o.case.hint}")
        passed = sum(o.passed for o in outcomes)
        verdict = "all pass" if passed == len(outcomes) else f"{passed} of {len(outcomes)} pass"
        print(f"{verdict}. These public checks only help you; hidden checks on fresh data sets "
              f"decide the grade.")
        return None


def _build_and_train_groups(rng: np.random.Generator):
    """One group per data set, each a fresh draw (noise, data seed, split seed) from rng."""
    noise_range = {"circle": (0.0, 0.1), "xor": (0.0, 0.1), "gauss": (0.0, 0.1), "spiral": (0.0, 0.1)}
    groups = []
    for name in DATASETS:
        noise = float(np.round(rng.uniform(*noise_range[name]), 3))
        case = draw_case(name, noise, int(rng.integers(0, 2**31)), int(rng.integers(0, 2**31)))
        groups.append((f"{name} (a fresh data set, at least {PASS_ACCURACY:.0%} of the held-out points)",
                       [case]))
    return groups


BUILD_AND_TRAIN = register(FitPredictExercise(
    name="build_and_train",
    signature="build_and_train(X_train, y_train).predict(X_test)",
    reference=build_and_predict,
    public_cases=[draw_case("circle", 0.05, 1, 1, "public "), draw_case("xor", 0.05, 2, 2, "public "),
                  draw_case("gauss", 0.05, 3, 3, "public "), draw_case("spiral", 0.05, 4, 4, "public ")],
    hidden_groups=_build_and_train_groups,
    mistakes=MISTAKES,
))
