"""The playground's model, without any widget: configuration, data, features, network, training.

`PlaygroundConfig` lists every setting of the playground (the ones of TensorFlow Playground and
a few more). `PlaygroundState` turns a configuration into

    data      X (500 points in [-6, 6]²) and y from nnlib.datasets, split into train and test
    features  the columns the network sees, chosen among x1, x2, x1², x2², x1·x2, sin x1, sin x2
    network   an nnlib.models.Sequential: the hidden layers, then one output unit
    training  step(n) runs n epochs of mini-batch gradient descent (one Sequential.fit per epoch)

and offers what the interface needs: the output and every neuron's activation on a grid over the
plane, a one-step gradient report, export to .npz and to nnlib code, and a one-line state string.

The output unit and the targets depend on the problem and the loss:

    classification, loss "mse"            tanh output, targets −1/+1  (as TensorFlow Playground)
    classification, loss "cross_entropy"  sigmoid output, targets 0/1, binary cross-entropy
    regression (always "mse")             linear output, targets y

In both classification cases a point is predicted as class 1 when the output is above the middle
of the output's range (0 for tanh, 0.5 for sigmoid).

Reproducibility: epoch e trains with Sequential.fit(..., epochs=1, seed=[seed, e]), so the result
depends only on the configuration and the number of epochs, not on how the epochs were grouped
into chunks; the same state string gives the same weights.
"""
import copy
import dataclasses
import numbers
from dataclasses import dataclass

import numpy as np

from .. import activations as _activations
from .. import datasets as _datasets
from .. import losses as _losses
from .. import optim as _optim
from .. import regularization as _reg
from ..models import Dense, Sequential, TrainingDiverged

# ---------------------------------------------------------------- the choices offered
CLASSIFICATION_DATASETS = ("circle", "xor", "gauss", "spiral")
REGRESSION_DATASETS = ("plane", "multi_gauss")
DATASETS = CLASSIFICATION_DATASETS + REGRESSION_DATASETS
PROBLEMS = ("classification", "regression")
ACTIVATIONS = ("relu", "tanh", "sigmoid", "linear")
LOSSES = ("mse", "cross_entropy")
REGULARIZATIONS = ("none", "L1", "L2")
LEARNING_RATES = (0.00001, 0.0001, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0)
REGULARIZATION_RATES = (0.0, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0)
MAX_LAYERS = 6
MAX_NEURONS = 8
N_POINTS = 500          # points per data set (train + test), as TensorFlow Playground
DOMAIN = 6.0            # the plane shown is [-DOMAIN, DOMAIN]²
GRID = 50               # heatmaps are computed on a GRID × GRID grid over the plane

# id: (label shown, NumPy expression in x1 and x2). The expression is also what export_code writes.
FEATURES = {
    "x1": ("x₁", "x1"),
    "x2": ("x₂", "x2"),
    "x1sq": ("x₁²", "x1 ** 2"),
    "x2sq": ("x₂²", "x2 ** 2"),
    "x1x2": ("x₁x₂", "x1 * x2"),
    "sinx1": ("sin x₁", "np.sin(x1)"),
    "sinx2": ("sin x₂", "np.sin(x2)"),
}


def feature_matrix(X, features):
    """The network's input: one column per chosen feature, computed from the columns x1, x2 of X.

    feature_matrix(X, ("x1", "x1sq")) has shape (n, 2) with columns x1 and x1²."""
    X = np.asarray(X, dtype=float)
    x1, x2 = X[:, 0], X[:, 1]
    columns = {
        "x1": lambda: x1,
        "x2": lambda: x2,
        "x1sq": lambda: x1 ** 2,
        "x2sq": lambda: x2 ** 2,
        "x1x2": lambda: x1 * x2,
        "sinx1": lambda: np.sin(x1),
        "sinx2": lambda: np.sin(x2),
    }
    return np.column_stack([columns[f]() for f in features]).reshape(len(X), len(features))


# ---------------------------------------------------------------- the configuration
def _is_number(x):
    return isinstance(x, numbers.Real) and not isinstance(x, bool) and np.isfinite(x)


def _is_int(x):
    return isinstance(x, (int, np.integer)) and not isinstance(x, bool)


