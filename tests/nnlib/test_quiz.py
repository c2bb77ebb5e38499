"""nnlib.quiz: questions in jupyterquiz's format are checked, rendered as one self-contained HTML
output, and answered in a real browser (Debian's Chromium) with no network, in light and dark."""
import os

import pytest

from nnlib.quiz import Quiz, QuizError, quiz_html, show_quiz, validate_questions
from sitetools import CHROMIUM, FLAGS, axe_findings

NUMERIC = {"question": "What is $\\sigma(0)$?", "type": "numeric", "precision": 3,
           "answers": [{"type": "value", "value": 0.5, "correct": True, "feedback": "Yes: half way."},
                       {"type": "range", "range": [-1.0, 0.0], "correct": False, "feedback": "It is never negative."},
                       {"type": "default", "feedback": "Put z = 0 into 1/(1+e^{-z})."}]}
TOLERANT = {"question": "Pick a number near 2.", "type": "numeric", "tolerance": 0.1,
            "answers": [{"type": "value", "value": 2.0, "correct": True, "feedback": "Close enough."},
                        {"type": "default", "feedback": "Further than 0.1 from 2."}]}
CHOICE = {"question": "Which activation is zero for every negative input?", "type": "multiple_choice",
          "answers": [{"answer": "tanh", "correct": False, "feedback": "tanh(-1) is about -0.76."},
                      {"answer": "ReLU", "correct": True, "feedback": "max(0, z) is 0 for z < 0."},
                      {"answer": "$\\sigma(z)$", "correct": False, "feedback": "σ(-5) ≈ 0.007: small, not zero."}]}
QUESTIONS = [NUMERIC, TOLERANT, CHOICE]


def test_valid_questions_come_back_clean():
    import numpy as np
    q = dict(NUMERIC, answers=[dict(NUMERIC["answers"][0], value=np.float64(0.5))] + NUMERIC["answers"][1:])
    clean = validate_questions([q, CHOICE])
    assert type(clean[0]["answers"][0]["value"]) is float
    assert clean[1]["type"] == "multiple_choice"
    two_right = dict(CHOICE, answers=[dict(a, correct=True) for a in CHOICE["answers"]])
    assert validate_questions([two_right])[0]["type"] == "many_choice"


@pytest.mark.parametrize("questions, message", [
    (NUMERIC, "list of questions"),
    ([], "non-empty list"),
    ([dict(NUMERIC, type="numerical")], "question 1: 'type' must be one of"),
    ([dict(NUMERIC, question="")], "question 1 needs a non-empty string 'question'"),
    ([dict(NUMERIC, precision=0)], "'precision'"),
    ([CHOICE, dict(NUMERIC, answers=[{"type": "value", "value": "0.5", "correct": True}])],
     "question 2, answer 1: 'value' must be a real number"),
    ([dict(NUMERIC, answers=[{"type": "value", "value": float("nan"), "correct": True}])], "finite"),
    ([dict(NUMERIC, answers=[{"type": "range", "range": [1, 0], "correct": True}])], "low must be below high"),
    ([dict(NUMERIC, answers=[{"type": "value", "value": 1.0}])], "needs 'correct'"),
    ([dict(NUMERIC, answers=[{"type": "value", "value": 1.0, "correct": False}])], "no answer with 'correct': True"),
    ([dict(CHOICE, answers=[{"answer": "a", "correct": False}])], "no choice with 'correct': True"),
])
def test_malformed_questions_are_refused_with_a_message_naming_the_field(questions, message):
    with pytest.raises(QuizError, match=message.replace("(", r"\(").replace("$", r"\$")) as info:
        quiz_html(questions)
    assert isinstance(info.value, ValueError)


