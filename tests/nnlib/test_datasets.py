"""Tests for nnlib.datasets."""
import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from nnlib import datasets as ds

CLASSIFICATION = ("circle", "xor", "gauss", "spiral")
REGRESSION = ("plane", "multi_gauss")
GENERATORS = {name: getattr(ds, name) for name in ds.PLAYGROUND_NAMES}
GENERATORS["two_moons"] = ds.two_moons
GENERATORS["noisy_sine"] = ds.noisy_sine


# ---------------------------------------------------------------- lecture data
def test_study_hours_matches_the_lecture_table():
    X, y = ds.study_hours()
    expected = [(12, 6, 78, 93), (22, 6.5, 24, 68), (115, 4, 100, 95), (31, 9, 67, 75),
                (0, 10, 58, 51), (5, 8, 78, 60), (92, 6, 82, 89), (57, 8, 91, 97)]
    expected = np.array(expected, dtype=float)
    assert X.shape == (8, 3) and y.shape == (8, 1)
    assert X.dtype == np.float64 and y.dtype == np.float64
    np.testing.assert_array_equal(X, expected[:, :3])
    np.testing.assert_array_equal(y, expected[:, 3:])


def test_study_hours_column_names():
    assert ds.STUDY_HOURS_COLUMNS == ("study_hours", "sleep_hours", "quiz", "exam")


def test_xor_lecture_has_constant_bias_column_and_xor_labels():
    X, y = ds.xor_lecture()
    np.testing.assert_array_equal(X, [[0, 0, 1], [0, 1, 1], [1, 0, 1], [1, 1, 1]])
    np.testing.assert_array_equal(y, [[0], [1], [1], [0]])
    assert X.dtype == np.float64 and y.dtype == np.float64


def test_xor_table_is_the_truth_table():
    X, y = ds.xor_table()
    assert X.shape == (4, 2) and y.shape == (4, 1) and X.dtype == np.float64
    np.testing.assert_array_equal(y[:, 0], np.logical_xor(X[:, 0], X[:, 1]))


def _bank_output(example, hidden_activation):
    w, x = example["weights"], example["x"]
    hidden = hidden_activation(np.array([x @ w["node_0"], x @ w["node_1"]]))
    return hidden, hidden @ w["output"]


def test_bank_transactions_values():
    example = ds.bank_transactions()
    np.testing.assert_array_equal(example["x"], [2.0, 3.0])
    assert example["feature_names"] == ("children", "accounts")
    np.testing.assert_array_equal(example["weights"]["node_0"], [1.0, 1.0])
    np.testing.assert_array_equal(example["weights"]["node_1"], [-1.0, 1.0])
    np.testing.assert_array_equal(example["weights"]["output"], [2.0, -1.0])


@pytest.mark.parametrize("activation", [lambda z: z, lambda z: np.maximum(z, 0.0)],
                         ids=["identity", "relu"])
def test_bank_transactions_hidden_layer_and_output(activation):
    hidden, output = _bank_output(ds.bank_transactions(), activation)
    np.testing.assert_array_equal(hidden, [5.0, 1.0])
    assert output == 9.0


def test_bank_transactions_tanh_output():
    example = ds.bank_transactions_tanh()
    np.testing.assert_array_equal(example["x"], [-1.0, 2.0])
    hidden, output = _bank_output(example, np.tanh)
    np.testing.assert_allclose(hidden, np.tanh([3.0, 9.0]), rtol=0, atol=1e-15)
    assert abs(output - 0.9901095378334199) < 1e-12


# ---------------------------------------------------------------- generators: common properties
@pytest.mark.parametrize("name", sorted(GENERATORS))
@pytest.mark.parametrize("n", [1, 7, 200])
def test_generator_shapes_and_dtypes(name, n):
    X, y = GENERATORS[name](n=n, noise=0.1, seed=3)
    assert X.shape == ((n, 1) if name == "noisy_sine" else (n, 2))
    assert y.shape == (n, 1)
    assert X.dtype == np.float64 and y.dtype == np.float64
    assert np.all(np.isfinite(X)) and np.all(np.isfinite(y))


@pytest.mark.parametrize("name", sorted(GENERATORS))
def test_generator_is_deterministic_under_seed(name):
    X1, y1 = GENERATORS[name](n=50, noise=0.2, seed=11)
    X2, y2 = GENERATORS[name](n=50, noise=0.2, seed=11)
    np.testing.assert_array_equal(X1, X2)
    np.testing.assert_array_equal(y1, y2)


