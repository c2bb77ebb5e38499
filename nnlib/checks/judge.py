"""The judge: answer records + an exercise + points -> one Verdict.

The same verdict (and, through report.py, the same words) is used by the public check cell, the
in-kernel hidden check, the sandboxed grader, its HTML feedback and Gradescope:

    records = [calling.call(fn, case.args, case.kwargs) for _, cases in groups for case in cases]
    v = judge.verdict(exercise, groups, records, points, public_records=..., own_records=...)
    v.points, v.groups[i].passed, v.groups[i].message, v.groups[i].hint, v.groups[i].mistake

Rules (issue 12, "honest feedback"):
- a group earns points / len(groups) when every case in it passes;
- a mistake is named only when the answer matches that mistake on *every* failing case of the
  group (a public example is a group of one);
- the hint is the named mistake's hint, else the failing case's own hint, else none;
- an error names the student's own line and, for a shape error, says in words which shapes met;
- an answer that changed its input arrays fails unless the exercise allows it (may_modify_args).
"""
from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field

from . import calling
from .compare import show

NOT_RUN = {"status": "raised", "type": "", "message": "no result for this case (the grader stopped)"}


@dataclass
class CaseResult:
    """One case judged: status is pass, fail, error or todo."""

    label: str
    status: str
    message: str = ""
    hint: str = ""
    mistake: str = ""

    @property
    def passed(self) -> bool:
        return self.status == "pass"


@dataclass
class GroupVerdict:
    """One hidden group judged."""

    label: str
    passed: bool
    points: float
    cases: int
    failed: int = 0
    status: str = "pass"          # pass, fail, error or todo (of the first failing case)
    example: str = ""             # the first failing case's label
    message: str = ""
    hint: str = ""
    mistake: str = ""
    notes: list = field(default_factory=list)


@dataclass
class Verdict:
    """One exercise judged: what every report of it is made from."""

    name: str
    signature: str
    points: float
    max_points: float
    status: str                   # graded or not implemented
    groups: list = field(default_factory=list)
    public: list = field(default_factory=list)     # CaseResults of the public examples
    public_example: str = ""      # one line about the public examples (never empty when judged)
    notes: list = field(default_factory=list)

    def as_dict(self) -> dict:
        return asdict(self)


