"""DeepProbLog's Python API on problogic: a DeepProbLog script runs with its imports changed
from ``deepproblog.X`` to ``problogic.deepproblog.X`` (or all from ``problogic.deepproblog``).

>>> from problogic.deepproblog import (Model, Network, ExactEngine, DataLoader, Query,
...                                    train_model, get_confusion_matrix)

The program, the networks, the data sets (DeepProbLog's own, or :class:`Dataset` here, giving
:class:`Query` objects over ProbLog's terms), the loader and the training call stay as they
are; each batch is solved by one batched :class:`problogic.Model` call per query form, every
network called once per batch. What differs (see each class): ``ApproximateEngine`` gives
the bound of each query's k most probable proofs (DeepProbLog's searches proofs under a
heuristic; its exploration and timeouts are refused), ``Network(k=...)`` keeps k values of
each output as DeepProbLog does but grounds them all (the others at probability 0), term
embeddings are not supported, ``save_state`` writes a ``torch.save`` file that loads with
``weights_only=True`` rather than DeepProbLog's zip of pickles, and :class:`SGD` learns
``t(_)`` parameters as softmax logits.
"""

from .dataset import (DataLoader, Dataset, ImageDataset, MutatingDataset, NoiseMutatorDecorator,
                      NumericIncorrectOutputMutator, QueryDataset)
from .engines import ApproximateEngine, ExactEngine
from .evaluate import ConfusionMatrix, get_confusion_matrix, get_fact_accuracy
from .model import SGD, Model, Optimizer, Result
from .network import Network
from .query import Query
from .train import Logger, TrainObject, train_model

__all__ = ["Model", "Network", "ExactEngine", "ApproximateEngine", "Query", "Dataset",
           "QueryDataset", "ImageDataset", "MutatingDataset", "NoiseMutatorDecorator",
           "NumericIncorrectOutputMutator", "DataLoader", "train_model", "TrainObject",
           "Logger", "get_confusion_matrix", "get_fact_accuracy", "ConfusionMatrix",
           "Optimizer", "SGD", "Result"]