@pytest.mark.parametrize("name", sorted(GENERATORS))
def test_generator_differs_across_seeds(name):
    X1, y1 = GENERATORS[name](n=50, noise=0.2, seed=0)
    X2, y2 = GENERATORS[name](n=50, noise=0.2, seed=1)
    assert not (np.array_equal(X1, X2) and np.array_equal(y1, y2))


@pytest.mark.parametrize("name", ds.PLAYGROUND_NAMES)
def test_noise_changes_the_data(name):
    X0, y0 = ds.make_2d(name, n=100, noise=0.0, seed=5)
    X1, y1 = ds.make_2d(name, n=100, noise=0.3, seed=5)
    assert not (np.array_equal(X0, X1) and np.array_equal(y0, y1))


@pytest.mark.parametrize("name", CLASSIFICATION + ("two_moons",))
@pytest.mark.parametrize("n, n_ones", [(200, 100), (201, 101), (2, 1), (1, 1)])
def test_classes_are_balanced_with_labels_zero_and_one(name, n, n_ones):
    _, y = GENERATORS[name](n=n, noise=0.1, seed=0)
    assert set(np.unique(y)) <= {0.0, 1.0}
    assert int(y.sum()) == n_ones
    assert np.sum(y == 0.0) == n - n_ones


@pytest.mark.parametrize("name", CLASSIFICATION + ("two_moons",))
def test_classes_are_shuffled_not_sorted(name):
    _, y = GENERATORS[name](n=200, noise=0.1, seed=0)
    assert np.any(np.diff(y[:, 0]) > 0) and np.any(np.diff(y[:, 0]) < 0)


@pytest.mark.parametrize("name", ds.PLAYGROUND_NAMES)
def test_make_2d_dispatches_to_the_named_function(name):
    X1, y1 = ds.make_2d(name, n=30, noise=0.1, seed=4)
    X2, y2 = getattr(ds, name)(n=30, noise=0.1, seed=4)
    np.testing.assert_array_equal(X1, X2)
    np.testing.assert_array_equal(y1, y2)


@pytest.mark.parametrize("name", ds.PLAYGROUND_NAMES)
def test_playground_sets_stay_roughly_in_the_square(name):
    X, _ = ds.make_2d(name, n=500, noise=0.0, seed=0)
    assert np.all(np.abs(X) <= 6.0)


# ---------------------------------------------------------------- generators: the shape of each set
def test_circle_is_separable_by_radius_at_zero_noise():
    X, y = ds.circle(n=500, noise=0.0, seed=0)
    radius = np.linalg.norm(X, axis=1)
    inner, outer = radius[y[:, 0] == 1], radius[y[:, 0] == 0]
    assert inner.max() <= 2.5 < 3.5 <= outer.min()
    assert outer.max() <= 5.0


def test_xor_labels_follow_the_sign_of_the_product_at_zero_noise():
    X, y = ds.xor(n=500, noise=0.0, seed=0)
    np.testing.assert_array_equal(y[:, 0], (X[:, 0] * X[:, 1] >= 0).astype(float))
    assert np.all(np.abs(X) >= 0.3)  # padding away from the axes


def test_gauss_means_are_near_the_centres():
    X, y = ds.gauss(n=4000, noise=0.0, seed=0)
    np.testing.assert_allclose(X[y[:, 0] == 1].mean(axis=0), [2.0, 2.0], atol=0.1)
    np.testing.assert_allclose(X[y[:, 0] == 0].mean(axis=0), [-2.0, -2.0], atol=0.1)


def test_gauss_noise_widens_the_blobs():
    X0, y0 = ds.gauss(n=4000, noise=0.0, seed=0)
    X5, y5 = ds.gauss(n=4000, noise=0.5, seed=0)
    std0 = X0[y0[:, 0] == 1].std(axis=0)
    std5 = X5[y5[:, 0] == 1].std(axis=0)
    np.testing.assert_allclose(std0, np.sqrt(0.5), rtol=0.1)
    np.testing.assert_allclose(std5, 2.0, rtol=0.1)


def test_spiral_arms_are_half_a_turn_apart_at_zero_noise():
    X, y = ds.spiral(n=200, noise=0.0, seed=0)
    arm1 = X[y[:, 0] == 1]
    arm0 = X[y[:, 0] == 0]
    by_rows = lambda A: A[np.lexsort(np.round(A, 9).T)]
    np.testing.assert_allclose(by_rows(arm0), by_rows(-arm1), atol=1e-9)
    assert np.linalg.norm(X, axis=1).max() <= 5.0


