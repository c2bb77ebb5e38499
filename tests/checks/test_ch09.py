"""Chapter 09's graded capstone: train_digits(X_train, y_train) -> predict, on the digits.

Graded on held-out accuracy against the true labels: five groups, each a fresh seeded split
(1,347 training images, 450 held out) with the bars 80, 85, 90, 93 and 95 %. Correct training
loops written in different ways earn full points; typical buggy ones lose points with a
message that names the mistake; nnlib's ready-made trainers are the exercise's answer keys.
"""
import numpy as np
import pytest

from nnlib import checks, datasets, losses, network, optim
from nnlib.checks import ch09

TRAIN_DIGITS = checks.EXERCISES["train_digits"]


def points(fn, total=10, seeds=(0, 1, 2)):
    """The points `fn` earns on the hidden groups drawn with each seed (a list, one per seed)."""
    return [TRAIN_DIGITS.hidden(fn, total, rng=np.random.default_rng(k)) for k in seeds]


# ====================================================================== the data
def test_digits_are_the_bundled_1797_images_scaled_to_unit_range():
    X, y = datasets.digits()
    assert X.shape == (1797, 64) and X.dtype == np.float64
    assert X.min() == 0.0 and X.max() == 1.0
    assert y.shape == (1797,) and y.dtype.kind == "i"
    assert set(np.unique(y)) == set(range(10))
    assert np.all(np.bincount(y) >= 170)                 # about 180 of each digit
    assert len(np.unique(X, axis=0)) == 1797             # every image differs (the oracle needs it)


def test_the_split_is_reproducible_and_holds_out_a_quarter():
    a, b, c = ch09.split(0), ch09.split(0), ch09.split(1)
    assert [len(part) for part in a] == [1347, 450, 1347, 450]
    assert all(np.array_equal(p, q) for p, q in zip(a, b))
    assert not np.array_equal(a[1], c[1])


def test_the_answer_key_is_the_truth():
    X_train, X_test, y_train, y_test = ch09.split(3)
    labels, bar = ch09.true_labels(X_train, y_train)(X_test)
    np.testing.assert_array_equal(labels, y_test)
    assert bar == 0.95                                   # not drawn for a group: the full bar
    with pytest.raises(ValueError, match="only knows the images"):
        ch09.true_labels(X_train, y_train)(X_test + 0.01)


# ====================================================================== correct loops
def td_functional(X_train, y_train):
    """The chapter's loop with nnlib's functional pieces (a column of float labels out)."""
    predict = ch09.train_digits(X_train, y_train, hidden=48, lr=0.3, epochs=40, seed=1)
    return lambda X: predict(X).reshape(-1, 1).astype(float)


class FromScratch:
    """Own softmax, own backward, tanh hidden layer, momentum: a model object with predict."""

    def __init__(self, hidden=64, epochs=30, lr=0.1, mu=0.9, seed=0):
        self.hidden, self.epochs, self.lr, self.mu, self.seed = hidden, epochs, lr, mu, seed

    def fit(self, X, y):
        rng = np.random.default_rng(self.seed)
        Y = np.eye(10)[y]
        W1 = rng.normal(0, np.sqrt(1 / 64), (64, self.hidden))
        W2 = rng.normal(0, np.sqrt(1 / self.hidden), (self.hidden, 10))
        b1, b2 = np.zeros(self.hidden), np.zeros(10)
        velocity = [np.zeros_like(p) for p in (W1, b1, W2, b2)]
        for _ in range(self.epochs):
            order = rng.permutation(len(X))
            for start in range(0, len(X), 32):
                rows = order[start:start + 32]
                A1 = np.tanh(X[rows] @ W1 + b1)
                Z2 = A1 @ W2 + b2
                P = np.exp(Z2 - Z2.max(axis=1, keepdims=True))
                P /= P.sum(axis=1, keepdims=True)
                dZ2 = (P - Y[rows]) / len(rows)
                dZ1 = (dZ2 @ W2.T) * (1 - A1 ** 2)
                grads = (X[rows].T @ dZ1, dZ1.sum(axis=0), A1.T @ dZ2, dZ2.sum(axis=0))
                velocity = [self.mu * v - self.lr * g for v, g in zip(velocity, grads)]
                W1, b1, W2, b2 = [p + v for p, v in zip((W1, b1, W2, b2), velocity)]
        self.params = (W1, b1, W2, b2)
        return self

    def predict(self, X):
        W1, b1, W2, b2 = self.params
        return np.argmax(np.tanh(X @ W1 + b1) @ W2 + b2, axis=1)


def td_from_scratch(X_train, y_train):
    return FromScratch().fit(X_train, y_train)


@pytest.mark.parametrize("fn", [ch09.train_digits, td_functional, td_from_scratch])
def test_correct_loops_earn_full_points(fn):
    assert points(fn) == [10.0, 10.0, 10.0]


# ====================================================================== buggy loops
def td_scores(X_train, y_train):
    """Forgets the argmax: predict returns the logits."""
    params = network.init_params([64, 32, 10], rng=0, scale="he")
    Y = np.eye(10)[y_train]
    for _ in range(20):
        for X_batch, Y_batch in optim.minibatches(X_train, Y, 32, rng=0):
            Z, caches = network.forward(X_batch, params, ["relu", "linear"])
            params = optim.sgd_step(params, network.backward(losses.softmax_cross_entropy_grad(Z, Y_batch),
                                                             caches), 0.3)
    return lambda X: network.forward(X, params, ["relu", "linear"])[0]