def fmt_points(value: float) -> str:
    """Points with at most two decimals: 2, 1.5, 0.67."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("", "-0") else text


# ---------------------------------------------------------------------------- errors in words
_MATMUL = re.compile(r"([A-Za-z_][\w\.]*)\s*@\s*([A-Za-z_][\w\.]*)|"
                     r"(?:np\.)?(?:dot|matmul)\(\s*([A-Za-z_][\w\.]*)\s*,\s*([A-Za-z_][\w\.]*)\s*\)|"
                     r"([A-Za-z_][\w\.]*)\.dot\(\s*([A-Za-z_][\w\.]*)\s*\)")
_BROADCAST = re.compile(r"broadcast together with shapes ((?:\([\d, ]*\) ?)+)")


def _shape_text(shape) -> str:
    return "(" + ", ".join(str(n) for n in shape) + ("," if len(shape) == 1 else "") + ")"


def _matmul_words(line: str, shapes: dict) -> str:
    for match in _MATMUL.finditer(line):
        left, right = [g for g in match.groups() if g][:2]
        a, b = shapes.get(left), shapes.get(right)
        if a is None or b is None or not a or not b:
            continue
        inner_a = a[-1]
        inner_b = b[0] if len(b) == 1 else b[-2]
        if inner_a == inner_b:
            continue
        text = (f"{left} {_shape_text(a)} @ {right} {_shape_text(b)}: the inner sizes {inner_a} and "
                f"{inner_b} differ")
        if len(b) == 2 and b[-1] == inner_a:
            text += f" — drop the .T on {right[:-2]}?" if right.endswith(".T") else f" — is {right} transposed?"
        elif len(a) == 2 and a[-2] == inner_b:
            text += f" — drop the .T on {left[:-2]}?" if left.endswith(".T") else f" — is {left} transposed?"
        return text
    return ""


def _broadcast_words(message: str, line: str, shapes: dict) -> str:
    found = _BROADCAST.search(message)
    if not found:
        return ""
    wanted = re.findall(r"\(([\d, ]*)\)", found.group(1))
    wanted = [[int(n) for n in w.replace(" ", "").split(",") if n] for w in wanted]
    named = []
    for shape in wanted:
        names = [name for name, s in shapes.items() if list(s) == shape and name not in named]
        named.append(f"{names[0]} {_shape_text(shape)}" if names else _shape_text(shape))
    return (" and ".join(named) + " cannot be combined entry by entry: compare their sizes from the "
            "right; each pair must be equal or one of them 1")


def explain(record: dict) -> str:
    """The words for a record that did not return: "raised ValueError: ..." with the student's
    line and, for shape errors, which shapes met."""
    status = record.get("status")
    if status == "todo":
        return "not implemented yet (the function still raises NotImplementedError)"
    kind, message = str(record.get("type", "") or ""), str(record.get("message", "") or "")
    text = f"raised {kind}: {message}" if kind else (message or str(status))
    line, shapes = str(record.get("line", "") or ""), record.get("shapes")
    shapes = {str(k): list(v) for k, v in shapes.items() if isinstance(v, (list, tuple))} \
        if isinstance(shapes, dict) else {}
    words = ""
    try:
        if line and shapes and ("matmul" in message or "not aligned" in message or "core dimension" in message):
            words = _matmul_words(line, shapes)
        if line and not words and "broadcast" in message:
            words = _broadcast_words(message, line, shapes)
    except (TypeError, ValueError, IndexError):     # shapes of an unexpected form: no words
        words = ""
    if words:
        text += f"\n      {words}"
    if line:
        text += f"\n      your line {record.get('lineno', 0)}: {line}"
    return text


# ---------------------------------------------------------------------------- judging records
def _modified_message(exercise, record) -> str:
    names = ", ".join(record.get("modified") or [])
    return (f"the function changed its argument{'s' if ',' in names else ''} {names} in place; "
            f"{exercise.name} must leave its inputs as they were and return new values "
            f"(e.g. W = W - lr * dW creates a new array; W -= lr * dW overwrites the caller's)")


def judge_case(exercise, case, record, expected=None, expected_known=False):
    """(CaseResult, value-or-None): the case judged on its own (a mistake named if it matches)."""
    status = record.get("status")
    if status == "todo":
        return CaseResult(case.label, "todo", "not implemented yet"), None
    if status != "returned":
        text = explain(record)
        # a shape error explained in words needs no case hint (which may be about something else)
        hint = "" if "\n      " in text and "differ" in text.split("\n")[1] else case.hint
        return CaseResult(case.label, "error", text, hint), None
    received = record.get("value")
    if not expected_known:
        expected = exercise.expected(case)
    try:
        problem = exercise.compare(received, expected)
    except Exception as exc:  # noqa: BLE001 - an answer of an unexpected kind is wrong, not a crash
        problem = f"the answer could not be compared ({type(exc).__name__}): received {show(received)[:200]}"
    if problem:
        result = CaseResult(case.label, "fail", problem, case.hint)
        return result, (received, expected)
    if record.get("modified") and not exercise.may_modify_args:
        return CaseResult(case.label, "fail", _modified_message(exercise, record),
                          "work on new arrays and leave the arguments unchanged"), (received, None)
    return CaseResult(case.label, "pass"), None


def _name_mistake(exercise, failing) -> object:
    """The one mistake that every failing case's answer matches, or None."""
    if not failing or any(answer is None for _, _, answer in failing):
        return None
    wrong_values = [(case, received, expected) for case, _, (received, expected) in failing
                    if expected is not None]
    changed_inputs = [(case, received) for case, _, (received, expected) in failing if expected is None]
    if not wrong_values:
        return None
    for mistake in exercise.mistakes:
        if all(exercise.matches(mistake, case, received, expected)
               for case, received, expected in wrong_values) and \
                all(_same_answer(exercise, mistake, case, received) for case, received in changed_inputs):
            return mistake
    return None


