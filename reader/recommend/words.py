"""The words of many texts at once, found, hashed and looked up with array operations.

Pure: no I/O. The feature build reads a million abstracts of ~170 words each. Splitting each
text with a regex and looking every word up in a dict cost about 1 us a word (a fresh
string is hashed, and a large dict misses the CPU cache), and the build did it twice, once
for the terms and once for the embedding: ~300 of its ~400 us a paper. Here a batch of texts
becomes one array of code points; a word is a maximal run of characters of one class (word
characters as the regex ``\\w`` has them, or anything but white space as :meth:`str.split`
has it), its 64-bit hash is computed over its letters by array operations, and hashes are
looked up in an open-addressing table held in two arrays (:class:`HashTable`).

A hash stands for its word. Among ``n`` distinct words two share one with a probability of
about ``n**2 / 2**65`` (2e-8 for a vocabulary of 262,144 words, 3e-6 for the ten million
distinct words of a large catalog); one of the two would then be counted as the other. A
:class:`HashTable` refuses to hold two words with one hash.
"""

from __future__ import annotations

import functools
import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np

_UNICODE = 0x110000
_SEPARATOR = "\n"
"""Joins the texts of a batch: neither a word character nor part of a non-space run."""
_BASE = np.uint64(0x9E3779B97F4A7C15)
"""The polynomial hash's multiplier: odd, with well-spread bits (the golden ratio's)."""
POLY_CHARS = 64
"""Letters hashed by the polynomial; a longer run is hashed whole by BLAKE2b (rare: a
pasted link or formula), so one loop step per letter stays bounded."""
HASH_BLOCK = 1 << 13
"""Runs hashed together, letter by letter (their working arrays fit in a core's cache)."""
EMPTY = np.uint64(0)
"""The key of a free slot; no word hashes to it (see :func:`_finish`)."""


@functools.cache
def _classes() -> tuple[np.ndarray, np.ndarray]:
    """(is a word character, is white space) for every code point: what ``re``'s ``\\w``
    and ``\\s`` match (``\\s`` is :meth:`str.split`'s white space too)."""
    every = "".join(map(chr, range(_UNICODE)))
    word = np.zeros(_UNICODE, bool)
    space = np.zeros(_UNICODE, bool)
    for m in re.finditer(r"\w+", every):
        word[m.start() : m.end()] = True
    for m in re.finditer(r"\s+", every):
        space[m.start() : m.end()] = True
    return word, space


@dataclass(frozen=True)
class Runs:
    """The runs of characters found in a batch of texts: where each is, which text it is
    in, and its hash."""

    text: str
    """The batch's texts joined by a separator (the runs' offsets index it)."""
    starts: np.ndarray
    """Offset of each run in `text` (int64)."""
    lengths: np.ndarray
    """Characters in each run (int64)."""
    owner: np.ndarray
    """Index of the text each run comes from (int64), in order."""
    hashes: np.ndarray
    """The 64-bit hash of each run's characters (uint64, never :data:`EMPTY`)."""

    def word(self, i: int) -> str:
        """The characters of run `i`, as a string."""
        start = int(self.starts[i])
        return self.text[start : start + int(self.lengths[i])]


def _code_points(text: str) -> np.ndarray:
    # Lone surrogates (JSON may carry them) are code points like any other here.
    return np.frombuffer(text.encode("utf-32-le", "surrogatepass"), np.uint32)


def runs(texts: Sequence[str], kind: Literal["word", "nonspace"], min_length: int = 1) -> Runs:
    """The runs of `kind` in `texts`, in reading order: ``"word"``, the words of the regex
    ``\\w+`` (``\\b\\w\\w+\\b`` with `min_length` 2), or ``"nonspace"``, the words of
    :meth:`str.split`."""
    word, space = _classes()
    text = _SEPARATOR.join(texts)
    cp = _code_points(text)
    inside = word[cp] if kind == "word" else ~space[cp]
    edges = np.diff(inside.view(np.int8), prepend=np.int8(0), append=np.int8(0))
    starts = np.flatnonzero(edges == 1)
    lengths = np.flatnonzero(edges == -1) - starts
    if min_length > 1:
        keep = lengths >= min_length
        starts, lengths = starts[keep], lengths[keep]
    # The text of each run: texts end at the offsets of the separators after them.
    ends = np.cumsum(np.fromiter(map(len, texts), np.int64, len(texts)) + 1)
    owner = np.searchsorted(ends, starts, side="right")
    hashes = _hash_runs(text, cp, starts, lengths)
    return Runs(text, starts, lengths, owner, hashes)


def hash_words(words: Sequence[str]) -> np.ndarray:
    """The hash each whole string in `words` has as a run (uint64)."""
    text = _SEPARATOR.join(words)
    lengths = np.fromiter(map(len, words), np.int64, len(words))
    starts = np.zeros(len(words), np.int64)
    np.cumsum(lengths[:-1] + 1, out=starts[1:])
    return _hash_runs(text, _code_points(text), starts, lengths)


