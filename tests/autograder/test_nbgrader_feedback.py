"""Plain nbgrader's feedback pages lose the hidden tests, their inputs and their answers
(course/nbgrader_feedback.py, configured in nbgrader_config.py); the slow end-to-end check is in
tests/course/test_grading.py."""
import sys

import nbformat

from coursetools import ROOT

sys.path.insert(0, str(ROOT))
from course.nbgrader_feedback import HideHiddenTests, safe_text  # noqa: E402

REPORT = """Hidden checks for neuron_output (2 points, 4 groups of random cases):
  ✓ sigmoid on random inputs: 6 cases pass (+0.5)
  ✗ by name: 5 of 5 cases fail; e.g. tanh, x = [0.1 0.2], w = [0.3 0.4], b = 0.5: 2 of 2 entries differ; at index (0,) expected 0.12, received 0.
expected:
[0.12 0.34]
      hint: apply g to z
  ✗ ints: 3 of 3 cases fail; e.g. integers, x = [1, 2]: raised TypeError: bad operand
neuron_output: 0.5 of 2 points
"""


def test_safe_text_keeps_the_verdict_and_drops_inputs_and_answers():
    text = safe_text(REPORT)
    assert "✓ sigmoid on random inputs: 6 cases pass (+0.5)" in text
    assert "✗ by name: 5 of 5 cases fail" in text and "✗ ints: 3 of 3 cases fail; raised TypeError: bad operand" in text
    assert "neuron_output: 0.5 of 2 points" in text
    for secret in ("x = [", "0.12", "expected", "hint", "tanh,"):
        assert secret not in text


def test_the_preprocessor_removes_hidden_tests_and_tracebacks():
    cell = nbformat.v4.new_code_cell(
        "checks.neuron_output(neuron_output)\n### BEGIN HIDDEN TESTS\nchecks.hidden.neuron_output(neuron_output, points=2)\n"
        "### END HIDDEN TESTS", metadata={"nbgrader": {"grade": True, "solution": False, "grade_id": "t", "points": 2}})
    cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text=REPORT),
                    nbformat.v4.new_output("execute_result", data={"text/plain": "0.5"}, execution_count=1),
                    nbformat.v4.new_output("error", ename="KeyError", evalue="x",
                                           traceback=["checks.hidden.neuron_output(neuron_output, points=2)"])]
    nb = nbformat.v4.new_notebook(cells=[cell])
    out, _ = HideHiddenTests().preprocess(nb, {})
    cell = out.cells[0]
    assert "HIDDEN" not in cell.source and "checks.hidden" not in cell.source
    assert "checks.neuron_output(neuron_output)" in cell.source
    assert all("checks.hidden" not in line for o in cell.outputs for line in o.get("traceback", []))
    assert "x = [" not in cell.outputs[0].text and cell.outputs[1].data["text/plain"] == "0.5"


def test_nbgrader_config_uses_it_and_writes_elsewhere():
    config = (ROOT / "nbgrader_config.py").read_text()
    assert "HideHiddenTests" in config and '"nbgrader-feedback"' in config