@dataclass
class PlaygroundConfig:
    """Every setting of the playground. Percentages are whole numbers, as on the controls.

    dataset        one of DATASETS; it decides the problem (`problem` property)
    features       ids from FEATURES, in FEATURES order (at least one)
    hidden         neurons per hidden layer, 0 to 6 layers of 1 to 8 neurons
    activations    one activation per hidden layer (a single name is copied to every layer)
    lr             learning rate, 1e-5 to 10
    regularization "none", "L1" or "L2", with reg_rate (λ)
    noise          0 to 50 (%)       batch_size  1 to 30       train_ratio  10 to 90 (% for training)
    loss           "mse" or "cross_entropy" (classification only)
    dropout        fraction of hidden units dropped in training, 0 to 0.9
    patience       early stopping: stop when the test loss has not improved for this many
                   epochs and put back the best weights (0: off)
    seed           weights and shuffling;  data_seed: the data (Regenerate adds 1)
    discretize     show the output heatmap as classes;  show_test: draw the test points
    """

    dataset: str = "circle"
    features: tuple = ("x1", "x2")
    hidden: tuple = (4, 2)
    activations: tuple = ("tanh", "tanh")
    lr: float = 0.03
    regularization: str = "none"
    reg_rate: float = 0.0
    noise: int = 0
    batch_size: int = 10
    train_ratio: int = 50
    loss: str = "mse"
    dropout: float = 0.0
    patience: int = 0
    seed: int = 0
    data_seed: int = 0
    discretize: bool = False
    show_test: bool = False

    def __post_init__(self):
        if self.dataset not in DATASETS:
            raise ValueError(f"dataset must be one of {', '.join(DATASETS)}; got {self.dataset!r}")
        if isinstance(self.features, str):
            self.features = (self.features,)
        features = tuple(self.features)
        unknown = [f for f in features if f not in FEATURES]
        if unknown or not features:
            raise ValueError(f"features must be a non-empty selection of {', '.join(FEATURES)}; got {self.features!r}")
        self.features = tuple(f for f in FEATURES if f in features)   # canonical order, no repeats
        hidden = tuple(self.hidden)
        if len(hidden) > MAX_LAYERS or not all(_is_int(n) and 1 <= n <= MAX_NEURONS for n in hidden):
            raise ValueError(f"hidden must list 0 to {MAX_LAYERS} layer sizes, each 1 to {MAX_NEURONS}; got {self.hidden!r}")
        self.hidden = tuple(int(n) for n in hidden)
        acts = (self.activations,) * len(self.hidden) if isinstance(self.activations, str) else tuple(self.activations)
        if len(acts) != len(self.hidden):
            raise ValueError(f"activations must give one name per hidden layer ({len(self.hidden)}); got {self.activations!r}")
        if any(a not in ACTIVATIONS for a in acts):
            raise ValueError(f"activations must be among {', '.join(ACTIVATIONS)}; got {self.activations!r}")
        self.activations = acts
        if not _is_number(self.lr) or not 1e-5 <= self.lr <= 10:
            raise ValueError(f"lr must be a number in [1e-5, 10]; got {self.lr!r}")
        if self.regularization not in REGULARIZATIONS:
            raise ValueError(f"regularization must be one of {', '.join(REGULARIZATIONS)}; got {self.regularization!r}")
        if not _is_number(self.reg_rate) or not 0 <= self.reg_rate <= 10:
            raise ValueError(f"reg_rate must be a number in [0, 10]; got {self.reg_rate!r}")
        for name, low, high in (("noise", 0, 50), ("batch_size", 1, 30), ("train_ratio", 10, 90), ("patience", 0, 1000)):
            value = getattr(self, name)
            if not _is_int(value) or not low <= value <= high:
                raise ValueError(f"{name} must be a whole number from {low} to {high}; got {value!r}")
            setattr(self, name, int(value))
        if self.loss not in LOSSES:
            raise ValueError(f"loss must be one of {', '.join(LOSSES)}; got {self.loss!r}")
        if self.loss == "cross_entropy" and self.problem == "regression":
            raise ValueError("loss='cross_entropy' needs a classification data set; regression uses 'mse'")
        if not _is_number(self.dropout) or not 0 <= self.dropout <= 0.9:
            raise ValueError(f"dropout must be a number in [0, 0.9]; got {self.dropout!r}")
        for name in ("seed", "data_seed"):
            if not _is_int(getattr(self, name)) or getattr(self, name) < 0:
                raise ValueError(f"{name} must be a whole number >= 0; got {getattr(self, name)!r}")
            setattr(self, name, int(getattr(self, name)))
        self.lr, self.reg_rate, self.dropout = float(self.lr), float(self.reg_rate), float(self.dropout)
        self.discretize, self.show_test = bool(self.discretize), bool(self.show_test)

    @property
    def problem(self):
        """'classification' or 'regression', decided by the data set."""
        return "classification" if self.dataset in CLASSIFICATION_DATASETS else "regression"

    @property
    def output_activation(self):
        """tanh (classification with squared error), sigmoid (with cross-entropy), linear (regression)."""
        if self.problem == "regression":
            return "linear"
        return "sigmoid" if self.loss == "cross_entropy" else "tanh"

    @property
    def nnlib_loss(self):
        """The name nnlib.losses uses: 'mse' or 'binary_cross_entropy'."""
        return "binary_cross_entropy" if self.loss == "cross_entropy" else "mse"

    @property
    def l1(self):
        return self.reg_rate if self.regularization == "L1" else 0.0

    @property
    def l2(self):
        return self.reg_rate if self.regularization == "L2" else 0.0

    @property
    def sizes(self):
        """[number of features, hidden sizes..., 1]."""
        return [len(self.features), *self.hidden, 1]

    def replace(self, **changes):
        """A new, checked configuration with some settings changed.

        Changing `hidden` without `activations` keeps each remaining layer's activation and
        gives new layers the activation of the last one (tanh if there was none)."""
        if "hidden" in changes and "activations" not in changes:
            hidden, old = tuple(changes["hidden"]), self.activations
            fill = old[-1] if old else "tanh"
            changes["activations"] = tuple(old[:len(hidden)]) + (fill,) * max(0, len(hidden) - len(old))
        return dataclasses.replace(self, **changes)

    # -------------------------------------------------------- the one-line state string
    def state_string(self):
        """Every setting as one line `key=value;key=value;...` (lists comma-separated).

        Paste it into PlaygroundConfig.from_state_string (or the playground's State box) to
        get the same configuration back; with the same number of epochs, the same weights."""
        parts = ["v=1"]
        for f in dataclasses.fields(self):
            value = getattr(self, f.name)
            if isinstance(value, tuple):
                text = ",".join(str(v) for v in value)
            elif isinstance(value, bool):
                text = str(int(value))
            elif isinstance(value, float):
                text = repr(value)
            else:
                text = str(value)
            parts.append(f"{f.name}={text}")
        return ";".join(parts)

    @classmethod
    def from_state_string(cls, text):
        """The configuration written by state_string (missing keys keep their defaults)."""
        if not isinstance(text, str) or "=" not in text:
            raise ValueError(f"a state string looks like 'v=1;dataset=circle;...'; got {text!r}")
        types = {f.name: f for f in dataclasses.fields(cls)}
        defaults = cls()
        values = {}
        for part in text.strip().strip(";").split(";"):
            key, sep, raw = part.strip().partition("=")
            if not sep:
                raise ValueError(f"state string part {part!r} is not key=value")
            if key == "v":
                if raw != "1":
                    raise ValueError(f"unknown state string version {raw!r}")
                continue
            if key not in types:
                raise ValueError(f"unknown setting {key!r} in the state string; known: {', '.join(types)}")
            default = getattr(defaults, key)
            try:
                if key == "hidden":
                    value = tuple(int(v) for v in raw.split(",") if v)
                elif isinstance(default, tuple):
                    value = tuple(v for v in raw.split(",") if v)
                elif isinstance(default, bool):
                    value = raw.strip().lower() in ("1", "true", "yes", "on")
                elif isinstance(default, float):
                    value = float(raw)
                elif isinstance(default, int):
                    value = int(raw)
                else:
                    value = raw
            except ValueError:
                raise ValueError(f"cannot read {key}={raw!r} from the state string") from None
            values[key] = value
        if "hidden" in values and "activations" not in values:
            values["activations"] = ("tanh",) * len(values["hidden"])
        return cls(**values)


