"""nnlib.checks: the engine (compare, run_case, public_check, hidden_check) and chapter 02's checks."""
import warnings

import numpy as np
import pytest

from nnlib import activations, checks
from nnlib.neuron import neuron_output as reference

EXERCISE = checks.EXERCISES["neuron_output"]
PUBLIC = EXERCISE.public_cases


def correct(x, w, b, activation):
    x, w = np.asarray(x, dtype=float), np.asarray(w, dtype=float)
    g = activation if callable(activation) else activations.get(activation)[0]
    return float(g(x @ w + b))


def not_implemented(x, w, b, activation):
    # YOUR CODE HERE
    raise NotImplementedError()


def always_sigmoid(x, w, b, activation):
    z = np.asarray(x, dtype=float) @ np.asarray(w, dtype=float) + b
    return float(1 / (1 + np.exp(-z)))


def no_bias(x, w, b, activation):
    return correct(x, w, 0.0, activation)


def returns_array(x, w, b, activation):
    return np.array([correct(x, w, b, activation)])


def noisy(x, w, b, activation):
    """Correct, but warns, overflows and writes to stderr (nbgrader zeroes cells with stderr)."""
    import sys

    warnings.warn("a student's warning")
    np.exp(1000.0)
    print("debug output", file=sys.stderr)
    return correct(x, w, b, activation)


def crashes(x, w, b, activation):
    return x.dot(w)


# ------------------------------------------------------------------ engine
def test_compare_accepts_numbers_and_reports_type_shape_and_dtype():
    assert checks.compare(0.5, 0.5) == ""
    assert checks.compare(np.float64(0.5), 0.5) == ""
    assert checks.compare(np.array(0.5), 0.5) == ""
    assert "expected 0.5, received 0.6" in checks.compare(0.6, 0.5)
    message = checks.compare(np.array([0.5]), 0.5)
    assert "single number" in message and "shape (1,)" in message and "float64" in message
    assert "single number" in checks.compare(True, 1.0)
    message = checks.compare(np.zeros((2, 3)), np.zeros((3, 2)))
    assert "shape (2, 3)" in message and "(3, 2)" in message
    assert "dtype int64" in checks.compare(np.zeros((2, 2), dtype=np.int64), np.zeros((2, 2)))
    message = checks.compare(np.array([1.0, 2.0]), np.array([1.0, 2.5]))
    assert "1 of 2 entries differ" in message and "index (1,)" in message
    assert checks.compare((1.0, np.ones(2)), (1.0, np.ones(2))) == ""
    assert "element 1" in checks.compare((1.0, np.zeros(2)), (1.0, np.ones(2)))


def test_run_case_isolates_arguments_and_classifies_outcomes():
    case = checks.Case((np.array([1.0, 2.0]),), "x = (1, 2)")

    def mutating(x):
        x[:] = 0
        return float(x.sum())

    outcome = checks.run_case(mutating, lambda x: float(x.sum()), case)
    assert outcome.status == checks.FAIL and "expected 3" in outcome.message
    assert case.args[0].tolist() == [1.0, 2.0], "the student's function got a copy"
    assert checks.run_case(not_implemented, correct, PUBLIC[0]).status == checks.TODO
    outcome = checks.run_case(crashes, correct, PUBLIC[0])
    assert outcome.status == checks.ERROR and "AttributeError" in outcome.message


# ------------------------------------------------------------------ public check
def test_public_check_passes_the_reference(capsys):
    checks.neuron_output(correct)
    out = capsys.readouterr()
    assert out.out.count("✓") == len(PUBLIC) and "✗" not in out.out
    assert "hidden checks" in out.out and "decide the grade" in out.out
    assert out.err == ""


def test_public_check_says_plainly_when_not_implemented(capsys):
    assert checks.neuron_output(not_implemented) is None
    out = capsys.readouterr().out
    assert "not implemented yet" in out and "raise NotImplementedError()" in out
    assert "Traceback" not in out


