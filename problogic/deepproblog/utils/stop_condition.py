"""DeepProbLog's stop conditions for ``TrainObject.train(loader, condition)``: a number of
epochs, a logged value reaching a threshold, no improvement or no change for a while; ``a +
b`` or ``a | b`` stops when either does, ``a * b`` or ``a & b`` when both do. Each reads the
values the training loop logs (``train_object.logger``, as ``"loss"`` every ``log_iter``
iterations, or what a ``test`` function returns every ``test_iter``) and stops where
DeepProbLog's stops on the same log.
"""

from __future__ import annotations

from abc import ABC, abstractmethod


class StopCondition(ABC):
    @abstractmethod
    def is_stop(self, train_object) -> bool:
        """Whether training stops now (checked before each epoch and after each update)."""

    def __add__(self, other: "StopCondition") -> "Or":
        return Or(self, other)

    __or__ = __add__

    def __mul__(self, other: "StopCondition") -> "And":
        return And(self, other)

    __and__ = __mul__


class EpochStop(StopCondition):
    """After ``max_epoch`` epochs."""

    def __init__(self, max_epoch: int):
        self.max_epoch = max_epoch

    def __str__(self) -> str:
        return f"for {self.max_epoch} epoch(s)"

    def is_stop(self, train_object) -> bool:
        return train_object.epoch >= self.max_epoch


class Threshold(StopCondition):
    """When the last ``duration`` logged values of ``attribute`` all reach ``maximum``."""

    def __init__(self, attribute: str, maximum: float, duration: int = 1):
        self.attribute, self.max, self.duration = attribute, maximum, duration

    def __str__(self) -> str:
        return f"until {self.attribute} reaches {self.max}"

    def is_stop(self, train_object) -> bool:
        values = train_object.logger.get_attribute(self.attribute)
        if not values or len(values) < self.duration:
            return False
        return all(v >= self.max for v in values[len(values) - max(self.duration, 0):])


class _Watch(StopCondition):
    """Watches the logged values of ``attribute`` once there are more than ``warm_up``:
    ``since`` is the position of the value it counts from (at first ``warm_up``), moved to
    each new value that :meth:`moved` away from it; training stops once ``patience`` values
    (``patience + 1`` for :class:`StopOnNoChange`, as DeepProbLog counts) have come
    without one."""

    beyond = 0  # values past ``patience`` before it stops
    what = ""

    def __init__(self, attribute: str, delta: float = 0.01, patience: int = 5,
                 warm_up: int = 5):
        self.attribute, self.delta, self.patience = attribute, delta, patience
        self.warm_up = warm_up
        self.since = warm_up

    @abstractmethod
    def moved(self, value: float, reference: float) -> bool:
        """Whether ``value`` restarts the watch, against the value it counts from."""

    def is_stop(self, train_object) -> bool:
        values = train_object.logger.get_attribute(self.attribute)
        if len(values) <= self.warm_up:
            return False
        if self.moved(values[-1], values[self.since]):
            self.since = len(values) - 1
        if len(values) - self.since >= self.patience + self.beyond:
            print(f"{self.attribute}: no {self.what} in {self.patience} values, stopping")
            return True
        return False


class StopOnPlateau(_Watch):
    """When ``attribute`` has not risen above its best by a fraction ``delta`` for
    ``patience`` logged values (after ``warm_up`` values; the best starts as the value at
    position ``warm_up``)."""

    what = "improvement"

    def __str__(self) -> str:
        return f"until plateau in {self.attribute}"

    def moved(self, value: float, reference: float) -> bool:
        return value > reference * (1 + self.delta)


class StopOnNoChange(_Watch):
    """When ``attribute`` has stayed within a fraction ``delta`` of its value at the last
    change for more than ``patience`` logged values (after ``warm_up`` values)."""

    beyond, what = 1, "change"

    def __str__(self) -> str:
        return f"until no change in {self.attribute}"

    def moved(self, value: float, reference: float) -> bool:
        return abs(value - reference) > reference * self.delta


class _Combined(StopCondition):
    def __init__(self, *criteria: StopCondition):
        self.criteria = criteria

    def __str__(self) -> str:
        return self.joiner.join(map(str, self.criteria))

    def is_stop(self, train_object) -> bool:  # asks each in turn, as long as it must
        return self.quantifier(c.is_stop(train_object) for c in self.criteria)


class Or(_Combined):
    """When any of ``criteria`` does."""

    joiner, quantifier = " or ", staticmethod(any)


class And(_Combined):
    """When all of ``criteria`` do."""

    joiner, quantifier = " and ", staticmethod(all)


__all__ = ["StopCondition", "EpochStop", "Threshold", "StopOnPlateau", "StopOnNoChange",
           "Or", "And"]
