"""Small data sets used throughout the course.

Everything here is either typed in from the lectures or generated with NumPy:
nothing is downloaded. Generators are deterministic for a given ``seed``.

Notation (row-batch): ``X`` has shape (n, d), one example per row; ``y`` has
shape (n, 1) and holds 0.0/1.0 for binary labels or a real number for regression.
"""
import numpy as np

STUDY_HOURS_COLUMNS = ("study_hours", "sleep_hours", "quiz", "exam")
PLAYGROUND_NAMES = ("circle", "xor", "gauss", "spiral", "plane", "multi_gauss")


# ---------------------------------------------------------------- argument checks
def _check_n(n):
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
        raise ValueError(f"n must be an integer >= 1, got {n!r}")
    return int(n)


def _check_noise(noise):
    try:
        noise = float(noise)
    except (TypeError, ValueError):
        raise ValueError(f"noise must be a number >= 0, got {noise!r}") from None
    if not np.isfinite(noise) or noise < 0:
        raise ValueError(f"noise must be a number >= 0, got {noise!r}")
    return noise


def _class_sizes(n):
    """Split n points into (class 1, class 0) counts, as equal as possible."""
    n0 = n // 2
    return n - n0, n0


def _stack_and_shuffle(rng, X1, X0):
    """Stack class-1 and class-0 points, label them 1.0/0.0, shuffle the rows."""
    X = np.vstack([X1, X0])
    y = np.concatenate([np.ones(len(X1)), np.zeros(len(X0))]).reshape(-1, 1)
    order = rng.permutation(len(X))
    return X[order], y[order]


# ---------------------------------------------------------------- the lectures' data
def study_hours():
    """The lectures' table of students: predict the exam mark from three inputs.

    Returns X of shape (8, 3) with columns [study hours, sleep hours, quiz %] and
    y of shape (8, 1) holding the exam %, both float, exactly as printed in the
    lectures (percentages as numbers 0-100). Column names: ``STUDY_HOURS_COLUMNS``.
    """
    table = np.array([
        # study, sleep, quiz, exam
        [12.0, 6.0, 78.0, 93.0],
        [22.0, 6.5, 24.0, 68.0],
        [115.0, 4.0, 100.0, 95.0],
        [31.0, 9.0, 67.0, 75.0],
        [0.0, 10.0, 58.0, 51.0],
        [5.0, 8.0, 78.0, 60.0],
        [92.0, 6.0, 82.0, 89.0],
        [57.0, 8.0, 91.0, 97.0],
    ])
    return table[:, :3], table[:, 3:]


def xor_lecture():
    """XOR as in the lecture code: X of shape (4, 3), y of shape (4, 1), float.

    The third column of X is a constant 1 that plays the role of a bias input.
    """
    X = np.array([[0, 0, 1], [0, 1, 1], [1, 0, 1], [1, 1, 1]], dtype=float)
    y = np.array([[0], [1], [1], [0]], dtype=float)
    return X, y


def xor_table():
    """The XOR truth table: X of shape (4, 2) with the two inputs, y of shape (4, 1)."""
    X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=float)
    y = np.array([[0], [1], [1], [0]], dtype=float)
    return X, y


def bank_transactions():
    """The lectures' toy network predicting a customer's number of bank transactions.

    Returns a dict with the example input ``"x"`` = [2, 3] (children, accounts),
    ``"feature_names"``, and ``"weights"``: ``"node_0"`` and ``"node_1"`` (each of
    shape (2,), one hidden node each) and ``"output"`` (shape (2,), weights from the
    two hidden nodes). With identity (or ReLU) hidden activations the hidden layer
    is [5, 1] and the output is 2*5 - 1*1 = 9.
    """
    return {
        "x": np.array([2.0, 3.0]),
        "feature_names": ("children", "accounts"),
        "weights": {
            "node_0": np.array([1.0, 1.0]),
            "node_1": np.array([-1.0, 1.0]),
            "output": np.array([2.0, -1.0]),
        },
    }