def _same_answer(exercise, mistake, case, received) -> bool:
    """True when `mistake` answers `received` on `case` (right or wrong)."""
    try:
        return exercise.compare(received, exercise.mistake_answer(mistake, case)) == ""
    except Exception:  # noqa: BLE001
        return False


def _with_mistake(result: CaseResult, mistake) -> CaseResult:
    first, *rest = result.message.split("\n", 1)
    result.message = "\n".join([f"{first} (this looks like a known mistake: {mistake.label})"] + rest)
    result.hint, result.mistake = mistake.hint, mistake.label
    return result


def judge_group(exercise, label, cases, records, share) -> GroupVerdict:
    """One group: passes when every case passes; otherwise the first failure, with the mistake
    named only when all the group's failing answers match it."""
    judged = [judge_case(exercise, case, record) for case, record in zip(cases, records)]
    failing = [(case, result, answer) for case, (result, answer) in zip(cases, judged) if not result.passed]
    if not failing:
        return GroupVerdict(label, True, share, len(cases))
    case, first, _ = failing[0]
    verdict = GroupVerdict(label, False, 0.0, len(cases), len(failing), first.status, case.label,
                           first.message, first.hint)
    if any(result.status == "todo" for _, result, _ in failing):
        verdict.status, verdict.message, verdict.hint = "todo", "not implemented yet", ""
        return verdict
    mistake = _name_mistake(exercise, failing)
    if mistake is not None:
        _with_mistake(first, mistake)
        verdict.message, verdict.hint, verdict.mistake = first.message, first.hint, first.mistake
    return verdict


def _records_for(groups, records):
    records = list(records)
    out, position = [], 0
    for _, cases in groups:
        chunk = records[position:position + len(cases)]
        chunk += [dict(NOT_RUN)] * (len(cases) - len(chunk))
        out.append(chunk)
        position += len(cases)
    return out


def judge_public(exercise, records) -> list:
    """CaseResults of the public examples (each one judged as a group of one)."""
    results = []
    for case, record in zip(exercise.public_cases, records):
        result, answer = judge_case(exercise, case, record)
        if result.status == "fail" and answer is not None:
            mistake = _name_mistake(exercise, [(case, result, answer)])
            if mistake is not None:
                _with_mistake(result, mistake)
        results.append(result)
        if result.status == "todo":
            break
    return results


def _public_example(results) -> str:
    if not results:
        return "the public examples were not run"
    for result in results:
        if result.status == "todo":
            return "not implemented yet"
        if not result.passed:
            text = f"on the public example {result.label}: {result.message.splitlines()[0]}"
            return text + (f" Hint: {result.hint}" if result.hint else "")
    return f"all {len(results)} public examples pass"


