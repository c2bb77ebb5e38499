"""Chapter 09's graded capstone: build_and_train(X_train, y_train) -> a model with predict(X).

The exercise is graded on predictions against the true labels of held-out points (accuracy
>= 90 % per data set: circle, xor, gauss, spiral). Correct designs written in different ways
earn full points; typical buggy ones lose exactly the expected points, with a message that
names the mistake; the answer key keeps the code identity of nnlib.models.build_and_train.
"""
import os
import sys

import numpy as np
import pytest

from nnlib import checks, datasets, losses, models, network
from nnlib.checks import ch09
from nnlib.models import Dense, Sequential

BUILD_AND_TRAIN = checks.EXERCISES["build_and_train"]


def points(fn, total=4, seeds=(0, 1, 2)):
    """The points `fn` earns on the hidden groups drawn with each seed (a list, one per seed)."""
    return [BUILD_AND_TRAIN.hidden(fn, total, rng=np.random.default_rng(k)) for k in seeds]


# ====================================================================== correct designs
def bt_sine_features(X_train, y_train):
    """The notebook's design: sine/cosine features, two tanh layers, up to three starts."""
    def features(X):
        X = np.asarray(X, dtype=float)
        return np.column_stack([X / 5.0, np.sin(X), np.cos(X)])

    class Model:
        def __init__(self, net):
            self.net = net

        def predict(self, X):
            return self.net.predict(features(X))

    F = features(X_train)
    best = None
    for seed in range(3):
        net = Sequential([Dense(6, 32, "tanh"), Dense(32, 32, "tanh"), Dense(32, 1, "sigmoid")], seed=seed)
        net.fit(F, y_train, loss="binary_cross_entropy", lr=0.05, epochs=400, batch_size=32, momentum=0.9,
                seed=seed)
        accuracy = net.accuracy(F, y_train)
        if best is None or accuracy > best[0]:
            best = (accuracy, net)
        if accuracy >= 0.99:
            break
    return Model(best[1])


class FromScratch:
    """A hand-written training loop (network.forward/backward, momentum by hand), flat predictions."""

    def __init__(self, hidden=48, epochs=500, lr=0.05, beta=0.9, seed=0):
        self.hidden, self.epochs, self.lr, self.beta, self.seed = hidden, epochs, lr, beta, seed
        self.activations = ["tanh", "tanh", "sigmoid"]

    @staticmethod
    def features(X):
        X = np.asarray(X, dtype=float)
        return np.hstack([X / 5.0, np.sin(X), np.cos(X)])

    def fit(self, X, y):
        F, y = self.features(X), np.asarray(y, dtype=float).reshape(-1, 1)
        rng = np.random.default_rng(self.seed)
        self.params = network.init_params([F.shape[1], self.hidden, self.hidden, 1], rng=rng)
        velocity = [(np.zeros_like(W), np.zeros_like(b)) for W, b in self.params]
        for _ in range(self.epochs):
            order = rng.permutation(len(F))
            for start in range(0, len(F), 32):
                rows = order[start:start + 32]
                y_hat, caches = network.forward(F[rows], self.params, self.activations)
                grads = network.backward(losses.binary_cross_entropy_grad(y_hat, y[rows]), caches)
                velocity = [(self.beta * vW - self.lr * dW, self.beta * vb - self.lr * db)
                            for (vW, vb), (dW, db) in zip(velocity, grads)]
                self.params = [(W + vW, b + vb) for (W, b), (vW, vb) in zip(self.params, velocity)]
        return self

    def predict(self, X):
        y_hat, _ = network.forward(self.features(X), self.params, self.activations)
        return (y_hat[:, 0] > 0.5).astype(int)          # shape (m,) and integers: accepted


def bt_from_scratch(X_train, y_train):
    for seed in range(3):
        model = FromScratch(seed=seed).fit(X_train, y_train)
        if np.mean(model.predict(X_train) == np.asarray(y_train).ravel()) >= 0.99:
            break
    return model


@pytest.mark.parametrize("fn", [bt_sine_features, bt_from_scratch, ch09.build_and_train_reference])
def test_correct_designs_earn_full_points(fn):
    assert points(fn) == [4.0, 4.0, 4.0]


# ====================================================================== buggy designs
def bt_one_neuron(X_train, y_train):
    model = Sequential([Dense(2, 1, "sigmoid")], seed=0)
    model.fit(X_train / 5, y_train, loss="binary_cross_entropy", lr=0.5, epochs=200)

    class Scaled:
        def predict(self, X):
            return model.predict(X / 5)
    return Scaled()


def bt_linear_hidden_layers(X_train, y_train):
    model = Sequential([Dense(2, 16, "linear"), Dense(16, 16, "linear"), Dense(16, 1, "sigmoid")], seed=0)
    model.fit(X_train, y_train, loss="binary_cross_entropy", lr=0.01, epochs=200, momentum=0.9)
    return model


def bt_probabilities(X_train, y_train):
    model = bt_sine_features(X_train, y_train)

    class Probabilities:
        def predict(self, X):
            X = np.asarray(X, dtype=float)
            return model.net.predict_proba(np.column_stack([X / 5.0, np.sin(X), np.cos(X)]))
    return Probabilities()


def bt_swapped(X_train, y_train):
    return bt_sine_features(X_train, 1.0 - y_train)


def bt_untrained(X_train, y_train):
    model = Sequential([Dense(2, 16, "tanh"), Dense(16, 1, "sigmoid")], seed=0)
    model.fit(X_train, y_train, loss="binary_cross_entropy", lr=1e-9, epochs=1)
    model.params = [(W, b) for W, b in model.params[:-1]] + [(np.zeros((16, 1)), np.array([-3.0]))]
    return model


