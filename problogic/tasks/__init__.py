"""Inference tasks beyond marginals: the most probable explanation (:mod:`.mpe`, evaluated by
the layerized circuit, so it needs torch) and sampling (:mod:`.sample`). Each is imported
when first used: ``problogic sample`` never pays for torch."""

_EXPORTS = {"MostProbableExplanation": "mpe", "most_probable_explanation": "mpe",
            "Samples": "sample", "sample_worlds": "sample"}


def __getattr__(name: str):
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'problogic.tasks' has no attribute {name!r}")
    from importlib import import_module

    return getattr(import_module(f".{module}", __name__), name)


__all__ = list(_EXPORTS)