def verdict(exercise, groups, records, points, *, public_records=None, own_records=None) -> Verdict:
    """Judge an exercise: `records` are the answer records of the hidden cases, group by group,
    in order (missing ones count as failed); `points` the exercise's points. `public_records`
    (optional) the records of exercise.public_cases. `own_records` (optional, for exercises with
    `uses`) the records of the same cases with the student's own versions of the used functions:
    a group that passes with correct ones and fails with the student's gets a note."""
    share = points / len(groups) if groups else 0.0
    per_group = _records_for(groups, records)
    judged = [judge_group(exercise, label, cases, chunk, share)
              for (label, cases), chunk in zip(groups, per_group)]
    if own_records is not None and exercise.uses:
        own = _records_for(groups, own_records)
        for group, (label, cases), chunk in zip(judged, groups, own):
            if group.passed:
                again = judge_group(exercise, label, cases, chunk, share)
                if not again.passed:
                    used = " or ".join(exercise.uses)
                    group.notes.append(
                        f"your {used}'s bug would have shown up here: with your own {used} this group "
                        f"fails ({again.message.splitlines()[0]}). It is graded with a correct {used}, so "
                        f"the bug costs points only in {used}'s own exercise.")
    earned = round(sum(g.points for g in judged), 6)
    todo = bool(judged) and all(g.status == "todo" for g in judged)
    result = Verdict(exercise.name, exercise.signature, earned, float(points),
                     "not implemented" if todo else "graded", judged)
    if public_records is not None:
        result.public = judge_public(exercise, public_records)
        result.public_example = _public_example(result.public)
    return result


# ---------------------------------------------------------------------------- in the kernel
def substitutes_for(exercise, student=None) -> dict:
    """name -> correct implementation, for the graded functions the exercise uses (none when
    `student` is nnlib's own code: its module's names are already the correct ones)."""
    from .spec import EXERCISES
    module = (getattr(student, "__globals__", None) or {}).get("__name__", "")
    if module == "nnlib" or module.startswith("nnlib."):
        return {}
    out = {}
    for name in exercise.uses:
        used = EXERCISES.get(name)
        if used is not None:
            out[name] = used.reference
    return out


def _needs_own_run(student, substitutes) -> bool:
    """True when the student's namespace holds their own version of a used function (not
    nnlib's, which is correct): only then can their version's bug show up."""
    namespace = getattr(student, "__globals__", None) or {}
    for name, fn in substitutes.items():
        own = namespace.get(name)
        module = getattr(own, "__module__", "") or ""
        if own is not None and own is not fn and not (module == "nnlib" or module.startswith("nnlib.")):
            return True
    return False


def _call_all(exercise, student, cases, substitutes, capture_stdout=True):
    names = _argument_names(exercise)
    records = []
    for case in cases:
        record = calling.call(student, case.args, case.kwargs, names=names, adapter=exercise.call,
                              substitutes=substitutes, capture_stdout=capture_stdout)
        records.append(record)
        if record["status"] == "todo":
            break
    return records


def _argument_names(exercise):
    """The parameter names in the exercise's signature, e.g. ["params", "grads", "lr"]."""
    found = re.match(r"[^(]*\(([^)]*)\)", exercise.signature)
    inside = found.group(1) if found else ""
    return [p.split("=")[0].strip().lstrip("*") for p in inside.split(",") if p.strip()]


def in_kernel(exercise, student, groups, points) -> Verdict:
    """Call `student` on every hidden case (in this process) and judge it."""
    substitutes = substitutes_for(exercise, student)
    records = []
    for _, cases in groups:
        chunk = _call_all(exercise, student, cases, substitutes)
        records.extend(chunk + [{"status": "todo"}] * (len(cases) - len(chunk)))
    own = None
    if substitutes and _needs_own_run(student, substitutes):
        result = verdict(exercise, groups, records, points)
        if any(g.passed for g in result.groups):
            own = []
            for _, cases in groups:
                chunk = _call_all(exercise, student, cases, None)
                own.extend(chunk + [{"status": "todo"}] * (len(cases) - len(chunk)))
    return verdict(exercise, groups, records, points, own_records=own)


def public(exercise, student) -> Verdict:
    """Call `student` on the public examples (in this process) and judge them."""
    records = _call_all(exercise, student, exercise.public_cases, substitutes_for(exercise, student),
                        capture_stdout=False)        # a student's print() helps them debug
    result = Verdict(exercise.name, exercise.signature, 0.0, 0.0, "graded")
    result.public = judge_public(exercise, records)
    result.public_example = _public_example(result.public)
    if result.public and result.public[-1].status == "todo":
        result.status = "not implemented"
    return result
