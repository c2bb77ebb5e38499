"""`python -m autograder verify`: mutants of the answer keys must lose points (issue 12).

One chapter is verified for real (every non-equivalent mutant killed); a deliberately weak
exercise shows that a surviving mutant is reported and makes the exit status non-zero."""
import io
import re

import numpy as np
import pytest

from autograder import mutate, verify
from nnlib.checks import EXERCISES, Case, Exercise


def test_chapter_03_kills_every_mutant(capsys):
    status = verify.main(["03"])
    out = capsys.readouterr().out
    lines = out.strip().splitlines()
    killed, total = map(int, re.fullmatch(r"mutants: (\d+)/(\d+) killed", lines[-1]).groups())
    assert "survived:" not in out, out
    assert status == 0 and killed == total, out
    names = [e.name for e in EXERCISES.values() if verify.chapter_of(e) == "03"]
    assert {"sigmoid", "relu", "relu_prime", "tanh_prime", "sigmoid_prime"} <= set(names)
    for name in names:                              # every exercise reported, N >= 10 each
        found = re.search(rf"^ch03 {name}: (\d+)/(\d+) killed", out, re.M)
        assert found and int(found.group(2)) >= 10, out


# ------------------------------------------------------------------ a deliberately weak exercise
def weak_double_relu(Z):
    Z = np.asarray(Z, dtype=float)
    return 2.0 * np.maximum(Z, 0.0)


def _only_positive(rng):
    """Weak on purpose: no negative Z, so max(Z, 0) and max(Z, -1) cannot be told apart."""
    return [("positive Z", [Case((np.abs(rng.normal(0, 1, 4)) + 0.1,), "positive Z")])]


WEAK = Exercise(
    name="weak_double_relu",
    signature="weak_double_relu(Z)",
    reference=weak_double_relu,
    public_cases=[Case((np.array([-2.0, -0.5, 1.0]),), "negative entries")],
    hidden_groups=_only_positive,
)


def test_a_surviving_mutant_fails_verify(monkeypatch, capsys):
    monkeypatch.setitem(EXERCISES, WEAK.name, WEAK)
    status = verify.main([WEAK.name])
    out = capsys.readouterr().out
    assert status == 1, out
    survivors = [line for line in out.splitlines() if line.startswith("  survived:")]
    # max(Z, 0) -> max(Z, -1) (and -> min-free variants) differ on the public case's negatives
    assert any("0.0 -> -1.0" in line for line in survivors), out
    killed, total = map(int, re.fullmatch(r"mutants: (\d+)/(\d+) killed", out.strip().splitlines()[-1]).groups())
    assert killed < total
    # strengthened with a negative case, nothing survives
    strong = Exercise(name=WEAK.name, signature=WEAK.signature, reference=weak_double_relu,
                      public_cases=WEAK.public_cases,
                      hidden_groups=lambda rng: _only_positive(rng) + [
                          ("mixed signs", [Case((rng.normal(0, 2, 6),), "mixed")])])
    monkeypatch.setitem(EXERCISES, WEAK.name, strong)
    assert verify.main([WEAK.name]) == 0, capsys.readouterr().out


def test_bad_argument_is_refused(capsys):
    assert verify.main(["no_such_exercise"]) == 2
    assert "neither a chapter" in capsys.readouterr().err
    assert verify.main(["42"]) == 2
    assert "chapter 42 has no graded exercises" in capsys.readouterr().err


def test_capstone_is_skipped_with_a_reason():
    capstones = [e for e in EXERCISES.values() if verify.skip_reason(e)]
    assert capstones, "expected the fit_predict capstone to be skipped"
    out = io.StringIO()
    results, status = verify.run(capstones[:1], out=out)
    assert "skipped: graded by held-out accuracy" in out.getvalue()
    assert status == 0 and results[0].total == 0


# ------------------------------------------------------------------ the mutator
def test_mutator_makes_every_kind_it_names():
    def sample(A, W, b, Z):
        """A docstring is never mutated."""
        if A.ndim != 2:
            raise ValueError(f"A must be 2-D, got {A.ndim}")
        dZ = A @ W.T + b
        total = 0.0
        for i in range(len(Z)):
            total += Z[i] * 0.5
        s = np.sum(dZ, axis=0) - 1
        return (s > 0) and not False, -total, Z[1:3]

    found = mutate.mutants(sample)
    kinds = {m.kind for m in found}
    assert set(mutate.KINDS) == {"operator", "sign", "transpose", "axis", "drop term", "off by one", "constant",
            "comparison", "function", "variable", "order", "return input"} == kinds, kinds
    text = "\n".join(str(m) for m in found)
    assert "A must be 2-D" not in text and "A.ndim != 2" not in text   # validation left alone
    assert "docstring" not in text
    for m in found:                                    # each mutant compiles to a function
        assert callable(m.build())
    chosen = mutate.select(found, 12)
    assert len(chosen) == 12 and len({m.kind for m in chosen}) == 12
    assert mutate.select(found, 12) == chosen          # deterministic


def test_equivalent_mutants_are_dropped():
    result = verify.verify_exercise(EXERCISES["half_sse"])
    assert any("y - y_hat" in str(m) for m in result.equivalent)   # (y − ŷ)² = (ŷ − y)²
    assert not any("y - y_hat" in str(m) for m in result.killed + result.survived)
    assert result.total >= 10


@pytest.mark.parametrize("word, chapter", [("3", "03"), ("ch03", "03"), ("03-activation-functions", "03")])
def test_chapter_words(word, chapter):
    chosen = verify.choose([word], EXERCISES)
    assert chosen and all(verify.chapter_of(e) == chapter for e in chosen)