# ---------------------------------------------------------------- presets: one lesson each
PRESETS = {
    "default (TensorFlow Playground)": dict(),
    "spiral needs depth": dict(dataset="spiral", hidden=(8, 8, 8, 8, 8), activations="tanh",
                               loss="cross_entropy", lr=0.1),
    "spiral with one layer struggles": dict(dataset="spiral", hidden=(8,), activations="tanh",
                                            loss="cross_entropy", lr=0.1),
    "L1 kills useless features": dict(dataset="gauss", features=tuple(FEATURES), hidden=(3,),
                                      activations="tanh", regularization="L1", reg_rate=0.01, lr=0.03),
    "too-high learning rate diverges": dict(dataset="plane", hidden=(4,), activations="tanh", lr=1.0),
    "the right feature replaces a layer": dict(dataset="xor", features=("x1x2",), hidden=(), activations=()),
    "circle without a hidden layer fails": dict(dataset="circle", hidden=(), activations=()),
    "squares make the circle linear": dict(dataset="circle", features=("x1sq", "x2sq"), hidden=(),
                                           activations=()),
    "noise, few points: early stopping": dict(dataset="xor", noise=50, train_ratio=20, hidden=(8, 8, 8),
                                              activations="relu", lr=0.03, patience=30),
    "ReLU learns circle fast": dict(dataset="circle", hidden=(8, 8), activations="relu",
                                    loss="cross_entropy", lr=0.03),
}


