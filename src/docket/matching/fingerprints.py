"""Fingerprints of content: exact hashes, PDQ for images, a MinHash signature for text.

Kinds (`Kind`): `sha256` of the media's bytes; `pdq`, the 256-bit perceptual hash of an image
(32 bytes) with its quality (0-100; below 50 it says little); `text_sha256`, the SHA-256 of the
normalised text; `minhash`, the MinHash signature of the normalised text's word shingles, for
near-duplicates (estimated Jaccard similarity).
"""

from __future__ import annotations

import hashlib
import io
import re
import unicodedata
from dataclasses import dataclass
from enum import StrEnum

import numpy as np

PDQ_BYTES = 32
MINHASH_PERMUTATIONS = 128
SHINGLE_WORDS = 2


class Kind(StrEnum):
    sha256 = "sha256"
    pdq = "pdq"
    text_sha256 = "text_sha256"
    minhash = "minhash"


@dataclass(frozen=True, slots=True)
class Fingerprint:
    kind: Kind
    value: bytes
    quality: int | None = None  # PDQ only


class InvalidImage(ValueError):
    """The bytes are not an image PDQ can read."""


_WORD = re.compile(r"\w+", re.UNICODE)
_INVISIBLE = dict.fromkeys(c for c in range(0x110000) if unicodedata.category(chr(c)) == "Cf")


def normalise_text(text: str) -> str:
    """The text as compared: NFKC, case-folded, without invisible characters or punctuation,
    words joined by single spaces (so spacing, case and zero-width tricks make no difference)."""
    folded = unicodedata.normalize("NFKC", text).translate(_INVISIBLE).casefold()
    return " ".join(_WORD.findall(folded))


def sha256(data: bytes) -> bytes:
    return hashlib.sha256(data).digest()


def text_sha256(text: str) -> bytes:
    return hashlib.sha256(normalise_text(text).encode()).digest()


def _seeds(count: int) -> np.ndarray:
    rng = np.random.default_rng(0x646F636B6574)  # fixed: signatures must compare across processes
    return rng.integers(0, 1 << 64, size=count, dtype=np.uint64)


_SEEDS = _seeds(MINHASH_PERMUTATIONS)
_MIX1 = np.uint64(0xBF58476D1CE4E5B9)
_MIX2 = np.uint64(0x94D049BB133111EB)


def _mixed(values: np.ndarray) -> np.ndarray:
    """SplitMix64's finaliser (a bijection of 64-bit integers that mixes every bit into every
    other), in place on uint64 values (multiplication wraps modulo 2**64)."""
    values ^= values >> np.uint64(30)
    values *= _MIX1
    values ^= values >> np.uint64(27)
    values *= _MIX2
    values ^= values >> np.uint64(31)
    return values


def shingles(normalised: str, size: int = SHINGLE_WORDS) -> set[str]:
    words = normalised.split()
    if len(words) <= size:
        return {" ".join(words)} if words else set()
    return {" ".join(words[i:i + size]) for i in range(len(words) - size + 1)}


def minhash(text: str) -> bytes:
    """The MinHash signature (MINHASH_PERMUTATIONS × uint32, little-endian) of the text's word
    shingles; two signatures agree in a share of positions that estimates the texts' Jaccard
    similarity. Text without words has no signature (ValueError)."""
    tokens = shingles(normalise_text(text))
    if not tokens:
        raise ValueError("the text has no words to compare")
    hashes = np.fromiter((int.from_bytes(hashlib.blake2b(t.encode(), digest_size=8).digest(), "little")
                          for t in tokens), dtype=np.uint64, count=len(tokens))
    # One hash function a position: the shingle's 64-bit hash XOR the position's seed, mixed.
    # (An affine a*x + b mod 2**61 - 1 over 32-bit a and x barely mixes small x: the shingles
    # with the smallest hashes won most positions, so unrelated texts got equal signatures.)
    values = _mixed(hashes[:, None] ^ _SEEDS[None, :])
    return bytes((values.min(axis=0) >> np.uint64(32)).astype("<u4").tobytes())


def similarity(left: bytes, right: bytes) -> float:
    """The estimated Jaccard similarity of two MinHash signatures."""
    a = np.frombuffer(left, dtype="<u4")
    b = np.frombuffer(right, dtype="<u4")
    return float(np.count_nonzero(a == b)) / len(a)


def pdq(image: bytes) -> tuple[bytes, int]:
    """The PDQ hash (32 bytes: hash_vector[0] is the first byte's most significant bit, as in PDQ's
    hex form and python-threatexchange's) and its quality (0-100) of an image."""
    import pdqhash  # noqa: PLC0415 — a compiled extension, loaded when first needed
    from PIL import Image, UnidentifiedImageError  # noqa: PLC0415

    try:
        with Image.open(io.BytesIO(image)) as picture:
            picture.draft("RGB", (512, 512))
            pixels = np.asarray(picture.convert("RGB"))
    except (UnidentifiedImageError, OSError, ValueError) as exc:
        raise InvalidImage(f"not an image PDQ can read: {exc}") from None
    bits, quality = pdqhash.compute(pixels)
    return bytes(np.packbits(bits.astype(np.uint8)).tobytes()), int(quality)


def pdq_hex(value: bytes) -> str:
    return value.hex()


def pdq_from_hex(text: str) -> bytes:
    value = bytes.fromhex(text)
    if len(value) != PDQ_BYTES:
        raise ValueError("a PDQ hash is 64 hexadecimal digits")
    return value


def hamming(left: bytes, right: bytes) -> int:
    return (int.from_bytes(left, "big") ^ int.from_bytes(right, "big")).bit_count()
