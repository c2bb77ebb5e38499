"""Helpers for gradient tests.

Central differences carry an absolute error of about 1e-11 here, so the relative
error of an entry whose true gradient is, say, 1e-5 says nothing about the code.
Tests discard (hypothesis `assume`) draws with such tiny-but-nonzero entries."""
import numpy as np


def well_above_noise(*arrays, floor=1e-3):
    """True when every entry is exactly 0 or larger than `floor` in magnitude."""
    return all(np.all((np.abs(a) == 0) | (np.abs(a) > floor)) for a in arrays)
