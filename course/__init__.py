"""Course tooling for instructors: releasing chapters and plain-nbgrader grading.

    python -m course.release [--check]     solutions/ -> chapters/ and _toc.yml (`make release`)
    python -m course.nbgrade CHAPTER ...    plain nbgrader autograde, for comparison (`make nbgrade`)
"""
