"""Self-check quizzes that work in a static web page, in Jupyter and in Colab, with no kernel and no network.

    from nnlib.quiz import show_quiz
    show_quiz([
        {"question": "What does the neuron output for x = 2?", "type": "numeric", "precision": 3,
         "answers": [{"type": "value", "value": y, "correct": True, "feedback": "Right: σ(z) with z = w x + b."},
                     {"type": "value", "value": z, "correct": False, "feedback": "That is z; apply σ."},
                     {"type": "default", "feedback": "Compute z = w x + b first, then σ(z)."}]},
        {"question": "Which activation is zero for every negative input?", "type": "multiple_choice",
         "answers": [{"answer": "ReLU", "correct": True, "feedback": "Yes: max(0, z)."},
                     {"answer": "tanh", "correct": False, "feedback": "tanh(-1) ≈ -0.76."}]},
    ])

The questions use jupyterquiz's JSON format (https://pypi.org/project/jupyterquiz/), so a chapter's
questions also work with that package. This module renders them itself because jupyterquiz's input
has no label, its feedback is not announced to screen readers, its colours are fixed (unreadable
in a dark theme) and it needs a JavaScript output that some front ends do not run. Here a quiz is
one HTML output with its own small script and style: an <input> with a <label> and a Check button
for a numeric question, a group of radio buttons (checkboxes when several answers are right) for a
multiple-choice one, and a feedback line that screen readers read out (role="status").

How an answer is matched (as in jupyterquiz): the answers of a numeric question are tried in order
and the first that matches gives the feedback.

* ``{"type": "value", "value": v}`` matches when the reader's number equals v, after rounding both
  to the question's ``precision`` significant digits (if given), or when it is within the
  question's (or the answer's) ``tolerance`` of v (absolute difference), or else exactly.
* ``{"type": "range", "range": [lo, hi]}`` matches lo <= number < hi.
* ``{"type": "default"}`` gives the feedback when nothing matched.

The reader may type 0.38, -5e-1, 3/8 or 0,38. Question, answer and feedback texts are HTML
fragments; math in them is written $...$ and typeset by the page's MathJax when there is one.
"""
import hashlib
import html
import json
import math
import numbers
import re

__all__ = ["show_quiz", "quiz_html", "validate_questions"]

QUESTION_TYPES = ("numeric", "multiple_choice", "many_choice")
NUMERIC_ANSWER_TYPES = ("value", "range", "default")


class QuizError(ValueError):
    """A question list that the quiz cannot show (the message names the question and the field)."""


def _number(x, where):
    if isinstance(x, bool) or not isinstance(x, numbers.Real):
        raise QuizError(f"{where} must be a real number, got {type(x).__name__} {x!r}")
    x = float(x)
    if not math.isfinite(x):
        raise QuizError(f"{where} must be finite, got {x}")
    return x


def _text(item, key, where, required=True):
    value = item.get(key)
    if value is None and not required:
        return None
    if not isinstance(value, str) or not value.strip():
        raise QuizError(f"{where} needs a non-empty string '{key}', got {value!r}")
    return value


