"""Chapter 09 (training a network): the capstone `train_digits(X_train, y_train)`.

The student writes the whole training loop and trains it on scikit-learn's handwritten digits
(nnlib.datasets.digits(): X of shape (n, 64) in [0, 1], integer labels 0-9):

    train_digits(X_train, y_train) -> predict        predict(X) -> one label 0-9 per row of X

(`predict` may also be a model object with a predict method). nnlib's ready-made trainers
(Sequential and its fit, optim.train_epoch, models.build_and_train) are the answer keys this
exercise forbids: the sandboxed grader replaces them by stubs. The functional pieces of
chapters 04-08 (dense_forward, network.forward/backward, softmax, softmax_cross_entropy_grad,
sgd_step, minibatches) stay available.

Declared as data: `call="fit_predict"` (the grader calls predict = train_digits(X_train,
y_train) and compares predict(X_test)); `reference` is `true_labels`, which answers every
held-out image with its true label, so the comparison is against the truth, not against the
predictions of another network, together with the case's bar. `ACCURACY` (compare.Accuracy)
passes when at least that fraction of the held-out images get their true label.

Grading scale (stated in the chapter): five groups, each a fresh seeded split of the 1,797
images into 1,347 training and 450 held-out images (a split the student does not choose),
each worth a fifth of the points, with the bars 80 %, 85 %, 90 %, 93 % and 95 %. A network
that reaches 95 % earns everything; one at 91 % earns three fifths; below 80 %, nothing.

`train_digits` below is the course's own solution (the one in the chapter): 64 ReLU units,
a softmax output, plain mini-batch SGD for 40 epochs; about 97 % held out, 0.5 s.
"""
from __future__ import annotations

import hashlib
import numpy as np

from .. import datasets as _datasets
from .. import losses as _losses
from .. import network as _network
from .. import optim as _optim
from .compare import Accuracy
from .spec import Case, Exercise, Mistake, register

BARS = (0.80, 0.85, 0.90, 0.93, 0.95)     # one group per bar; the last one is full points
FULL_BAR = BARS[-1]
TEST_FRACTION = 0.25
N_CLASSES = 10


# ---------------------------------------------------------------------- the data of a case
def split(seed):
    """(X_train, X_test, y_train, y_test): the digits split with `seed` (450 held out)."""
    X, y = _datasets.digits()
    return _datasets.train_test_split(X, y, test_fraction=TEST_FRACTION, seed=seed)


_BAR_OF = {}        # digest of a case's true labels -> the accuracy its group asks for


def _digest(labels) -> str:
    return hashlib.sha1(np.ascontiguousarray(labels, dtype=np.int64).tobytes()).hexdigest()


def draw_case(seed, bar, kind="") -> Case:
    """A case (X_train, y_train, X_test) of the split `seed`, graded with `bar`."""
    X_train, X_test, y_train, y_test = split(seed)
    _BAR_OF[_digest(y_test)] = bar
    label = (f"{kind}split of the digits: {len(X_train)} training images, {len(X_test)} held out; "
             f"at least {bar:.0%} must get their true label")
    hint = ("train on (X_train, y_train) only: one-hot targets np.eye(10)[y], a softmax output, "
            "the gradient (P - Y) / n, enough epochs; predict must return one label 0-9 per row")
    return Case((X_train, y_train, X_test), label, hint)


# ---------------------------------------------------------------------- the truth
_TRUTH = {}


def true_labels(X_train, y_train, X_test=None):
    """The answer key of a fit_predict exercise on the digits: predict(X) = (true labels, bar).

    Looks every row of X up among the 1,797 images of datasets.digits() (all different), so
    the comparison is with the truth; `bar` is the accuracy the case's group asks for (recorded
    by draw_case; FULL_BAR otherwise). With X_test given, returns the pair directly."""
    if not _TRUTH:
        X, y = _datasets.digits()
        _TRUTH.update({row.tobytes(): int(label) for row, label in zip(X, y)})

    def predict(X):
        X = np.asarray(X, dtype=float)
        try:
            labels = np.array([_TRUTH[row.tobytes()] for row in X], dtype=np.int64)
        except KeyError:
            raise ValueError("true_labels only knows the images of nnlib.datasets.digits()") from None
        return labels, _BAR_OF.get(_digest(labels), FULL_BAR)

    return predict if X_test is None else predict(X_test)


