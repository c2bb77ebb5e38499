"""Dense layers and a Sequential model with `fit` (chapter 09), built on the functional core.

Nothing here re-derives the mathematics: a `Dense` layer calls `layers.dense_forward` and
`layers.dense_backward`, losses come from `losses.get`, updates from `optim.sgd_step` /
`optim.momentum_step`, penalties and dropout from `regularization`. The objects only keep
the arrays (W, b, caches, masks) between calls, so that

    model = Sequential([Dense(2, 8, "relu"), Dense(8, 1, "sigmoid")], seed=0)
    history = model.fit(X, y, loss="binary_cross_entropy", lr=0.5, epochs=200)
    model.predict(X_test)

does exactly what the chapters do by hand, and `network.forward(X, model.params,
model.activations)` gives the same numbers as `model.predict_proba(X)`.

What one call of `fit` minimises, batch by batch (row-batch notation, A[0] = X_batch):

    Z[l] = A[l-1] @ W[l] + b[l],   A[l] = g_l(Z[l])         (dropout on hidden A[l] in training)
    cost = loss(y_hat, y)  +  (λ2/2) Σ_l Σ W[l]²  +  λ1 Σ_l Σ |W[l]|
    W ← W − lr · dW,  b ← b − lr · db                       (or with momentum: v ← μ v − lr·dW, W ← W + v)

The loss is the mean over the batch (for "mse" and the cross-entropies), so the raw penalty
gradients λ2·W and λ1·sign(W) are added to the batch gradients unchanged: λ then means the
same thing whatever the batch size. ("half_sse" is a sum over the batch, so with it the
balance between data and penalty does depend on the batch size.)
The losses reported in the `History` are data losses only, without the penalty, measured at
the end of each epoch on the whole set in evaluation mode (no dropout).
"""
import numbers
import os
import zipfile

import numpy as np

from . import activations as _activations
from . import layers as _layers
from . import losses as _losses
from . import network as _network
from . import optim as _optim
from . import regularization as _reg
from ._validate import as_2d, check_layer_input, positive

CLASSIFIER_OUTPUTS = ("sigmoid", "softmax", "step")
FORMAT = "nnlib.Sequential/1"


class TrainingDiverged(RuntimeError):
    """The loss became NaN or infinite during `fit` (usually: the learning rate is too large)."""


def _is_number(value):
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


def _check_int(value, name, low):
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < low:
        raise ValueError(f"{name} must be an integer >= {low}; got {value!r}")
    return int(value)


def _check_y(y, n_rows, n_out, name="y"):
    y = np.asarray(y)
    if y.ndim == 1:
        raise ValueError(f"{name} must be 2-D (n, {n_out}), one target row per example; got a 1-D array "
                         f"of shape {y.shape}. Use {name}.reshape(-1, 1) for a single output.")
    y = as_2d(y, name)
    if len(y) != n_rows:
        raise ValueError(f"{name} must have one row per example: X has {n_rows} rows, {name} has {len(y)}")
    if y.shape[1] != n_out:
        raise ValueError(f"{name} has {y.shape[1]} columns but the output layer has {n_out} units")
    return y