def validate_questions(questions):
    """Check `questions` (jupyterquiz's format) and return a clean copy: plain floats, known fields only.

    Raises QuizError (a ValueError) naming the question and the field that is wrong.
    """
    if isinstance(questions, dict):
        raise QuizError("show_quiz takes a list of questions; wrap the single question in [...]")
    if not isinstance(questions, (list, tuple)) or not questions:
        raise QuizError(f"show_quiz needs a non-empty list of questions, got {questions!r}")
    clean = []
    for i, q in enumerate(questions, start=1):
        where = f"question {i}"
        if not isinstance(q, dict):
            raise QuizError(f"{where} must be a dict, got {type(q).__name__}")
        kind = q.get("type")
        if kind not in QUESTION_TYPES:
            raise QuizError(f"{where}: 'type' must be one of {', '.join(QUESTION_TYPES)}, got {kind!r}")
        text = _text(q, "question", where)
        answers = q.get("answers")
        if not isinstance(answers, (list, tuple)) or not answers:
            raise QuizError(f"{where} needs a non-empty list 'answers'")
        out = {"question": text, "type": kind, "answers": []}
        if kind == "numeric":
            if "precision" in q:
                p = q["precision"]
                if isinstance(p, bool) or not isinstance(p, numbers.Integral) or not 1 <= p <= 15:
                    raise QuizError(f"{where}: 'precision' (significant digits) must be an integer 1..15, got {p!r}")
                out["precision"] = int(p)
            if "tolerance" in q:
                out["tolerance"] = _number(q["tolerance"], f"{where}: 'tolerance'")
                if out["tolerance"] < 0:
                    raise QuizError(f"{where}: 'tolerance' must be >= 0, got {out['tolerance']}")
            for j, a in enumerate(answers, start=1):
                aw = f"{where}, answer {j}"
                if not isinstance(a, dict):
                    raise QuizError(f"{aw} must be a dict, got {type(a).__name__}")
                atype = a.get("type")
                if atype not in NUMERIC_ANSWER_TYPES:
                    raise QuizError(f"{aw}: 'type' must be one of {', '.join(NUMERIC_ANSWER_TYPES)}, got {atype!r}")
                clean_a = {"type": atype}
                if atype == "value":
                    clean_a["value"] = _number(a.get("value"), f"{aw}: 'value'")
                    if "tolerance" in a:
                        clean_a["tolerance"] = _number(a["tolerance"], f"{aw}: 'tolerance'")
                elif atype == "range":
                    rng = a.get("range")
                    if not isinstance(rng, (list, tuple)) or len(rng) != 2:
                        raise QuizError(f"{aw}: 'range' must be [low, high], got {rng!r}")
                    lo, hi = _number(rng[0], f"{aw}: range low"), _number(rng[1], f"{aw}: range high")
                    if not lo < hi:
                        raise QuizError(f"{aw}: range low must be below high, got [{lo}, {hi}]")
                    clean_a["range"] = [lo, hi]
                if atype != "default":
                    if not isinstance(a.get("correct"), bool):
                        raise QuizError(f"{aw} needs 'correct': True or False, got {a.get('correct')!r}")
                    clean_a["correct"] = a["correct"]
                feedback = _text(a, "feedback", aw, required=(atype == "default"))
                if feedback is not None:
                    clean_a["feedback"] = feedback
                out["answers"].append(clean_a)
            if not any(a.get("correct") for a in out["answers"]):
                raise QuizError(f"{where} has no answer with 'correct': True")
        else:
            for j, a in enumerate(answers, start=1):
                aw = f"{where}, choice {j}"
                if not isinstance(a, dict):
                    raise QuizError(f"{aw} must be a dict, got {type(a).__name__}")
                choice = {"answer": _text(a, "answer", aw)}
                if not isinstance(a.get("correct"), bool):
                    raise QuizError(f"{aw} needs 'correct': True or False, got {a.get('correct')!r}")
                choice["correct"] = a["correct"]
                feedback = _text(a, "feedback", aw, required=False)
                if feedback is not None:
                    choice["feedback"] = feedback
                out["answers"].append(choice)
            n_correct = sum(a["correct"] for a in out["answers"])
            if n_correct == 0:
                raise QuizError(f"{where} has no choice with 'correct': True")
            if kind == "multiple_choice" and n_correct > 1:
                out["type"] = "many_choice"     # several right answers: checkboxes
        clean.append(out)
    return clean


_MATH = re.compile(r"\$([^$]+)\$")


def _math(fragment):
    """$x$ -> \\(x\\): the inline delimiters of the site's MathJax (Sphinx's configuration)."""
    return _MATH.sub(lambda m: r"\(" + m.group(1) + r"\)", fragment)


_TEX_WORDS = {"cdot": "·", "times": "×", "sigma": "σ", "delta": "δ", "eta": "η", "mu": "μ", "beta": "β",
              "lambda": "λ", "partial": "∂", "sum": "Σ", "top": "ᵀ", "odot": "⊙", "le": "≤", "ge": "≥",
              "infty": "∞", "to": "→", "approx": "≈"}


def _spoken(fragment):
    """An aria-label for a choice that contains math: typeset math has no text a screen reader (or
    axe) can name the radio button by, so the input carries the choice read as plain text."""
    if "$" not in fragment and "\\(" not in fragment:
        return ""
    text = re.sub(r"<[^>]+>", "", fragment).replace("$", "").replace("\\(", "").replace("\\)", "")
    text = re.sub(r"\\([A-Za-z]+)", lambda m: _TEX_WORDS.get(m.group(1), m.group(1)), text)
    text = re.sub(r"[{}\\]", "", text)
    text = re.sub(r"\s+", " ", text).strip()
    return f' aria-label="{html.escape(text, quote=True)}"'


