"""Molecule drawings by RDKit from its bundled SMILES files, one box per heavy atom.

Each box is a fixed-size square around the atom's position in the drawing
(``MolDraw2D.GetDrawCoords``), clipped to the image; its class is the atom's element. The weak
label is what the SMILES string gives: the number of atoms of each element. Molecules with an
element outside ``elements``, a charge, a radical, an isotope label, explicit hydrogen atoms or
several fragments are skipped, and duplicates (same canonical SMILES) are kept once.

Source splits draw small molecules (``source_atoms`` heavy atoms), target splits larger ones
(``target_atoms``), the out-of-distribution split larger still (``ood_atoms``). Train and test
splits of a domain draw from disjoint sets of molecules (``test_fraction`` of them go to test);
a split with more images than its set of molecules draws them again, at other angles.
"""

from __future__ import annotations

import functools
import io
import os
from collections import Counter

import numpy as np
from PIL import Image

from .scenes import (Kind, Renderer, Scene, add_noise, float_option, image_rng, int_option,
                     int_range, pool_rng)

DEFAULT_OPTIONS = {
    "image_size": 160,
    "box_size": 16,              # side of the square box around each atom, pixels
    "bond_length": 22,           # longest drawn bond, pixels; RDKit shrinks large molecules
    "elements": ["C", "N", "O", "S", "F", "Cl", "Br"],
    "source_atoms": [1, 12],     # heavy atoms per molecule (inclusive ranges)
    "target_atoms": [13, 20],
    "ood_atoms": [21, 30],
    "smiles_files": ["NCI/first_5K.smi"],  # relative paths are under RDKit's data directory
    "test_fraction": 0.3,
    "rotate": True,              # draw each molecule at a random angle
    "noise": 0.0,
}

DEFAULT_SIZES = {"source_train": 200, "source_test": 100, "target_train": 200,
                 "target_test": 100, "ood_test": 100}


def _resolve(path: str) -> str:
    from rdkit import RDConfig

    return path if os.path.isabs(path) else os.path.join(RDConfig.RDDataDir, path)


@functools.lru_cache(maxsize=4)
def load_molecules(files: tuple[str, ...], elements: tuple[str, ...]) -> tuple:
    """``(smiles, mol)`` pairs from SMILES files (first token of each line), in file order,
    keeping only single-fragment, uncharged molecules made of ``elements``."""
    from rdkit import Chem, RDLogger

    RDLogger.DisableLog("rdApp.*")  # header lines and odd entries are skipped, not reported
    allowed, seen, kept = set(elements), set(), []
    try:
        for name in files:
            path = _resolve(name)
            if not os.path.isfile(path):
                raise FileNotFoundError(f"option smiles_files: no SMILES file {path}")
            with open(path, encoding="utf-8") as f:
                for line in f:
                    fields = line.split()
                    if not fields or fields[0].startswith("#") or "." in fields[0]:
                        continue
                    mol = Chem.MolFromSmiles(fields[0])
                    if mol is None or mol.GetNumAtoms() != mol.GetNumHeavyAtoms():
                        continue
                    if any(a.GetSymbol() not in allowed or a.GetFormalCharge()
                           or a.GetNumRadicalElectrons() or a.GetIsotope()
                           for a in mol.GetAtoms()):
                        continue
                    canonical = Chem.MolToSmiles(mol)
                    if canonical not in seen:
                        seen.add(canonical)
                        kept.append((fields[0], mol))
    finally:
        RDLogger.EnableLog("rdApp.*")
    return tuple(kept)


def _draw(mol, size: int, bond_length: float, rotation: float) -> tuple[Image.Image, list]:
    """Draw ``mol``; return the RGB image and each atom's (x, y) in the drawing."""
    from rdkit.Chem.Draw import rdMolDraw2D

    drawer = rdMolDraw2D.MolDraw2DCairo(size, size)
    opts = drawer.drawOptions()
    opts.fixedBondLength = bond_length
    opts.rotate = rotation
    opts.includeMetadata = False
    # No hydrogens added for stereo wedges: atom i of the drawing stays atom i of the SMILES.
    prepared = rdMolDraw2D.PrepareMolForDrawing(mol, addChiralHs=False)
    drawer.DrawMolecule(prepared)
    drawer.FinishDrawing()
    points = [drawer.GetDrawCoords(i) for i in range(mol.GetNumAtoms())]
    image = Image.open(io.BytesIO(drawer.GetDrawingText())).convert("RGB")
    return image, [(p.x, p.y) for p in points]