def test_the_html_is_self_contained_labelled_and_stable():
    page = quiz_html(QUESTIONS)
    assert page == quiz_html(QUESTIONS), "the same questions give the same HTML (reproducible builds)"
    assert "src=" not in page and "http" not in page.replace("https://pypi", ""), "nothing is fetched"
    assert page.count('role="status"') == 3 and page.count("<label") == 2 + 3
    # A choice that is only math is named for screen readers (typeset math has no accessible text).
    assert 'value="2" aria-label="σ(z)"' in page and 'value="1" aria-label' not in page
    assert page.count("<fieldset") == 1 and "<legend>" in page
    assert r"\(\sigma(0)\)" in page, "math is handed to MathJax with \\( \\) delimiters"
    math_feedback = quiz_html([dict(NUMERIC, answers=[dict(NUMERIC["answers"][0], feedback="Yes: $\\sigma(0) = 1/2$.")])])
    assert r'Yes: \\(\\sigma(0) = 1/2\\).' in math_feedback, "feedback math is typeset too"
    # No answer in the visible text: the correct value sits only in the JSON data block.
    visible = page.split('<script type="application/json">')[0]
    assert "0.5" not in visible.split("</style>")[1]
    plain = repr(Quiz(QUESTIONS))
    assert "3 questions" in plain and "0.5" not in plain


def test_show_quiz_displays_one_html_output(monkeypatch):
    import IPython.display
    shown = []
    monkeypatch.setattr(IPython.display, "display", lambda obj: shown.append(obj))
    assert show_quiz(QUESTIONS) is None
    assert len(shown) == 1 and shown[0]._repr_html_() == quiz_html(QUESTIONS)


@pytest.fixture(scope="module")
def chromium():
    from playwright.sync_api import sync_playwright
    assert os.path.exists(CHROMIUM), "Chromium is missing: `make test` installs Debian's chromium package"
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield browser
        browser.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_a_reader_answers_with_keyboard_and_gets_feedback_offline(chromium, scheme):
    page = chromium.new_page(color_scheme=scheme, viewport={"width": 390, "height": 844})
    requests = []
    page.on("request", lambda r: requests.append(r.url))
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    colours = "background:#121212;color:#e6e6e6" if scheme == "dark" else "background:#fff;color:#222"
    page.set_content(f'<!doctype html><html lang="en"><head><title>quiz</title></head>'
                     f'<body style="{colours}"><main><h1>Quiz</h1>{quiz_html(QUESTIONS)}</main></body></html>')
    inputs = page.locator(".nnq input[type=text]")
    feedback = page.locator(".nnq-fb")
    inputs.nth(0).fill("0.5001")                        # rounds to 0.500 at 3 significant digits
    inputs.nth(0).press("Enter")
    assert feedback.nth(0).inner_text().startswith("✓ Correct.") and "half way" in feedback.nth(0).inner_text()
    inputs.nth(0).fill("-0.25")
    page.locator(".nnq button").nth(0).click()
    assert "never negative" in feedback.nth(0).inner_text() and "Not quite" in feedback.nth(0).inner_text()
    inputs.nth(0).fill("0.7")
    inputs.nth(0).press("Enter")
    assert "Put z = 0" in feedback.nth(0).inner_text()
    inputs.nth(0).fill("abc")
    inputs.nth(0).press("Enter")
    assert "Type a number" in feedback.nth(0).inner_text()
    inputs.nth(1).fill("19/10")                         # a fraction, within the tolerance 0.1
    inputs.nth(1).press("Enter")
    assert "Close enough" in feedback.nth(1).inner_text()
    inputs.nth(1).fill("2,2")
    inputs.nth(1).press("Enter")
    assert "Further than" in feedback.nth(1).inner_text()
    radios = page.locator(".nnq input[type=radio]")
    radios.nth(0).focus()
    page.keyboard.press("Space")
    assert "-0.76" in feedback.nth(2).inner_text()
    page.keyboard.press("ArrowDown")                   # keyboard moves to (and selects) ReLU
    assert feedback.nth(2).inner_text().startswith("✓ Correct.")
    assert axe_findings(page) == []
    assert not errors, errors
    assert all(u.startswith(("about:", "data:")) for u in requests), requests
    page.close()
