"""Tests for nnlib.models: the object layer must agree with the functional core and train."""
import matplotlib

matplotlib.use("Agg")

import numpy as np
import pytest

from nnlib import datasets as ds
from nnlib import layers, losses, network, optim, regularization
from nnlib.models import Dense, History, Sequential, TrainingDiverged


def small_model(seed=0, out="sigmoid"):
    return Sequential([Dense(2, 8, "relu"), Dense(8, 5, "tanh"), Dense(5, 1, out)], seed=seed)


def data(n=10, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 2))
    y = (X[:, :1] * X[:, 1:] > 0).astype(float)
    return X, y


def assert_params_equal(p, q):
    assert len(p) == len(q)
    for (W1, b1), (W2, b2) in zip(p, q):
        np.testing.assert_array_equal(W1, W2)
        np.testing.assert_array_equal(b1, b2)


# ------------------------------------------------------------ agreement with the functional core
def test_initialisation_is_network_init_params_with_the_same_seed():
    model = small_model(seed=3)
    assert_params_equal(model.params, network.init_params([2, 8, 5, 1], rng=3))
    assert model.activations == ["relu", "tanh", "sigmoid"]
    assert model.sizes == [2, 8, 5, 1]


@pytest.mark.parametrize("out, k", [("sigmoid", 1), ("softmax", 3), ("linear", 2)])
def test_forward_equals_network_forward(out, k):
    model = Sequential([Dense(2, 6, "tanh"), Dense(6, 4, "leaky_relu"), Dense(4, k, out)], seed=1)
    X, _ = data(7)
    expected, _ = network.forward(X, model.params, model.activations)
    np.testing.assert_array_equal(model.predict_proba(X), expected)
    np.testing.assert_array_equal(model.forward(X), expected)


@pytest.mark.parametrize("out, k", [("sigmoid", 1), ("softmax", 3)])
def test_backward_equals_network_backward(out, k):
    model = Sequential([Dense(2, 6, "tanh"), Dense(6, k, out)], seed=2)
    X, _ = data(9)
    dy = np.random.default_rng(5).normal(size=(9, k))
    y_hat, caches = network.forward(X, model.params, model.activations)
    expected = network.backward(dy, caches)
    model.forward(X, training=True)
    grads = model.backward(dy)
    assert_params_equal(grads, expected)
    for layer, (dW, db) in zip(model.layers, expected):
        np.testing.assert_array_equal(layer.dW, dW)
        np.testing.assert_array_equal(layer.db, db)


@pytest.mark.parametrize("loss", ["mse", "binary_cross_entropy", "half_sse"])
def test_one_full_batch_epoch_is_one_sgd_step(loss):
    model = small_model(seed=4)
    X, y = data(12)
    before = model.params
    loss_fn, loss_grad = losses.get(loss)
    y_hat, caches = network.forward(X, before, model.activations)
    expected = optim.sgd_step(before, network.backward(loss_grad(y_hat, y), caches), lr=0.3)
    model.fit(X, y, loss=loss, lr=0.3, epochs=1, batch_size=len(X), shuffle=False)
    assert_params_equal(model.params, expected)
    shuffled = small_model(seed=4)
    shuffled.fit(X, y, loss=loss, lr=0.3, epochs=1, batch_size=len(X), shuffle=True)
    for (W1, b1), (W2, b2) in zip(shuffled.params, expected):
        np.testing.assert_allclose(W1, W2, rtol=0, atol=1e-12)
        np.testing.assert_allclose(b1, b2, rtol=0, atol=1e-12)


@pytest.mark.parametrize("penalty", ["l2", "l1"])
def test_momentum_and_penalties_follow_the_documented_update(penalty):
    # cost = mean batch loss + (λ/2) Σ W² (or λ Σ |W|): the raw penalty gradient is added to each
    # batch's gradient (whatever the batch size), then one momentum_step per batch.
    model = small_model(seed=6)
    X, y = data(10)
    params, velocity = model.params, None
    for _ in range(3):
        for X_batch, y_batch in optim.minibatches(X, y, 4, shuffle=False):
            y_hat, caches = network.forward(X_batch, params, model.activations)
            grads = network.backward(losses.mse_grad(y_hat, y_batch), caches)
            penalty_grad = getattr(regularization, penalty + "_grad")(params, 0.01)
            grads = [(dW + pW, db + pb) for (dW, db), (pW, pb) in zip(grads, penalty_grad)]
            params, velocity = optim.momentum_step(params, grads, velocity, lr=0.2, mu=0.8)
    model.fit(X, y, lr=0.2, epochs=3, batch_size=4, momentum=0.8, shuffle=False, **{penalty: 0.01})
    assert_params_equal(model.params, params)


