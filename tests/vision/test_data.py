"""problogic_vision.data: generators, on-disk format, loading API and command line."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest
import torch
from PIL import Image

pytest.importorskip("rdkit")
pytest.importorskip("sklearn")

from problogic_vision.data import (  # noqa: E402
    DATASET_KINDS, SPLITS, SceneDataset, SceneFormatError, SceneRecord, collate_scenes, generate,
    read_meta, read_split, write_split)
from problogic_vision.data.__main__ import main as cli_main  # noqa: E402
from problogic_vision.data.molecules import element_counts  # noqa: E402

TINY = {"source_train": 8, "source_test": 4, "target_train": 8, "target_test": 4, "ood_test": 6}
MOLECULES = {"source_train": 4, "source_test": 2, "target_train": 4, "target_test": 2,
             "ood_test": 3}


@pytest.fixture(scope="module")
def datasets(tmp_path_factory) -> dict[str, Path]:
    base = tmp_path_factory.mktemp("scenes")
    return {
        "digits": generate("digits", base / "digits", seed=3, sizes=TINY),
        "shapes": generate("shapes", base / "shapes", seed=3, sizes=TINY),
        "molecules": generate("molecules", base / "molecules", seed=3, sizes=MOLECULES),
    }


def copy_of(datasets, kind, tmp_path) -> Path:
    """A private copy of a shared data set, for tests that write into it."""
    return Path(shutil.copytree(datasets[kind], tmp_path / kind))


def all_records(root):
    return {split: read_split(root, split) for split in SPLITS}


def tree_bytes(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes()
            for p in sorted(root.rglob("*")) if p.is_file()}


def pixels(root, record) -> np.ndarray:
    return np.asarray(Image.open(Path(root) / record.file).convert("RGB"), dtype=np.int16)


# --- determinism

@pytest.mark.parametrize("kind", DATASET_KINDS)
def test_same_seed_gives_byte_identical_files(kind, datasets, tmp_path):
    sizes = MOLECULES if kind == "molecules" else TINY
    again = generate(kind, tmp_path / "again", seed=3, sizes=sizes)
    first, second = tree_bytes(datasets[kind]), tree_bytes(again)
    assert first.keys() == second.keys()
    assert first == second


@pytest.mark.parametrize("kind", DATASET_KINDS)
def test_other_seed_gives_other_scenes(kind, datasets, tmp_path):
    other = generate(kind, tmp_path / "other", seed=4, sizes={s: 2 for s in SPLITS})
    a = read_split(datasets[kind], "target_train")[:2]
    b = read_split(other, "target_train")
    assert [r.boxes for r in a] != [r.boxes for r in b]


def test_an_image_does_not_depend_on_the_sizes_of_splits(datasets, tmp_path):
    small = generate("digits", tmp_path / "small", seed=3,
                     sizes={"source_train": 0, "source_test": 0, "target_train": 3,
                            "target_test": 0, "ood_test": 0})
    assert read_split(small, "source_train") == []
    assert read_split(small, "target_train") == read_split(datasets["digits"], "target_train")[:3]
    for i in range(3):
        name = f"target_train/images/{i:06d}.png"
        assert (small / name).read_bytes() == (datasets["digits"] / name).read_bytes()


# --- split properties

def test_digit_splits(datasets):
    root = datasets["digits"]
    meta = read_meta(root)
    assert meta["classes"] == [str(d) for d in range(10)] and meta["values"] == list(range(10))
    records = all_records(root)
    for split in ("source_train", "source_test"):
        assert all(c <= 6 for r in records[split] for c in r.classes)
    assert any(c >= 7 for r in records["target_train"] for c in r.classes)
    lo, hi = meta["options"]["objects"]
    for split, recs in records.items():
        extra = 1 if split == "ood_test" else 0
        assert len(recs) == TINY[split]
        assert all(lo + extra <= len(r.boxes) <= hi + extra for r in recs)
    ood = np.mean([len(r.boxes) for r in records["ood_test"]])
    assert ood > np.mean([len(r.boxes) for r in records["target_test"]])


def test_digit_train_and_test_use_disjoint_sklearn_images(datasets):
    from sklearn.datasets import load_digits

    truth = load_digits().target
    used = {}
    for split, recs in all_records(datasets["digits"]).items():
        for r in recs:
            assert len(r.extra["sklearn_index"]) == len(r.classes)
            assert [truth[i] for i in r.extra["sklearn_index"]] == r.classes
            used.setdefault(split.endswith("train"), set()).update(r.extra["sklearn_index"])
    assert used[True] and used[False] and not used[True] & used[False]


def test_shape_splits(datasets):
    root = datasets["shapes"]
    meta = read_meta(root)
    assert len(meta["classes"]) == 18 and "large red circle" in meta["classes"]
    assert meta["values"] is None
    records = all_records(root)
    triangles = {k for k, name in enumerate(meta["classes"]) if name.endswith("triangle")}
    for split in ("source_train", "source_test"):
        assert not triangles & {c for r in records[split] for c in r.classes}
    assert triangles & {c for split in ("target_train", "target_test", "ood_test")
                        for r in records[split] for c in r.classes}
    lo, hi = meta["options"]["objects"]
    extra = meta["options"]["ood_extra"]
    assert extra >= 1
    assert all(lo + extra <= len(r.boxes) <= hi + extra for r in records["ood_test"])
    assert all(lo <= len(r.boxes) <= hi for r in records["target_test"])
    assert all(r.sum is None for recs in records.values() for r in recs)


def test_molecule_splits(datasets):
    root = datasets["molecules"]
    meta = read_meta(root)
    assert meta["classes"] == ["C", "N", "O", "S", "F", "Cl", "Br"]
    ranges = {"source": meta["options"]["source_atoms"], "target": meta["options"]["target_atoms"],
              "ood": meta["options"]["ood_atoms"]}
    smiles = {}
    for split, recs in all_records(root).items():
        lo, hi = ranges[split.split("_")[0]]
        for r in recs:
            assert lo <= len(r.boxes) <= hi, (split, r.extra["smiles"])
            assert r.counts == element_counts(r.extra["smiles"], meta["classes"])
            smiles.setdefault(split, set()).add(r.extra["smiles"])
    for domain in ("source", "target"):
        assert not smiles[f"{domain}_train"] & smiles[f"{domain}_test"]


# --- labels agree with the drawings

@pytest.mark.parametrize("kind", DATASET_KINDS)
def test_counts_and_sums_agree_with_boxes(kind, datasets):
    meta = read_meta(datasets[kind])
    for recs in all_records(datasets[kind]).values():
        for r in recs:
            assert r.counts == np.bincount(r.classes, minlength=len(meta["classes"])).tolist()
            if meta["values"] is None:
                assert r.sum is None
            else:
                assert r.sum == sum(meta["values"][c] for c in r.classes)


@pytest.mark.parametrize("kind", DATASET_KINDS)
def test_boxes_lie_inside_the_image_and_contain_ink(kind, datasets):
    root = datasets[kind]
    for recs in all_records(root).values():
        for r in recs:
            image = pixels(root, r)
            assert image.shape == (r.height, r.width, 3)
            background = np.median(image.reshape(-1, 3), axis=0)
            for x1, y1, x2, y2 in r.boxes:
                assert 0 <= x1 < x2 <= r.width and 0 <= y1 < y2 <= r.height
                region = image[int(y1):int(np.ceil(y2)), int(x1):int(np.ceil(x2))]
                ink = np.abs(region - background).sum(axis=2) > 90
                # molecule boxes are fixed squares around thin bond lines and atom labels
                assert ink.mean() > (0.03 if kind == "molecules" else 0.1), (r.file, region)
                if kind == "molecules" and ink.shape == (16, 16):  # not clipped: atom at centre
                    assert ink[5:11, 5:11].any(), (r.file, [x1, y1, x2, y2])


@pytest.mark.parametrize("kind", ["digits", "shapes"])
def test_boxes_are_tight(kind, tmp_path):
    """Without noise, every edge row and column of a box holds ink and the ring of pixels just
    outside it (where no other object is) is plain background."""
    root = generate(kind, tmp_path / kind, seed=5, sizes={"target_test": 6}, noise=0.0,
                    max_overlap=0.0)
    for r in read_split(root, "target_test"):
        image = pixels(root, r)
        background = image[0, 0]  # objects keep a 1 px margin from the border
        ink = np.abs(image - background).sum(axis=2) > 20
        covered = np.zeros(ink.shape, bool)
        for x1, y1, x2, y2 in r.boxes:
            covered[int(y1):int(y2), int(x1):int(x2)] = True
        for x1, y1, x2, y2 in (map(int, b) for b in r.boxes):
            box = ink[y1:y2, x1:x2]
            assert box[0].any() and box[-1].any() and box[:, 0].any() and box[:, -1].any()
            ring = np.zeros(ink.shape, bool)
            ring[y1 - 1:y2 + 1, x1 - 1:x2 + 1] = True
            ring &= ~covered
            assert not (ink & ring).any(), r.file


# --- reading and writing

def test_write_split_read_split_round_trip(datasets, tmp_path):
    root = copy_of(datasets, "molecules", tmp_path)
    records = read_split(root, "target_train")
    pseudo = [SceneRecord(r.file, r.width, r.height, r.boxes[:2], r.classes[:2], r.counts, None,
                          {"smiles": r.extra["smiles"], "score": 0.5}) for r in records]
    path = write_split(root, "target_train_pseudo", pseudo)
    assert path == root / "target_train_pseudo" / "labels.jsonl"
    assert read_split(root, "target_train_pseudo") == pseudo
    assert read_meta(root)["splits"]["target_train_pseudo"] == len(pseudo)
    assert not list(path.parent.glob(".*tmp"))  # the temporary file was renamed away
    image, _ = SceneDataset(root, "target_train_pseudo")[0]  # images of another split load
    assert image.shape == (3, records[0].height, records[0].width)


def test_write_split_rejects_a_bad_record(datasets, tmp_path):
    root = copy_of(datasets, "digits", tmp_path)
    bad = SceneRecord("x.png", 64, 64, [[0, 0, 5, 5]], [12], [0] * 10, None)
    with pytest.raises(ValueError, match="record 0 .*class index 12"):
        write_split(root, "broken", [bad])
    assert not (root / "broken" / "labels.jsonl").exists()


def test_missing_split_names_the_splits_present(datasets):
    with pytest.raises(FileNotFoundError, match="no split 'nope'.*source_test"):
        read_split(datasets["digits"], "nope")
    with pytest.raises(FileNotFoundError, match="meta.json"):
        read_split(datasets["digits"] / "source_train", "images")


@pytest.mark.parametrize("line, message", [
    ("{not json", "invalid JSON"),
    ('{"file": "a.png"}', "missing key"),
    ('{"file": "a.png", "width": 8, "height": 8, "boxes": [[0, 0, 4, 4]], "classes": [1, 2], '
     '"counts": [0, 1, 1, 0, 0, 0, 0, 0, 0, 0], "sum": 3}', "1 boxes but 2 classes"),
    ('{"file": "a.png", "width": 8, "height": 8, "boxes": [[0, 0, 4, 4]], "classes": [1], '
     '"counts": [0, 1], "sum": 1}', "'counts' has 2 entries, expected 10"),
    ('{"file": "a.png", "width": 8, "height": 8, "boxes": [[4, 0, 0, 4]], "classes": [1], '
     '"counts": [0, 1, 0, 0, 0, 0, 0, 0, 0, 0], "sum": 1}', "x2 < x1"),
    ('{"file": "a.png", "width": 8, "height": 8, "boxes": [], "classes": [], '
     '"counts": [0, 0, 0, 0, 0, 0, 0, 0, 0, 0], "sum": "two"}', "'sum' must be an integer"),
])
def test_malformed_labels_line_is_located(datasets, tmp_path, line, message):
    root = copy_of(datasets, "digits", tmp_path)
    good = (root / "source_test" / "labels.jsonl").read_text().splitlines()[0]
    split = root / "hand_written"
    split.mkdir(exist_ok=True)
    (split / "labels.jsonl").write_text(f"{good}\n\n{line}\n")
    with pytest.raises(SceneFormatError, match=message) as info:
        read_split(root, "hand_written")
    assert f"{split / 'labels.jsonl'}:3:" in str(info.value)


def test_bad_meta_is_reported(tmp_path):
    (tmp_path / "meta.json").write_text('{"format": "other/2", "classes": ["a"]}')
    with pytest.raises(SceneFormatError, match="format 'other/2'"):
        read_split(tmp_path, "source_train")
    (tmp_path / "meta.json").write_text("{")
    with pytest.raises(SceneFormatError, match=r"meta.json:1: invalid JSON"):
        read_meta(tmp_path)


# --- SceneDataset

def test_scene_dataset_items_and_collate(datasets):
    data = SceneDataset(datasets["digits"], "ood_test")
    assert len(data) == TINY["ood_test"] and data.num_classes == 10
    assert data.classes == [str(d) for d in range(10)]
    assert data.values.dtype == torch.long and data.values.tolist() == list(range(10))
    image, target = data[1]
    assert image.dtype == torch.float32 and image.shape == (3, 64, 64)
    assert 0.0 <= image.min() and image.max() <= 1.0
    n = len(data.records[1].boxes)
    assert target["boxes"].dtype == torch.float32 and target["boxes"].shape == (n, 4)
    assert target["classes"].dtype == torch.long and target["classes"].shape == (n,)
    assert target["counts"].tolist() == data.records[1].counts
    assert target["sum"].dtype == torch.long and target["sum"].shape == ()
    assert int(target["sum"]) == int((data.values[target["classes"]]).sum())
    assert target["index"] == 1
    loader = torch.utils.data.DataLoader(data, batch_size=4, collate_fn=collate_scenes)
    images, targets = next(iter(loader))
    assert len(images) == len(targets) == 4
    assert [t["index"] for t in targets] == [0, 1, 2, 3]
    with pytest.raises(IndexError, match="out of range"):
        data[len(data)]


def test_scene_dataset_without_values(datasets):
    data = SceneDataset(datasets["molecules"], "source_test")
    assert data.values is None and data.num_classes == 7
    image, target = data[0]
    assert image.shape == (3, 160, 160)
    assert int(target["sum"]) == -1
    assert collate_scenes([]) == ([], [])


def test_scene_dataset_reports_a_missing_image(datasets, tmp_path):
    record = read_split(datasets["shapes"], "source_test")[0]
    root = tmp_path / "copy"
    root.mkdir()
    (root / "meta.json").write_bytes((datasets["shapes"] / "meta.json").read_bytes())
    write_split(root, "source_test", [record])
    with pytest.raises(FileNotFoundError, match="000000.png: image of record 0"):
        SceneDataset(root, "source_test")[0]


# --- bad requests

def test_unknown_kind_option_or_split():
    with pytest.raises(ValueError, match="unknown data set kind 'cats'; expected one of digits"):
        generate("cats", "unused")
    with pytest.raises(ValueError, match=r"unknown option\(s\) \['colour'\]"):
        generate("digits", "unused", colour="red")
    with pytest.raises(ValueError, match="unknown split 'train'"):
        generate("digits", "unused", sizes={"train": 3})
    with pytest.raises(ValueError, match="size of split 'ood_test'"):
        generate("digits", "unused", sizes={"ood_test": -1})
    with pytest.raises(ValueError, match=r"option objects=\[3, 1\]"):
        generate("shapes", "unused", objects=[3, 1])
    with pytest.raises(ValueError, match="option source_classes: unknown item 12"):
        generate("digits", "unused", source_classes=[1, 12])
    with pytest.raises(ValueError, match="seed must be a non-negative integer"):
        generate("digits", "unused", seed=-1)
    assert not Path("unused").exists()


def test_objects_that_cannot_fit_are_an_error(tmp_path):
    with pytest.raises(ValueError, match="could not place 9 objects"):
        generate("shapes", tmp_path, sizes={"source_train": 1}, objects=[9, 9],
                 small_size=[15, 16], large_size=[20, 21])


def test_no_molecule_in_range_is_an_error(tmp_path):
    with pytest.raises(ValueError, match="no usable molecule with 200-300 heavy atoms"):
        generate("molecules", tmp_path, ood_atoms=[200, 300])


def test_refuses_a_foreign_directory_and_regenerates_its_own(tmp_path, datasets):
    (tmp_path / "notes.txt").write_text("keep me")
    with pytest.raises(FileExistsError, match="without meta.json"):
        generate("digits", tmp_path, sizes={s: 1 for s in SPLITS})
    (tmp_path / "meta.json").write_text('{"format": "someone-else/1"}')
    with pytest.raises(SceneFormatError, match="format 'someone-else/1'"):
        generate("digits", tmp_path, sizes={s: 1 for s in SPLITS})
    root = tmp_path / "data"
    generate("digits", root, seed=3, sizes={s: 3 for s in SPLITS})
    (root / "pseudo").mkdir()
    (root / "pseudo" / "labels.jsonl").write_text("")
    generate("digits", root, seed=3, sizes=TINY)  # fewer old images, one extra directory
    assert tree_bytes(datasets["digits"]).items() <= tree_bytes(root).items()
    assert (root / "pseudo" / "labels.jsonl").exists()
    assert not (root / "source_train" / "images" / "000008.png").exists()


# --- command line

def test_command_line_writes_a_data_set(tmp_path, capsys):
    root = tmp_path / "cli"
    status = cli_main(["shapes", str(root), "--seed", "3", "--sizes",
                       "source_train=2,source_test=1,target_train=2,target_test=1,ood_test=1",
                       "--option", "objects=[1, 2]"])
    assert status == 0
    assert "source_train=2" in capsys.readouterr().out
    meta = json.loads((root / "meta.json").read_text())
    assert meta["seed"] == 3 and meta["options"]["objects"] == [1, 2]
    assert meta["splits"] == {"source_train": 2, "source_test": 1, "target_train": 2,
                              "target_test": 1, "ood_test": 1}
    assert cli_main(["shapes", str(tmp_path / "x"), "--option", "size=3"]) == 1
    assert "unknown option(s) ['size']" in capsys.readouterr().err
    with pytest.raises(SystemExit) as info:
        cli_main(["cats", str(tmp_path / "y")])
    assert info.value.code == 2
    with pytest.raises(SystemExit):
        cli_main(["digits", str(tmp_path / "z"), "--sizes", "source_train=many"])