class Dense:
    """A fully connected layer: Z = A_prev @ W + b, A = g(Z), with W (n_in, n_out) and b (n_out,).

    init: "xavier" (W ~ N(0, 1/n_in)), "he" (W ~ N(0, 2/n_in)) or a standard deviation,
    drawn by `network.init_params`. With rng (a seed or a Generator) the weights are drawn
    now; without it they are drawn when the layer joins a `Sequential` (from its seed).
    """

    def __init__(self, n_in, n_out, activation="linear", *, init="xavier", rng=None):
        self.n_in = _check_int(n_in, "n_in", 1)
        self.n_out = _check_int(n_out, "n_out", 1)
        if not isinstance(activation, str) or activation not in _activations.NAMES:
            raise ValueError(f"unknown activation {activation!r}; allowed values: {', '.join(_activations.NAMES)}")
        self.activation = activation
        self.init = init
        self.name = "dense layer"      # Sequential renames it "layer 1", "layer 2", ...
        self.W = self.b = self.dW = self.db = self.cache = None
        if rng is not None:
            self.initialize(rng)

    def initialize(self, rng=None):
        """Draw fresh weights (and zero biases) from rng."""
        [(self.W, self.b)] = _network.init_params([self.n_in, self.n_out], rng=rng, scale=self.init)

    def forward(self, A_prev, *, training=False):
        """A = g(A_prev @ W + b) via `layers.dense_forward`; keeps the cache for `backward`.

        `training` is accepted for a uniform interface: a dense layer behaves the same either way."""
        if self.W is None:
            raise ValueError(f"{self.name} has no weights yet: pass rng= to Dense or put it in a Sequential")
        A, self.cache = _layers.dense_forward(A_prev, self.W, self.b, self.activation, layer=self.name)
        return A

    def backward(self, dA):
        """dZ = dA ⊙ g'(Z), dW = A_prevᵀ dZ, db = Σ dZ, dA_prev = dZ Wᵀ (via `layers.dense_backward`)."""
        if self.cache is None:
            raise ValueError(f"{self.name}: call forward before backward")
        dA_prev, self.dW, self.db = _layers.dense_backward(dA, self.cache)
        return dA_prev

    def __repr__(self):
        return f"Dense({self.n_in}, {self.n_out}, {self.activation!r})"


class History:
    """What `fit` recorded: `epoch` (0, 1, ...), `history` (a dict of lists: "loss", plus
    "accuracy" for classifiers and "val_loss", "val_accuracy" with validation data) and
    `params` (the arguments of the fit)."""

    def __init__(self, params):
        self.epoch = []
        self.history = {}
        self.params = params

    def _record(self, epoch, logs):
        self.epoch.append(epoch)
        for key, value in logs.items():
            self.history.setdefault(key, []).append(value)

    def plot(self, ax=None):
        """Draw the loss curves (training, and validation if any) against the epoch; returns ax."""
        import matplotlib.pyplot as plt
        if ax is None:
            _, ax = plt.subplots()
        for key, label in (("loss", "training"), ("val_loss", "validation")):
            if key in self.history:
                ax.plot(self.epoch, self.history[key], label=label)
        ax.set_xlabel("epoch")
        ax.set_ylabel(f"loss ({self.params.get('loss', '')})")
        ax.legend()
        return ax

    def __repr__(self):
        last = {k: round(v[-1], 4) for k, v in self.history.items()}
        return f"History({len(self.epoch)} epochs, last: {last})"