def test_dropout_forward_and_backward_use_the_functional_pieces():
    model = small_model(seed=8)
    X, _ = data(6)
    (W1, b1), (W2, b2), (W3, b3) = model.params
    rng = np.random.default_rng(0)
    A1, c1 = layers.dense_forward(X, W1, b1, "relu")
    A1, m1 = regularization.dropout_forward(A1, 0.5, rng)
    A2, c2 = layers.dense_forward(A1, W2, b2, "tanh")
    A2, m2 = regularization.dropout_forward(A2, 0.5, rng)
    A3, c3 = layers.dense_forward(A2, W3, b3, "sigmoid")
    dA3 = np.linspace(-1, 1, 6).reshape(6, 1)
    dA2, dW3, db3 = layers.dense_backward(dA3, c3)
    dA1, dW2, db2 = layers.dense_backward(regularization.dropout_backward(dA2, m2, 0.5), c2)
    _, dW1, db1 = layers.dense_backward(regularization.dropout_backward(dA1, m1, 0.5), c1)
    out = model.forward(X, training=True, dropout=0.5, rng=np.random.default_rng(0))
    np.testing.assert_array_equal(out, A3)
    assert_params_equal(model.backward(dA3), [(dW1, db1), (dW2, db2), (dW3, db3)])
    np.testing.assert_array_equal(model.forward(X, dropout=0.5), network.forward(X, model.params, model.activations)[0])


# ------------------------------------------------------------ learning
def test_lecture_xor_network_learns():
    X, y = ds.xor_lecture()
    model = Sequential([Dense(3, 4, "sigmoid"), Dense(4, 1, "sigmoid")], seed=0)
    start = model.evaluate(X, y, "mse")
    history = model.fit(X, y, loss="mse", lr=1.0, epochs=2000, batch_size=4)
    assert 0.2 <= start <= 0.4
    assert history.history["loss"][-1] < 0.01
    np.testing.assert_array_equal(model.predict(X), y)


@pytest.mark.parametrize("name, noise, epochs, minimum", [
    ("circle", 0.1, 100, 0.95), ("xor", 0.1, 100, 0.95), ("spiral", 0.0, 400, 0.90)])
def test_reaches_test_accuracy_on_playground_sets(name, noise, epochs, minimum):
    X, y = ds.make_2d(name, n=400, noise=noise, seed=0)
    X_train, X_test, y_train, y_test = ds.train_test_split(X / 5, y, test_fraction=0.25, seed=0)
    model = Sequential([Dense(2, 16, "relu", init="he"), Dense(16, 16, "relu", init="he"),
                        Dense(16, 1, "sigmoid")], seed=0)
    history = model.fit(X_train, y_train, loss="binary_cross_entropy", lr=0.05, epochs=epochs,
                        batch_size=16, momentum=0.9, validation_data=(X_test, y_test))
    assert model.accuracy(X_test, y_test) >= minimum
    assert history.history["val_accuracy"][-1] == model.accuracy(X_test, y_test)


def test_softmax_output_learns_three_classes():
    X, y = ds.make_2d("gauss", n=150, seed=0)
    labels = (X[:, 0] > 2).astype(int) + (X[:, 0] > -2).astype(int)     # three vertical bands
    Y = np.eye(3)[labels]
    model = Sequential([Dense(2, 8, "tanh"), Dense(8, 3, "softmax")], seed=0)
    model.fit(X / 5, Y, loss="categorical_cross_entropy", lr=0.5, epochs=200, batch_size=16)
    assert model.predict(X / 5).shape == (150,)
    assert model.accuracy(X / 5, Y) >= 0.9


def test_softmax_cross_entropy_needs_logits():
    X, y = data(10)
    Y = np.hstack([1 - y, y])
    with pytest.raises(ValueError, match="linear"):
        Sequential([Dense(2, 2, "softmax")]).fit(X, Y, loss="softmax_cross_entropy")
    model = Sequential([Dense(2, 8, "tanh"), Dense(8, 2, "linear")], seed=0)
    history = model.fit(X, Y, loss="softmax_cross_entropy", lr=0.5, epochs=50, batch_size=10)
    assert "accuracy" in history.history
    np.testing.assert_array_equal(model.predict(X), np.argmax(model.predict_proba(X), axis=1))