_STYLE = """
.nnq{border:1px solid var(--pst-color-border,#8a8a8a);border-radius:.4rem;padding:.6rem 1rem;margin:1rem 0;
 color:inherit;background:transparent;font-size:1rem;line-height:1.5;max-width:40rem}
.nnq-title{font-weight:700;margin:0 0 .4rem}
.nnq-q{border:0;border-top:1px solid var(--pst-color-border,#8a8a8a);margin:0;padding:.6rem 0 .4rem;min-width:0}
.nnq-q:first-of-type{border-top:0}
.nnq-q legend,.nnq-q .nnq-text{font-weight:600;padding:0;margin:0 0 .4rem;float:none;font-size:1rem}
.nnq-choice{display:flex;gap:.5rem;align-items:baseline;padding:.15rem 0;cursor:pointer}
.nnq-choice input{margin:0;flex:none;width:1.1rem;height:1.1rem}
.nnq-row{display:flex;flex-wrap:wrap;gap:.5rem;align-items:center}
.nnq-row input{font:inherit;color:inherit;background:transparent;border:1px solid currentColor;border-radius:.25rem;
 padding:.2rem .4rem;width:10rem;max-width:100%}
.nnq button{font:inherit;color:inherit;background:transparent;border:1px solid currentColor;border-radius:.25rem;
 padding:.2rem .8rem;cursor:pointer}
.nnq input:focus-visible,.nnq button:focus-visible{outline:3px solid #1a73e8;outline-offset:2px}
.nnq-fb{margin:.4rem 0 0;padding:.1rem 0 .1rem .6rem;border-left:4px solid transparent;min-height:1.5em}
.nnq-fb.nnq-right{border-left-color:#2e8540}
.nnq-fb.nnq-wrong{border-left-color:#c0392b}
.nnq-fb:empty{padding:0;min-height:0}
"""

# One script per quiz (a page may hold several): it finds its own quiz by id and wires it up.
_SCRIPT = r"""
(function () {
  var root = document.getElementById("%(id)s");
  if (!root || root.dataset.ready) return;
  root.dataset.ready = "1";
  var questions = JSON.parse(root.querySelector("script[type='application/json']").textContent);
  function sig(x, p) { return Number(Number(x).toPrecision(p)); }
  function parse(text) {
    var s = text.trim().replace(/\u2212/g, "-").replace(/\s+/g, "");
    if (s.indexOf(",") >= 0 && s.indexOf(".") < 0) s = s.replace(",", ".");
    var m = s.match(/^([-+]?[0-9.]+(?:e[-+]?\d+)?)\/([-+]?[0-9.]+(?:e[-+]?\d+)?)$/i);
    if (m) { var d = Number(m[2]); return d === 0 ? NaN : Number(m[1]) / d; }
    if (!/^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i.test(s)) return NaN;
    return Number(s);
  }
  function show(fb, ok, html) {
    fb.className = "nnq-fb " + (ok ? "nnq-right" : "nnq-wrong");
    fb.innerHTML = "<strong>" + (ok ? "\u2713 Correct." : "\u2717 Not quite.") + "</strong> " + (html || "");
    if (window.MathJax && MathJax.typesetPromise) { MathJax.typesetPromise([fb]).catch(function () {}); }
  }
  function matches(q, a, x) {
    if (a.type === "range") return x >= a.range[0] && x < a.range[1];
    if (a.type !== "value") return false;
    var tol = ("tolerance" in a) ? a.tolerance : q.tolerance;
    if (tol !== undefined) return Math.abs(x - a.value) <= tol + 1e-12 * Math.abs(a.value);
    if (q.precision) return sig(x, q.precision) === sig(a.value, q.precision);
    return x === a.value;
  }
  root.querySelectorAll("[data-q]").forEach(function (box) {
    var q = questions[Number(box.dataset.q)];
    var fb = box.querySelector(".nnq-fb");
    if (q.type === "numeric") {
      var form = box.querySelector("form"), input = box.querySelector("input");
      form.addEventListener("submit", function (event) {
        event.preventDefault();
        var x = parse(input.value);
        if (isNaN(x)) {
          fb.className = "nnq-fb nnq-wrong";
          fb.textContent = "Type a number, for example 0.25, -1e-3 or 1/4.";
          input.setAttribute("aria-invalid", "true");
          return;
        }
        input.removeAttribute("aria-invalid");
        for (var i = 0; i < q.answers.length; i++) {
          var a = q.answers[i];
          if (matches(q, a, x)) { show(fb, a.correct, a.feedback); return; }
        }
        var fallback = q.answers.filter(function (a) { return a.type === "default"; })[0];
        show(fb, false, fallback ? fallback.feedback : "Try again.");
      });
    } else {
      box.querySelectorAll("input").forEach(function (input) {
        input.addEventListener("change", function () {
          var a = q.answers[Number(input.value)];
          if (input.type === "checkbox" && !input.checked) { fb.className = "nnq-fb"; fb.textContent = ""; return; }
          show(fb, a.correct, a.feedback);
        });
      });
    }
  });
})();
"""