def test_public_check_shows_expected_received_and_hint(capsys):
    checks.neuron_output(no_bias)
    out = capsys.readouterr().out
    assert "✗ the lecture's perceptron" in out
    assert "expected 0.00247262, received 0.000911051" in out
    assert "hint:" in out
    assert "known mistake: the bias is missing" in out
    checks.neuron_output(returns_array)
    assert "shape (1,)" in capsys.readouterr().out


def test_checks_never_write_to_stderr(capsys):
    checks.neuron_output(noisy)
    score = checks.hidden.neuron_output(noisy, points=2)
    out = capsys.readouterr()
    assert out.err == ""
    assert score == 2.0


# ------------------------------------------------------------------ hidden check
@pytest.mark.parametrize("student, points, expected", [
    (correct, 2, 2.0),
    (not_implemented, 2, 0.0),
    (always_sigmoid, 2, 1.0),     # passes "sigmoid" and "integer inputs", fails two groups
    (no_bias, 2, 0.0),
    (crashes, 2, 0.0),
    (correct, 4, 4.0),
])
def test_hidden_check_gives_partial_credit_per_group(student, points, expected, monkeypatch):
    for seed in ("1", "2", "3"):
        monkeypatch.setenv(checks.SEED_VARIABLE, seed)
        score = checks.hidden.neuron_output(student, points=points)
        assert type(score) is float and score == expected


def test_hidden_cases_come_from_the_seed_or_fresh_randomness(monkeypatch):
    def labels():
        return [c.label for _, cases in EXERCISE.hidden_groups(checks.grading_rng())
                for c in cases]

    monkeypatch.setenv(checks.SEED_VARIABLE, "42")
    assert labels() == labels()
    monkeypatch.delenv(checks.SEED_VARIABLE)
    assert labels() != labels()


def test_public_examples_are_not_the_hidden_ones(monkeypatch):
    """Hard-coding the public examples earns nothing."""
    table = {tuple(map(str, c.args[:3])) + (str(c.args[3]),): correct(*c.args)
             for c in PUBLIC}

    def hard_coded(x, w, b, activation):
        return table.get(tuple(map(str, (x, w, b))) + (str(activation),), 0.0)

    monkeypatch.setenv(checks.SEED_VARIABLE, "5")
    assert checks.hidden.neuron_output(hard_coded, points=2) == 0.0


# ------------------------------------------------------------------ the registry
def test_registry_entry_has_what_graders_need():
    assert EXERCISE.reference is reference, "the answer key is nnlib's own function"
    groups = EXERCISE.hidden_groups(np.random.default_rng(0))
    assert len(groups) >= 2 and all(label and cases for label, cases in groups)
    for case in PUBLIC + [c for _, cases in groups for c in cases]:
        expected = EXERCISE.expected(case)
        assert EXERCISE.compare(expected, expected) == ""
        for arg in case.args:                      # plain data an out-of-process grader can send
            assert isinstance(arg, (int, float, str, tuple, list, np.ndarray)) or arg in (
                np.sin, np.cos, np.tanh), f"{case.label}: {arg!r} is not plain data"
    assert dir(checks.hidden) == sorted(checks.EXERCISES)
    with pytest.raises(AttributeError):
        checks.hidden.no_such_exercise


@pytest.mark.parametrize("student, label", [
    (no_bias, "the bias is missing"),
    (always_sigmoid, "the sigmoid is used whatever the activation"),
    (lambda x, w, b, g: float(np.asarray(x, float) @ np.asarray(w, float) + b),
     "the activation is not applied"),
    (lambda x, w, b, g: correct(x, w, b * len(x), g), "the bias is added once per input"),
])
def test_known_mistakes_are_recognised(student, label):
    case = checks.Case(((0.5, -1.0, 2.0), (1.0, 0.5, -0.25), 0.3, "tanh"), "example")
    mistake = EXERCISE.recognise(case, student(*case.args))
    assert mistake is not None and mistake.label == label
    assert EXERCISE.recognise(case, correct(*case.args)) is None


# ------------------------------------------------------------------ issue 12: spec, calling, judge, report
import ast  # noqa: E402
import pathlib  # noqa: E402
import textwrap  # noqa: E402

from nnlib import optim  # noqa: E402
from nnlib.checks import calling, judge, report  # noqa: E402

