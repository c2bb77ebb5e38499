"""The course's autograder: grades chapter notebooks in a sandbox (the grader only).

    python -m autograder --help

Modules: cli (argument parsing and printing), collect (finding submissions), names (safe student
and chapter names), grade (one submission: plan, seeds, verdicts through nnlib.checks.judge),
sandbox (bubblewrap and its fallbacks, deadlines), child (the code that runs inside), protocol
(framed plain data over a pipe), gradingcopy (nnlib without the chapter's answer keys), secret
(the grading secret), store (records saved with their gradebook rows), gradebook (nbgrader's
database), feedback (HTML and Gradescope JSON), gradescope (the Gradescope zip), codec (plain-data
encoding of cases, used by tests), verify and mutate (tests of the hidden tests).
The book's release step and plain-nbgrader grading live in the package `course`.
"""
