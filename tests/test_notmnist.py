"""Tests for dlbasics.notmnist: reading a real notMNIST folder."""

from __future__ import annotations

import os
import threading
import warnings
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from dlbasics.letters import LETTERS
from dlbasics.notmnist import load_notmnist


def write_png(path: Path, image: np.ndarray) -> None:
    Image.fromarray(image).save(path)  # 8-bit greyscale, like notMNIST


@pytest.fixture
def notmnist_folder(tmp_path):
    """A tiny notMNIST layout: 2 good images per letter, written out of order."""
    rng = np.random.default_rng(0)
    expected = []
    for label, char in enumerate(LETTERS):
        (tmp_path / char).mkdir()
        pair = rng.integers(0, 256, size=(2, 28, 28), dtype=np.uint8)
        write_png(tmp_path / char / "b.png", pair[1])  # written first, sorted second
        write_png(tmp_path / char / "a.png", pair[0])
        expected += [(pair[0], label), (pair[1], label)]
    return tmp_path, np.stack([e[0] for e in expected]), np.array([e[1] for e in expected])


def test_load_notmnist_reads_every_image_in_sorted_order(notmnist_folder):
    folder, expected_images, expected_labels = notmnist_folder
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a clean folder warns about nothing
        images, labels = load_notmnist(folder)
    assert images.dtype == np.uint8 and images.shape == (20, 28, 28)
    assert labels.dtype == np.int64
    assert np.array_equal(images, expected_images)
    assert np.array_equal(labels, expected_labels)
    assert np.array_equal(load_notmnist(str(folder))[0], images)  # str works too


def test_load_notmnist_skips_bad_files_with_one_warning(notmnist_folder):
    folder, expected_images, expected_labels = notmnist_folder
    (folder / "C" / "broken.png").write_bytes(b"not a png at all")
    good = (folder / "D" / "a.png").read_bytes()
    (folder / "D" / "cut.png").write_bytes(good[: len(good) // 2])  # truncated download
    write_png(folder / "E" / "big.png", np.zeros((30, 28), np.uint8))
    write_png(folder / "E" / "deep.png", np.zeros((28, 28), np.uint16))  # 16-bit grey
    (folder / "A" / ".DS_Store").write_bytes(b"\0\1")
    Image.fromarray(expected_images[0]).save(folder / "A" / "photo.jpg")
    (folder / "B" / "sub.png").mkdir()
    with pytest.warns(UserWarning, match=r"skipped 7 file") as record:
        images, labels = load_notmnist(folder)
    assert len(record) == 1
    message = str(record[0].message)
    for reason in (
        "2 unreadable (C/broken.png, D/cut.png)",
        "1 not 28x28 (E/big.png)",
        "1 not 8-bit (E/deep.png)",
        "2 not a .png file (A/.DS_Store, A/photo.jpg)",
        "1 not a regular file (B/sub.png)",
    ):
        assert reason in message
    assert np.array_equal(images, expected_images) and np.array_equal(labels, expected_labels)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes need POSIX")
def test_load_notmnist_skips_a_named_pipe_without_opening_it(notmnist_folder):
    folder, expected_images, _ = notmnist_folder
    os.mkfifo(folder / "A" / "x.png")  # opening it would block until a writer comes
    result = {}

    def load():
        with warnings.catch_warnings(record=True) as record:
            warnings.simplefilter("always")
            result["images"], _ = load_notmnist(folder)
        result["warnings"] = [str(w.message) for w in record]

    thread = threading.Thread(target=load, daemon=True)
    thread.start()
    thread.join(timeout=30)
    assert not thread.is_alive(), "load_notmnist hangs on a named pipe"
    assert np.array_equal(result["images"], expected_images)
    assert result["warnings"] == [
        f"load_notmnist skipped 1 file(s) in {str(folder)!r}: 1 not a regular file (A/x.png)"
    ]


def test_the_warning_lists_only_the_first_three_files_of_a_reason(notmnist_folder):
    folder, _, _ = notmnist_folder
    for k in range(5):
        (folder / "F" / f"junk{k}.png").write_bytes(b"junk")
    with pytest.warns(
        UserWarning, match=r"5 unreadable \(F/junk0.png, F/junk1.png, F/junk2.png, \.\.\.\)"
    ):
        load_notmnist(folder)


def test_an_empty_letter_folder_is_an_error_naming_it(notmnist_folder):
    folder, _, _ = notmnist_folder
    for path in (folder / "G").iterdir():
        path.unlink()
    with pytest.raises(ValueError, match=r"letter folder\(s\) G of .* hold no readable 28x28 PNG"):
        load_notmnist(folder)


def test_load_notmnist_reads_rgb_pngs_as_grey(tmp_path):
    for char in LETTERS:
        (tmp_path / char).mkdir()
        grey = np.full((28, 28), 10 * (LETTERS.index(char) + 1), np.uint8)
        Image.fromarray(np.stack([grey] * 3, axis=-1)).save(tmp_path / char / "x.png")
    images, labels = load_notmnist(tmp_path)
    assert np.array_equal(images[:, 0, 0], 10 * (labels + 1))


def test_load_notmnist_missing_folder(tmp_path):
    missing = tmp_path / "notMNIST_small"
    with pytest.raises(FileNotFoundError, match=r"notMNIST_small.*does not exist"):
        load_notmnist(missing)
    (tmp_path / "a_file").write_text("x")
    with pytest.raises(FileNotFoundError, match=r"a_file.*not a directory"):
        load_notmnist(tmp_path / "a_file")


def test_load_notmnist_folder_without_letter_subfolders(tmp_path):
    with pytest.raises(ValueError, match=r"lacks the letter subfolder\(s\) A, B, C"):
        load_notmnist(tmp_path)
    for char in "ABCDEFGHI":  # J missing
        (tmp_path / char).mkdir()
    with pytest.raises(ValueError, match=r"lacks the letter subfolder\(s\) J;"):
        load_notmnist(tmp_path)


def test_load_notmnist_with_no_readable_image(tmp_path):
    for char in LETTERS:
        (tmp_path / char).mkdir()
    (tmp_path / "A" / "junk.png").write_bytes(b"junk")
    with pytest.warns(UserWarning, match="skipped 1"):
        with pytest.raises(ValueError, match=r"letter folder\(s\) A, B, C, D, E, F, G, H, I, J"):
            load_notmnist(tmp_path)


def test_load_notmnist_folder_type():
    with pytest.raises(TypeError, match=r"folder must be a str or os.PathLike"):
        load_notmnist(42)
