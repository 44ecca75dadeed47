"""A fixture that runs a test on one torch thread (restoring the count after):
small models are fastest so, and a 2-core machine shared with other test
processes makes multi-threaded small ops slower by orders of magnitude."""
import pytest
import torch


@pytest.fixture(autouse=True)
def one_torch_thread():
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)
