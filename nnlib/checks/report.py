"""Verdict -> words: the text printed in the notebook, and a plain structure for the grader.

`public_text(verdict)` is what the public check cell prints, `hidden_text(verdict)` what the
hidden check prints (and what the grader's feedback shows under the exercise); `feedback(verdict)`
is the same content as a dict of plain data (headline, one line per group, notes) for
autograder/feedback.py and Gradescope, so every place says the same words.
"""
from __future__ import annotations

from .judge import Verdict, fmt_points

CLOSING = "These public checks only help you; hidden checks on other inputs decide the grade."


def _points(value: float) -> str:
    """"1 point", "2 points", "0.5 points"."""
    return f"{fmt_points(value)} point{'' if fmt_points(value) == '1' else 's'}"


def _todo_text(name: str) -> str:
    return (f"✗ {name} is not implemented yet: replace the line `raise NotImplementedError()` in the "
            f"exercise cell with your code, run that cell, then run this one again.")


def public_text(verdict: Verdict) -> str:
    """The public check's report: one ✓/✗ line per example, the message and hint under a ✗."""
    results = verdict.public
    if results and results[-1].status == "todo":
        return f"{_todo_text(verdict.name)}\n{CLOSING}"
    lines = [f"Checking {verdict.signature} on {len(results)} public examples:"]
    for r in results:
        lines.append(f"  {'✓' if r.passed else '✗'} {r.label}")
        if not r.passed:
            lines.append(f"      {r.message}")
            if r.hint:
                lines.append(f"      hint: {r.hint}")
    passed = sum(r.passed for r in results)
    summary = "all pass" if passed == len(results) else f"{passed} of {len(results)} pass"
    lines.append(f"{summary}. {CLOSING}")
    return "\n".join(lines)


def group_lines(verdict: Verdict) -> list:
    """One entry per group: (passed, text, hint, notes)."""
    out = []
    for g in verdict.groups:
        if g.passed:
            text = f"{g.label}: {g.cases} cases pass (+{fmt_points(g.points)})"
        elif g.status == "todo":
            text = f"{g.label}: {verdict.name} is not implemented yet"
        else:
            text = f"{g.label}: {g.failed} of {g.cases} cases fail; e.g. {g.example}: {g.message}"
        out.append((g.passed, text, g.hint if not g.passed else "", list(g.notes)))
    return out


def headline(verdict: Verdict) -> str:
    """"<name>: <points> of <max> points", the last line of every report of an exercise."""
    return f"{verdict.name}: {fmt_points(verdict.points)} of {_points(verdict.max_points)}"


def hidden_text(verdict: Verdict) -> str:
    """The hidden check's report: a ✓/✗ line per group of random cases, then the points."""
    lines = [f"Hidden checks for {verdict.name} ({_points(verdict.max_points)}, "
             f"{len(verdict.groups)} groups of random cases):"]
    for passed, text, hint, notes in group_lines(verdict):
        lines.append(f"  {'✓' if passed else '✗'} {text}")
        if hint:
            lines.append(f"      hint: {hint}")
        for note in notes:
            lines.append(f"      note: {note}")
    for note in verdict.notes:
        lines.append(f"  note: {note}")
    if verdict.public_example:
        lines.append(f"  public examples: {verdict.public_example}")
    lines.append(headline(verdict))
    return "\n".join(lines)


def feedback(verdict: Verdict) -> dict:
    """Plain data for the grader's HTML feedback and Gradescope (same words as hidden_text)."""
    return {
        "name": verdict.name,
        "headline": headline(verdict),
        "points": verdict.points,
        "max_points": verdict.max_points,
        "points_text": fmt_points(verdict.points),
        "max_points_text": fmt_points(verdict.max_points),
        "status": verdict.status,
        "groups": [{"passed": passed, "text": text, "hint": hint, "notes": notes,
                    "label": g.label, "points": g.points, "mistake": g.mistake}
                   for (passed, text, hint, notes), g in zip(group_lines(verdict), verdict.groups)],
        "public_example": verdict.public_example,
        "notes": list(verdict.notes),
        "text": hidden_text(verdict),
    }