def _hash_runs(text: str, cp: np.ndarray, starts: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """A polynomial hash of each run's code points (seeded with its length), a letter a
    step over every run still that long, then mixed by SplitMix64's finalizer."""
    n = len(starts)
    out = np.empty(n, np.uint64)
    if not n:
        return out
    # Longest first, so the runs still going at each step are a prefix of the order (a
    # radix sort: the lengths, capped, fit in 16 bits).
    capped = np.minimum(lengths, POLY_CHARS).astype(np.int16)
    order = np.argsort(-capped, kind="stable")
    first = starts[order]
    h = lengths[order].astype(np.uint64)
    # going[k]: runs longer than k letters (``capped[order]`` descends).
    going = np.searchsorted(-capped[order], -np.arange(POLY_CHARS, dtype=np.int16), "left")
    at = np.empty(HASH_BLOCK, np.int64)
    letter = np.empty(HASH_BLOCK, np.uint32)
    # A block of runs at a time, so the loop's arrays stay in the CPU's cache: 1.5x faster.
    for lo in range(0, n, HASH_BLOCK):
        block, hashes = first[lo : lo + HASH_BLOCK], h[lo : lo + HASH_BLOCK]
        for k in range(int(capped[order[lo]])):
            m = min(int(going[k]) - lo, len(block))
            np.add(block[:m], k, out=at[:m])
            np.take(cp, at[:m], out=letter[:m], mode="clip")  # "raise" buffers `out`
            hashes[:m] *= _BASE
            hashes[:m] += letter[:m]
    out[order] = h
    long = np.flatnonzero(lengths > POLY_CHARS)
    for i in long.tolist():
        a = int(starts[i])
        digest = hashlib.blake2b(
            text[a : a + int(lengths[i])].encode("utf-32-le", "surrogatepass"), digest_size=8
        ).digest()
        out[i] = np.frombuffer(digest, np.uint64)[0]
    return _finish(out)


def _finish(h: np.ndarray) -> np.ndarray:
    """:func:`_mix`, in place; a result of :data:`EMPTY` becomes 1."""
    _mix(h)
    h[h == EMPTY] = 1
    return h


def _mix(h: np.ndarray) -> np.ndarray:
    """SplitMix64's finalizer, in place: a bijection of 64-bit values (every input bit
    moves every output bit) that keeps 0 at 0."""
    h ^= h >> np.uint64(30)
    h *= np.uint64(0xBF58476D1CE4E5B9)
    h ^= h >> np.uint64(27)
    h *= np.uint64(0x94D049BB133111EB)
    h ^= h >> np.uint64(31)
    return h


def hash_keys(keys: np.ndarray) -> np.ndarray:
    """Hashes of non-negative int64 keys for a :class:`HashTable`: distinct keys get
    distinct hashes, none of them :data:`EMPTY`."""
    return _mix(keys.astype(np.uint64) + np.uint64(1))


class HashTable:
    """Word hashes to non-negative int64 values (-1 stands for absent), by open addressing
    with linear probing in two arrays (keys and values): a batch of look-ups is a few array
    gathers, not a dict call each."""

    def __init__(self, capacity: int) -> None:
        size = 1 << max(4, int(2 * max(capacity, 1) - 1).bit_length())  # at most half full
        self.capacity = capacity
        self.mask = np.uint64(size - 1)
        self.keys = np.zeros(size, np.uint64)
        self.values = np.full(size, -1, np.int64)
        self.size = 0

    def __len__(self) -> int:
        return self.size

    def get(self, hashes: np.ndarray) -> np.ndarray:
        """The value of each hash, -1 where absent."""
        # The first probe for all at once (most end there: the table is at most half
        # full), then the few that met another key probe on.
        slot = (hashes & self.mask).astype(np.int64)
        key = self.keys[slot]
        hit = key == hashes
        out = np.where(hit, self.values[slot], -1)
        todo = np.flatnonzero(~hit & (key != EMPTY))
        slot = (slot[todo] + 1) & int(self.mask)
        while len(todo):
            key = self.keys[slot]
            want = hashes[todo]
            hit = key == want
            out[todo[hit]] = self.values[slot[hit]]
            going = ~hit & (key != EMPTY)
            todo, slot = todo[going], (slot[going] + 1) & int(self.mask)
        return out

    def put(self, hashes: np.ndarray, values: np.ndarray) -> None:
        """Add distinct hashes not already held (at most `capacity` in all) with their
        values (non-negative)."""
        if (values < 0).any():
            raise ValueError("negative value")
        if self.size + len(hashes) > self.capacity:
            raise ValueError("hash table full")
        if len(np.unique(hashes)) != len(hashes) or (self.get(hashes) >= 0).any():
            raise ValueError("two words with one hash, or a word added twice")
        todo = np.arange(len(hashes))
        slot = (hashes & self.mask).astype(np.int64)
        while len(todo):
            free = self.keys[slot] == EMPTY
            # Of several claiming one free slot, the first takes it; the rest probe on.
            claim = np.flatnonzero(free)
            taken_slots, first = np.unique(slot[claim], return_index=True)
            won = claim[first]
            self.keys[taken_slots] = hashes[todo[won]]
            self.values[taken_slots] = values[todo[won]]
            going = np.ones(len(todo), bool)
            going[won] = False
            todo, slot = todo[going], (slot[going] + 1) & int(self.mask)
        self.size += len(hashes)
