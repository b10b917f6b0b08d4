"""Tests of sideline.record.tiles (C2SP tlog-tiles)."""

from __future__ import annotations

import pytest

from sideline.record.errors import TileError
from sideline.record.merkle import (
    consistency_proof,
    hash_leaf,
    inclusion_proof,
    leaf_node_reader,
    root_from_leaf_hashes,
)
from sideline.record.tiles import (
    TileHashReader,
    TileRef,
    build_entry_bundle,
    build_tile,
    encode_tile_index,
    entries_path,
    entry_bundles_for_size,
    parse_entry_bundle,
    parse_tile,
    parse_tile_path,
    tile_path,
    tiles_for_size,
    tiles_from_leaf_hashes,
)


@pytest.mark.parametrize(
    ("index", "encoded"),
    [
        (0, "000"),
        (7, "007"),
        (999, "999"),
        (1000, "x001/000"),
        (1234067, "x001/x234/067"),
        (1000000, "x001/x000/000"),
        (12345678901, "x012/x345/x678/901"),
    ],
)
def test_encode_tile_index_table(index: int, encoded: str) -> None:
    assert encode_tile_index(index) == encoded


@pytest.mark.parametrize(
    ("path", "ref"),
    [
        ("tile/0/000", TileRef(0, 0, 256)),
        ("tile/3/x001/x234/067.p/255", TileRef(3, 1234067, 255)),
        ("tile/entries/x001/000.p/1", TileRef(None, 1000, 1)),
        ("tile/63/999", TileRef(63, 999, 256)),
    ],
)
def test_parse_tile_path_round_trips(path: str, ref: TileRef) -> None:
    assert parse_tile_path(path) == ref
    assert ref.path == path


@pytest.mark.parametrize(
    ("path", "code"),
    [
        ("tile/0/0", "bad_tile_path"),
        ("tile/0/x000/001", "bad_tile_path"),
        ("tile/0/001/002", "bad_tile_path"),
        ("tile/01/000", "bad_tile_path"),
        ("tile/64/000", "bad_tile_level"),
        ("tile/0/000.p/256", "bad_tile_width"),
        ("tile/0/000.p/0", "bad_tile_path"),
        ("tile/0/000.p/012", "bad_tile_path"),
        ("tile/0/000/", "bad_tile_path"),
    ],
)
def test_parse_tile_path_rejects_malformed(path: str, code: str) -> None:
    with pytest.raises(TileError) as info:
        parse_tile_path(path)
    assert info.value.code == code


def test_tiles_for_size_70000_matches_spec_example() -> None:
    refs = tiles_for_size(70000)
    assert len([r for r in refs if r.level == 0 and not r.is_partial]) == 273
    assert [r.path for r in refs if r.is_partial] == [
        "tile/0/273.p/112",
        "tile/1/001.p/17",
        "tile/2/000.p/1",
    ]
    assert [r.path for r in refs if r.level == 1] == ["tile/1/000", "tile/1/001.p/17"]


def test_tiles_for_size_edges() -> None:
    assert tiles_for_size(0) == []
    assert [r.path for r in tiles_for_size(256)] == ["tile/0/000", "tile/1/000.p/1"]
    assert [r.path for r in entry_bundles_for_size(300)] == [
        "tile/entries/000",
        "tile/entries/001.p/44",
    ]
    assert entries_path(5, width=3) == "tile/entries/005.p/3"
    assert tile_path(1, 2) == "tile/1/002"


def test_entry_bundle_round_trips() -> None:
    entries = [b"", b"one", b"x" * 65535]
    data = build_entry_bundle(entries)
    assert data[:7] == b"\x00\x00\x00\x03one"
    assert parse_entry_bundle(data, width=3) == entries


@pytest.mark.parametrize(
    ("data", "width", "code"),
    [
        (b"\x00", None, "truncated"),
        (b"\x00\x05abc", None, "truncated"),
        (b"\x00\x01a\x00\x01b", 3, "bundle_width_mismatch"),
    ],
)
def test_parse_entry_bundle_rejects_malformed(data: bytes, width: int | None, code: str) -> None:
    with pytest.raises(TileError) as info:
        parse_entry_bundle(data, width=width)
    assert info.value.code == code


def test_build_entry_bundle_rejects_oversized_entry() -> None:
    with pytest.raises(TileError) as info:
        build_entry_bundle([b"x" * 65536])
    assert (info.value.code, info.value.message) == (
        "entry_too_large",
        "an entry is 65536 bytes; max 65535",
    )


def test_parse_tile_rejects_wrong_length() -> None:
    with pytest.raises(TileError) as info:
        parse_tile(b"\x00" * 33, width=1)
    assert info.value.code == "tile_size_mismatch"
    with pytest.raises(TileError):
        build_tile([])


def test_tile_hash_reader_proofs_match_leaf_proofs() -> None:
    leaves = [hash_leaf(i.to_bytes(4, "big")) for i in range(70000)]
    tiles = tiles_from_leaf_hashes(leaves)
    assert sorted(tiles) == sorted(r.path for r in tiles_for_size(70000))
    reader = TileHashReader(tiles.__getitem__, size=70000)
    small = leaf_node_reader(leaves)
    for index in (0, 255, 256, 65535, 65536, 69999):
        assert inclusion_proof(index, size=70000, node=reader.node) == inclusion_proof(
            index, size=70000, node=small
        )
    for old in (1, 256, 4097, 65536, 69999):
        assert consistency_proof(old, 70000, node=reader.node) == consistency_proof(
            old, 70000, node=small
        )
    assert reader.subtree_hash(0, 70000) == root_from_leaf_hashes(leaves)


def test_tile_hash_reader_gives_every_complete_node_and_refuses_the_rest() -> None:
    size = 600  # full tiles 0/000, 0/001, partial 0/002.p/88 and 1/000.p/2
    leaves = [hash_leaf(i.to_bytes(4, "big")) for i in range(size)]
    reader = TileHashReader(tiles_from_leaf_hashes(leaves).__getitem__, size=size)
    small = leaf_node_reader(leaves)
    for level in range(11):
        for index in range((size >> level) + 1):
            if (index + 1) << level <= size:
                assert reader.node(level, index) == small(level, index), (level, index)
                continue
            with pytest.raises(TileError) as info:
                reader.node(level, index)
            assert info.value.code == "missing_tile"