def bank_transactions_tanh():
    """The same toy network as ``bank_transactions`` with other numbers, used with tanh.

    Input ``"x"`` = [-1, 2]; hidden pre-activations are [3, 9]; with a tanh hidden
    layer and an identity output the prediction is 2*tanh(3) - tanh(9) ~ 0.99011.
    """
    return {
        "x": np.array([-1.0, 2.0]),
        "feature_names": ("children", "accounts"),
        "weights": {
            "node_0": np.array([3.0, 3.0]),
            "node_1": np.array([1.0, 5.0]),
            "output": np.array([2.0, -1.0]),
        },
    }


# ------------------------------------------------ TensorFlow-Playground-style 2-D sets
# Shared by all six: X has shape (n, 2) and lies roughly in [-6, 6]^2, y has shape
# (n, 1). `noise` is a fraction like the playground's 0-50 % slider (0 <= noise,
# typically <= 0.5). Classification sets hold ceil(n/2) points of class 1 and
# floor(n/2) of class 0, in shuffled order; a point keeps the label of the class it
# was drawn for even when noise pushes it across the boundary.

def circle(n=200, noise=0.0, seed=0):
    """A disc (label 1, radius 0 to 2.5) inside a ring (label 0, radius 3.5 to 5).

    Each point is jittered by noise * Uniform(-5, 5) in both coordinates.
    Returns X of shape (n, 2) and y of shape (n, 1).
    """
    n, noise = _check_n(n), _check_noise(noise)
    rng = np.random.default_rng(seed)
    radius = 5.0

    def ring(m, r_low, r_high):
        r = rng.uniform(r_low, r_high, size=m)
        angle = rng.uniform(0.0, 2 * np.pi, size=m)
        points = np.column_stack([r * np.sin(angle), r * np.cos(angle)])
        return points + noise * rng.uniform(-radius, radius, size=(m, 2))

    n1, n0 = _class_sizes(n)
    return _stack_and_shuffle(rng, ring(n1, 0.0, 0.5 * radius), ring(n0, 0.7 * radius, radius))


def xor(n=200, noise=0.0, seed=0):
    """XOR in the plane: label 1 where x1 * x2 >= 0 (first and third quadrants), else 0.

    Coordinates are uniform in [-5, 5] and moved 0.3 away from the axes (as in the
    playground), then jittered by noise * Uniform(-5, 5).
    Returns X of shape (n, 2) and y of shape (n, 1).
    """
    n, noise = _check_n(n), _check_noise(noise)
    rng = np.random.default_rng(seed)
    padding = 0.3

    def quadrants(m, same_sign):
        size = rng.uniform(0.0, 5.0, size=(m, 2)) + padding
        sign_1 = rng.choice([-1.0, 1.0], size=m)
        sign_2 = sign_1 if same_sign else -sign_1
        points = size * np.column_stack([sign_1, sign_2])
        return points + noise * rng.uniform(-5.0, 5.0, size=(m, 2))

    n1, n0 = _class_sizes(n)
    return _stack_and_shuffle(rng, quadrants(n1, True), quadrants(n0, False))


def gauss(n=200, noise=0.0, seed=0):
    """Two Gaussian blobs: centre (2, 2) with label 1 and centre (-2, -2) with label 0.

    Each coordinate has variance 0.5 + 7 * noise (0.5 at noise 0, 4 at noise 0.5).
    Returns X of shape (n, 2) and y of shape (n, 1).
    """
    n, noise = _check_n(n), _check_noise(noise)
    rng = np.random.default_rng(seed)
    std = np.sqrt(0.5 + 7.0 * noise)
    n1, n0 = _class_sizes(n)
    X1 = np.array([2.0, 2.0]) + std * rng.standard_normal((n1, 2))
    X0 = np.array([-2.0, -2.0]) + std * rng.standard_normal((n0, 2))
    return _stack_and_shuffle(rng, X1, X0)