# ------------------------------------------------------------ determinism
def test_same_seeds_give_identical_results_and_different_seeds_differ():
    X, y = data(40)

    def run(init_seed, fit_seed):
        model = small_model(seed=init_seed)
        history = model.fit(X, y, lr=0.1, epochs=5, batch_size=8, dropout=0.3, seed=fit_seed)
        return model.params, history.history["loss"]

    p1, l1 = run(0, 0)
    p2, l2 = run(0, 0)
    assert_params_equal(p1, p2)
    assert l1 == l2
    p3, _ = run(1, 0)
    p4, _ = run(0, 1)
    assert not np.array_equal(p1[0][0], p3[0][0])
    assert not np.array_equal(p1[0][0], p4[0][0])


def test_dense_with_rng_keeps_its_own_weights():
    layer = Dense(2, 3, "relu", rng=7)
    W = layer.W.copy()
    Sequential([layer, Dense(3, 1)], seed=0)
    np.testing.assert_array_equal(layer.W, W)
    assert layer.name == "layer 1"


# ------------------------------------------------------------ divergence
def test_divergence_raises_naming_epoch_and_learning_rate():
    X, y = ds.plane(n=50, seed=0)
    model = Sequential([Dense(2, 8, "relu"), Dense(8, 1, "linear")], seed=0)
    with pytest.raises(TrainingDiverged, match=r"epoch \d+.*learning rate \(lr=1000000\.0\)") as info:
        model.fit(X, y, lr=1e6, epochs=20)
    assert isinstance(info.value, RuntimeError)


# ------------------------------------------------------------ bad input
@pytest.mark.parametrize("kwargs, pattern", [
    (dict(lr=0), "lr must be a number > 0"),
    (dict(lr=-1.0), "lr must be a number > 0"),
    (dict(lr="0.1"), "lr must be a number > 0"),
    (dict(l2="0.1"), "l2"),
    (dict(dropout=None), r"dropout .* \[0, 1\)"),
    (dict(batch_size=0), "batch_size must be an integer >= 1"),
    (dict(batch_size=2.5), "batch_size must be an integer >= 1"),
    (dict(epochs=0), "epochs must be an integer >= 1"),
    (dict(dropout=1.0), r"dropout .* \[0, 1\)"),
    (dict(dropout=-0.1), r"dropout .* \[0, 1\)"),
    (dict(momentum=1.0), r"momentum .* \[0, 1\)"),
    (dict(l2=-1.0), "l2"),
    (dict(l1=-1.0), "l1"),
    (dict(loss="hinge"), "unknown loss 'hinge'; allowed values: half_sse, mse"),
    (dict(validation_data=np.zeros((3, 2))), r"validation_data must be a pair"),
    (dict(callbacks=[object()]), "on_epoch_end"),
])
def test_bad_fit_arguments_raise_value_error(kwargs, pattern):
    X, y = data(10)
    with pytest.raises(ValueError, match=pattern):
        small_model().fit(X, y, **kwargs)


def test_bad_data_shapes_raise_clear_errors():
    X, y = data(10)
    model = small_model()
    with pytest.raises(ValueError, match=r"y\.reshape\(-1, 1\)"):
        model.fit(X, y.ravel())
    with pytest.raises(ValueError, match="one row per example"):
        model.fit(X, y[:7])
    with pytest.raises(ValueError, match="1 units"):
        model.fit(X, np.hstack([y, y]))
    with pytest.raises(ValueError, match=r"^layer 1 expects 2 inputs, got an array of shape \(10, 3\)$"):
        model.fit(np.zeros((10, 3)), y)
    with pytest.raises(ValueError, match=r"^layer 1 expects 2 inputs, got an array of shape \(10, 3\)$"):
        model.predict(np.zeros((10, 3)))
    with pytest.raises(ValueError, match=r"reshape\(1, -1\)"):
        model.predict(np.zeros(2))
    with pytest.raises(ValueError, match="NaN"):
        model.predict(np.array([[0.0, np.nan]]))


