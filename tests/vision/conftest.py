"""Shared fixtures for the problogic_vision tests: a tiny generated digit data set."""

from __future__ import annotations

import pytest
import torch

from problogic_vision.data import generate

TINY_SIZES = {"source_train": 12, "source_test": 2, "target_train": 8, "target_test": 6,
              "ood_test": 4}


@pytest.fixture(scope="session")
def digits_root(tmp_path_factory):
    """A digit scene data set with a handful of images per split (generated once)."""
    torch.set_num_threads(1)
    return generate("digits", tmp_path_factory.mktemp("digits"), seed=0, sizes=TINY_SIZES)