def spiral(n=200, noise=0.0, seed=0):
    """Two interleaved spiral arms (labels 1 and 0), each turning 1.75 times out to radius 5.

    The label-0 arm is the label-1 arm rotated by half a turn. Each point is
    jittered by noise * Uniform(-1, 1). Returns X of shape (n, 2) and y of shape (n, 1).
    """
    n, noise = _check_n(n), _check_noise(noise)
    rng = np.random.default_rng(seed)

    def arm(m, turn):
        i = np.arange(m)
        r = i / max(m, 1) * 5.0
        t = 1.75 * i / max(m, 1) * 2 * np.pi + turn
        points = np.column_stack([r * np.sin(t), r * np.cos(t)])
        return points + noise * rng.uniform(-1.0, 1.0, size=(m, 2))

    n1, n0 = _class_sizes(n)
    return _stack_and_shuffle(rng, arm(n1, 0.0), arm(n0, np.pi))


def plane(n=200, noise=0.0, seed=0):
    """Regression: y = (x1 + x2) / 10 for x uniform in [-6, 6]^2, so y is about in [-1, 1].

    As in the playground, the target is computed at a jittered copy of the input
    (jitter noise * Uniform(-6, 6)), which adds noise to y. Returns X (n, 2), y (n, 1).
    """
    n, noise = _check_n(n), _check_noise(noise)
    rng = np.random.default_rng(seed)
    X = rng.uniform(-6.0, 6.0, size=(n, 2))
    jittered = X + noise * rng.uniform(-6.0, 6.0, size=(n, 2))
    y = (jittered[:, 0] + jittered[:, 1]) / 10.0
    return X, y.reshape(-1, 1)


# (centre x1, centre x2, sign) of the bumps of `multi_gauss`
_BUMPS = ((-4.0, 2.5, 1.0), (0.0, 2.5, -1.0), (4.0, 2.5, 1.0),
          (-4.0, -2.5, -1.0), (0.0, -2.5, 1.0), (4.0, -2.5, -1.0))


def multi_gauss(n=200, noise=0.0, seed=0):
    """Regression: y = sum of six signed Gaussian bumps (width 1, height +1 or -1).

    The bumps sit on a 3 x 2 grid with alternating signs, so y is about in [-1, 1].
    x is uniform in [-6, 6]^2; the target is computed at a jittered copy of the
    input (jitter noise * Uniform(-6, 6)). Returns X (n, 2), y (n, 1).
    """
    n, noise = _check_n(n), _check_noise(noise)
    rng = np.random.default_rng(seed)
    X = rng.uniform(-6.0, 6.0, size=(n, 2))
    jittered = X + noise * rng.uniform(-6.0, 6.0, size=(n, 2))
    y = np.zeros(n)
    for c1, c2, sign in _BUMPS:
        squared_distance = (jittered[:, 0] - c1) ** 2 + (jittered[:, 1] - c2) ** 2
        y += sign * np.exp(-squared_distance / 2.0)
    return X, y.reshape(-1, 1)


_MAKERS = {"circle": circle, "xor": xor, "gauss": gauss, "spiral": spiral,
           "plane": plane, "multi_gauss": multi_gauss}


def make_2d(name, n=200, noise=0.0, seed=0):
    """Build one of the playground sets by name: one of ``PLAYGROUND_NAMES``.

    Same arguments and return values as the function of that name.
    """
    if name not in _MAKERS:
        raise ValueError(f"name must be one of {', '.join(PLAYGROUND_NAMES)}; got {name!r}")
    return _MAKERS[name](n=n, noise=noise, seed=seed)


