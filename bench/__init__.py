"""`make bench`: performance measurements of the course's code (entry point: bench/run.py)."""
