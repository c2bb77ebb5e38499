"""Chapter 07's graded exercises: minibatches, sgd_step and train_epoch.

Correct and buggy variants (points earned, mistake named) are in tests/checks/variants_ch07.py;
here: the public checks' words, the answer keys the sandbox leaves out, and hidden cases that
are plain data.
"""

import numpy as np

from checks.variants_ch07 import mb_loop, mb_no_shuffle, sgd_only_W, te_unweighted
from nnlib import checks

MINIBATCHES = checks.EXERCISES["minibatches"]
SGD_STEP = checks.EXERCISES["sgd_step"]
TRAIN_EPOCH = checks.EXERCISES["train_epoch"]


# ====================================================================== minibatches
def test_minibatches_public_check_names_the_mistake(capsys):
    checks.minibatches(mb_no_shuffle)
    out = capsys.readouterr().out
    assert "✗ the lectures' study-hours table (8 rows), batch_size = 3, rng = 0" in out
    assert "this looks like a known mistake: the rows are not shuffled" in out
    assert "hint: draw order = np.random.default_rng(rng).permutation(len(X))" in out
    assert "0 of 4 pass" in out


def test_answer_keys_name_the_nnlib_functions_the_sandbox_leaves_out():
    """Issue 12: the grader no longer watches a reference's __code__ (no forged __code__ on a
    wrapper); each exercise names its answer keys, which the sandboxed nnlib copy replaces by stubs."""
    assert MINIBATCHES.answer_keys == ("nnlib.optim.minibatches",)
    assert SGD_STEP.answer_keys == ("nnlib.optim.sgd_step",)
    assert "nnlib.optim.train_epoch" in TRAIN_EPOCH.answer_keys
    assert TRAIN_EPOCH.uses == ("minibatches", "sgd_step")
    X, y = np.arange(12.0).reshape(6, 2), np.arange(6.0)
    assert all(np.array_equal(a, b) for (a, _), (b, _) in
               zip(MINIBATCHES.reference(X, y, 4, 0), mb_loop(X, y, 4, 0)))


def test_minibatches_hidden_cases_are_plain_data():
    from autograder import codec

    for exercise in (MINIBATCHES, SGD_STEP, TRAIN_EPOCH):
        cases = [c for _, group in exercise.hidden_groups(np.random.default_rng(0)) for c in group]
        for case in cases + list(exercise.public_cases):
            arrays = {}
            encoded = codec.encode(tuple(case.args), arrays)
            decoded = codec.decode(encoded, arrays)
            assert exercise.compare(exercise.reference(*decoded), exercise.expected(case)) == ""
            ok, reason = codec.plain_result(exercise.expected(case))
            assert ok, reason


# ====================================================================== sgd_step
def test_sgd_step_public_check_names_the_mistake(capsys):
    checks.sgd_step(sgd_only_W)
    out = capsys.readouterr().out
    assert "the new params, layer 1, b" in out
    assert "this looks like a known mistake: only the weights W are updated" in out
    assert "hint: update the biases too: b - lr * db" in out


# ====================================================================== train_epoch
def test_train_epoch_public_check_names_the_mistake(capsys):
    checks.train_epoch(te_unweighted)
    out = capsys.readouterr().out
    assert "✗ the same line, batch_size = 4 (a batch of 4 rows, then one of 2), rng = 0" in out
    assert "the epoch's mean loss: expected" in out
    assert "this looks like a known mistake: the epoch's loss is the plain mean of the batch losses" in out


def test_not_implemented_is_reported_once(capsys):
    def todo(*args):
        raise NotImplementedError()

    assert TRAIN_EPOCH.hidden(todo, 3, rng=np.random.default_rng(0)) == 0.0
    checks.train_epoch(todo)
    assert "train_epoch is not implemented yet" in capsys.readouterr().out
