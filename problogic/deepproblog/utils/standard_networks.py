"""The networks of DeepProbLog's ``deepproblog.utils.standard_networks``: :class:`MLP` and
:class:`SmallNet` / :func:`smallnet`, with the same constructors, layers and parameter
names (a state saved from DeepProbLog's loads into them)."""

from __future__ import annotations

import torch
from torch import nn


class MLP(nn.Module):
    """Linear layers of the given ``sizes`` (``MLP(16, 32, 10)``: 16 -> 32 -> 10) with
    ``activation`` between them and a softmax over the last dimension at the end (unless
    ``softmax=False``). ``batch=False``: the input is one example, without a batch
    dimension, and the output keeps a leading dimension of 1."""

    def __init__(self, *sizes: int, activation=nn.ReLU, softmax: bool = True,
                 batch: bool = True):
        super().__init__()
        if len(sizes) < 2:
            raise ValueError(f"MLP needs an input and an output size, got {sizes}")
        layers: list[nn.Module] = []
        for i, (size_in, size_out) in enumerate(zip(sizes, sizes[1:])):
            layers.append(nn.Linear(size_in, size_out))
            if i < len(sizes) - 2:
                layers.append(activation())
        if softmax:
            layers.append(nn.Softmax(-1))
        self.nn = nn.Sequential(*layers)
        self.batch = batch

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.nn(x if self.batch else x.unsqueeze(0))


class SmallNet(nn.Module):
    """AlexNet's convolutional features (Krizhevsky et al., 2012) on 3-channel images, then
    a hidden layer of 100 and ``num_classes`` outputs: a softmax over them, or a sigmoid
    when there is one. ``size=(height, width)`` sizes the first linear layer for that input
    size; without it the layer takes 2304 features (256 x 3 x 3: square images of 127 to 158
    pixels), as DeepProbLog's does."""

    def __init__(self, num_classes: int = 1000, size: tuple[int, int] | None = None):
        super().__init__()
        self.num_classes = num_classes
        self.final = nn.Sigmoid() if num_classes == 1 else nn.Softmax(1)
        self.features = nn.Sequential(
            nn.Conv2d(3, 64, kernel_size=11, stride=4, padding=2), nn.ReLU(inplace=True),
            nn.MaxPool2d(kernel_size=3, stride=2),
            nn.Conv2d(64, 192, kernel_size=5, padding=2), nn.ReLU(inplace=True),
            nn.MaxPool2d(kernel_size=3, stride=2),
            nn.Conv2d(192, 384, kernel_size=3, padding=1), nn.ReLU(inplace=True),
            nn.Conv2d(384, 256, kernel_size=3, padding=1), nn.ReLU(inplace=True),
            nn.Conv2d(256, 256, kernel_size=3, padding=1), nn.ReLU(inplace=True),
            nn.MaxPool2d(kernel_size=3, stride=2),
        )
        self.N = 2304
        if size is not None:
            with torch.no_grad():
                self.N = self.features(torch.zeros(1, 3, *size)).numel()
        self.classifier = nn.Sequential(nn.Linear(self.N, 100), nn.ReLU(inplace=True),
                                        nn.Linear(100, num_classes), self.final)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.classifier(self.features(x).reshape(-1, self.N))


def smallnet(pretrained: bool = False, model: SmallNet | None = None, **kwargs) -> SmallNet:
    """``model``, or a new :class:`SmallNet` (``kwargs``: its arguments). DeepProbLog's
    ``pretrained=True`` downloads AlexNet's ImageNet weights at run time; problogic never
    downloads: load them into ``model.features`` yourself (``strict=False``)."""
    if pretrained:
        raise ValueError("smallnet(pretrained=True) would download AlexNet's weights; "
                         "problogic does not download at run time: load a saved state "
                         "into the model's features instead")
    return model if model is not None else SmallNet(**kwargs)


__all__ = ["MLP", "SmallNet", "smallnet"]