def preset_config(name):
    """The PlaygroundConfig of a preset (see PRESETS); unknown names list the known ones."""
    if name not in PRESETS:
        raise ValueError(f"unknown preset {name!r}; presets: {', '.join(PRESETS)}")
    return PlaygroundConfig(**PRESETS[name])


# ---------------------------------------------------------------- the gradient-step report
@dataclass
class GradientStepReport:
    """One mini-batch gradient step, weight by weight.

    rows: one dict per parameter with name ("W1[x₁→1.1]", "b2[2.1]"), layer (1-based), kind
    ("W" or "b"), i, j (row and column; i is None for biases), before, grad, after, delta.
    batch_loss_before / batch_loss_after: the data loss on the batch before and after the step."""

    rows: list
    batch_size: int
    lr: float
    batch_loss_before: float
    batch_loss_after: float
    epoch: int = 0
    applied: bool = True

    def largest(self, top=10):
        """The `top` rows that moved most (largest |delta|)."""
        return sorted(self.rows, key=lambda r: -abs(r["delta"]))[:top]

    def text(self, top=10):
        """A table of the weights that moved most, as text."""
        lines = [f"one gradient step on a batch of {self.batch_size} training points, lr = {self.lr:g}",
                 f"batch loss {self.batch_loss_before:.5g} -> {self.batch_loss_after:.5g}",
                 f"{'parameter':<22}{'before':>10}{'gradient':>11}{'after':>10}{'change':>10}"]
        for r in self.largest(top):
            lines.append(f"{r['name']:<22}{r['before']:>10.4f}{r['grad']:>11.4f}{r['after']:>10.4f}{r['delta']:>+10.4f}")
        return "\n".join(lines)

    def __repr__(self):
        return self.text()


def node_label(config, layer, index):
    """The name of a neuron: input features by their label, hidden neurons 'layer.k', the output 'out'."""
    if layer == 0:
        return FEATURES[config.features[index]][0]
    if layer == len(config.hidden) + 1:
        return "out"
    return f"{layer}.{index + 1}"