CHECKS_DIR = pathlib.Path(checks.__file__).parent


def notebook(source: str) -> dict:
    """Run `source` as a notebook would (its own globals) and return that namespace."""
    namespace = {"np": np, "__name__": "__main__"}
    source = textwrap.dedent(source)
    calling.register_source("<cell 1>", source)
    exec(compile(source, "<cell 1>", "exec"), namespace)
    return namespace


def hidden(name, student, points, seed=0):
    return checks.EXERCISES[name].hidden(student, points, rng=np.random.default_rng(seed))


def test_chapter_files_declare_data_only():
    for path in sorted(CHECKS_DIR.glob("ch[0-9][0-9].py")):
        if path.name == "ch09.py":      # rewritten by the chapter-09 author at the same time
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        classes = [node.name for node in tree.body if isinstance(node, ast.ClassDef)]
        assert classes == [], f"{path.name} defines classes {classes}: declare answer schemas instead"


def test_calling_imports_nothing_from_nnlib():
    tree = ast.parse((CHECKS_DIR / "calling.py").read_text(encoding="utf-8"))
    imported = [alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names]
    imported += [node.module or "." for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)]
    assert imported and all(not name.startswith(("nnlib", ".")) for name in imported), imported


def test_exercise_fields_have_defaults():
    for exercise in checks.EXERCISES.values():
        assert exercise.call in ("plain", "fit_predict") and exercise.seconds > 0
        assert isinstance(exercise.answer_keys, tuple) and isinstance(exercise.uses, tuple)
        assert all(name in checks.EXERCISES for name in exercise.uses), exercise.uses
    assert checks.EXERCISES["dense_forward"].answer_keys == ("nnlib.layers.dense_forward",)
    assert checks.EXERCISES["forward"].uses == ("dense_forward",)
    assert checks.EXERCISES["backward"].uses == ("dense_backward",)
    with pytest.raises(TypeError, match="answer must be a schema"):
        checks.Exercise("x", "x()", reference, (), lambda rng: [], answer="pair")


def test_answer_record_describes_a_return_an_error_a_todo_and_changed_arguments():
    record = calling.call(lambda x: x.sum(), (np.ones(3),))
    assert record["status"] == "returned" and record["value"] == 3.0 and record["modified"] == []
    ns = notebook("""
        def layer(A_prev, W):
            return A_prev @ W
        def in_place(params, lr):
            params[0] -= lr
            return params
    """)
    record = calling.call(ns["layer"], (np.ones((4, 3)), np.ones((2, 3))))
    assert record["status"] == "raised" and record["type"] == "ValueError"
    assert record["line"] == "return A_prev @ W" and record["shapes"] == {"A_prev": [4, 3], "W": [2, 3]}
    assert calling.call(not_implemented, PUBLIC[0].args)["status"] == "todo"
    params = [np.ones(2)]
    record = calling.call(ns["in_place"], (params, 0.5))
    assert record["modified"] == ["params"] and np.array_equal(params[0], np.ones(2))   # the caller's copy is safe


def test_a_shape_error_names_the_student_line_and_the_shapes_in_words():
    ns = notebook("""
        def dense_forward(A_prev, W, b, activation):
            Z = A_prev @ W + b
            return Z, (A_prev, W, b, Z, activation)
    """)
    record = calling.call(ns["dense_forward"], (np.ones((4, 3)), np.ones((2, 3)), np.zeros(3), "linear"))
    text = judge.explain(record)
    assert "A_prev (4, 3) @ W (2, 3): the inner sizes 3 and 2 differ — is W transposed?" in text
    assert "your line 3: Z = A_prev @ W + b" in text


def test_points_are_shown_with_at_most_two_decimals(capsys):
    exercise = checks.EXERCISES["sgd_step"]           # three groups
    assert exercise.hidden(optim.sgd_step, 1, rng=np.random.default_rng(0)) == 1.0
    out = capsys.readouterr().out
    assert "(+0.33)" in out and "0.333333" not in out and "sgd_step: 1 of 1 point" in out and "(1 point, 3 groups" in out
    assert judge.fmt_points(2 / 3) == "0.67" and judge.fmt_points(2.0) == "2" and judge.fmt_points(1.5) == "1.5"


