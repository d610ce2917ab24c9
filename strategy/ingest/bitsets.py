"""Weeks of activity as bitsets (64 weeks a word, one row a member): counted per platform,
shifted to find returning members, and the lowest bit for new ones."""

from __future__ import annotations

from typing import Final

import numpy as np


def _later(words: np.ndarray, k: int) -> np.ndarray:
    """Each row's bitset moved ``k`` weeks later (0 < k < 64), carrying across words."""
    out = words << np.uint64(k)
    out[:, 1:] |= words[:, :-1] >> np.uint64(64 - k)
    return out


def any_of_previous(words: np.ndarray, n: int) -> np.ndarray:
    """Bit w set when any of bits w-1 .. w-n is set in the row: the OR of n shifted copies,
    built by doubling (log2(n) + 1 shifts rather than n)."""
    covered = _later(words, 1)  # bits w-1 .. w-span
    span = 1
    while 2 * span <= n:
        covered |= _later(covered, span)
        span *= 2
    if n > span:
        covered |= _later(covered, n - span)  # w-1 .. w-span and w-(n-span)-1 .. w-n
    return covered


_BYTE_BITS: Final[np.ndarray] = np.unpackbits(
    np.arange(256, dtype=np.uint8)[:, None], axis=1, bitorder="little"
).astype(np.int64)
"""Row ``b`` holds the 8 bits of byte value ``b``, lowest first."""


def bit_counts(codes: np.ndarray, words: np.ndarray, n_platforms: int) -> np.ndarray:
    """How many rows of each platform code have each bit set: shape (platforms, 64 * words).

    Per byte column, a histogram of byte values per platform times the bits of each value:
    one ``bincount`` per byte instead of unpacking every bit of every row.
    """
    as_bytes = np.ascontiguousarray(words).view(np.uint8)
    base = codes * 256
    out = np.empty((n_platforms, as_bytes.shape[1] * 8), dtype=np.int64)
    for b in range(as_bytes.shape[1]):
        hist = np.bincount(base + as_bytes[:, b], minlength=n_platforms * 256)
        out[:, 8 * b : 8 * b + 8] = hist.reshape(n_platforms, 256) @ _BYTE_BITS
    return out


def lowest_bit(words: np.ndarray) -> np.ndarray:
    """Index of the lowest set bit of each row of words (every row has one)."""
    first = np.argmax(words != 0, axis=1)
    word = words[np.arange(len(words)), first]
    lowest = word & (~word + np.uint64(1))
    exponent = np.frexp(lowest.astype(np.float64))[1]  # 2**k -> mantissa 0.5, exponent k + 1
    return np.asarray(first * 64 + exponent - 1, dtype=np.int64)