def test_plane_target_is_the_scaled_sum_at_zero_noise():
    X, y = ds.plane(n=300, noise=0.0, seed=0)
    np.testing.assert_allclose(y[:, 0], (X[:, 0] + X[:, 1]) / 10.0)
    assert np.all(np.abs(y) <= 1.2)


def test_multi_gauss_targets_are_signed_bumps_in_minus_one_to_one():
    X, y = ds.multi_gauss(n=5000, noise=0.0, seed=0)
    assert np.all(np.abs(y) <= 1.01)
    assert y.min() < -0.9 and y.max() > 0.9
    near_negative_bump = np.linalg.norm(X - [0.0, 2.5], axis=1) < 0.3
    near_positive_bump = np.linalg.norm(X - [0.0, -2.5], axis=1) < 0.3
    assert near_negative_bump.any() and near_positive_bump.any()
    assert np.all(y[near_negative_bump] < -0.9)
    assert np.all(y[near_positive_bump] > 0.9)


def test_two_moons_lie_on_their_half_circles_at_zero_noise():
    X, y = ds.two_moons(n=100, noise=0.0, seed=0)
    upper, lower = X[y[:, 0] == 0], X[y[:, 0] == 1]
    np.testing.assert_allclose(np.linalg.norm(upper, axis=1), 1.0)
    np.testing.assert_allclose(np.linalg.norm(lower - [1.0, 0.5], axis=1), 1.0)
    assert np.all(upper[:, 1] >= -1e-12) and np.all(lower[:, 1] <= 0.5 + 1e-12)


def test_sine_curve_values():
    np.testing.assert_allclose(ds.sine_curve([0.0, 0.25, 0.5, 0.75]), [0, 1, 0, -1], atol=1e-12)
    assert ds.sine_curve(np.zeros((3, 1))).shape == (3, 1)


def test_noisy_sine_is_sorted_in_range_and_noiseless_at_zero_noise():
    x, y = ds.noisy_sine(n=10, noise=0.0, seed=0, x_range=(-1.0, 2.0))
    assert np.all(np.diff(x[:, 0]) >= 0)
    assert np.all((x >= -1.0) & (x <= 2.0))
    np.testing.assert_allclose(y, ds.sine_curve(x))


def test_noisy_sine_noise_has_the_requested_std():
    x, y = ds.noisy_sine(n=20000, noise=0.3, seed=0)
    assert abs((y - ds.sine_curve(x)).std() - 0.3) < 0.01


# ---------------------------------------------------------------- train_test_split
def test_split_sizes():
    X, y = np.arange(20.0).reshape(10, 2), np.arange(10.0).reshape(10, 1)
    X_train, X_test, y_train, y_test = ds.train_test_split(X, y, test_fraction=0.25)
    assert X_train.shape == (7, 2) and X_test.shape == (3, 2)
    assert y_train.shape == (7, 1) and y_test.shape == (3, 1)


@settings(max_examples=50, deadline=None)
@given(n=st.integers(2, 60), fraction=st.floats(0.01, 0.99), seed=st.integers(0, 1000),
       shuffle=st.booleans())
def test_split_rows_are_a_disjoint_permutation_of_the_input(n, fraction, seed, shuffle):
    X = np.column_stack([np.arange(n), -np.arange(n)]).astype(float)
    y = np.arange(n, dtype=float).reshape(-1, 1) * 10
    n_test = int(np.ceil(fraction * n))  # the documented rule
    if n_test >= n:  # nothing left for training
        with pytest.raises(ValueError):
            ds.train_test_split(X, y, fraction, seed, shuffle)
        return
    X_train, X_test, y_train, y_test = ds.train_test_split(X, y, fraction, seed, shuffle)
    assert len(X_test) == n_test and len(X_train) == n - n_test
    rows = np.concatenate([X_train[:, 0], X_test[:, 0]])
    np.testing.assert_array_equal(np.sort(rows), np.arange(n))  # permutation, hence disjoint
    np.testing.assert_array_equal(y_train[:, 0], X_train[:, 0] * 10)  # rows stay aligned
    np.testing.assert_array_equal(y_test[:, 0], X_test[:, 0] * 10)


def test_split_without_shuffle_keeps_order_and_puts_test_last():
    X, y = np.arange(8.0).reshape(8, 1), np.arange(8.0)
    X_train, X_test, y_train, y_test = ds.train_test_split(X, y, 0.25, shuffle=False)
    np.testing.assert_array_equal(X_train[:, 0], np.arange(6))
    np.testing.assert_array_equal(X_test[:, 0], [6, 7])


