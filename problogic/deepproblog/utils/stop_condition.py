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


class StopOnPlateau(StopCondition):
    """When ``attribute`` has not risen above its best by a fraction ``delta`` for
    ``patience`` logged values. The first ``warm_up`` values are not watched; the best
    starts as the value at position ``warm_up``."""

    def __init__(self, attribute: str, delta: float = 0.01, patience: int = 5,
                 warm_up: int = 5):
        self.attribute, self.delta, self.patience = attribute, delta, patience
        self.warm_up = warm_up
        self.best = warm_up  # position of the best value in the log

    def __str__(self) -> str:
        return f"until plateau in {self.attribute}"

    def is_stop(self, train_object) -> bool:
        values = train_object.logger.get_attribute(self.attribute)
        if len(values) <= self.warm_up:
            return False
        if values[-1] > values[self.best] * (1 + self.delta):
            self.best = len(values) - 1
        if len(values) - self.best >= self.patience:
            print(f"{self.attribute}: no improvement in {self.patience} values, stopping")
            return True
        return False


class StopOnNoChange(StopCondition):
    """When ``attribute`` has stayed within a fraction ``delta`` of its value at the last
    change for more than ``patience`` logged values (after ``warm_up`` values)."""

    def __init__(self, attribute: str, delta: float = 0.01, patience: int = 5,
                 warm_up: int = 5):
        self.attribute, self.delta, self.patience = attribute, delta, patience
        self.warm_up = warm_up
        self.last_change = warm_up

    def __str__(self) -> str:
        return f"until no change in {self.attribute}"

    def is_stop(self, train_object) -> bool:
        values = train_object.logger.get_attribute(self.attribute)
        if len(values) <= self.warm_up:
            return False
        reference = values[self.last_change]
        if abs(values[-1] - reference) > reference * self.delta:
            self.last_change = len(values) - 1
        if len(values) - self.last_change > self.patience:
            print(f"{self.attribute}: no change in {self.patience} values, stopping")
            return True
        return False


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
