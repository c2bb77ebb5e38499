"""The course's autograder (an nbgrader course directory plus a sandboxed grader).

    python -m autograder --help

Modules: cli (the command), collect (finding submissions), grade (verdicts), sandbox and
child (running student code in a separate, restricted process), codec (plain data across
the process boundary), gradebook (nbgrader's database), feedback (HTML and Gradescope JSON),
release (solutions/ -> chapters/), nbgrade (plain nbgrader autograde, for comparison).
"""