def test_layer_size_mismatch_messages():
    with pytest.raises(ValueError, match=r"^layer 2 expects 8 inputs, but layer 1 has 4 outputs$"):
        Sequential([Dense(2, 4, "relu"), Dense(8, 1)])
    model = Sequential([Dense(2, 8, "relu"), Dense(8, 1)])
    with pytest.raises(ValueError, match=r"^layer 2 expects 8 inputs, got an array of shape \(10, 3\)$"):
        model.layers[1].forward(np.zeros((10, 3)))
    with pytest.raises(ValueError, match="unknown activation 'relux'; allowed values: sigmoid"):
        Dense(2, 3, "relux")
    with pytest.raises(ValueError, match="Dense layers"):
        Sequential([])
    with pytest.raises(ValueError, match=r"layer 1 needs W \(2, 8\)"):
        model.params = [(np.zeros((3, 8)), np.zeros(8)), (np.zeros((8, 1)), np.zeros(1))]


# ------------------------------------------------------------ predict
def test_predict_per_output_kind():
    X, y = data(10)
    clf = small_model()
    p = clf.predict_proba(X)
    np.testing.assert_array_equal(clf.predict(X), (p > 0.5).astype(float))
    assert clf.predict(X).shape == (10, 1)
    reg = small_model(out="linear")
    np.testing.assert_array_equal(reg.predict(X), reg.predict_proba(X))
    history = reg.fit(X, y, epochs=2, validation_data=(X, y))
    assert set(history.history) == {"loss", "val_loss"}
    with pytest.raises(ValueError, match="classifier"):
        reg.accuracy(X, y)


# ------------------------------------------------------------ save / load
def test_save_load_round_trip(tmp_path):
    X, y = data(20)
    model = small_model()
    model.fit(X, y, epochs=3)
    path = model.save(tmp_path / "model")
    assert path.endswith("model.npz")
    loaded = Sequential.load(path)
    assert loaded.activations == model.activations
    assert_params_equal(loaded.params, model.params)
    np.testing.assert_array_equal(loaded.predict(X), model.predict(X))
    np.testing.assert_array_equal(loaded.predict_proba(X), model.predict_proba(X))


def test_load_bad_files_names_the_file(tmp_path):
    missing = tmp_path / "nope.npz"
    with pytest.raises(FileNotFoundError, match="nope.npz"):
        Sequential.load(missing)
    garbage = tmp_path / "garbage.npz"
    garbage.write_bytes(b"this is not a zip file at all")
    with pytest.raises(ValueError, match="garbage.npz"):
        Sequential.load(garbage)
    other = tmp_path / "other.npz"
    np.savez(other, W1=np.zeros((2, 2)))
    with pytest.raises(ValueError, match="other.npz.*not a model"):
        Sequential.load(other)
    tampered = tmp_path / "tampered.npz"
    with np.load(small_model().save(tmp_path / "good")) as saved:
        arrays = dict(saved)
    arrays["W2"] = np.zeros((3, 3))
    np.savez(tampered, **arrays)
    with pytest.raises(ValueError, match=r"tampered.npz.*layer 2 needs W \(8, 5\)"):
        Sequential.load(tampered)


# ------------------------------------------------------------ callbacks and regularization
def overfit_setup():
    X, y = ds.noisy_sine(n=8, noise=0.4, seed=0)
    X_val, y_val = ds.noisy_sine(n=100, noise=0.3, seed=1)
    model = Sequential([Dense(1, 32, "tanh"), Dense(32, 32, "tanh"), Dense(32, 1)], seed=0)
    return model, X, y, X_val, y_val


def test_early_stopping_stops_and_restores_best_weights():
    model, X, y, X_val, y_val = overfit_setup()
    full = model.fit(X, y, lr=0.05, epochs=1500, batch_size=8, momentum=0.9, validation_data=(X_val, y_val))
    assert full.history["val_loss"][-1] > 2 * min(full.history["val_loss"])   # it does overfit

    model, X, y, X_val, y_val = overfit_setup()
    stopper = regularization.EarlyStopping(patience=100)
    history = model.fit(X, y, lr=0.05, epochs=1500, batch_size=8, momentum=0.9,
                        validation_data=(X_val, y_val), callbacks=[stopper])
    assert len(history.epoch) < 1500
    assert len(history.epoch) == stopper.best_epoch + 100 + 1
    assert stopper.best_loss == min(history.history["val_loss"])
    assert model.evaluate(X_val, y_val, "mse") == stopper.best_loss


