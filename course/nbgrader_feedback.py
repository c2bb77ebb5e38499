"""Plain nbgrader's feedback without the hidden tests: a preprocessor for `nbgrader generate_feedback`.

nbgrader's feedback page is the autograded notebook as HTML, and in it the test cells hold the
restored hidden tests (`### BEGIN HIDDEN TESTS ... checks.hidden...`) and their printed report.
nbgrader_config.py adds `HideHiddenTests` to GenerateFeedback's preprocessors, so in every
feedback page a test cell keeps only

* its source without the hidden block (what the student's release version shows),
* the points (the cell's result), and
* one line per group of the hidden checks, without the example case (its label shows the hidden
  inputs) and cut before any expected value, plus error names without tracebacks (a traceback
  would quote the hidden test code).
"""
import re

from nbconvert.preprocessors import Preprocessor
from traitlets import Bool

HIDDEN_BLOCK = re.compile(r"^[ \t]*### BEGIN HIDDEN TESTS.*?### END HIDDEN TESTS[ \t]*\n?", re.S | re.M)
KEEP = re.compile(r"^(Hidden checks for |\s*[✓✗] |\w+: [\d.]+ of [\d.]+ points)")
CUT = re.compile(r"(;? at index |\bexpected\b|\bhint:).*$")


ERROR = re.compile(r": (raised \w+: .*|not implemented yet)$")


def safe_text(text):
    """The lines of a hidden check's report that say which groups passed, without their inputs
    (the example case's label shows them) or answers."""
    kept = []
    for line in text.splitlines():
        if KEEP.match(line):
            head, _, example = line.partition("; e.g. ")
            error = ERROR.search(example)
            line = head + (f"; {error.group(1)}" if error else "")
            kept.append(CUT.sub("", line).rstrip(" ;:,"))
    return "\n".join(kept) + ("\n" if kept else "")


class HideHiddenTests(Preprocessor):
    """Remove hidden tests and what they printed from nbgrader's feedback (see the module)."""

    enabled = Bool(True).tag(config=True)

    def preprocess_cell(self, cell, resources, index):
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if cell.get("cell_type") != "code" or not meta.get("grade") or meta.get("solution"):
            return cell, resources
        cell.source = HIDDEN_BLOCK.sub("", cell.source)
        outputs = []
        for output in cell.get("outputs", []):
            kind = output.get("output_type")
            if kind == "stream":
                output.text = safe_text(output.get("text", ""))
                if output.text:
                    outputs.append(output)
            elif kind == "execute_result":
                outputs.append(output)
            elif kind == "error":
                output.traceback = [f"{output.get('ename', 'Error')}: {output.get('evalue', '')}"[:300]]
                outputs.append(output)
        cell.outputs = outputs
        return cell, resources