# ---------------------------------------------------------------- other classics
def two_moons(n=200, noise=0.1, seed=0):
    """Two interleaving half circles: the upper moon (label 0) and the lower one (label 1).

    The upper moon is (cos t, sin t), the lower (1 - cos t, 0.5 - sin t), t in [0, pi];
    Gaussian noise of standard deviation ``noise`` is added to every coordinate.
    Returns X of shape (n, 2) and y of shape (n, 1); ceil(n/2) points have label 1.
    """
    n, noise = _check_n(n), _check_noise(noise)
    rng = np.random.default_rng(seed)
    n1, n0 = _class_sizes(n)
    t0 = np.linspace(0.0, np.pi, n0)
    t1 = np.linspace(0.0, np.pi, n1)
    X0 = np.column_stack([np.cos(t0), np.sin(t0)])
    X1 = np.column_stack([1.0 - np.cos(t1), 0.5 - np.sin(t1)])
    X0 = X0 + noise * rng.standard_normal(X0.shape)
    X1 = X1 + noise * rng.standard_normal(X1.shape)
    return _stack_and_shuffle(rng, X1, X0)


def sine_curve(x):
    """The noiseless truth behind ``noisy_sine``: sin(2 pi x), same shape as x."""
    return np.sin(2 * np.pi * np.asarray(x, dtype=float))


def noisy_sine(n=10, noise=0.2, seed=0, x_range=(0, 1)):
    """A few noisy samples of sin(2 pi x), for fitting polynomials and seeing overfitting.

    x is uniform in ``x_range`` = (low, high) and sorted; y = sin(2 pi x) + Gaussian
    noise of standard deviation ``noise``. Returns x and y, each of shape (n, 1).
    """
    n, noise = _check_n(n), _check_noise(noise)
    low, high = x_range
    if not low < high:
        raise ValueError(f"x_range must be (low, high) with low < high, got {x_range!r}")
    rng = np.random.default_rng(seed)
    x = np.sort(rng.uniform(low, high, size=n)).reshape(-1, 1)
    y = sine_curve(x) + noise * rng.standard_normal((n, 1))
    return x, y


def train_test_split(X, y, test_fraction=0.25, seed=0, shuffle=True):
    """Split the rows of X and y into a training set and a test set.

    X has shape (n, ...) and y shape (n, ...) with the same n. The test set gets
    ceil(test_fraction * n) rows, the training set the rest; both must be non-empty.
    With ``shuffle`` the rows are permuted first (deterministically under ``seed``),
    otherwise the test set is the last rows. Returns X_train, X_test, y_train, y_test.
    """
    X, y = np.asarray(X), np.asarray(y)
    if X.ndim == 0 or y.ndim == 0 or len(X) != len(y):
        raise ValueError(f"X and y must have the same number of rows, got X of shape "
                         f"{X.shape} and y of shape {y.shape}")
    if not 0 < test_fraction < 1:
        raise ValueError(f"test_fraction must be strictly between 0 and 1, got {test_fraction!r}")
    n = len(X)
    n_test = int(np.ceil(test_fraction * n))
    n_train = n - n_test
    if n_test < 1 or n_train < 1:
        raise ValueError(f"test_fraction={test_fraction} of {n} rows leaves {n_train} for "
                         f"training and {n_test} for testing; both must be >= 1")
    order = np.random.default_rng(seed).permutation(n) if shuffle else np.arange(n)
    train, test = order[:n_train], order[n_train:]
    return X[train], X[test], y[train], y[test]


# ---------------------------------------------------------------- tiny images
# The digits 0-9 side by side, 8 x 8 pixels each: '#' is ink (1.0), '.' is paper (0.0).
_DIGITS = """
..####.. ...##... ..####.. ..####.. ....##.. .######. ..####.. .######. ..####.. ..####..
.##..##. ..###... .##..##. .##..##. ...###.. .##..... .##..... .....##. .##..##. .##..##.
.##..##. .####... .....##. .....##. ..####.. .#####.. .##..... ....##.. .##..##. .##..##.
.##..##. ...##... ....##.. ...###.. .##.##.. .....##. .#####.. ...##... ..####.. ..#####.
.##..##. ...##... ...##... .....##. .######. .....##. .##..##. ...##... .##..##. .....##.
.##..##. ...##... ..##.... .##..##. ....##.. .##..##. .##..##. ...##... .##..##. .....##.
..####.. .######. .######. ..####.. ....##.. ..####.. ..####.. ...##... ..####.. ..####..
........ ........ ........ ........ ........ ........ ........ ........ ........ ........
"""