def build(seed: int, options: dict) -> Renderer:
    size = int_option(options, "image_size", 32)
    box_size = int_option(options, "box_size", 2, size)
    bond_length = int_option(options, "bond_length", 4)
    elements = options["elements"]
    if (not isinstance(elements, (list, tuple)) or not elements
            or not all(isinstance(e, str) and e for e in elements)
            or len(set(elements)) != len(elements)):
        raise ValueError(f"option elements={elements!r}: expected a list of distinct "
                         f"element symbols")
    ranges = {domain: int_range(options, f"{domain}_atoms", 1)
              for domain in ("source", "target", "ood")}
    files = options["smiles_files"]
    if (not isinstance(files, (list, tuple)) or not files
            or not all(isinstance(f, str) for f in files)):
        raise ValueError(f"option smiles_files={files!r}: expected a non-empty list of paths")
    test_fraction = float_option(options, "test_fraction", 0.01, 0.99)
    rotate = options["rotate"]
    if not isinstance(rotate, bool):
        raise ValueError(f"option rotate={rotate!r}: expected true or false")
    noise = float_option(options, "noise", 0.0, 100.0)

    molecules = load_molecules(tuple(files), tuple(elements))
    index_of = {e: k for k, e in enumerate(elements)}
    pools = {}
    for purpose, (domain, (lo, hi)) in enumerate(ranges.items(), 1):
        members = [i for i, (_, mol) in enumerate(molecules) if lo <= mol.GetNumAtoms() <= hi]
        if not members:
            raise ValueError(f"no usable molecule with {lo}-{hi} heavy atoms (option "
                             f"{domain}_atoms) of elements {list(elements)} in {list(files)}")
        members = [members[i] for i in pool_rng(seed, purpose).permutation(len(members))]
        if domain == "ood":
            pools["ood_test"] = members
            continue
        n_test = max(1, int(round(test_fraction * len(members))))
        if n_test == len(members):
            raise ValueError(f"only {len(members)} molecule(s) with {lo}-{hi} heavy atoms: "
                             f"too few for disjoint {domain} train and test splits")
        pools[f"{domain}_test"], pools[f"{domain}_train"] = members[:n_test], members[n_test:]

    def render(split: str, index: int) -> Scene:
        rng = image_rng(seed, split, index)
        pool = pools[split]
        smiles, mol = molecules[pool[index % len(pool)]]
        rotation = float(rng.uniform(0.0, 360.0)) if rotate else 0.0
        image, points = _draw(mol, size, bond_length, rotation)
        half = box_size / 2
        boxes = [[round(max(0.0, x - half), 2), round(max(0.0, y - half), 2),
                  round(min(size, x + half), 2), round(min(size, y + half), 2)]
                 for x, y in points]
        classes = [index_of[a.GetSymbol()] for a in mol.GetAtoms()]
        if noise > 0:
            image = add_noise(rng, np.asarray(image, dtype=np.float64), noise)
        return Scene(image, boxes, classes, {"smiles": smiles})

    return Renderer(list(elements), None, render)


def element_counts(smiles: str, elements: list[str]) -> list[int]:
    """Heavy-atom counts per element of a SMILES string (the weak label of a molecule image)."""
    from rdkit import Chem

    mol = Chem.MolFromSmiles(smiles)
    if mol is None:
        raise ValueError(f"invalid SMILES {smiles!r}")
    found = Counter(a.GetSymbol() for a in mol.GetAtoms())
    unknown = sorted(set(found) - set(elements))
    if unknown:
        raise ValueError(f"SMILES {smiles!r} has elements {unknown} outside {elements}")
    return [found[e] for e in elements]


KIND = Kind("molecules", DEFAULT_SIZES, DEFAULT_OPTIONS, build)
