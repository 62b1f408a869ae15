"""Test-session settings."""

import pytest


@pytest.fixture(autouse=True, scope="session")
def _one_torch_thread():
    # Tiny networks train faster on one thread, and CI machines have 2 cores.
    try:
        import torch
    except ImportError:
        yield
        return
    previous = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(previous)
