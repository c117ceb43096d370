"""Copies: docket's in-memory matcher against HMA's ``PDQIndex`` and datasketch's ``MinHashLSH``.

The benchmark of issue 19, side by side in one run, each index in a fresh subprocess (so that
its resident size is its own):

PDQ (``docket.matching.index.PdqIndex`` and python-threatexchange's ``PDQIndex``, the index of
Meta's Hasher-Matcher-Actioner), ``--size`` random 256-bit hashes (1,000,000 by default):

- build time, and memory per hash: the process's resident size after the build minus before
  it (the input hashes already in memory; freed heap memory handed back with glibc's
  ``malloc_trim`` before each reading), divided by the size;
- single-query rate (``query`` one hash at a time, for ``--seconds``) and batched rate
  (``query_many`` / ``search_with_distance_in_result`` over 1,000 hashes at a time);
- recall on copies: stored hashes with 1-16 and with 17-31 random bits flipped (the copy's
  source must be among the matches), and on real image edits: test images drawn with Pillow
  (shapes, gradients, noise; no downloads), whose PDQ hashes are among the stored ones, re-encoded
  as JPEG (quality 90-30), resized (75-25%), cropped (2-10% a side) and resized-and-re-encoded;
  the edits within distance 31 of their original count (those beyond are PDQ's limit, not the
  index's: the script says how many);
- false matches: matches reported for 100,000 random hashes (a random hash is within 31 bits of
  none of the stored ones: every match would be false);
- the time to add 10,000 hashes to the built index (and docket's single-query rate afterwards).

Text (``docket.matching.index.TextIndex`` and datasketch's ``MinHashLSH`` with its defaults,
threshold 0.85, 128 permutations), ``--text-size`` generated posts (100,000 by default; words drawn
from a Zipf distribution over a generated vocabulary, 20-120 words a post): queries are posts with
two words changed; recall among the pairs whose true Jaccard similarity (of the word 2-shingles)
is at least 0.85, and the query rate (each in its own subprocess, then both again in one process,
in turn for 3 rounds: the goal reads the median round's ratio, as the machine's load swings).
Both sides query with the same signatures, computed
beforehand by ``docket.matching.fingerprints.minhash`` (its rate is printed apart): datasketch gets
them as ``MinHash(hashvalues=...)``, so neither side's query time includes hashing the text.

HMA's index and datasketch are installed only for the benchmark: ``pip install -e '.[bench]'``.
Figures, not assertions: exit 0 whether goals are met or missed, 1 when a run could not be made,
130 on Ctrl-C. Run it with the project's venv::

    .venv/bin/python bench/matching.py                       # 1,000,000 hashes, 100,000 posts
    .venv/bin/python bench/matching.py --size 200000 --text-size 20000 --seconds 2
"""

# ruff: noqa: E402  (the sys.path fix below must run before the imports)
from __future__ import annotations

import os
import sys

# ``python bench/matching.py`` puts bench/ first on sys.path, where bench/queue.py would shadow
# the standard library's ``queue``. Take it off.
_BENCH_DIR = os.path.dirname(os.path.abspath(__file__))
sys.path[:] = [p for p in sys.path if os.path.abspath(p or os.curdir) != _BENCH_DIR]

import argparse
import contextlib
import ctypes
import gc
import io
import json
import subprocess
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

SCRIPT = os.path.abspath(__file__)
SEED = 20261203
THRESHOLD = 31
TEXT_THRESHOLD = 0.85
COPIES = 2_000  # queries per band of flipped bits
BATCH = 1_000
RANDOM_QUERIES = 100_000
ADDED = 10_000
TEXT_QUERIES = 3_000
IMAGES = 24
ROUNDS = 3
INSTALL = "pip install -e '.[bench]'  (threatexchange, faiss-cpu, datasketch)"

GOAL_SINGLE = 5.0
GOAL_BATCH = 2.0
GOAL_BYTES = 64.0
GOAL_RECALL = 0.99
GOAL_ADD_SECONDS = 1.0
GOAL_TEXT = 2.0


def resident() -> int:
    """The process's resident size, after giving freed heap memory back to the system (glibc
    keeps freed blocks of temporary arrays otherwise, which would count as the index's)."""
    gc.collect()
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def progress(message: str) -> None:
    print(f"  … {message}", file=sys.stderr, flush=True)