class Sequential:
    """A stack of Dense layers applied one after the other: y_hat = A[L].

    seed: the weights of layers built without rng= are drawn from default_rng(seed), layer by
    layer, so Sequential([...], seed=0) is reproducible (and, with one init scheme, equal to
    network.init_params(sizes, rng=0, scale=...)). seed=None gives a fresh random start.
    """

    def __init__(self, layers, *, seed=0):
        self.layers = list(layers)
        if not self.layers or not all(isinstance(layer, Dense) for layer in self.layers):
            raise ValueError(f"layers must be a non-empty list of Dense layers; got {layers!r}")
        for l, (below, above) in enumerate(zip(self.layers[:-1], self.layers[1:]), start=2):
            if above.n_in != below.n_out:
                raise ValueError(f"layer {l} expects {above.n_in} inputs, but layer {l - 1} "
                                 f"has {below.n_out} outputs")
        rng = np.random.default_rng(seed)
        for l, layer in enumerate(self.layers, start=1):
            layer.name = f"layer {l}"
            if layer.W is None:
                layer.initialize(rng)
        self.logits = False       # set by fit(loss="softmax_cross_entropy"): the output is Z, not A
        self._masks, self._keep_prob, self._velocity = [], 1.0, None

    # ------------------------------------------------------------ the functional view
    @property
    def params(self):
        """[(W1, b1), ..., (WL, bL)]: the form `network.forward` and `optim` work with."""
        return [(layer.W, layer.b) for layer in self.layers]

    @params.setter
    def params(self, params):
        params = list(params)
        if len(params) != len(self.layers):
            raise ValueError(f"expected {len(self.layers)} (W, b) pairs, got {len(params)}")
        for layer, (W, b) in zip(self.layers, params):
            W, b = np.asarray(W, dtype=float), np.asarray(b, dtype=float)
            if W.shape != (layer.n_in, layer.n_out) or b.shape != (layer.n_out,):
                raise ValueError(f"{layer.name} needs W {(layer.n_in, layer.n_out)} and b {(layer.n_out,)}; "
                                 f"got W {W.shape} and b {b.shape}")
            layer.W, layer.b = W, b

    @property
    def activations(self):
        return [layer.activation for layer in self.layers]

    @property
    def sizes(self):
        return [self.layers[0].n_in] + [layer.n_out for layer in self.layers]

    def parameter_count(self):
        """Σ_l (n_{l-1} · n_l + n_l), via `network.parameter_count`."""
        return _network.parameter_count(self.params)

    # ------------------------------------------------------------ passes
    def forward(self, X, *, training=False, dropout=0.0, rng=None):
        """y_hat = network.forward(X, params, activations); in training with dropout > 0 each
        hidden A[l] is replaced by regularization.dropout_forward(A[l], keep_prob = 1 − dropout).

        Each layer keeps its cache (and the model the dropout masks) for `backward`."""
        self._keep_prob = 1.0 - dropout if training else 1.0
        self._masks = [None] * len(self.layers)
        hook = None
        if self._keep_prob < 1.0:
            def hook(l, A):                     # hidden layer l = 1 ... L-1
                A, self._masks[l - 1] = _reg.dropout_forward(A, self._keep_prob, rng)
                return A
        for layer in self.layers:
            if layer.W is None:
                raise ValueError(f"{layer.name} has no weights yet: pass rng= to Dense or put it in a Sequential")
        y_hat, caches = _network.forward(X, self.params, self.activations, hidden_hook=hook)
        for layer, cache in zip(self.layers, caches):
            layer.cache = cache
        return y_hat

    def backward(self, dy_hat):
        """From dy_hat = ∂loss/∂y_hat back to [(dW1, db1), ..., (dWL, dbL)] via network.backward
        (dropout's masks applied on the way back); the gradients are also kept in each layer."""
        if any(layer.cache is None for layer in self.layers):
            raise ValueError("call forward before backward")
        hook = None
        if any(mask is not None for mask in self._masks):
            def hook(l, dA):
                mask = self._masks[l - 1]
                return dA if mask is None else _reg.dropout_backward(dA, mask, self._keep_prob)
        grads = _network.backward(dy_hat, [layer.cache for layer in self.layers], hidden_hook=hook)
        for layer, (dW, db) in zip(self.layers, grads):
            layer.dW, layer.db = dW, db
        return grads

    def _check_X(self, X, name="X"):
        X = as_2d(X, name)
        first = self.layers[0]
        check_layer_input(X, first.W, first.b, layer=first.name)
        if not np.all(np.isfinite(X)):
            raise ValueError(f"{name} contains NaN or infinite values")
        return X

    # ------------------------------------------------------------ using a model
    def predict_proba(self, X):
        """The network's output y_hat for X (evaluation mode: no dropout)."""
        return self.forward(self._check_X(X))

    @property
    def is_classifier(self):
        return self.logits or self.activations[-1] in CLASSIFIER_OUTPUTS

    def predict(self, X):
        """Class predictions: (y_hat > 0.5) as 0.0/1.0, shape (n, 1), for one sigmoid/step unit;
        the index of the largest output, shape (n,), for several units (softmax or logits);
        for a linear output (regression) y_hat itself."""
        y_hat = self.predict_proba(X)
        return self._classes(y_hat) if self.is_classifier else y_hat

    def _classes(self, y_hat):
        if y_hat.shape[1] == 1:
            return (y_hat > (0.0 if self.logits else 0.5)).astype(float)
        return np.argmax(y_hat, axis=1)

    def _accuracy(self, y_hat, y):
        target = y if y.shape[1] == 1 else np.argmax(y, axis=1)
        return float(np.mean(self._classes(y_hat) == target))

    def accuracy(self, X, y):
        """Fraction of correct predictions (against argmax of one-hot y for several outputs)."""
        if not self.is_classifier:
            raise ValueError("accuracy needs a classifier (sigmoid, softmax or step output); this model regresses")
        X = self._check_X(X)
        return self._accuracy(self.forward(X), _check_y(y, len(X), self.layers[-1].n_out))

    def evaluate(self, X, y, loss="mse"):
        """The data loss of the model's output on (X, y), e.g. evaluate(X, y, "mse")."""
        loss_fn, _ = _losses.get(loss)
        X = self._check_X(X)
        return loss_fn(self.forward(X), _check_y(y, len(X), self.layers[-1].n_out))

    def _logs(self, X, y, loss_fn, prefix=""):
        y_hat = self.forward(X)
        logs = {prefix + "loss": loss_fn(y_hat, y)}
        if self.is_classifier:
            logs[prefix + "accuracy"] = self._accuracy(y_hat, y)
        return logs

    # ------------------------------------------------------------ training
    def fit(self, X, y, *, loss="mse", lr=0.1, epochs=100, batch_size=32, l1=0.0, l2=0.0, dropout=0.0,
            momentum=0.0, validation_data=None, callbacks=None, seed=0, progress=False, shuffle=True):
        """Mini-batch gradient descent on (X, y); returns a History.

        Each epoch visits the rows in batches of batch_size (optim.minibatches, reshuffled every
        epoch with shuffle=True); for each batch: forward (dropout = the DROP rate of hidden units,
        keep_prob = 1 − dropout), dy_hat = loss_grad, backward, add λ2·W and λ1·sign(W), update
        (optim.sgd_step, or optim.momentum_step with μ = momentum). After each epoch the data
        loss (and accuracy) on the whole training set, and on validation_data = (X_val, y_val)
        if given, are recorded. seed drives shuffling and dropout: the same seed gives the same
        result. callbacks: objects with on_epoch_end(epoch, logs, model) returning True to stop,
        or regularization.EarlyStopping (reset at the start of the fit; monitors "val_loss", or
        "loss" without validation data; puts back the best weights at the end when restore_best).
        The momentum velocity starts at zero in every call. Raises TrainingDiverged if a loss
        becomes NaN or infinite (the weights are then left as they were at that epoch).
        """
        loss_fn, loss_grad = _losses.get(loss)
        X = self._check_X(X)
        y = _check_y(y, len(X), self.layers[-1].n_out)
        if not _is_number(lr):
            raise ValueError(f"lr must be a number > 0; got {lr!r}")
        positive(lr, "lr")
        epochs = _check_int(epochs, "epochs", 1)
        batch_size = _check_int(batch_size, "batch_size", 1)
        for value, name in ((l1, "l1"), (l2, "l2")):
            if not _is_number(value) or not value >= 0:
                raise ValueError(f"{name} (λ) must be a number >= 0; got {value!r}")
        if not _is_number(dropout) or not 0 <= dropout < 1:
            raise ValueError(f"dropout is the fraction of hidden units dropped; it must be in [0, 1), got {dropout!r}")
        if not _is_number(momentum) or not 0 <= momentum < 1:
            raise ValueError(f"momentum (μ) must be in [0, 1); got {momentum!r}")
        if loss == "softmax_cross_entropy" and self.activations[-1] != "linear":
            raise ValueError("loss='softmax_cross_entropy' works on logits: give the last layer a 'linear' "
                             "activation, or use a 'softmax' output with loss='categorical_cross_entropy'")
        self.logits = loss == "softmax_cross_entropy"
        if validation_data is not None:
            if not isinstance(validation_data, (tuple, list)) or len(validation_data) != 2:
                raise ValueError("validation_data must be a pair (X_val, y_val)")
            X_val = self._check_X(validation_data[0], "X_val")
            y_val = _check_y(validation_data[1], len(X_val), self.layers[-1].n_out, "y_val")
        callbacks = list(callbacks or [])
        for cb in callbacks:
            if isinstance(cb, _reg.EarlyStopping):
                cb.reset()   # fresh state for this fit
            elif not callable(getattr(cb, "on_epoch_end", None)):
                raise ValueError(f"callbacks must have a method on_epoch_end(epoch, logs, model); got {cb!r}")

        history = History(dict(loss=loss, lr=lr, epochs=epochs, batch_size=batch_size, l1=l1, l2=l2,
                               dropout=dropout, momentum=momentum, seed=seed, shuffle=shuffle))
        rng = np.random.default_rng(seed)
        self._velocity = None
        bar = None
        if progress:
            from tqdm.auto import tqdm
            bar = tqdm(total=epochs, desc="fit", unit="epoch")
        try:
            with np.errstate(over="ignore", invalid="ignore"):   # divergence is detected and reported below
                for epoch in range(epochs):
                    for X_batch, y_batch in _optim.minibatches(X, y, batch_size, rng, shuffle=shuffle):
                        self._train_step(X_batch, y_batch, loss_grad, lr, l1, l2, dropout, momentum, rng)
                    logs = self._logs(X, y, loss_fn)
                    if validation_data is not None:
                        logs.update(self._logs(X_val, y_val, loss_fn, prefix="val_"))
                    bad = [k for k in ("loss", "val_loss") if k in logs and not np.isfinite(logs[k])]
                    if bad:
                        raise TrainingDiverged(f"training diverged at epoch {epoch} (counting from 0): {bad[0]} "
                                               f"is {logs[bad[0]]}; lower the learning rate (lr={lr})")
                    history._record(epoch, logs)
                    if bar is not None:
                        bar.set_postfix({k: f"{v:.4g}" for k, v in logs.items()}, refresh=False)
                        bar.update(1)
                    if self._callbacks_say_stop(callbacks, epoch, logs):
                        break
        finally:
            if bar is not None:
                bar.close()
        for cb in callbacks:
            if isinstance(cb, _reg.EarlyStopping) and cb.restore_best and cb.best_params is not None:
                self.params = cb.best_params
        return history

    def _train_step(self, X_batch, y_batch, loss_grad, lr, l1, l2, dropout, momentum, rng):
        """One batch: forward (with dropout), backward, add the penalty gradients, update."""
        y_hat = self.forward(X_batch, training=True, dropout=dropout, rng=rng)
        grads = self.backward(loss_grad(y_hat, y_batch))
        for lam, penalty_grad in ((l2, _reg.l2_grad), (l1, _reg.l1_grad)):
            if lam > 0:      # dW += λ2·W  or  λ1·sign(W); biases are not penalised
                grads = [(dW + pW, db + pb) for (dW, db), (pW, pb) in zip(grads, penalty_grad(self.params, lam))]
        if momentum > 0:
            self.params, self._velocity = _optim.momentum_step(self.params, grads, self._velocity, lr, momentum)
        else:
            self.params = _optim.sgd_step(self.params, grads, lr)

    def _callbacks_say_stop(self, callbacks, epoch, logs):
        stop = False
        for cb in callbacks:
            if isinstance(cb, _reg.EarlyStopping):
                monitor = "val_loss" if "val_loss" in logs else "loss"
                stop = cb.update(logs[monitor], self.params) or stop
            else:
                stop = bool(cb.on_epoch_end(epoch, logs, self)) or stop
        return stop

    # ------------------------------------------------------------ describing, saving
    def summary(self):
        """Print and return a table: layer, shape of W, activation, parameters, and the total."""
        rows = [("layer", "W shape", "activation", "parameters")]
        for l, layer in enumerate(self.layers, start=1):
            rows.append((str(l), str(layer.W.shape), layer.activation, str(layer.W.size + layer.b.size)))
        rows.append(("total", "", "", str(self.parameter_count())))
        widths = [max(len(row[i]) for row in rows) for i in range(4)]
        lines = ["  ".join(cell.ljust(w) if i < 3 else cell.rjust(w) for i, (cell, w) in enumerate(zip(row, widths)))
                 for row in rows]
        lines.insert(1, "-" * len(lines[0]))
        lines.insert(len(lines) - 1, "-" * len(lines[0]))
        text = "\n".join(lines)
        print(text)
        return text

    def save(self, path):
        """Write W1, b1, ..., WL, bL, the activations and the sizes to an .npz file; returns its path."""
        arrays = {"format": np.array(FORMAT), "activations": np.array(self.activations),
                  "sizes": np.array(self.sizes, dtype=np.int64), "logits": np.array(self.logits)}
        for l, (W, b) in enumerate(self.params, start=1):
            arrays[f"W{l}"], arrays[f"b{l}"] = W, b
        path = str(path)
        if not path.endswith(".npz"):
            path += ".npz"               # what np.savez would do; return the real name
        np.savez(path, **arrays)
        return path

    @classmethod
    def load(cls, path):
        """Rebuild a model written by `save` (no pickles are read)."""
        path = str(path)
        if os.path.isfile(path) and not zipfile.is_zipfile(path):
            raise ValueError(f"{path!r} is not a model saved by Sequential.save: it is not an .npz (zip) archive")
        try:
            with np.load(path, allow_pickle=False) as data:
                if "format" not in data.files or str(data["format"]) != FORMAT:
                    raise ValueError("it has no 'format' entry equal to " + repr(FORMAT))
                sizes = [int(n) for n in data["sizes"]]
                names = [str(a) for a in data["activations"]]
                if len(names) != len(sizes) - 1:
                    raise ValueError(f"{len(names)} activations for {len(sizes) - 1} layers")
                params = [(data[f"W{l}"], data[f"b{l}"]) for l in range(1, len(names) + 1)]
                model = cls([Dense(n_in, n_out, act) for n_in, n_out, act in zip(sizes[:-1], sizes[1:], names)])
                model.params, model.logits = params, bool(data["logits"])
        except FileNotFoundError:
            raise FileNotFoundError(f"no model file {path!r}") from None
        except Exception as error:
            raise ValueError(f"{path!r} is not a model saved by Sequential.save: {error}") from None
        return model

    def __repr__(self):
        return f"Sequential({self.layers!r})"


def build_and_train(X_train, y_train, seed=0):
    """Reference for chapter 09's capstone: build a network for a 2-D binary problem and train it.

    X_train (n, 2), y_train (n, 1) with labels 0/1. Returns a trained Sequential whose
    predict(X) gives 0/1 labels. Two hidden ReLU layers of 16 units, a sigmoid output,
    binary cross-entropy, mini-batches of 32 with momentum: enough for circle, xor and
    gauss; on the spiral it is hit and miss (chapter 09 uses it as the baseline to beat).
    """
    X_train = as_2d(X_train, "X_train")
    n_in = X_train.shape[1]
    model = Sequential([Dense(n_in, 16, "relu", init="he"), Dense(16, 16, "relu", init="he"),
                        Dense(16, 1, "sigmoid")], seed=seed)
    model.fit(X_train, y_train, loss="binary_cross_entropy", lr=0.05, epochs=300, batch_size=32,
              momentum=0.9, seed=seed)
    return model
