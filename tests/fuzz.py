"""How hard the property tests search. By default (CI) each runs its examples from a fixed
seed: the same programs every run, so a failure is reproducible. ``PROBLOGIC_FUZZ=K`` runs K
times the examples from fresh random seeds (``make fuzz`` runs K = 8): such runs found a
grounding hang, a k-best blowup and a wrong test reference that the fixed examples never
reached."""

import os

FUZZ = int(os.environ.get("PROBLOGIC_FUZZ") or 0)
DERANDOMIZE = FUZZ == 0


def examples(n: int) -> int:
    """``n`` examples, times the fuzz factor."""
    return n * max(FUZZ, 1)
