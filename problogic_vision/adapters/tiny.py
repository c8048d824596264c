"""A small Faster R-CNN that trains on CPU: a few convolutions, one stride-4 feature map."""

from __future__ import annotations

from torch import nn
from torchvision.models.detection import FasterRCNN
from torchvision.models.detection.anchor_utils import AnchorGenerator
from torchvision.models.detection.faster_rcnn import FastRCNNPredictor, TwoMLPHead
from torchvision.ops import MultiScaleRoIAlign


def _block(in_channels: int, out_channels: int, *, stride: int = 1,
           dilation: int = 1) -> nn.Sequential:
    # GroupNorm, not BatchNorm: the same statistics in train and eval mode, and with batches
    # of one or two images
    return nn.Sequential(
        nn.Conv2d(in_channels, out_channels, 3, stride=stride, padding=dilation,
                  dilation=dilation, bias=False),
        nn.GroupNorm(8, out_channels),
        nn.ReLU(inplace=True),
    )


class TinyBackbone(nn.Sequential):
    """Five 3x3 convolution blocks: Float[N, 3, H, W] -> Float[N, channels, H/4, W/4].

    Two stride-2 blocks, then two dilated blocks that widen the receptive field to 63 pixels
    (enough for objects of 8-40 px) without losing resolution for the small ones.
    """

    def __init__(self, channels: int = 64):
        half = max(8, channels // 2)
        super().__init__(
            _block(3, half, stride=2),
            _block(half, channels, stride=2),
            _block(channels, channels),
            _block(channels, channels, dilation=2),
            _block(channels, channels, dilation=4),
        )
        self.out_channels = channels

    def stages(self) -> list[list[nn.Module]]:
        """The blocks, first to last (for freezing the first ones)."""
        return [[block] for block in self]


def tiny_fasterrcnn(num_classes: int, *, min_size: int = 128, max_size: int = 192,
                    anchor_sizes=(8, 16, 32, 64), aspect_ratios=(0.5, 1.0, 2.0),
                    channels: int = 64, representation_size: int = 256,
                    box_batch_size_per_image: int = 128, sampling_ratio: int = 2,
                    detections_per_image: int = 100) -> FasterRCNN:
    """A torchvision ``FasterRCNN`` with ``num_classes + 1`` outputs on a ``TinyBackbone``.

    Defaults suit 64-192 px scenes: images are resized so the short side is 128 px (the long
    side at most 192 px); anchors of 8-64 px on a stride-4 map; fewer proposals and sampled
    RoIs than torchvision's defaults, which are sized for 800 px COCO images.

    ``box_batch_size_per_image`` (RoIs sampled per image for the box head's training loss) and
    ``sampling_ratio`` (bilinear samples per RoIAlign bin and axis) set most of the cost of a
    supervised step on a CPU: RoIAlign's backward pass scatters into the feature map once per
    sample of every sampled RoI, and took about half of the training time at the defaults.
    """
    backbone = TinyBackbone(channels)
    anchors = AnchorGenerator(sizes=(tuple(anchor_sizes),), aspect_ratios=(tuple(aspect_ratios),))
    return FasterRCNN(
        backbone,
        num_classes=None,  # given by box_predictor
        min_size=min_size,
        max_size=max_size,
        rpn_anchor_generator=anchors,
        rpn_pre_nms_top_n_train=600,
        rpn_post_nms_top_n_train=300,
        rpn_pre_nms_top_n_test=300,
        rpn_post_nms_top_n_test=150,
        rpn_batch_size_per_image=128,
        box_roi_pool=MultiScaleRoIAlign(featmap_names=["0"], output_size=7,
                                        sampling_ratio=sampling_ratio),
        box_head=TwoMLPHead(channels * 7 * 7, representation_size),
        box_predictor=FastRCNNPredictor(representation_size, num_classes + 1),
        box_batch_size_per_image=box_batch_size_per_image,
        box_detections_per_img=detections_per_image,
    )
