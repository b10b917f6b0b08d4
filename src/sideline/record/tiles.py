"""C2SP tlog-tiles (c2sp.org/tlog-tiles): tile paths, tiles and entry bundles.

A hash tile at level ``L`` holds up to 256 consecutive node hashes of tree level
``8 * L`` (level 0: leaf hashes). Tile index ``N`` is written in groups of three
digits with an ``x`` before every group but the last (``1234067`` →
``x001/x234/067``); a partial tile of width ``W`` adds ``.p/W``. Entry bundles at
``tile/entries/N[.p/W]`` hold the entries of the level-0 tile ``N``, each prefixed by
its length as a big-endian uint16.

>>> tile_path(0, 1234067)
'tile/0/x001/x234/067'
>>> [ref.path for ref in tiles_for_size(257)]
['tile/0/000', 'tile/0/001.p/1', 'tile/1/000.p/1']
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache

from sideline.record.errors import TileError
from sideline.record.merkle import HASH_SIZE, NodeReader, hash_children, subtree_hash

__all__ = [
    "MAX_ENTRY_SIZE",
    "TILE_HEIGHT",
    "TILE_WIDTH",
    "TileHashReader",
    "TileRef",
    "build_entry_bundle",
    "build_tile",
    "encode_tile_index",
    "entries_path",
    "entry_bundles_for_size",
    "iter_entry_bundles",
    "iter_tiles",
    "parse_entry_bundle",
    "parse_tile",
    "parse_tile_path",
    "tile_path",
    "tiles_for_size",
    "tiles_from_leaf_hashes",
]

TILE_HEIGHT = 8
TILE_WIDTH = 1 << TILE_HEIGHT
MAX_ENTRY_SIZE = 0xFFFF  # the uint16 length prefix of an entry bundle

ReadTile = Callable[[str], bytes]
"""Return the bytes of the tile at a path such as ``tile/0/x001/234.p/7``."""


def encode_tile_index(index: int) -> str:
    """Encode a tile index as 3-digit path elements, ``x`` before all but the last.

    >>> encode_tile_index(0), encode_tile_index(1000)
    ('000', 'x001/000')
    """
    if index < 0:
        raise TileError("bad_tile_index", f"tile index {index} is negative")
    groups = []
    while True:
        groups.append(f"{index % 1000:03d}")
        index //= 1000
        if index == 0:
            break
    groups.reverse()
    return "/".join([*("x" + g for g in groups[:-1]), groups[-1]])


def _suffix(width: int) -> str:
    if not 1 <= width <= TILE_WIDTH:
        raise TileError("bad_tile_width", f"tile width {width} is not in 1..256")
    return "" if width == TILE_WIDTH else f".p/{width}"


def tile_path(level: int, index: int, *, width: int = TILE_WIDTH) -> str:
    """Return the path of the hash tile ``(level, index)``; partial when ``width < 256``."""
    if not 0 <= level <= 63:
        raise TileError("bad_tile_level", f"tile level {level} is not in 0..63")
    return f"tile/{level}/{encode_tile_index(index)}{_suffix(width)}"


def entries_path(index: int, *, width: int = TILE_WIDTH) -> str:
    """Return the path of entry bundle ``index``; partial when ``width < 256``."""
    return f"tile/entries/{encode_tile_index(index)}{_suffix(width)}"


@dataclass(frozen=True)
class TileRef:
    """One tile or entry bundle: ``level`` is ``None`` for an entry bundle."""

    level: int | None
    index: int
    width: int

    @property
    def path(self) -> str:
        """Return the tile's path under the log prefix."""
        if self.level is None:
            return entries_path(self.index, width=self.width)
        return tile_path(self.level, self.index, width=self.width)

    @property
    def is_partial(self) -> bool:
        """Return whether the tile has fewer than 256 hashes or entries."""
        return self.width < TILE_WIDTH


_PATH = re.compile(
    r"tile/(?P<level>entries|0|[1-9][0-9]?)/(?P<index>(?:x[0-9]{3}/)*[0-9]{3})"
    r"(?:\.p/(?P<width>[1-9][0-9]{0,2}))?"
)


