"""Generated detection scenes with weak labels: digits, 2D shapes and molecules.

Nothing is downloaded: the digits come from scikit-learn's bundled 8x8 handwritten digits, the
shapes are drawn with PIL, and the molecules are RDKit drawings of its bundled SMILES files.
Every kind has five splits: ``source_train`` and ``source_test`` (the domain with boxes),
``target_train`` and ``target_test`` (the domain with only image-level labels) and
``ood_test`` (out of distribution: more objects, or larger molecules).

========= ========================== ========================== =========================
kind      source splits              target splits              ood_test
========= ========================== ========================== =========================
digits    digits 0-6, 2-4 per image  digits 0-9, 2-4 per image  digits 0-9, 3-5 per image
shapes    no triangles, 2-4 objects  all 18 classes, 2-4        all 18 classes, 4-6
molecules 1-12 heavy atoms           13-20 heavy atoms          21-30 heavy atoms
========= ========================== ========================== =========================

Each generator module (``digits``, ``shapes``, ``molecules``) documents its options in
``DEFAULT_OPTIONS``; the ranges above are the defaults.

Format on disk (``problogic-vision-scenes/1``)::

    ROOT/meta.json
        {"format": "problogic-vision-scenes/1", "name": "digits",
         "classes": ["0", ..., "9"],          # K class names; class i of a box is classes[i]
         "values": [0, ..., 9] or null,       # class values for sum labels
         "seed": 0, "splits": {"source_train": 200, ...}, "options": {...}}
    ROOT/<split>/labels.jsonl                 # one JSON object per image:
        {"file": "<split>/images/000000.png", # relative to ROOT (may point into another split)
         "width": 64, "height": 64,
         "boxes": [[x1, y1, x2, y2], ...],    # pixels, x2 > x1, one box per object
         "classes": [3, 7, ...],              # 0-based, one per box
         "counts": [K ints],                  # objects per class: the weak count label
         "sum": 10 or null,                   # sum of the values of the objects
         "smiles": "CCO"}                     # extra keys: "smiles" (molecules),
                                              # "sklearn_index" (digits)
    ROOT/<split>/images/000000.png            # RGB PNG

Boxes are tight around the ink of a digit or the extent of a shape; a molecule's boxes are
fixed-size squares (option ``box_size``) around each heavy atom's drawn position, clipped to
the image. Generation is deterministic: one (kind, seed, options, sizes) gives byte-identical
files. ``python -m problogic_vision.data KIND ROOT --seed S --sizes split=N,...`` writes one.

>>> import tempfile
>>> root = generate("digits", tempfile.mkdtemp(), sizes={"target_train": 4})
>>> data = SceneDataset(root, "target_train")
>>> image, target = data[0]
>>> image.shape, image.dtype, data.num_classes
(torch.Size([3, 64, 64]), torch.float32, 10)
>>> bool((target["counts"] == target["classes"].bincount(minlength=10)).all())
True
"""

from .dataset import SceneDataset, collate_scenes
from .generate import DATASET_KINDS, generate
from .records import (FORMAT, SPLITS, SceneFormatError, SceneRecord, read_meta, read_split,
                      write_split)

__all__ = ["DATASET_KINDS", "FORMAT", "SPLITS", "SceneDataset", "SceneFormatError",
           "SceneRecord", "collate_scenes", "generate", "read_meta", "read_split",
           "write_split"]
