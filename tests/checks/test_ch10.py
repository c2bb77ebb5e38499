"""Chapter 10's graded exercises: l2_penalty, l2_grad, dropout_forward, dropout_backward and
early_stopping_epoch.

Correct and buggy variants (points earned, mistake named) are in tests/checks/variants_ch10.py;
here: the public checks' words, unfinished work, and hidden cases that are plain data the
sandboxed grader can send.
"""

import numpy as np

from checks.variants_ch10 import do_not_scaled, es_returns_best, grad_double, pen_biases
from nnlib import checks

L2_PENALTY = checks.EXERCISES["l2_penalty"]
L2_GRAD = checks.EXERCISES["l2_grad"]
DROPOUT_FORWARD = checks.EXERCISES["dropout_forward"]
DROPOUT_BACKWARD = checks.EXERCISES["dropout_backward"]
EARLY_STOPPING = checks.EXERCISES["early_stopping_epoch"]
ALL = (L2_PENALTY, L2_GRAD, DROPOUT_FORWARD, DROPOUT_BACKWARD, EARLY_STOPPING)


# ====================================================================== l2_penalty
def test_l2_penalty_public_check_names_the_mistake(capsys):
    checks.l2_penalty(pen_biases)
    out = capsys.readouterr().out
    assert "✗ one layer W = [[1, 2], [3, -1]], b = [5, 5], lam = 0.1" in out
    assert "expected 0.75, received 3.25" in out
    assert "this looks like a known mistake: the biases are penalised too" in out
    assert "0 of 3 pass" in out or "1 of 3 pass" in out


# ====================================================================== l2_grad
def test_l2_grad_public_check_names_the_mistake(capsys):
    checks.l2_grad(grad_double)
    out = capsys.readouterr().out
    assert "this looks like a known mistake: the gradient is 2λW" in out
    assert "hint: the ½ in the penalty cancels the 2 of the square" in out
    assert "0 of 2 pass" in out


# ====================================================================== dropout_forward
def test_dropout_forward_public_check_names_the_mistake(capsys):
    checks.dropout_forward(do_not_scaled)
    out = capsys.readouterr().out
    assert "✗ A = [[1, 2, 3, 4], [-1, -2, -3, -4]], keep_prob = 0.5, rng = 0" in out
    assert "A_dropped: " in out
    assert "this looks like a known mistake: the kept units are not scaled by 1/keep_prob" in out
    assert "✓ keep_prob = 1: nothing is dropped, A comes back unchanged" in out
    assert "1 of 3 pass" in out


# ====================================================================== dropout_backward
# ====================================================================== early_stopping_epoch
def test_early_stopping_public_check_names_the_mistake(capsys):
    checks.early_stopping_epoch(es_returns_best)
    out = capsys.readouterr().out
    assert "expected 6, received 3" in out
    assert "this looks like a known mistake: the best epoch is returned instead of the stopping epoch" in out


# ====================================================================== all five
def test_not_implemented_is_reported_once(capsys):
    def todo(*args):
        raise NotImplementedError()

    for exercise in ALL:
        assert exercise.hidden(todo, 1, rng=np.random.default_rng(0)) == 0.0
    checks.dropout_forward(todo)
    assert "dropout_forward is not implemented yet" in capsys.readouterr().out


def test_hidden_cases_are_plain_data_and_take_integer_seeds():
    from autograder import codec

    for exercise in ALL:
        cases = [c for _, group in exercise.hidden_groups(np.random.default_rng(0)) for c in group]
        for case in cases + list(exercise.public_cases):
            arrays = {}
            decoded = codec.decode(codec.encode(tuple(case.args), arrays), arrays)
            assert exercise.compare(exercise.reference(*decoded), exercise.expected(case)) == ""
            ok, reason = codec.plain_result(exercise.expected(case))
            assert ok, reason
        if exercise is DROPOUT_FORWARD:
            assert all(isinstance(c.args[2], int) for c in cases)


def test_every_mistake_differs_from_the_reference_on_some_public_case():
    for exercise in ALL:
        for mistake in exercise.mistakes:
            assert any(exercise.compare(checks.engine.call_quietly(mistake.wrong, case),
                                        exercise.expected(case)) for case in exercise.public_cases), mistake.label


# ====================================================================== shift_images (augmentation)
def test_shift_images_translates_with_zero_fill_not_wrap_around():
    from nnlib.regularization import shift_images

    image = np.arange(1.0, 10.0).reshape(3, 3)
    np.testing.assert_array_equal(shift_images(image, 1, -1), [[0, 0, 0], [2, 3, 0], [5, 6, 0]])
    np.testing.assert_array_equal(shift_images(image, 0, 0), image)
    assert not np.array_equal(shift_images(image, 0, 1), np.roll(image, 1, axis=1))
    assert shift_images(image, 3, 0).sum() == 0.0                 # moved out of the frame
    batch = np.stack([image, 2 * image])
    shifted = shift_images(batch, -1, 2)
    assert shifted.shape == batch.shape
    np.testing.assert_array_equal(shifted[1], shift_images(2 * image, -1, 2))
    assert image[0, 0] == 1.0                                      # the input is left unchanged


def test_shift_images_rejects_fractions_and_wrong_shapes():
    import pytest
    from nnlib.regularization import shift_images

    with pytest.raises(ValueError, match="whole number"):
        shift_images(np.ones((8, 8)), 0.5, 0)
    with pytest.raises(ValueError, match=r"\(H, W\) or \(n, H, W\)"):
        shift_images(np.ones(64), 1, 0)