def parse_tile_path(path: str) -> TileRef:
    """Parse a tile or entry bundle path.

    Raises:
        TileError: ``bad_tile_path``, ``bad_tile_level`` or ``bad_tile_width``.

    >>> parse_tile_path("tile/entries/x001/x234/067.p/8")
    TileRef(level=None, index=1234067, width=8)
    """
    match = _PATH.fullmatch(path)
    if match is None:
        raise TileError("bad_tile_path", f"{path!r} is not a tile path")
    level_text, width_text = match["level"], match["width"]
    level = None if level_text == "entries" else int(level_text)
    if level is not None and level > 63:
        raise TileError("bad_tile_level", f"tile level {level} is not in 0..63")
    width = int(width_text) if width_text else TILE_WIDTH
    if width_text and width >= TILE_WIDTH:
        raise TileError("bad_tile_width", f"partial tile width {width} is not in 1..255")
    index = int(match["index"].replace("x", "").replace("/", ""))
    if encode_tile_index(index) != match["index"]:
        raise TileError("bad_tile_path", f"{path!r} does not encode its index canonically")
    return TileRef(level, index, width)


def tiles_for_size(size: int) -> list[TileRef]:
    """Return every hash tile a tree of ``size`` leaves is served as, level by level.

    A level holds ``size // 256**L`` hashes: full tiles, then one partial tile for the
    remainder (none when it is 0).
    """
    refs: list[TileRef] = []
    level = 0
    count = size
    while count > 0:
        full, rest = divmod(count, TILE_WIDTH)
        refs.extend(TileRef(level, i, TILE_WIDTH) for i in range(full))
        if rest:
            refs.append(TileRef(level, full, rest))
        count = full
        level += 1
    return refs