def test_custom_callback_can_stop():
    class StopAt:
        def __init__(self):
            self.seen = []

        def on_epoch_end(self, epoch, logs, model):
            self.seen.append((epoch, sorted(logs)))
            return epoch == 2

    X, y = data(10)
    cb = StopAt()
    history = small_model().fit(X, y, epochs=50, callbacks=[cb])
    assert history.epoch == [0, 1, 2]
    assert cb.seen[0] == (0, ["accuracy", "loss"])


def test_dropout_changes_training_but_not_prediction():
    X, y = data(40)
    plain, dropped = small_model(), small_model()
    plain.fit(X, y, epochs=5, batch_size=8)
    dropped.fit(X, y, epochs=5, batch_size=8, dropout=0.5)
    assert not np.allclose(plain.predict_proba(X), dropped.predict_proba(X))
    np.testing.assert_array_equal(dropped.predict_proba(X), dropped.predict_proba(X))
    expected, _ = network.forward(X, dropped.params, dropped.activations)
    np.testing.assert_array_equal(dropped.predict_proba(X), expected)


def test_l2_shrinks_weights():
    X, y = data(40)
    plain, decayed = small_model(), small_model()
    plain.fit(X, y, epochs=50, batch_size=8)
    decayed.fit(X, y, epochs=50, batch_size=8, l2=0.05)
    norm = lambda m: sum(np.sum(W ** 2) for W, _ in m.params)
    assert norm(decayed) < 0.9 * norm(plain)


def test_l1_drives_weights_towards_zero():
    X, y = data(40)
    plain, sparse = small_model(), small_model()
    plain.fit(X, y, epochs=50, batch_size=8)
    sparse.fit(X, y, epochs=50, batch_size=8, l1=0.01)
    size = lambda m: sum(np.sum(np.abs(W)) for W, _ in m.params)
    assert size(sparse) < size(plain)


# ------------------------------------------------------------ summary, history, progress
def test_summary_counts_parameters(capsys):
    model = small_model()
    text = model.summary()
    assert capsys.readouterr().out.strip() == text.strip()
    assert model.parameter_count() == (2 * 8 + 8) + (8 * 5 + 5) + (5 * 1 + 1) == 75
    lines = text.splitlines()
    assert lines[-1].split() == ["total", "75"]
    assert [line.split()[-1] for line in lines if line[:1].isdigit()] == ["24", "45", "6"]
    assert "(2, 8)" in text and "relu" in text and "sigmoid" in text


def test_history_records_and_plots():
    X, y = data(20)
    model = small_model()
    history = model.fit(X, y, epochs=4, lr=0.2, batch_size=8, dropout=0.2, validation_data=(X[:5], y[:5]),
                        progress=True)
    assert isinstance(history, History)
    assert history.epoch == [0, 1, 2, 3]
    assert set(history.history) == {"loss", "accuracy", "val_loss", "val_accuracy"}
    assert all(len(v) == 4 for v in history.history.values())
    assert history.params["lr"] == 0.2 and history.params["epochs"] == 4
    # end-of-epoch numbers: the whole set, evaluation mode (no dropout), data loss only
    assert history.history["loss"][-1] == model.evaluate(X, y, "mse")
    assert history.history["accuracy"][-1] == model.accuracy(X, y)
    assert history.history["val_loss"][-1] == model.evaluate(X[:5], y[:5], "mse")
    ax = history.plot()
    assert len(ax.get_lines()) == 2
    assert ax.get_xlabel() == "epoch"


def test_sequential_runs_network_forward_and_backward():
    """Issue 12: Sequential has no loop of its own: its passes are network.forward/backward."""
    import inspect

    source = inspect.getsource(Sequential.forward) + inspect.getsource(Sequential.backward)
    assert "_network.forward(" in source and "_network.backward(" in source
    assert "for l, layer in enumerate" not in source


def test_fit_and_constructors_take_options_by_keyword_only():
    X, y = np.zeros((4, 2)), np.zeros((4, 1))
    model = Sequential([Dense(2, 1, "sigmoid")], seed=0)
    with pytest.raises(TypeError):
        model.fit(X, y, "mse")
    with pytest.raises(TypeError):
        Sequential([Dense(2, 1)], 0)
    with pytest.raises(TypeError):
        Dense(2, 1, "relu", "he")