def bt_returns_none(X_train, y_train):
    model = Sequential([Dense(2, 8, "tanh"), Dense(8, 1, "sigmoid")], seed=0)
    model.fit(X_train, y_train, loss="binary_cross_entropy", lr=0.1, epochs=5)


def bt_returns_history(X_train, y_train):
    model = Sequential([Dense(2, 8, "tanh"), Dense(8, 1, "sigmoid")], seed=0)
    return model.fit(X_train, y_train, loss="binary_cross_entropy", lr=0.1, epochs=5)


def bt_todo(X_train, y_train):
    raise NotImplementedError()


@pytest.mark.parametrize("fn, expected, label", [
    (bt_one_neuron, 1.0, "the boundary is a straight line"),
    (bt_linear_hidden_layers, 1.0, "the boundary is a straight line"),
    (bt_probabilities, 0.0, "predict returns probabilities, not labels"),
    (bt_swapped, 0.0, "the labels 0 and 1 are swapped"),
    (bt_untrained, 0.0, "every point gets the same class"),
])
def test_buggy_designs_lose_points_and_are_named(fn, expected, label, capsys):
    assert points(fn, seeds=(0,)) == [expected]
    assert f"this looks like a known mistake: {label}" in capsys.readouterr().out


def test_nnlibs_baseline_fails_the_spiral(capsys):
    """The baseline the chapter shows (nnlib.models.build_and_train) earns 3 of 4 in the notebook."""
    assert points(models.build_and_train, seeds=(0,)) == [3.0]
    out = capsys.readouterr().out
    assert "✗ spiral" in out and "at least 90% is needed" in out


@pytest.mark.parametrize("fn, message", [
    (bt_returns_none, "build_and_train returned None"),
    (bt_returns_history, "returned an object of type History, which has no predict method"),
])
def test_not_returning_a_model_is_explained(fn, message, capsys):
    assert points(fn, seeds=(0,)) == [0.0]
    assert message in capsys.readouterr().out


def test_not_implemented_is_reported_once(capsys):
    assert points(bt_todo, seeds=(0,)) == [0.0]
    checks.build_and_train(bt_todo)
    assert "build_and_train is not implemented yet" in capsys.readouterr().out


def test_public_check_names_the_mistake(capsys):
    checks.build_and_train(bt_one_neuron)
    out = capsys.readouterr().out
    assert "✗ public circle: 225 training points, 75 held-out points, noise = 0.05" in out
    assert "this looks like a known mistake: the boundary is a straight line" in out
    assert "hint: one neuron (no hidden layer) or linear hidden activations" in out
    assert "✓ public gauss" in out
    assert "1 of 4 pass" in out


# ====================================================================== the grading machinery
def test_compare_scores_true_labels_not_the_answer_keys_predictions():
    truth = np.array([[0.0], [1.0]] * 10)
    assert ch09.compare_accuracy(truth.copy(), truth) == ""
    assert ch09.compare_accuracy(truth.ravel().astype(int), truth) == ""          # (n,) ints accepted
    almost = truth.copy()
    almost[:2] = 1 - almost[:2]                                                   # 90 %: passes
    assert ch09.compare_accuracy(almost, truth) == ""
    almost[:3] = 1 - truth[:3]                                                    # 85 %: fails
    assert "accuracy 85.0%" in ch09.compare_accuracy(almost, truth)
    assert "shape (19, 1)" in ch09.compare_accuracy(truth[:-1], truth)
    assert "NaN" in ch09.compare_accuracy(np.full_like(truth, np.nan), truth)
    assert "labels 0 or 1" in ch09.compare_accuracy(truth * 0.8 + 0.1, truth)
    case = BUILD_AND_TRAIN.hidden_groups(np.random.default_rng(0))[0][1][0]
    assert BUILD_AND_TRAIN.expected(case) is case.truth


def test_hidden_groups_are_four_fresh_data_sets_of_plain_data():
    sys.path.insert(0, str(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
    from autograder import codec

    groups = BUILD_AND_TRAIN.hidden_groups(np.random.default_rng(0))
    assert [label.split()[0] for label, _ in groups] == ["circle", "xor", "gauss", "spiral"]
    other = BUILD_AND_TRAIN.hidden_groups(np.random.default_rng(1))
    assert not np.array_equal(groups[0][1][0].args[0], other[0][1][0].args[0])
    for _, cases in groups:
        for case in cases:
            X_train, y_train, X_test = case.args
            assert X_train.shape == (225, 2) and y_train.shape == (225, 1) and X_test.shape == (75, 2)
            assert case.truth.shape == (75, 1)
            arrays = {}
            decoded = codec.decode(codec.encode(tuple(case.args), arrays), arrays)
            assert all(np.array_equal(a, b) for a, b in zip(decoded, case.args))
            ok, reason = codec.plain_result(ch09.build_and_predict(*case.args))
            assert ok, reason


def test_fit_predict_adapter_and_reference_code_identity():
    sys.path.insert(0, str(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
    from autograder import grade

    assert BUILD_AND_TRAIN.adapter == "fit_predict"
    X, y = datasets.gauss(n=40, noise=0.0, seed=0)
    fit_predict = BUILD_AND_TRAIN.adapt(models.build_and_train)
    assert fit_predict(X, y, X).shape == (40, 1)
    codes = grade._reference_codes(BUILD_AND_TRAIN.reference)
    assert codes == [[os.path.realpath(models.build_and_train.__code__.co_filename), "build_and_train"]]