def tiny_digits():
    """Ten hand-drawn 8 x 8 images of the digits 0-9, for data-augmentation demos.

    Returns images of shape (10, 8, 8), float, 1.0 for ink and 0.0 for paper, and
    labels of shape (10,) holding 0, 1, ..., 9 (images[k] shows the digit k).
    """
    rows = [line.split() for line in _DIGITS.strip().splitlines()]
    images = np.zeros((10, 8, 8))
    for r, row in enumerate(rows):
        for digit, pixels in enumerate(row):
            images[digit, r] = [1.0 if p == "#" else 0.0 for p in pixels]
    return images, np.arange(10)


# ---------------------------------------------------------------- handwritten digits
DIGITS_SHAPE = (8, 8)


def digits():
    """The 1,797 handwritten digits that scikit-learn ships with its package (no download).

    Each image is 8 x 8 pixels of grey levels 0-16 (UCI's "optical recognition of
    handwritten digits" data, 4 x 4 blocks of a scanned 32 x 32 bitmap counted). Returns

        X   shape (1797, 64), float, the pixels row by row scaled to [0, 1] (divided by 16);
            X[i].reshape(8, 8) is image i;
        y   shape (1797,), int, the digit shown: 0, 1, ..., 9 (about 180 of each).

    The labels are integers, not a column of 0.0/1.0: np.eye(10)[y] turns them into one-hot
    rows (shape (n, 10)) for a softmax output. For a held-out check, split with
    ``train_test_split(X, y, test_fraction=0.25, seed=0)`` (1,347 training images, 450 held
    out; the same seed always gives the same split).
    """
    try:
        from sklearn.datasets import load_digits
    except ImportError as exc:      # pragma: no cover - scikit-learn is a dependency of nnlib
        raise ImportError("nnlib.datasets.digits() needs scikit-learn, which holds the images: "
                          "pip install scikit-learn") from exc
    data = load_digits()
    X = np.asarray(data.data, dtype=float) / 16.0
    y = np.asarray(data.target, dtype=int)
    return X, y


# ---------------------------------------------------------------- several classes
def spirals(n=300, classes=3, turns=0.75, noise=0.06, seed=0):
    """``classes`` spiral arms around the origin, one class each, for softmax classifiers.

    Arm c starts near the origin and winds ``turns`` times out to radius 1, rotated by
    c / classes of a full turn; every point is jittered by noise * N(0, 1) in each coordinate.
    Returns

        X   shape (n, 2), float;
        y   shape (n,), int, the arm: 0, 1, ..., classes - 1 (as equal in size as possible).

    The rows are shuffled. np.eye(classes)[y] gives the one-hot rows (n, classes) that
    ``losses.softmax_cross_entropy`` expects.
    """
    n, noise = _check_n(n), _check_noise(noise)
    if isinstance(classes, bool) or not isinstance(classes, (int, np.integer)) or classes < 2:
        raise ValueError(f"classes must be an integer >= 2, got {classes!r}")
    if n < classes:
        raise ValueError(f"n = {n} points cannot fill {classes} classes: use n >= classes")
    rng = np.random.default_rng(seed)
    points, labels = [], []
    for c in range(classes):
        m = n // classes + (1 if c < n % classes else 0)
        s = np.linspace(0.0, 1.0, m)                      # position along the arm
        r = 0.05 + 0.95 * s
        t = 2 * np.pi * (turns * s + c / classes)
        arm = np.column_stack([r * np.cos(t), r * np.sin(t)])
        points.append(arm + noise * rng.normal(size=(m, 2)))
        labels.append(np.full(m, c))
    order = rng.permutation(n)
    return np.vstack(points)[order], np.concatenate(labels)[order]
