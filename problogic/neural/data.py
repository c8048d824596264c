"""Handwritten-digit data for neural-predicate examples: no downloads, deterministic by seed.

The images are scikit-learn's bundled 8x8 digits (``sklearn.datasets.load_digits``, 1797
images), scaled to [0, 1] and shaped ``[1, 8, 8]``. Addition data sets in the style of
DeepProbLog's MNIST addition pair them up: each example holds two N-digit numbers written as
N images each (most significant digit first) and the label is the sum of the two numbers.

>>> from problogic.neural.data import load_digits, addition_dataset
>>> train, test = load_digits(seed=0)                 # 1258 and 539 images  # doctest: +SKIP
>>> data = addition_dataset(train, size=3000, digits=1, seed=0)        # doctest: +SKIP
>>> data.a.shape, data.sums[:3]                                        # doctest: +SKIP
(torch.Size([3000, 1, 1, 8, 8]), tensor([11, 12,  4]))
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterator

import torch
from torch import Tensor


@dataclass(frozen=True)
class DigitImages:
    """Images ``[M, 1, 8, 8]`` (float, in [0, 1]) and their digit labels ``[M]`` (int64)."""

    images: Tensor
    labels: Tensor

    def __len__(self) -> int:
        return len(self.labels)


def load_digits(test_fraction: float = 0.3, seed: int = 0) -> tuple[DigitImages, DigitImages]:
    """scikit-learn's 8x8 digits split into (train, test) by a permutation drawn from ``seed``."""
    try:
        from sklearn.datasets import load_digits as sklearn_digits
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise ImportError("the digit data sets need scikit-learn: pip install scikit-learn") \
            from exc
    bunch = sklearn_digits()
    images = torch.as_tensor(bunch.images, dtype=torch.float32).unsqueeze(1) / 16.0
    labels = torch.as_tensor(bunch.target, dtype=torch.int64)
    order = torch.randperm(len(labels), generator=torch.Generator().manual_seed(seed))
    n_test = round(len(labels) * test_fraction)
    test, train = order[:n_test], order[n_test:]
    return DigitImages(images[train], labels[train]), DigitImages(images[test], labels[test])


def digits_to_number(digits: Tensor) -> Tensor:
    """``[..., N]`` digits, most significant first, to the numbers they write (int64)."""
    powers = 10 ** torch.arange(digits.shape[-1] - 1, -1, -1, dtype=torch.int64,
                                device=digits.device)
    return (digits.to(torch.int64) * powers).sum(-1)


def number_to_digits(numbers: Tensor, width: int) -> Tensor:
    """``[...]`` non-negative integers to ``[..., width]`` digits, most significant first."""
    powers = 10 ** torch.arange(width - 1, -1, -1, dtype=torch.int64, device=numbers.device)
    return (numbers.to(torch.int64).unsqueeze(-1) // powers) % 10


@dataclass(frozen=True)
class AdditionBatch:
    """A batch of addition examples: ``a``, ``b``: images ``[B, N, 1, 8, 8]`` of the two
    numbers' digits, most significant first; ``a_digits``, ``b_digits``: ``[B, N]`` the true
    digits (for evaluation only); ``sums``: ``[B]``, the label."""

    a: Tensor
    b: Tensor
    a_digits: Tensor
    b_digits: Tensor
    sums: Tensor

    def __len__(self) -> int:
        return len(self.sums)

    def __getitem__(self, index) -> "AdditionBatch":
        """The examples at ``index`` (an int tensor, a slice), as a batch."""
        return AdditionBatch(self.a[index], self.b[index], self.a_digits[index],
                             self.b_digits[index], self.sums[index])

    @property
    def digits(self) -> int:
        return self.a.shape[1]

    def result_digits(self) -> Tensor:
        """``[B, N + 1]``: the sum written with N + 1 digits, most significant (the carry) first."""
        return number_to_digits(self.sums, self.digits + 1)

    def bindings(self, a: str = "A", b: str = "B") -> dict[str, Tensor]:
        """Per digit position, the image tensors ``{A0: [B, 1, 8, 8], ..., B0: ..., ...}``."""
        out = {f"{a}{i}": self.a[:, i] for i in range(self.digits)}
        out.update({f"{b}{i}": self.b[:, i] for i in range(self.digits)})
        return out


class AdditionDataset(AdditionBatch):
    """All examples of an addition data set; iterate over batches with :meth:`batches`."""

    def batches(self, batch_size: int, *, shuffle: bool = False, seed: int = 0,
                epoch: int = 0) -> Iterator[AdditionBatch]:
        """Consecutive batches (the last one may be smaller); ``shuffle`` draws the order from
        ``(seed, epoch)``, so that each epoch has its own order and runs repeat exactly."""
        n = len(self)
        if shuffle:
            order = torch.randperm(n, generator=torch.Generator().manual_seed(
                seed * 1_000_003 + epoch))
        else:
            order = torch.arange(n)
        for start in range(0, n, batch_size):
            yield self[order[start:start + batch_size]]


def addition_dataset(source: DigitImages, size: int, digits: int = 1,
                     seed: int = 0) -> AdditionDataset:
    """``size`` examples of two ``digits``-digit numbers and their sum, images drawn from
    ``source``: the images are taken in the order of successive seeded permutations of the
    source (as DeepProbLog takes MNIST in order), so that every image is used before any
    image is used again."""
    if size < 1 or digits < 1:
        raise ValueError("size and digits must be positive")
    needed = size * 2 * digits
    generator = torch.Generator().manual_seed(seed)
    rounds = -(-needed // len(source))
    order = torch.cat([torch.randperm(len(source), generator=generator)
                       for _ in range(rounds)])[:needed]
    order = order.view(size, 2, digits)
    images, labels = source.images[order], source.labels[order]  # [size, 2, N, ...]
    numbers = digits_to_number(labels)                              # [size, 2]
    return AdditionDataset(images[:, 0].contiguous(), images[:, 1].contiguous(),
                           labels[:, 0].contiguous(), labels[:, 1].contiguous(),
                           numbers.sum(1))


def sum_distribution(a_probs: Tensor, b_probs: Tensor) -> Tensor:
    """Exact ``P(sum = s)`` for ``s = 0 .. 2 * (10**N - 1)``, ``[B, 2 * 10**N - 1]``, from the
    per-digit distributions ``[B, N, 10]`` of two independent N-digit numbers (most
    significant first). A convolution (by FFT, in float64) of size 10**N: meant for N <= 5."""
    def number_distribution(probs: Tensor) -> Tensor:
        dist = probs[:, 0]
        for i in range(1, probs.shape[1]):  # dist over the prefix, times 10, plus a digit
            dist = (dist.unsqueeze(2) * probs[:, i].unsqueeze(1)).flatten(1)
        return dist

    da, db = number_distribution(a_probs.double()), number_distribution(b_probs.double())
    length = 2 * da.shape[1] - 1
    product = torch.fft.irfft(torch.fft.rfft(da, n=length) * torch.fft.rfft(db, n=length),
                              n=length)
    return product.clamp_min(0).to(a_probs.dtype)