def test_an_sgd_step_that_changes_its_arrays_in_place_fails_with_a_clear_message(capsys):
    ns = notebook("""
        def sgd_step(params, grads, lr):
            for (W, b), (dW, db) in zip(params, grads):
                W -= lr * dW
                b -= lr * db
            return params
    """)
    assert hidden("sgd_step", ns["sgd_step"], 1) == 0.0
    out = capsys.readouterr().out
    assert "changed its argument params in place" in out


def test_a_correct_forward_keeps_its_points_when_dense_forward_is_wrong(capsys):
    ns = notebook("""
        from nnlib import activations
        def dense_forward(A_prev, W, b, activation):          # wrong cache order
            Z = A_prev @ W + b
            A = activations.get(activation)[0](Z)
            return A, (A_prev, W, b, A, activation)
        def forward(X, params, acts):
            A, caches = X, []
            for (W, b), act in zip(params, acts):
                A, cache = dense_forward(A, W, b, act)
                caches.append(cache)
            return A, caches
    """)
    assert hidden("dense_forward", ns["dense_forward"], 2) == 0.0
    capsys.readouterr()
    assert hidden("forward", ns["forward"], 2) == 2.0
    out = capsys.readouterr().out
    assert "your dense_forward's bug would have shown up here" in out
    assert ns["dense_forward"].__code__.co_name == "dense_forward" and "known mistake" not in out
    # the binding is undone: the notebook's own dense_forward is back
    assert ns["dense_forward"](np.ones((1, 1)), np.ones((1, 1)), np.zeros(1), "linear")[1][3] is not None


def test_a_correct_train_epoch_keeps_its_points_when_sgd_step_is_wrong(capsys):
    ns = notebook("""
        from nnlib import losses
        from nnlib.network import backward, forward
        def minibatches(X, y, batch_size, rng):
            order = np.random.default_rng(rng).permutation(len(X))
            return [(X[order[s:s + batch_size]], y[order[s:s + batch_size]]) for s in range(0, len(X), batch_size)]
        def sgd_step(params, grads, lr):
            return [(W + lr * dW, b + lr * db) for (W, b), (dW, db) in zip(params, grads)]   # uphill
        def train_epoch(X, y, params, activations, lr, batch_size, rng):
            total = 0.0
            for X_b, y_b in minibatches(X, y, batch_size, rng):
                y_hat, caches = forward(X_b, params, activations)
                total += losses.mse(y_hat, y_b) * len(X_b)
                params = sgd_step(params, backward(losses.mse_grad(y_hat, y_b), caches), lr)
            return params, total / len(X)
    """)
    assert hidden("sgd_step", ns["sgd_step"], 1) == 0.0
    assert hidden("train_epoch", ns["train_epoch"], 3) == 3.0
    assert "your minibatches or sgd_step's bug would have shown up here" in capsys.readouterr().out


def test_the_warning_note_never_contradicts_the_verdict(capsys):
    def flipped(Z):
        return 1 / (1 + np.exp(np.asarray(Z, dtype=float)))          # σ(−z), and it overflows
    checks.sigmoid(flipped)
    out = capsys.readouterr().out
    assert "✗" in out and "Note:" in out
    assert "no points are lost" not in out and "values are right" not in out
    assert hidden("sigmoid", flipped, 2) == 0.0


def test_mistakes_get_their_right_names(capsys):
    def bias_after_g(x, w, b, activation):
        g = activation if callable(activation) else activations.get(activation)[0]
        return float(g(np.asarray(x, dtype=float) @ np.asarray(w, dtype=float)) + b)
    checks.neuron_output(bias_after_g)
    out = capsys.readouterr().out
    assert "known mistake: the bias is added after the activation" in out and "once per input" not in out
    hidden("neuron_output", bias_after_g, 4)
    assert "once per input" not in capsys.readouterr().out

    def s_times_one_minus_z(Z):
        return activations.sigmoid(Z) * (1 - np.asarray(Z, dtype=float))
    checks.sigmoid_prime(s_times_one_minus_z)
    out = capsys.readouterr().out
    assert "σ(z)(1 − z)" in out and "returns σ(z) instead" not in out

    def db_axis_1(dA, cache):
        A_prev, W, b, Z, activation = cache
        dZ = dA * activations.get(activation)[1](Z)
        return dZ @ W.T, A_prev.T @ dZ, dZ.sum(axis=1)
    checks.dense_backward(db_axis_1)
    out = capsys.readouterr().out
    assert "known mistake: db is summed over axis 1" in out
    assert "the same four lines work for every layer" not in out