def quiz_html(questions, title="Check yourself"):
    """The quiz as one self-contained HTML fragment (markup, style, data and script; no external file)."""
    clean = validate_questions(questions)
    for q in clean:                     # feedback is shown by the script: its $math$ is typeset then
        for a in q["answers"]:
            if "feedback" in a:
                a["feedback"] = _math(a["feedback"])
    data = json.dumps(clean, sort_keys=True, ensure_ascii=False)
    quiz_id = "nnq-" + hashlib.sha1(data.encode("utf-8")).hexdigest()[:10]
    parts = [f'<div class="nnq mathjax_process" id="{quiz_id}" role="group" aria-labelledby="{quiz_id}-title">',
             f"<style>{_STYLE}</style>",
             f'<p class="nnq-title" id="{quiz_id}-title">{html.escape(title)}</p>']
    for i, q in enumerate(clean):
        qid = f"{quiz_id}-{i}"
        text = _math(q["question"])
        feedback = f'<p class="nnq-fb" role="status" aria-live="polite" id="{qid}-fb"></p>'
        if q["type"] == "numeric":
            parts.append(
                f'<div class="nnq-q" data-q="{i}"><form class="nnq-form" novalidate>'
                f'<label class="nnq-text" for="{qid}-in">{i + 1}. {text}</label>'
                f'<div class="nnq-row"><input id="{qid}-in" type="text" inputmode="decimal" autocomplete="off" '
                f'spellcheck="false" aria-describedby="{qid}-fb">'
                f'<button type="submit">Check</button></div></form>{feedback}</div>')
        else:
            kind = "checkbox" if q["type"] == "many_choice" else "radio"
            hint = " (choose every right answer)" if kind == "checkbox" else ""
            choices = "".join(
                f'<label class="nnq-choice"><input type="{kind}" name="{qid}" value="{j}"{_spoken(a["answer"])}>'
                f"<span>{_math(a['answer'])}</span></label>"
                for j, a in enumerate(q["answers"]))
            parts.append(f'<fieldset class="nnq-q" data-q="{i}"><legend>{i + 1}. {text}{hint}</legend>'
                         f"{choices}{feedback}</fieldset>")
    # "</" cannot appear inside a <script>: escape it in the JSON (JSON allows "\/").
    safe = data.replace("</", "<\\/")
    parts.append(f'<script type="application/json">{safe}</script>')
    parts.append(f"<script>{_SCRIPT % {'id': quiz_id}}</script></div>")
    return "".join(parts)


class Quiz:
    """What show_quiz displays: HTML for browsers (site, Jupyter, Colab), a short note as plain text."""

    def __init__(self, questions, title="Check yourself"):
        self.html = quiz_html(questions, title)
        self.count = len(questions)

    def _repr_html_(self):
        return self.html

    def __repr__(self):
        # Plain-text front ends cannot run the quiz; never print the answers here.
        return f"<quiz: {self.count} questions; open this notebook in Jupyter, Colab or the course site to answer>"


def show_quiz(questions, title="Check yourself"):
    """Display a quiz of `questions` (jupyterquiz's JSON format) in the notebook or page.

    Numeric questions: {"question", "type": "numeric", optional "precision" (significant digits) or
    "tolerance" (absolute), "answers": [{"type": "value"|"range"|"default", "value"|"range",
    "correct", "feedback"}]}. Multiple choice: {"question", "type": "multiple_choice",
    "answers": [{"answer", "correct", "feedback"}]}. Raises QuizError (a ValueError) for a malformed list.
    """
    quiz = Quiz(questions, title)
    try:
        from IPython.display import display
    except ImportError:       # plain Python: nothing to display on
        return quiz
    display(quiz)
    return None
