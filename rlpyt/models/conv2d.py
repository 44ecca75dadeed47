"""Convolutional networks for image observations."""
from __future__ import annotations

from typing import Sequence

import torch

from rlpyt.models.mlp import MlpModel


def conv2d_output_shape(h: int, w: int, kernel_size: int, stride: int, padding: int = 0) -> tuple[int, int]:
    """Height and width after a convolution or max-pool layer."""
    return ((h + 2 * padding - kernel_size) // stride + 1,
        (w + 2 * padding - kernel_size) // stride + 1)


class Conv2dModel(torch.nn.Module):
    """A stack of 2-D convolutions, each followed by ``nonlinearity``.

    ``channels``, ``kernel_sizes``, ``strides`` and ``paddings`` (default 0)
    give one entry per layer. With ``use_maxpool`` the convolutions have
    stride 1 and a max-pool of the given stride follows each one instead.
    Input [N, in_channels, H, W]; output [N, channels[-1], H', W'].
    """

    def __init__(self, in_channels: int, channels: Sequence[int], kernel_sizes: Sequence[int],
            strides: Sequence[int], paddings: Sequence[int] | None = None,
            nonlinearity=torch.nn.ReLU, use_maxpool: bool = False) -> None:
        super().__init__()
        paddings = [0] * len(channels) if paddings is None else list(paddings)
        lengths = dict(channels=len(channels), kernel_sizes=len(kernel_sizes), strides=len(strides),
            paddings=len(paddings))
        if len(set(lengths.values())) != 1:
            raise ValueError(f"Conv2dModel: channels, kernel_sizes, strides and paddings need one "
                f"entry per layer, got lengths {lengths}")
        layers = []
        last = in_channels
        for out, kernel, stride, padding in zip(channels, kernel_sizes, strides, paddings):
            conv_stride = 1 if use_maxpool else stride
            layers += [torch.nn.Conv2d(last, out, kernel, conv_stride, padding), nonlinearity()]
            if use_maxpool and stride > 1:
                layers.append(torch.nn.MaxPool2d(stride))
            last = out
        self.conv = torch.nn.Sequential(*layers)

    def forward(self, input: torch.Tensor) -> torch.Tensor:
        """Apply the layers to [N, C, H, W] images."""
        return self.conv(input)

    def conv_out_size(self, h: int, w: int, c: int | None = None) -> int:
        """Number of output features (C' * H' * W') for [c, h, w] inputs."""
        for layer in self.conv:
            if isinstance(layer, torch.nn.Conv2d):
                h, w = conv2d_output_shape(h, w, layer.kernel_size[0], layer.stride[0], layer.padding[0])
                c = layer.out_channels
            elif isinstance(layer, torch.nn.MaxPool2d):
                h, w = conv2d_output_shape(h, w, layer.kernel_size, layer.stride)
        return h * w * c


class Conv2dHeadModel(torch.nn.Module):
    """``Conv2dModel`` followed by an MLP on the flattened features.

    ``image_shape`` is [C, H, W]. The head has ``hidden_sizes`` (int, list or
    empty) and, when given, a linear ``output_size`` layer; without either
    the flattened conv features are the output. Input [N, C, H, W]; output
    [N, output_size].
    """

    def __init__(self, image_shape: Sequence[int], channels: Sequence[int],
            kernel_sizes: Sequence[int], strides: Sequence[int],
            hidden_sizes: int | Sequence[int] | None, output_size: int | None = None,
            paddings: Sequence[int] | None = None, nonlinearity=torch.nn.ReLU,
            use_maxpool: bool = False) -> None:
        super().__init__()
        if len(image_shape) != 3:
            raise ValueError(f"Conv2dHeadModel: image_shape must be [C, H, W], got {tuple(image_shape)}")
        c, h, w = image_shape
        self.conv = Conv2dModel(c, channels, kernel_sizes, strides, paddings, nonlinearity, use_maxpool)
        self._conv_out_size = self.conv.conv_out_size(h, w)
        if self._conv_out_size < 1:
            raise ValueError(f"Conv2dHeadModel: image_shape {tuple(image_shape)} is too small for "
                "these convolutions (no output pixels)")
        self.head = MlpModel(self._conv_out_size, hidden_sizes, output_size, nonlinearity)

    def forward(self, input: torch.Tensor) -> torch.Tensor:
        """Conv features of [N, C, H, W] images, flattened, through the head."""
        return self.head(self.conv(input).reshape(input.shape[0], -1))

    @property
    def conv_out_size(self) -> int:
        """Number of flattened conv features."""
        return self._conv_out_size

    @property
    def output_size(self) -> int:
        """Width of the output."""
        return self.head.output_size