def test_a_mistake_is_named_only_when_every_failing_case_of_the_group_matches(capsys):
    exercise = checks.EXERCISES["relu_prime"]
    groups = exercise.hidden_groups(np.random.default_rng(0))
    label, cases = groups[0]

    def half_and_half(Z):                                  # ≥ on the first call only, then |z|
        half_and_half.calls += 1
        Z = np.asarray(Z, dtype=float)
        return (Z >= 0).astype(float) if half_and_half.calls == 1 else np.abs(Z)
    half_and_half.calls = 0
    records = [calling.call(half_and_half, case.args) for case in cases]
    group = judge.verdict(exercise, [(label, cases)], records, 1).groups[0]
    assert not group.passed and group.mistake == ""
    records = [calling.call(lambda Z: (np.asarray(Z, dtype=float) >= 0).astype(float), case.args) for case in cases]
    group = judge.verdict(exercise, [(label, cases)], records, 1).groups[0]
    assert group.mistake == "wrong at 0: returns 1 at z = 0" or group.passed


def test_the_verdict_reports_the_public_examples_in_one_line_never_empty():
    exercise = checks.EXERCISES["forward"]
    groups = exercise.hidden_groups(np.random.default_rng(0))
    cases = [case for _, cs in groups for case in cs]

    def wrong(X, params, acts):
        return np.zeros((len(X), params[-1][0].shape[1])), []
    for student in (wrong, exercise.reference):
        records = [calling.call(student, c.args) for c in cases]
        public = [calling.call(student, c.args) for c in exercise.public_cases]
        v = judge.verdict(exercise, groups, records, 2, public_records=public)
        assert v.public_example, v
        assert report.feedback(v)["headline"].startswith("forward: ")
    assert v.points == 2.0 and v.public_example.startswith("all 5 public examples pass")


def test_nnlib_minibatches_takes_rng_by_position_and_shuffle_by_keyword():
    X, y = np.arange(12.0).reshape(6, 2), np.arange(6.0)
    by_position = [yb.tolist() for _, yb in optim.minibatches(X, y, 4, 0)]
    by_keyword = [yb.tolist() for _, yb in optim.minibatches(X, y, 4, rng=0)]
    assert by_position == by_keyword and by_position != [[0, 1, 2, 3], [4, 5]]
    with pytest.raises(TypeError):
        optim.minibatches(X, y, 4, 0, False)
    assert [yb.tolist() for _, yb in optim.minibatches(X, y, 4, shuffle=False)] == [[0, 1, 2, 3], [4, 5]]


def test_broadcast_and_dot_errors_are_explained_with_the_names_on_the_line():
    ns = notebook("""
        def f(dA, Z):
            dZ = dA * Z.T
            return dZ
        def g(A_prev, W):
            return np.dot(A_prev, W)
    """)
    text = judge.explain(calling.call(ns["f"], (np.ones((4, 3)), np.ones((4, 3)))))
    assert "dA (4, 3) and Z.T (3, 4) cannot be combined entry by entry" in text and "your line 3" in text
    text = judge.explain(calling.call(ns["g"], (np.ones((4, 3)), np.ones((2, 3)))))
    assert "A_prev (4, 3) @ W (2, 3): the inner sizes 3 and 2 differ — is W transposed?" in text
    # a record from an untrusted process with odd fields is described, not a crash
    assert "raised" in judge.explain({"status": "raised", "type": "E", "message": "matmul", "line": "a @ b",
                                      "shapes": {"a": "x", "b": [1]}})