# ---------------------------------------------------------------- the state
class PlaygroundState:
    """Data, network and training of the playground, driven by a PlaygroundConfig.

    state = PlaygroundState()                     # the defaults
    state.step(100)                               # 100 epochs
    state.accuracy("test"), state.history["val_loss"][-1]
    state.set(hidden=(8, 8), activations="relu")  # rebuilds what the change requires
    """

    DATA_KEYS = ("dataset", "noise", "train_ratio", "data_seed")
    NETWORK_KEYS = ("features", "hidden", "activations", "seed", "loss")

    def __init__(self, config=None, **changes):
        config = config if config is not None else PlaygroundConfig()
        if not isinstance(config, PlaygroundConfig):
            raise ValueError(f"config must be a PlaygroundConfig; got {config!r}")
        self.config = config.replace(**changes) if changes else config
        self.message = ""          # what the interface should tell the reader (divergence, early stop)
        self._build_grid()
        self._build_data()
        self.reset()

    # -------------------------------------------------------- building
    def _build_grid(self):
        side = np.linspace(-DOMAIN, DOMAIN, GRID)
        g1, g2 = np.meshgrid(side, side)
        self.grid_X = np.column_stack([g1.ravel(), g2.ravel()])   # (GRID², 2), row-major from the bottom

    def _build_data(self):
        """Draw the data set and split it into training and test points (nnlib.datasets)."""
        c = self.config
        X, y = _datasets.make_2d(c.dataset, n=N_POINTS, noise=c.noise / 100, seed=c.data_seed)
        self.X, self.y = X, y
        self.X_train, self.X_test, self.y_train, self.y_test = _datasets.train_test_split(
            X, y, test_fraction=1 - c.train_ratio / 100, seed=c.data_seed)

    def targets(self, y):
        """What the output unit is trained towards: −1/+1 for a tanh output, y otherwise."""
        return 2.0 * y - 1.0 if self.config.output_activation == "tanh" else y

    def _build_network(self):
        c = self.config
        sizes = c.sizes
        acts = list(c.activations) + [c.output_activation]
        layers = [Dense(n_in, n_out, act) for n_in, n_out, act in zip(sizes[:-1], sizes[1:], acts)]
        self.model = Sequential(layers, seed=c.seed)

    def reset(self):
        """New weights from the seed, epoch 0, empty loss history (the Reset button)."""
        c = self.config
        self._build_network()
        self.F_train = feature_matrix(self.X_train, c.features)
        self.F_test = feature_matrix(self.X_test, c.features)
        self.F_grid = feature_matrix(self.grid_X, c.features)
        self.T_train, self.T_test = self.targets(self.y_train), self.targets(self.y_test)
        self.epoch = 0
        self.history = {"epoch": [], "loss": [], "val_loss": []}
        self.stopped = None        # None, "diverged" or "early stopping"
        self.message = ""
        self._stopper = _reg.EarlyStopping(c.patience, restore_best=True) if c.patience else None
        self._record()

    def regenerate(self):
        """New data (data_seed + 1), then a reset (the Regenerate button)."""
        self.set(data_seed=self.config.data_seed + 1)

    def set(self, **changes):
        """Change settings; rebuilds the data and/or the network when the change requires it.

        Data settings (dataset, noise, train_ratio, data_seed) redraw the data and reset;
        network settings (features, hidden, activations, seed, loss) reset the weights;
        training settings (lr, regularization, reg_rate, batch_size, dropout, patience) apply
        from the next epoch on; view settings (discretize, show_test) change only the picture.
        Returns the set of names whose value changed."""
        new = self.config.replace(**changes)
        changed = {f.name for f in dataclasses.fields(new) if getattr(new, f.name) != getattr(self.config, f.name)}
        self.config = new
        if changed & set(self.DATA_KEYS):
            self._build_data()
        if changed & set(self.DATA_KEYS + self.NETWORK_KEYS):
            self.reset()
        elif "patience" in changed:
            self._stopper = _reg.EarlyStopping(new.patience, restore_best=True) if new.patience else None
            if self.stopped == "early stopping":
                self.stopped, self.message = None, ""
        return changed

    def load_config(self, config):
        """Switch to another configuration (a preset or a state string) and reset."""
        if isinstance(config, str):
            config = PlaygroundConfig.from_state_string(config)
        self.config = config
        self._build_data()
        self.reset()

    # -------------------------------------------------------- training
    def _record(self):
        """Append the current training and test losses to the history (evaluation mode)."""
        loss = self.config.nnlib_loss
        with np.errstate(all="ignore"):
            self.history["epoch"].append(self.epoch)
            self.history["loss"].append(self.model.evaluate(self.F_train, self.T_train, loss))
            self.history["val_loss"].append(self.model.evaluate(self.F_test, self.T_test, loss))

    def step(self, n_epochs=1):
        """Train for n_epochs more epochs; returns how many were done.

        Stops early (and sets `stopped` and `message`) when the loss becomes NaN or infinite
        (the weights of the last good epoch are kept) or when early stopping says so."""
        if isinstance(n_epochs, bool) or not isinstance(n_epochs, (int, np.integer)) or n_epochs < 0:
            raise ValueError(f"n_epochs must be a whole number >= 0; got {n_epochs!r}")
        if self.stopped:
            return 0
        c = self.config
        done = 0
        for _ in range(int(n_epochs)):
            good = [(W.copy(), b.copy()) for W, b in self.model.params]
            try:
                h = self.model.fit(self.F_train, self.T_train, loss=c.nnlib_loss, lr=c.lr, epochs=1,
                                   batch_size=c.batch_size, l1=c.l1, l2=c.l2, dropout=c.dropout,
                                   validation_data=(self.F_test, self.T_test), seed=[c.seed, self.epoch])
            except TrainingDiverged:
                self.model.params = good
                self.stopped = "diverged"
                self.message = (f"Training diverged at epoch {self.epoch + 1}: the loss became infinite or NaN. "
                                f"Lower the learning rate (now {c.lr:g}) and press Reset.")
                return done
            self.epoch += 1
            done += 1
            self.history["epoch"].append(self.epoch)
            self.history["loss"].append(h.history["loss"][-1])
            self.history["val_loss"].append(h.history["val_loss"][-1])
            if self._stopper is not None and self._stopper.update(h.history["val_loss"][-1], self.model.params):
                if self._stopper.best_params is not None:
                    self.model.params = self._stopper.best_params
                best = self._stopper.best_epoch + 1
                self.stopped = "early stopping"
                self.message = (f"Early stopping at epoch {self.epoch}: the test loss has not improved for "
                                f"{c.patience} epochs; the weights of epoch {best} were put back.")
                return done
        return done

    # -------------------------------------------------------- reading the network
    def outputs(self, F):
        """The output unit's value for feature rows F, shape (n,)."""
        return self.model.predict_proba(F)[:, 0]

    def predicted_class(self, out):
        """0/1 classes from output values: above 0 (tanh) or 0.5 (sigmoid) is class 1."""
        return (out > (0.5 if self.config.output_activation == "sigmoid" else 0.0)).astype(float)

    def accuracy(self, which="test"):
        """Fraction of correctly classified training or test points (classification only)."""
        if self.config.problem != "classification":
            raise ValueError("accuracy is for classification data sets; this one is regression")
        F, y = (self.F_test, self.y_test) if which == "test" else (self.F_train, self.y_train)
        return float(np.mean(self.predicted_class(self.outputs(F)) == y[:, 0]))

    @property
    def train_loss(self):
        return self.history["loss"][-1]

    @property
    def test_loss(self):
        return self.history["val_loss"][-1]

    def layer_activations(self, F):
        """[A0, A1, ..., AL] for feature rows F: A0 = F, A_l = g_l(A_{l-1} @ W_l + b_l)."""
        A = [F]
        with np.errstate(all="ignore"):
            for layer in self.model.layers:
                g, _ = _activations.get(layer.activation)
                A.append(g(A[-1] @ layer.W + layer.b))
        return A

    def grid_images(self):
        """Every neuron's value over the plane: a list per layer (inputs first, output last) of
        arrays (n_units, GRID, GRID); image[r, c] is the value at x2 = row r, x1 = column c."""
        return [A.T.reshape(A.shape[1], GRID, GRID) for A in self.layer_activations(self.F_grid)]

    def output_image(self):
        """The output heatmap (GRID, GRID); with `discretize`, the predicted class 0/1
        (classification) or the sign −1/+1 (regression)."""
        out = self.grid_images()[-1][0]
        if self.config.discretize:
            if self.config.problem == "classification":
                return self.predicted_class(out)
            return np.where(out >= 0, 1.0, -1.0)
        return out

    # -------------------------------------------------------- reading and editing one parameter
    def parameters(self):
        """Every weight and bias: a list of (key, name) with key ("W", layer, i, j) or ("b", layer, j)."""
        c, out = self.config, []
        for l, layer in enumerate(self.model.layers, start=1):
            for j in range(layer.n_out):
                target = node_label(c, l, j)
                for i in range(layer.n_in):
                    out.append((("W", l, i, j), f"W{l}[{node_label(c, l - 1, i)}→{target}]"))
                out.append((("b", l, j), f"b{l}[{target}] (bias)"))
        return out

    def get_param(self, key):
        """The value of one weight ("W", layer, i, j) or bias ("b", layer, j); layers count from 1."""
        layer = self.model.layers[key[1] - 1]
        return float(layer.W[key[2], key[3]] if key[0] == "W" else layer.b[key[2]])

    def set_param(self, key, value):
        """Overwrite one weight or bias (what clicking a link and typing does in TF Playground)."""
        if not _is_number(value):
            raise ValueError(f"a weight must be a finite number; got {value!r}")
        layer = self.model.layers[key[1] - 1]
        if key[0] == "W":
            layer.W = layer.W.copy()
            layer.W[key[2], key[3]] = value
        else:
            layer.b = layer.b.copy()
            layer.b[key[2]] = value
        self.history["loss"][-1] = self.model.evaluate(self.F_train, self.T_train, self.config.nnlib_loss)
        self.history["val_loss"][-1] = self.model.evaluate(self.F_test, self.T_test, self.config.nnlib_loss)

    # -------------------------------------------------------- one gradient step, explained
    def gradient_step_report(self, apply=True):
        """Take one mini-batch step (forward, backward, penalty, W ← W − lr·dW) and report, for
        every weight and bias, its value before, its gradient, its value after and the change.

        The batch is batch_size training points drawn from the seed and the epoch. With
        apply=False the weights are put back afterwards."""
        c, model = self.config, self.model
        rng = np.random.default_rng([c.seed, self.epoch, 1])
        rows = rng.choice(len(self.F_train), size=min(c.batch_size, len(self.F_train)), replace=False)
        F, T = self.F_train[rows], self.T_train[rows]
        loss_fn, loss_grad = _losses.get(c.nnlib_loss)
        before = [(W.copy(), b.copy()) for W, b in model.params]
        with np.errstate(all="ignore"):
            loss_before = loss_fn(model.forward(F), T)                       # evaluation mode
            y_hat = model.forward(F, training=True, dropout=c.dropout, rng=rng)
            grads = model.backward(loss_grad(y_hat, T))                     # [(dW, db), ...]
            if c.l2 > 0:
                grads = [(dW + pW, db) for (dW, db), (pW, _) in zip(grads, _reg.l2_grad(before, c.l2))]
            if c.l1 > 0:
                grads = [(dW + pW, db) for (dW, db), (pW, _) in zip(grads, _reg.l1_grad(before, c.l1))]
            model.params = _optim.sgd_step(before, grads, c.lr)
            loss_after = loss_fn(model.forward(F), T)
        report_rows = []
        for (key, name) in self.parameters():
            l = key[1] - 1
            if key[0] == "W":
                idx = (key[2], key[3])
                b, g, a = before[l][0][idx], grads[l][0][idx], model.params[l][0][idx]
            else:
                b, g, a = before[l][1][key[2]], grads[l][1][key[2]], model.params[l][1][key[2]]
            report_rows.append(dict(name=name, layer=key[1], kind=key[0], i=key[2] if key[0] == "W" else None,
                                    j=key[-1], before=float(b), grad=float(g), after=float(a), delta=float(a - b)))
        if apply:
            self.history["loss"][-1] = self.model.evaluate(self.F_train, self.T_train, c.nnlib_loss)
            self.history["val_loss"][-1] = self.model.evaluate(self.F_test, self.T_test, c.nnlib_loss)
        else:
            model.params = before
        return GradientStepReport(report_rows, len(rows), c.lr, float(loss_before), float(loss_after),
                                  epoch=self.epoch, applied=apply)

    # -------------------------------------------------------- sharing and exporting
    def state_string(self):
        """The configuration as one line (see PlaygroundConfig.state_string)."""
        return self.config.state_string()

    @classmethod
    def from_state_string(cls, text):
        """A fresh PlaygroundState (epoch 0) for a state string."""
        return cls(PlaygroundConfig.from_state_string(text))

    def export_npz(self, path):
        """Save the trained network with Sequential.save (reload it with Sequential.load), plus
        the playground's state string, features and epoch; returns the file's path."""
        path = self.model.save(path)
        with np.load(path, allow_pickle=False) as data:
            arrays = {k: data[k] for k in data.files}
        arrays["playground_state"] = np.array(self.state_string())
        arrays["playground_features"] = np.array(self.config.features)
        arrays["playground_epoch"] = np.array(self.epoch)
        np.savez(path, **arrays)
        return path

    def export_code(self):
        """nnlib code that rebuilds this network and trains it exactly as the playground did
        (same data, features, seed; one fit per epoch), for the current number of epochs."""
        return export_code(self.config, self.epoch)

    def copy(self):
        """An independent copy (same configuration, weights, history and epoch)."""
        return copy.deepcopy(self)

    def __repr__(self):
        return f"PlaygroundState(epoch {self.epoch}, {self.state_string()})"