def td_climbs(X_train, y_train):
    """Adds the gradient instead of subtracting it: the loss climbs, one class takes over."""
    params = network.init_params([64, 32, 10], rng=0, scale="he")
    Y = np.eye(10)[y_train]
    for _ in range(10):
        for X_batch, Y_batch in optim.minibatches(X_train, Y, 32, rng=0):
            Z, caches = network.forward(X_batch, params, ["relu", "linear"])
            grads = network.backward(losses.softmax_cross_entropy_grad(Z, Y_batch), caches)
            params = [(W + 0.3 * dW, b + 0.3 * db) for (W, b), (dW, db) in zip(params, grads)]
    return lambda X: np.argmax(network.forward(X, params, ["relu", "linear"])[0], axis=1)


def td_from_one(X_train, y_train):
    predict = ch09.train_digits(X_train, y_train)
    return lambda X: predict(X) + 1


def td_too_short(X_train, y_train):
    """Four epochs at a small learning rate: about 87 %, so the lower bars pass."""
    return ch09.train_digits(X_train, y_train, epochs=4, lr=0.05)


def td_returns_none(X_train, y_train):
    ch09.train_digits(X_train, y_train, epochs=1)


def td_todo(X_train, y_train):
    raise NotImplementedError()


@pytest.mark.parametrize("fn", [td_scores, td_climbs, td_from_one, td_returns_none, td_todo])
def test_buggy_loops_earn_nothing(fn):
    assert points(fn, seeds=(0,)) == [0.0]


def test_an_undertrained_network_earns_partial_points():
    earned = points(td_too_short)
    assert all(0 < p < 10 for p in earned), earned


@pytest.mark.parametrize("fn, label", [
    (td_scores, "predict returns scores, not labels"),
    (ch09._one_label_for_all, "every image gets the same label"),
    (td_from_one, "the labels are one too high"),
])
def test_known_mistakes_are_named(fn, label, capsys):
    TRAIN_DIGITS.hidden(fn, 10, rng=np.random.default_rng(0))
    assert f"known mistake: {label}" in capsys.readouterr().out


def test_messages_say_what_is_wrong_with_the_predictions():
    truth = np.arange(10).repeat(5)
    compare = ch09.ACCURACY.compare
    assert compare(truth.reshape(-1, 1).astype(float), truth) == ""          # a column of floats is fine
    assert "shape (50, 10)" in compare(np.eye(10)[truth], truth)
    assert "labels 0, 1, ..., 9" in compare(truth + 0.5, truth)
    assert "NaN" in compare(np.full(50, np.nan), truth)
    assert "returned None" in compare(None, truth)
    assert "Every example gets the label 7" in compare(np.full(50, 7), truth)
    assert "40.0%" in compare(np.where(np.arange(50) < 20, truth, (truth + 3) % 10), truth)
    assert "one too high" in compare(truth + 1, truth)
    assert compare(np.where(np.arange(50) < 45, truth, 0), (truth, 0.9)) == ""    # a group's own bar
    assert "at least 95%" in compare(np.where(np.arange(50) < 45, truth, 0), truth)


def test_the_chapter_declares_data_only():
    import ast
    import pathlib
    tree = ast.parse(pathlib.Path(ch09.__file__).read_text(encoding="utf-8"))
    assert not [node for node in tree.body if isinstance(node, ast.ClassDef)]


def test_the_grading_scale_is_five_bars_on_fresh_splits():
    groups = TRAIN_DIGITS.hidden_groups(np.random.default_rng(0))
    assert [label for label, _ in groups] == [
        f"held-out accuracy of at least {bar:.0%} on a fresh split" for bar in (0.80, 0.85, 0.90, 0.93, 0.95)]
    tests = [cases[0].args[2] for _, cases in groups]
    public = TRAIN_DIGITS.public_cases[0].args[2]
    assert all(not np.array_equal(t, public) for t in tests)
    assert len({t.tobytes() for t in tests}) == 5


def test_the_ready_made_trainers_are_answer_keys_and_the_pieces_are_not():
    """Sequential & co. would train the network for the student, scikit-learn's MLPClassifier too,
    and the digits (nnlib's or scikit-learn's bundled copy) would let predict look the held-out
    images up: all absent while grading. The grader passes the images to train_digits."""
    keys = set(TRAIN_DIGITS.answer_keys)
    assert {"nnlib.models.Sequential", "nnlib.models.build_and_train", "nnlib.optim.train_epoch",
            "nnlib.datasets.digits", "sklearn"} <= keys
    for piece in ("nnlib.network.forward", "nnlib.network.backward", "nnlib.layers.dense_forward",
                  "nnlib.optim.sgd_step", "nnlib.optim.minibatches", "nnlib.activations.softmax",
                  "nnlib.losses.softmax_cross_entropy_grad"):
        assert piece not in keys
    assert TRAIN_DIGITS.call == "fit_predict" and TRAIN_DIGITS.seconds >= 60


def test_chapter_09_points_out_the_seed_slips_it_fixes():
    from coursetools import notebook_path, read

    text = "\n\n".join(c.source for c in read(notebook_path("09-training")).cells
                       if c.cell_type == "markdown")
    assert "repeat steps 1 to 5" in text and "initialised once" in text
    assert "LeCun" in text and "2/(n_{\\text{in}} + n_{\\text{out}})" in text
    assert "uses the Xavier scheme" not in text and "W_1" not in text and "W_2" not in text
    assert "MLPClassifier" in text and "datasets.digits()" in text