# ---------------------------------------------------------------------- the course's solution
def train_digits(X_train, y_train, hidden=64, lr=0.3, epochs=40, batch_size=32, seed=0):
    """Train a 64 -> hidden (ReLU) -> 10 (softmax) network with mini-batch SGD; return predict.

    Z^{[1]} = X W^{[1]} + b^{[1]}, A^{[1]} = relu(Z^{[1]}), Z^{[2]} = A^{[1]} W^{[2]} + b^{[2]},
    P = softmax(Z^{[2]}); cost C = −(1/n) Σ_i log P_{i, y_i}, whose gradient with respect to the
    logits is ∂C/∂Z^{[2]} = (P − Y) / n (Y the one-hot targets). Weights start He-scaled,
    N(0, 2/n_in), biases at zero. predict(X) = argmax_k Z^{[2]}_k, one label per row."""
    rng = np.random.default_rng(seed)
    X_train = np.asarray(X_train, dtype=float)
    Y = np.eye(N_CLASSES)[np.asarray(y_train, dtype=int).reshape(-1)]
    params = _network.init_params([X_train.shape[1], hidden, N_CLASSES], rng=rng, scale="he")
    activations = ["relu", "linear"]
    for _ in range(epochs):
        for X_batch, Y_batch in _optim.minibatches(X_train, Y, batch_size, rng=rng):
            Z, caches = _network.forward(X_batch, params, activations)
            grads = _network.backward(_losses.softmax_cross_entropy_grad(Z, Y_batch), caches)
            params = _optim.sgd_step(params, grads, lr)

    def predict(X):
        Z, _ = _network.forward(np.asarray(X, dtype=float), params, activations)
        return np.argmax(Z, axis=1)

    return predict


def _scores(X_train, y_train, X_test):
    """Scores of shape (n, 10) whose argmax is the course network's label of each row of X_test."""
    predict = train_digits(X_train, y_train)
    labels = predict(X_test)
    return np.eye(N_CLASSES)[labels] * 5.0 - 2.0          # scores whose argmax is the label


# ---------------------------------------------------------------------- comparing with the truth
ACCURACY = Accuracy(at_least=FULL_BAR, n_classes=N_CLASSES, what="the predicted digits")


def accuracy_of(received, truth) -> float:
    """Fraction of held-out images whose predicted label is the true one (0.0 if unusable)."""
    truth = np.asarray(truth).reshape(-1)
    try:
        labels = np.asarray(received, dtype=float).reshape(-1)
    except (TypeError, ValueError):
        return 0.0
    return float(np.mean(labels == truth)) if labels.shape == truth.shape else 0.0


# ---------------------------------------------------------------------- typical mistakes
# `wrong(X_train, y_train, X_test)` returns that mistake's predictions; with X_test omitted it
# returns a predict function, like a student's train_digits.
def _as_fit_predict(answer):
    def wrong(X_train, y_train, X_test=None):
        if X_test is None:
            return lambda X: answer(X_train, y_train, X)
        return answer(X_train, y_train, X_test)
    wrong.__name__ = answer.__name__
    return wrong


@_as_fit_predict
def _returns_scores(X_train, y_train, X_test):
    return _scores(X_train, y_train, X_test)


@_as_fit_predict
def _one_label_for_all(X_train, y_train, X_test):
    most_common = int(np.bincount(np.asarray(y_train, dtype=int)).argmax())
    return np.full(len(X_test), most_common)


@_as_fit_predict
def _labels_from_one(X_train, y_train, X_test):
    return train_digits(X_train, y_train)(X_test) + 1


MISTAKES = [
    Mistake("predict returns scores, not labels",
            "the network's output has 10 numbers per image; the label is the position of the largest "
            "one: return np.argmax(Z, axis=1)", _returns_scores),
    Mistake("every image gets the same label",
            "the network did not learn: the update must be W - lr * dW (minus), the learning rate "
            "neither tiny nor huge (0.1 to 0.5 for plain SGD), the targets one-hot rows np.eye(10)[y]",
            _one_label_for_all),
    Mistake("the labels are one too high",
            "argmax counts the classes from 0, like the labels: do not add 1", _labels_from_one),
]


# ---------------------------------------------------------------------- the exercise
def _train_digits_groups(rng: np.random.Generator):
    """One group per bar, each a fresh split drawn from rng (the student does not choose it)."""
    groups = []
    for bar in BARS:
        case = draw_case(int(rng.integers(0, 2**31)), bar, "a fresh ")
        groups.append((f"held-out accuracy of at least {bar:.0%} on a fresh split", [case]))
    return groups


TRAIN_DIGITS = register(Exercise(
    name="train_digits",
    signature="train_digits(X_train, y_train) -> predict, predict(X_test)",
    reference=true_labels,
    public_cases=[draw_case(0, FULL_BAR, "the chapter's ")],
    hidden_groups=_train_digits_groups,
    mistakes=MISTAKES,
    answer=ACCURACY,
    call="fit_predict",
    seconds=120.0,
    # nnlib's ready-made trainers, the digits themselves (a predict that looks the held-out images
    # up would score 100 %), and scikit-learn (its MLPClassifier trains the network; its bundled
    # copy of the digits holds the labels) are absent while this exercise is graded.
    answer_keys=("nnlib.models.Sequential", "nnlib.models.build_and_train", "nnlib.optim.train_epoch",
                 "nnlib.datasets.digits", "sklearn",
                 "nnlib.checks.ch09.train_digits", "nnlib.checks.ch09.true_labels"),
))