def export_code(config, epochs):
    """The nnlib code (a string) that rebuilds `config`'s data and network and trains `epochs` epochs."""
    c = config
    columns = ", ".join(FEATURES[f][1] for f in c.features)
    acts = list(c.activations) + [c.output_activation]
    sizes = c.sizes
    layer_lines = "\n".join(f"    Dense({a}, {b}, {act!r})," for a, b, act in zip(sizes[:-1], sizes[1:], acts))
    targets = ("# squared error trains a tanh output towards -1/+1 (as TensorFlow Playground)\n"
               "T_train, T_test = 2 * y_train - 1, 2 * y_test - 1\n"
               if c.output_activation == "tanh" else "T_train, T_test = y_train, y_test\n")
    early = ""
    loop_end = ""
    if c.patience:
        early = f"stopper = EarlyStopping(patience={c.patience}, restore_best=True)   # watches the test loss\n"
        loop_end = ("    if stopper.update(history.history['val_loss'][-1], model.params):\n"
                    "        model.params = stopper.best_params\n"
                    "        break\n")
    if c.problem == "classification":
        threshold = 0.5 if c.output_activation == "sigmoid" else 0.0
        report = (f"accuracy = np.mean((model.predict_proba(features(X_test)) > {threshold}) == (y_test > 0.5))\n"
                  "print(f'test accuracy {accuracy:.3f}')\n")
    else:
        report = "print('test loss', model.evaluate(features(X_test), T_test, 'mse'))\n"
    return (
        f"# Generated by the nnlib playground; state: {c.state_string()}\n"
        "import numpy as np\n"
        "from nnlib import datasets\n"
        "from nnlib.models import Dense, Sequential\n"
        + ("from nnlib.regularization import EarlyStopping\n" if c.patience else "")
        + "\n"
        f"X, y = datasets.make_2d({c.dataset!r}, n={N_POINTS}, noise={c.noise / 100!r}, seed={c.data_seed})\n"
        f"X_train, X_test, y_train, y_test = datasets.train_test_split(\n"
        f"    X, y, test_fraction={1 - c.train_ratio / 100!r}, seed={c.data_seed})\n"
        + targets + "\n"
        "def features(X):\n"
        f"    \"\"\"The network's inputs: {', '.join(FEATURES[f][0] for f in c.features)}.\"\"\"\n"
        "    x1, x2 = X[:, 0], X[:, 1]\n"
        f"    return np.column_stack([{columns}]).reshape(len(X), {len(c.features)})\n\n"
        "model = Sequential([\n"
        f"{layer_lines}\n"
        f"], seed={c.seed})\n"
        + early
        + f"for epoch in range({epochs}):   # one fit per epoch, shuffled with seed [seed, epoch]\n"
        f"    history = model.fit(features(X_train), T_train, loss={c.nnlib_loss!r}, lr={c.lr!r}, epochs=1,\n"
        f"                        batch_size={c.batch_size}, l1={c.l1!r}, l2={c.l2!r}, dropout={c.dropout!r},\n"
        f"                        validation_data=(features(X_test), T_test), seed=[{c.seed}, epoch])\n"
        + loop_end + "\n"
        + report
    )