# ----------------------------------------------------------------- data


def random_hashes(rng: np.random.Generator, count: int) -> np.ndarray:
    return rng.integers(0, 256, size=(count, 32), dtype=np.uint8)


def flipped(rng: np.random.Generator, hashes: np.ndarray, low: int, high: int) -> tuple[np.ndarray, np.ndarray]:
    """Each hash with a random number of bits in [low, high] flipped at random places; the counts."""
    counts = rng.integers(low, high + 1, size=len(hashes))
    order = np.argsort(rng.random((len(hashes), 256)), axis=1)
    flip = (np.argsort(order, axis=1) < counts[:, None]).astype(np.uint8)  # `counts` random bits a row
    return np.packbits(np.unpackbits(hashes, axis=1) ^ flip, axis=1), counts


def test_images(rng: np.random.Generator) -> list[Any]:
    from PIL import Image, ImageDraw, ImageFilter  # noqa: PLC0415

    images = []
    for _ in range(IMAGES):
        width, height = int(rng.integers(480, 1024)), int(rng.integers(360, 800))
        top, bottom = rng.integers(0, 256, 3), rng.integers(0, 256, 3)
        ramp = np.linspace(0, 1, height)[:, None, None]
        pixels = (top * (1 - ramp) + bottom * ramp) * np.ones((1, width, 1))
        image = Image.fromarray(pixels.astype(np.uint8), "RGB")
        draw = ImageDraw.Draw(image)
        for _ in range(int(rng.integers(6, 20))):
            x0, y0 = int(rng.integers(0, width)), int(rng.integers(0, height))
            x1, y1 = x0 + int(rng.integers(20, width // 2)), y0 + int(rng.integers(20, height // 2))
            colour = tuple(int(c) for c in rng.integers(0, 256, 3))
            shape = int(rng.integers(0, 3))
            if shape == 0:
                draw.ellipse((x0, y0, x1, y1), fill=colour)
            elif shape == 1:
                draw.rectangle((x0, y0, x1, y1), fill=colour)
            else:
                draw.polygon([(x0, y0), (x1, y0 + (y1 - y0) // 3), ((x0 + x1) // 2, y1)], fill=colour)
        noise = rng.normal(0, 12, (height, width, 3))
        image = Image.fromarray(np.clip(np.asarray(image) + noise, 0, 255).astype(np.uint8), "RGB")
        images.append(image.filter(ImageFilter.GaussianBlur(1)))
    return images


def encoded(image: Any, kind: str = "PNG", **options: int) -> bytes:
    out = io.BytesIO()
    image.save(out, kind, **options)
    return out.getvalue()


def image_edits(image: Any) -> list[tuple[str, bytes]]:
    width, height = image.size
    edits = [(f"jpeg q{q}", encoded(image, "JPEG", quality=q)) for q in (90, 70, 50, 30)]
    for scale in (0.75, 0.5, 0.25):
        edits.append((f"resize {int(scale * 100)}%",
                      encoded(image.resize((int(width * scale), int(height * scale))))))
    for share in (0.02, 0.05, 0.10):
        dx, dy = int(width * share), int(height * share)
        edits.append((f"crop {int(share * 100)}%", encoded(image.crop((dx, dy, width - dx, height - dy)))))
    edits.append(("resize 50% + jpeg q60", encoded(image.resize((width // 2, height // 2)), "JPEG", quality=60)))
    return edits


def image_hashes(rng: np.random.Generator) -> dict[str, Any]:
    """The test images' PDQ hashes and their edits' (with each edit's original and distance)."""
    from docket.matching import fingerprints as fp  # noqa: PLC0415

    originals, qualities, edits, sources, kinds, distances = [], [], [], [], [], []
    for number, image in enumerate(test_images(rng)):
        original, quality = fp.pdq(encoded(image))
        originals.append(original)
        qualities.append(quality)
        for kind, data in image_edits(image):
            copy, _ = fp.pdq(data)
            edits.append(copy)
            sources.append(number)
            kinds.append(kind)
            distances.append(fp.hamming(original, copy))
    return {"originals": [o.hex() for o in originals], "qualities": qualities, "edits": [e.hex() for e in edits],
            "sources": sources, "kinds": kinds, "distances": distances}


def pdq_data(size: int, images: dict[str, Any]) -> dict[str, np.ndarray]:
    """The stored hashes (the test images' first) and the queries, the same in every worker."""
    rng = np.random.default_rng(SEED)
    stored = random_hashes(rng, size)
    for number, value in enumerate(images["originals"]):
        stored[number] = np.frombuffer(bytes.fromhex(value), dtype=np.uint8)
    near_sources = rng.integers(0, size, COPIES)
    near, near_bits = flipped(rng, stored[near_sources], 1, 16)
    far_sources = rng.integers(0, size, COPIES)
    far, far_bits = flipped(rng, stored[far_sources], 17, THRESHOLD)
    return {"stored": stored, "near": near, "near_sources": near_sources, "far": far, "far_sources": far_sources,
            "random": random_hashes(rng, RANDOM_QUERIES), "added": random_hashes(rng, ADDED),
            "edits": np.asarray([np.frombuffer(bytes.fromhex(e), dtype=np.uint8) for e in images["edits"]]),
            "edit_sources": np.asarray(images["sources"]), "edit_distances": np.asarray(images["distances"])}


# ----------------------------------------------------------------- the two PDQ indexes


class Docket:
    name = "docket PdqIndex"

    def __init__(self, stored: np.ndarray) -> None:
        from docket.matching.index import PdqIndex  # noqa: PLC0415

        self.keys = list(range(len(stored)))
        self.values = [bytes(row) for row in stored]
        self.index = PdqIndex()

    def build(self) -> None:
        self.index.add_many(self.keys, self.values)

    def prepare(self, hashes: np.ndarray) -> list[bytes]:
        return [bytes(row) for row in hashes]

    def query(self, value: bytes) -> list[tuple[int, int]]:
        return self.index.query(value, THRESHOLD)

    def query_many(self, values: list[bytes]) -> list[list[tuple[int, int]]]:
        return self.index.query_many(values, THRESHOLD)

    def add(self, start: int, hashes: np.ndarray) -> None:
        self.index.add_many(list(range(start, start + len(hashes))), [bytes(row) for row in hashes])


class Hma:
    name = "HMA PDQIndex"

    def __init__(self, stored: np.ndarray) -> None:
        from threatexchange.signal_type.pdq.pdq_index import PDQIndex  # noqa: PLC0415

        self.entries = [(row.tobytes().hex(), number) for number, row in enumerate(stored)]
        self.index = PDQIndex()

    def build(self) -> None:
        self.index.add_all(self.entries)

    def prepare(self, hashes: np.ndarray) -> list[str]:
        return [row.tobytes().hex() for row in hashes]

    def query(self, value: str) -> list[tuple[int, int]]:
        return [(m.metadata, m.similarity_info.distance) for m in self.index.query(value)]

    def query_many(self, values: list[str]) -> list[list[tuple[int, int]]]:
        found = self.index.index.search_with_distance_in_result(values, THRESHOLD)
        return [[(self.index.local_id_to_entry[i][1], int(d)) for i, _, d in found[v]] for v in values]

    def add(self, start: int, hashes: np.ndarray) -> None:
        self.index.add_all([(row.tobytes().hex(), start + n) for n, row in enumerate(hashes)])


def rate(function: Callable[[Any], Any], items: list[Any], seconds: float, per_call: int = 1) -> float:
    """Calls of function over items (cycled) for about `seconds`: items answered per second."""
    function(items[0])
    done, started = 0, time.perf_counter()
    while True:
        function(items[done % len(items)])
        done += 1
        elapsed = time.perf_counter() - started
        if elapsed >= seconds:
            return done * per_call / elapsed


def recall(found: list[list[tuple[int, int]]], sources: np.ndarray) -> float:
    return float(np.mean([int(s) in {k for k, _ in f} for f, s in zip(found, sources, strict=True)]))


def pdq_worker(kind: str, spec: dict[str, Any]) -> dict[str, Any]:
    data = pdq_data(spec["size"], spec["images"])
    stored = data.pop("stored")
    index = (Docket if kind == "docket" else Hma)(stored)
    near, far = index.prepare(data["near"]), index.prepare(data["far"])
    random_queries, edits = index.prepare(data["random"]), index.prepare(data["edits"])
    before = resident()
    started = time.perf_counter()
    index.build()
    build_seconds = time.perf_counter() - started
    after = resident()
    result: dict[str, Any] = {"index": index.name, "size": len(stored), "build_seconds": build_seconds,
                              "bytes_per_hash": (after - before) / len(stored)}
    progress(f"{index.name}: built in {build_seconds:.1f} s")
    mixed = near[: COPIES // 2] + far[: COPIES // 2]
    result["single_rate"] = rate(index.query, mixed, spec["seconds"])
    batches = [(near + far)[i:i + BATCH] for i in range(0, 2 * COPIES, BATCH)]
    result["batch_rate"] = rate(index.query_many, batches, spec["seconds"], BATCH)
    progress(f"{index.name}: {result['single_rate']:,.0f} single, {result['batch_rate']:,.0f} batched queries/s")
    result["recall_1_16"] = recall(index.query_many(near), data["near_sources"])
    result["recall_17_31"] = recall(index.query_many(far), data["far_sources"])
    within = data["edit_distances"] <= THRESHOLD
    found = index.query_many(edits)
    result["edits"] = int(len(edits))
    result["edits_within"] = int(within.sum())
    result["recall_edits"] = recall([f for f, w in zip(found, within, strict=True) if w], data["edit_sources"][within])
    started = time.perf_counter()
    false = 0
    for start in range(0, len(random_queries), BATCH):
        false += sum(len(f) for f in index.query_many(random_queries[start:start + BATCH]))
    result["false_matches"] = false
    result["random_seconds"] = time.perf_counter() - started
    progress(f"{index.name}: recall {result['recall_1_16']:.4f} / {result['recall_17_31']:.4f} / edits "
             f"{result['recall_edits']:.4f}; {false} false matches")
    started = time.perf_counter()
    index.add(len(stored), data["added"])
    result["add_seconds"] = time.perf_counter() - started
    result["single_rate_after_add"] = rate(index.query, mixed, spec["seconds"])
    result["rss_bytes"] = resident()
    return result


# ----------------------------------------------------------------- text


def vocabulary(rng: np.random.Generator, count: int) -> list[str]:
    syllables = ["ka", "to", "mi", "ra", "ne", "lo", "su", "vi", "de", "an", "or", "el", "us", "pri", "sto",
                 "ve", "na", "gor", "li", "tra", "ze", "mo", "ba", "ru"]
    words: set[str] = set()
    while len(words) < count:
        words.add("".join(syllables[i] for i in rng.integers(0, len(syllables), int(rng.integers(1, 5)))))
    return sorted(words)


def posts(rng: np.random.Generator, words: list[str], count: int) -> list[list[str]]:
    """Posts of 20-120 words drawn from a Zipf distribution (s = 1.1) over the vocabulary."""
    ranks = np.arange(1, len(words) + 1)
    weights = 1.0 / ranks ** 1.1
    weights /= weights.sum()
    lengths = rng.integers(20, 121, count)
    drawn = rng.choice(len(words), size=int(lengths.sum()), p=weights)
    result, at = [], 0
    for length in lengths.tolist():
        result.append([words[w] for w in drawn[at:at + length].tolist()])
        at += length
    return result


def shingle_set(post: list[str]) -> set[tuple[str, str]]:
    return {(post[i], post[i + 1]) for i in range(len(post) - 1)}


def text_worker(kind: str, spec: dict[str, Any]) -> dict[str, Any]:
    from docket.matching import fingerprints as fp  # noqa: PLC0415

    rng = np.random.default_rng(SEED + 1)
    words = vocabulary(rng, 30_000)
    corpus = posts(rng, words, spec["text_size"])
    started = time.perf_counter()
    signatures = [fp.minhash(" ".join(p)) for p in corpus]
    signature_rate = len(corpus) / (time.perf_counter() - started)
    sources = rng.integers(0, len(corpus), TEXT_QUERIES)
    queries, true_jaccard = [], []
    for source in sources.tolist():
        changed = list(corpus[source])
        for position in rng.choice(len(changed), 2, replace=False).tolist():
            changed[position] = words[int(rng.integers(0, len(words)))]
        left, right = shingle_set(corpus[source]), shingle_set(changed)
        true_jaccard.append(len(left & right) / len(left | right))
        queries.append(fp.minhash(" ".join(changed)))
    similar = np.asarray(true_jaccard) >= TEXT_THRESHOLD
    estimated = np.asarray([fp.similarity(q, signatures[s]) for q, s in zip(queries, sources.tolist(), strict=True)])
    result: dict[str, Any] = {"posts": len(corpus), "queries": len(queries), "similar_pairs": int(similar.sum()),
                              "signature_rate": signature_rate}
    before = resident()
    if kind == "docket":
        from docket.matching.index import TextIndex  # noqa: PLC0415

        result["index"] = "docket TextIndex"
        index = TextIndex()
        started = time.perf_counter()
        index.add_many(list(range(len(corpus))), signatures)
        result["build_seconds"] = time.perf_counter() - started

        def query(signature: bytes) -> list[int]:
            return [k for k, _ in index.query(signature, TEXT_THRESHOLD)]

        prepared: list[Any] = queries
    else:
        from datasketch import MinHash, MinHashLSH  # noqa: PLC0415

        def sketch(signature: bytes) -> Any:
            return MinHash(num_perm=128, hashvalues=np.frombuffer(signature, dtype="<u4").astype(np.uint64),
                           scheme="affine32")  # 32-bit values, as ours

        result["index"] = "datasketch MinHashLSH"
        stored = [sketch(s) for s in signatures]
        prepared = [sketch(q) for q in queries]
        before = resident()
        lsh = MinHashLSH(threshold=TEXT_THRESHOLD, num_perm=128)
        started = time.perf_counter()
        with lsh.insertion_session() as session:
            for number, value in enumerate(stored):
                session.insert(number, value, check_duplication=False)
        result["build_seconds"] = time.perf_counter() - started
        result["bands"] = [lsh.b, lsh.r]

        def query(value: Any) -> list[int]:
            return list(lsh.query(value))

    result["bytes_per_post"] = (resident() - before) / len(corpus)
    found = [query(q) for q in prepared]
    hits = np.asarray([int(s) in f for f, s in zip(found, sources.tolist(), strict=True)])
    result["recall_true"] = float(hits[similar].mean()) if similar.any() else None
    # The index's own recall: among the pairs whose estimated similarity is at least the threshold.
    over = estimated >= TEXT_THRESHOLD
    result["estimated_pairs"] = int(over.sum())
    result["recall_estimated"] = float(hits[over].mean()) if over.any() else None
    result["results_per_query"] = float(np.mean([len(f) for f in found]))
    result["query_rate"] = rate(query, prepared, spec["seconds"])
    if kind != "docket":
        # Rates swing with the machine's load between subprocesses: both indexes again in this
        # process, measured in turn for ROUNDS rounds; the goal reads the median round's ratio.
        from docket.matching.index import TextIndex  # noqa: PLC0415

        ours = TextIndex()
        ours.add_many(list(range(len(corpus))), signatures)

        def query_ours(signature: bytes) -> list[int]:
            return [k for k, _ in ours.query(signature, TEXT_THRESHOLD)]

        rounds = []
        for _ in range(ROUNDS):
            docket_rate = rate(query_ours, queries, spec["seconds"])
            theirs = rate(query, prepared, spec["seconds"])
            rounds.append((docket_rate, theirs))
        result["paired_rounds"] = rounds
    progress(f"{result['index']}: recall {result['recall_true']:.4f}, {result['query_rate']:,.0f} queries/s")
    return result


# ----------------------------------------------------------------- driver


def run_worker(task: str, spec_path: Path, threads: int | None = None) -> dict[str, Any]:
    progress(f"{task} (a subprocess)")
    env = dict(os.environ)
    if threads:
        env["OMP_NUM_THREADS"] = str(threads)  # faiss's OpenMP threads
    proc = subprocess.run([sys.executable, SCRIPT, "--worker", task, "--spec", str(spec_path)],
                          stdout=subprocess.PIPE, text=True, check=False, env=env)
    lines = proc.stdout.strip().splitlines()
    if proc.returncode != 0 or not lines:
        return {"failure": f"{task} exited {proc.returncode}"}
    result: dict[str, Any] = json.loads(lines[-1])
    return result


def ratio(ours: float | None, theirs: float | None) -> float | None:
    return ours / theirs if ours and theirs else None


def verdict(met: bool) -> str:
    return "met" if met else "MISSED"


def report(pdq: dict[str, dict[str, Any]], text: dict[str, dict[str, Any]], images: dict[str, Any],
           args: argparse.Namespace) -> dict[str, Any]:
    ours, hma = pdq.get("docket", {}), pdq.get("hma", {})
    print(f"\nPDQ, {args.size:,} random hashes (+{IMAGES} test images' hashes among them)")
    rows = [("build, s", "build_seconds", "{:.2f}"), ("bytes per hash", "bytes_per_hash", "{:.1f}"),
            ("single queries/s", "single_rate", "{:,.0f}"), ("batched queries/s", "batch_rate", "{:,.0f}"),
            ("recall, 1-16 bits", "recall_1_16", "{:.4f}"), ("recall, 17-31 bits", "recall_17_31", "{:.4f}"),
            ("recall, image edits ≤ 31", "recall_edits", "{:.4f}"),
            (f"false matches / {RANDOM_QUERIES:,} random", "false_matches", "{}"),
            (f"add {ADDED:,} to the built index, s", "add_seconds", "{:.3f}"),
            ("single queries/s after the add", "single_rate_after_add", "{:,.0f}")]
    print(f"  {'':38} {'docket':>14} {'HMA':>14} {'docket/HMA':>11}")
    for label, key, form in rows:
        a, b = ours.get(key), hma.get(key)
        r = ratio(a, b) if isinstance(a, float) and isinstance(b, float) else None
        print(f"  {label:38} {form.format(a) if a is not None else '-':>14} "
              f"{form.format(b) if b is not None else '-':>14} {f'{r:.2f}' if r else '':>11}")
    if ours.get("edits"):
        print(f"  image edits: {ours['edits_within']} of {ours['edits']} within {THRESHOLD} bits of their original "
              f"(median distance {int(np.median(images['distances']))}; PDQ quality of the originals "
              f"{min(images['qualities'])}-{max(images['qualities'])})")
        beyond: dict[str, int] = {}
        for kind, distance in zip(images["kinds"], images["distances"], strict=True):
            if distance > THRESHOLD:
                beyond[kind] = beyond.get(kind, 0) + 1
        if beyond:
            print("  beyond 31 bits (PDQ's limit, not the index's): "
                  + ", ".join(f"{k} {v}/{IMAGES}" for k, v in sorted(beyond.items())))
    goals: dict[str, Any] = {}
    if ours and hma and "failure" not in ours and "failure" not in hma:
        goals = {
            "single ≥ 5 × HMA": (ratio(ours["single_rate"], hma["single_rate"]), GOAL_SINGLE),
            "batched ≥ 2 × HMA": (ratio(ours["batch_rate"], hma["batch_rate"]), GOAL_BATCH),
        }
    if ours and "failure" not in ours:
        goals.update({
            "≤ 64 bytes per hash": (ours["bytes_per_hash"], GOAL_BYTES),
            "recall ≥ 0.99 at ≤ 31 bits": (min(ours["recall_1_16"], ours["recall_17_31"], ours["recall_edits"]),
                                           GOAL_RECALL),
            "no false matches": (ours["false_matches"], 0),
            "add 10,000 in < 1 s": (ours["add_seconds"], GOAL_ADD_SECONDS),
        })
    t_ours, t_theirs = text.get("docket", {}), text.get("datasketch", {})
    if t_ours and "failure" not in t_ours:
        print(f"\nText, {t_ours['posts']:,} posts, {t_ours['queries']:,} queries with two words changed "
              f"({t_ours['similar_pairs']} pairs with true Jaccard ≥ {TEXT_THRESHOLD}; "
              f"{t_ours['estimated_pairs']} estimated ≥ {TEXT_THRESHOLD})")
        print(f"  signatures (docket.matching.fingerprints.minhash, not in the query rates): "
              f"{t_ours['signature_rate']:,.0f} posts/s")
        print(f"  {'':38} {'docket':>14} {'datasketch':>14} {'ratio':>11}")
        trows = [("build, s", "build_seconds", "{:.2f}"), ("bytes per post", "bytes_per_post", "{:,.0f}"),
                 ("recall, true Jaccard ≥ 0.85", "recall_true", "{:.4f}"),
                 ("recall, estimated ≥ 0.85", "recall_estimated", "{:.4f}"),
                 ("results per query", "results_per_query", "{:.3f}"), ("queries/s", "query_rate", "{:,.0f}")]
        for label, key, form in trows:
            a, b = t_ours.get(key), t_theirs.get(key)
            r = ratio(a, b) if isinstance(a, float) and isinstance(b, float) else None
            print(f"  {label:38} {form.format(a) if a is not None else '-':>14} "
                  f"{form.format(b) if b is not None else '-':>14} {f'{r:.2f}' if r else '':>11}")
        if t_theirs.get("bands"):
            print(f"  datasketch's bands × rows: {t_theirs['bands'][0]} × {t_theirs['bands'][1]}; docket's 8 × 4, "
                  "verified by estimated similarity (datasketch returns its candidates unverified)")
        goals["text recall ≥ 0.99 (estimated ≥ 0.85)"] = (t_ours["recall_estimated"], GOAL_RECALL)
        if t_theirs.get("paired_rounds"):
            rounds = t_theirs["paired_rounds"]
            print(f"  queries/s in one process, {len(rounds)} rounds in turn (docket, datasketch): "
                  + "; ".join(f"{a:,.0f}, {b:,.0f} ({a / b:.2f} ×)" for a, b in rounds))
            median = float(np.median([a / b for a, b in rounds]))
            goals["text ≥ 2 × datasketch (median round)"] = (median, GOAL_TEXT)
    print("\nGoals")
    for label, (value, goal) in goals.items():
        if value is None:
            print(f"  {label:40} -")
            continue
        lower_is_better = label.startswith(("≤", "no false", "add"))
        met = value <= goal if lower_is_better else value >= goal
        print(f"  {label:40} {value:>12.4g}  {verdict(met)}")
    return {"size": args.size, "text_size": args.text_size, "pdq": pdq, "text": text,
            "goals": {k: v[0] for k, v in goals.items()}}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--size", type=int, default=1_000_000, help="PDQ hashes in the index")
    parser.add_argument("--text-size", type=int, default=100_000, help="posts in the text index")
    parser.add_argument("--seconds", type=float, default=3.0, help="measured seconds per query rate")
    parser.add_argument("--only", choices=("pdq", "text", "both"), default="both")
    parser.add_argument("--hma-threads", type=int, default=None,
                        help="OMP_NUM_THREADS for HMA's faiss (default: faiss's own, every CPU); docket uses one")
    parser.add_argument("--json", action="store_true", help="print a JSON summary as the last line")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--spec", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        spec = json.loads(Path(args.spec).read_text())
        family, kind = args.worker.split("-", 1)
        result = pdq_worker(kind, spec) if family == "pdq" else text_worker(kind, spec)
        print(json.dumps(result, default=float))
        return 0
    try:  # only the baselines this run compares with
        if args.only in ("text", "both"):
            import datasketch  # noqa: F401, PLC0415
        if args.only in ("pdq", "both"):
            import threatexchange  # noqa: F401, PLC0415
    except ImportError as exc:
        print(f"bench/matching.py needs the bench extra ({exc.name} is missing): {INSTALL}", file=sys.stderr)
        return 1
    with open("/proc/loadavg") as loadavg:
        load = float(loadavg.read().split()[0])
    print(f"bench/matching.py: {args.size:,} PDQ hashes, {args.text_size:,} posts; load average {load:.2f} "
          f"on {os.cpu_count()} CPUs; HMA's faiss threads: {args.hma_threads or 'its default'}")
    images: dict[str, Any] = {}
    if args.only in ("pdq", "both"):
        progress("test images and their edits' PDQ hashes")
        images = image_hashes(np.random.default_rng(SEED + 2))
    spec = {"size": args.size, "text_size": args.text_size, "seconds": args.seconds, "images": images}
    pdq: dict[str, dict[str, Any]] = {}
    text: dict[str, dict[str, Any]] = {}
    with tempfile.TemporaryDirectory(prefix="docket-bench-matching-") as tmp:
        spec_path = Path(tmp) / "spec.json"
        spec_path.write_text(json.dumps(spec))
        if args.only in ("pdq", "both"):
            for kind in ("docket", "hma"):
                pdq[kind] = run_worker(f"pdq-{kind}", spec_path, args.hma_threads if kind == "hma" else None)
        if args.only in ("text", "both"):
            for kind in ("docket", "datasketch"):
                text[kind] = run_worker(f"text-{kind}", spec_path)
    summary = report(pdq, text, images, args)
    if args.json:
        print(json.dumps(summary, default=float))
    failed = [r for r in (*pdq.values(), *text.values()) if "failure" in r]
    return 1 if failed else 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        sys.exit(130)
