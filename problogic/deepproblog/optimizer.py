"""DeepProbLog's ``deepproblog.optimizer``: :class:`Optimizer` (steps each network's own
optimizer) and :class:`SGD` (also learns the ``t(_)`` parameters); see :mod:`.model`."""

from .model import SGD, Optimizer

__all__ = ["Optimizer", "SGD"]
