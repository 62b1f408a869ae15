"""Random number generation that never draws from numpy's global RNG."""

import numbers

import numpy as np
from sklearn.utils import check_random_state


def check_random_state_local(random_state):
    """Like ``check_random_state``, but None seeds from the OS, not ``np.random``."""
    if random_state is None:
        return np.random.RandomState(np.random.SeedSequence().generate_state(4))
    return check_random_state(random_state)


def int_seed(random_state):
    """An int seed for a third-party solver, without touching ``np.random``.

    An int is used as given (same results as passing it on); a RandomState
    draws the seed; None draws a fresh one from the operating system.
    """
    if random_state is None:
        return int(np.random.SeedSequence().generate_state(1)[0] >> 1)
    if isinstance(random_state, numbers.Integral):
        return int(random_state)
    return int(check_random_state(random_state).randint(np.iinfo(np.int32).max))