def test_split_is_deterministic_under_seed_and_differs_across_seeds():
    X, y = np.arange(100.0).reshape(50, 2), np.arange(50.0)
    a = ds.train_test_split(X, y, seed=1)
    b = ds.train_test_split(X, y, seed=1)
    c = ds.train_test_split(X, y, seed=2)
    for part_a, part_b in zip(a, b):
        np.testing.assert_array_equal(part_a, part_b)
    assert not np.array_equal(a[1], c[1])


def test_split_rejects_mismatched_lengths_naming_both_shapes():
    with pytest.raises(ValueError) as info:
        ds.train_test_split(np.zeros((5, 2)), np.zeros((4, 1)))
    assert "(5, 2)" in str(info.value) and "(4, 1)" in str(info.value)


@pytest.mark.parametrize("fraction", [0.0, 1.0, -0.1, 1.5])
def test_split_rejects_test_fraction_outside_zero_one(fraction):
    with pytest.raises(ValueError, match="test_fraction must be strictly between 0 and 1"):
        ds.train_test_split(np.zeros((10, 2)), np.zeros((10, 1)), test_fraction=fraction)


def test_split_rejects_an_empty_training_set():
    with pytest.raises(ValueError, match="training"):
        ds.train_test_split(np.zeros((1, 2)), np.zeros((1, 1)), test_fraction=0.5)


# ---------------------------------------------------------------- bad arguments
@pytest.mark.parametrize("name", sorted(GENERATORS))
@pytest.mark.parametrize("n", [0, -3, 2.5, True, "10"])
def test_generators_reject_bad_n(name, n):
    with pytest.raises(ValueError, match="n must be an integer >= 1"):
        GENERATORS[name](n=n)


@pytest.mark.parametrize("name", sorted(GENERATORS))
@pytest.mark.parametrize("noise", [-0.1, float("nan"), "lots"])
def test_generators_reject_bad_noise(name, noise):
    with pytest.raises(ValueError, match="noise must be a number >= 0"):
        GENERATORS[name](n=10, noise=noise)


def test_make_2d_rejects_unknown_name_listing_the_allowed_ones():
    with pytest.raises(ValueError) as info:
        ds.make_2d("moons")
    message = str(info.value)
    assert "name" in message
    assert all(allowed in message for allowed in ds.PLAYGROUND_NAMES)


def test_noisy_sine_rejects_an_empty_x_range():
    with pytest.raises(ValueError, match="x_range"):
        ds.noisy_sine(x_range=(1.0, 1.0))


# ---------------------------------------------------------------- tiny digits
def test_tiny_digits_shape_range_and_labels():
    images, labels = ds.tiny_digits()
    assert images.shape == (10, 8, 8) and images.dtype == np.float64
    assert images.min() >= 0.0 and images.max() <= 1.0
    assert set(np.unique(images)) == {0.0, 1.0}
    np.testing.assert_array_equal(labels, np.arange(10))


def test_tiny_digits_are_pairwise_different_and_inked():
    images, _ = ds.tiny_digits()
    for i in range(10):
        assert images[i].sum() >= 8
        for j in range(i + 1, 10):
            assert not np.array_equal(images[i], images[j]), (i, j)


def test_tiny_digit_one_is_a_vertical_stroke():
    images, _ = ds.tiny_digits()
    # the "1" has ink in its central columns on every drawn row
    assert np.all(images[1, :7, 3:5] == 1.0)


# ---------------------------------------------------------------- handwritten digits
def test_digits_shape_range_labels_and_no_duplicates():
    X, y = ds.digits()
    assert X.shape == (1797, 64) and X.dtype == np.float64
    assert X.min() == 0.0 and X.max() == 1.0
    assert y.shape == (1797,) and y.dtype.kind == "i" and sorted(set(y.tolist())) == list(range(10))
    assert len(np.unique(X, axis=0)) == len(X)
    np.testing.assert_array_equal(X * 16, np.round(X * 16))      # grey levels 0..16, divided by 16


def test_digits_split_is_reproducible():
    X, y = ds.digits()
    first = ds.train_test_split(X, y, test_fraction=0.25, seed=0)
    again = ds.train_test_split(X, y, test_fraction=0.25, seed=0)
    assert [len(a) for a in first] == [1347, 450, 1347, 450]
    assert all(np.array_equal(a, b) for a, b in zip(first, again))