def iter_tiles(size: int, *, start: int = 0) -> Iterator[TileRef]:
    """Yield the hash tiles, then the entry bundles, of a tree of ``size`` leaves.

    Lazily, unlike :func:`tiles_for_size`, so that a huge size costs no memory;
    ``start`` skips the tiles and bundles wholly below that many leaves (those a
    replica at size ``start`` already holds).

    >>> [r.path for r in iter_tiles(300, start=256)]
    ['tile/0/001.p/44', 'tile/1/000.p/1', 'tile/entries/001.p/44']
    """
    level, count, first = 0, size, start
    while count > 0:
        full, rest = divmod(count, TILE_WIDTH)
        for index in range(first // TILE_WIDTH, full):
            yield TileRef(level, index, TILE_WIDTH)
        if rest:
            yield TileRef(level, full, rest)
        count, first, level = full, first // TILE_WIDTH, level + 1
    yield from iter_entry_bundles(size, start=start)


def iter_entry_bundles(size: int, *, start: int = 0) -> Iterator[TileRef]:
    """Yield the entry bundles of a log of ``size`` entries holding entries from ``start``."""
    full, rest = divmod(size, TILE_WIDTH)
    for index in range(start // TILE_WIDTH, full):
        yield TileRef(None, index, TILE_WIDTH)
    if rest:
        yield TileRef(None, full, rest)


def entry_bundles_for_size(size: int) -> list[TileRef]:
    """Return the entry bundles of a log of ``size`` entries."""
    return [TileRef(None, r.index, r.width) for r in tiles_for_size(size) if r.level == 0]


def build_tile(hashes: Sequence[bytes]) -> bytes:
    """Concatenate 1 to 256 hashes into tile bytes.

    Raises:
        TileError: ``bad_tile_width`` or ``bad_hash_size``.
    """
    if not 1 <= len(hashes) <= TILE_WIDTH:
        raise TileError("bad_tile_width", f"a tile holds 1..256 hashes, not {len(hashes)}")
    if any(len(h) != HASH_SIZE for h in hashes):
        raise TileError("bad_hash_size", f"tile hashes are {HASH_SIZE} bytes")
    return b"".join(hashes)


def parse_tile(data: bytes, *, width: int) -> list[bytes]:
    """Split tile bytes into ``width`` hashes.

    Raises:
        TileError: ``tile_size_mismatch`` when the tile is not ``width * 32`` bytes.
    """
    if len(data) != width * HASH_SIZE:
        raise TileError(
            "tile_size_mismatch",
            f"a tile of width {width} is {width * HASH_SIZE} bytes, got {len(data)}",
        )
    return [data[i : i + HASH_SIZE] for i in range(0, len(data), HASH_SIZE)]


def build_entry_bundle(entries: Iterable[bytes]) -> bytes:
    """Encode entries as a bundle of uint16-length-prefixed byte strings.

    Raises:
        TileError: ``entry_too_large`` for an entry over 65535 bytes.
    """
    parts: list[bytes] = []
    for entry in entries:
        if len(entry) > MAX_ENTRY_SIZE:
            raise TileError("entry_too_large", f"an entry is {len(entry)} bytes; max 65535")
        parts.append(len(entry).to_bytes(2, "big"))
        parts.append(entry)
    return b"".join(parts)


def parse_entry_bundle(data: bytes, *, width: int | None = None) -> list[bytes]:
    """Split an entry bundle into its entries.

    Args:
        data: the bundle bytes.
        width: the number of entries expected, if known.

    Raises:
        TileError: ``truncated`` when an entry runs past the end; ``bundle_width_mismatch``
            when the count differs from ``width``.
    """
    entries: list[bytes] = []
    view = memoryview(data)
    position = 0
    while position < len(data):
        if position + 2 > len(data):
            raise TileError("truncated", f"the bundle ends inside a length at byte {position}")
        length = int.from_bytes(view[position : position + 2], "big")
        end = position + 2 + length
        if end > len(data):
            raise TileError("truncated", f"entry {len(entries)} runs past the end of the bundle")
        entries.append(bytes(view[position + 2 : end]))
        position = end
    if width is not None and len(entries) != width:
        raise TileError(
            "bundle_width_mismatch", f"the bundle has {len(entries)} entries, expected {width}"
        )
    return entries


def tile_root(hashes: Sequence[bytes]) -> bytes:
    """Return the hash of a full tile: the root of its 256 hashes, a perfect tree."""
    level = list(hashes)
    while len(level) > 1:
        level = [hash_children(level[i], level[i + 1]) for i in range(0, len(level), 2)]
    return level[0]


def tiles_from_leaf_hashes(leaf_hashes: Sequence[bytes]) -> dict[str, bytes]:
    """Return every hash tile of the tree of these leaves, keyed by path.

    Meant for tests and small logs; the Django side builds tiles incrementally.
    """
    tiles: dict[str, bytes] = {}
    row = list(leaf_hashes)
    level = 0
    while row:
        next_row: list[bytes] = []
        for start in range(0, len(row), TILE_WIDTH):
            chunk = row[start : start + TILE_WIDTH]
            tiles[tile_path(level, start // TILE_WIDTH, width=len(chunk))] = build_tile(chunk)
            if len(chunk) == TILE_WIDTH:
                next_row.append(tile_root(chunk))
        row = next_row
        level += 1
    return tiles


class TileHashReader:
    """Read node hashes of a tree of ``size`` leaves from its tiles.

    :meth:`node` is a :data:`~sideline.record.merkle.NodeReader`: node ``(k, i)`` is
    the root of ``2**(k % 8)`` hashes of one tile at level ``k // 8``, so proofs
    need O(log n) tile reads. Tiles read are cached with every subtree inside them
    (255 more hashes per full tile, about what one proof's siblings in it cost), so
    a node of a cached tile is a lookup; the caller verifies the root.
    """

    def __init__(self, read_tile: ReadTile, *, size: int) -> None:
        self.size = size
        self._read_tile = read_tile
        self._tile = lru_cache(maxsize=256)(self._load_tile)

    def _load_tile(self, level: int, index: int) -> tuple[list[bytes], ...]:
        available = self.size >> (TILE_HEIGHT * level)
        width = min(TILE_WIDTH, available - index * TILE_WIDTH)
        if width <= 0:
            raise TileError("missing_tile", f"tile {level}/{index} is beyond size {self.size}")
        path = tile_path(level, index, width=width)
        # rows[s][j]: the root of hashes [j * 2**s, (j + 1) * 2**s) of the tile.
        rows = [parse_tile(self._read_tile(path), width=width)]
        for _ in range(TILE_HEIGHT):
            below = rows[-1]
            rows.append(
                [hash_children(below[i], below[i + 1]) for i in range(0, len(below) - 1, 2)]
            )
        return tuple(rows)

    def node(self, level: int, index: int) -> bytes:
        """Return the hash of the perfect subtree ``(level, index)``."""
        tile_level, sub = divmod(level, TILE_HEIGHT)
        first = index << sub  # index of the first hash at tree level 8 * tile_level
        tile_index, offset = divmod(first, TILE_WIDTH)
        row = self._tile(tile_level, tile_index)[sub]
        if offset >> sub >= len(row):
            raise TileError("missing_tile", f"node ({level}, {index}) is beyond the tree")
        return row[offset >> sub]

    def subtree_hash(self, start: int, end: int) -> bytes:
        """Return MTH of leaves ``[start, end)`` (an aligned range, as in proofs)."""
        reader: NodeReader = self.node
        return subtree_hash(start, end, node=reader)
