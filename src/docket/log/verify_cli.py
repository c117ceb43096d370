"""``docket-verify``: check a docket receipt without docket (no database, no account).

    docket-verify receipt.json [--checkpoint FILE|URL] [--key VKEY|FILE] [--log URL] [--json]

Checks each receipt in the file (one receipt, a list of them, or an object with a
``receipts`` list, as ``GET …/receipt`` answers): the disclosed fields against the leaf
data's commitments; the leaf's inclusion under the receipt's checkpoint, signed by the
log's key (``--key``; else the receipt's own ``verifier_key``, with a warning); and, with
``--checkpoint``, that this later checkpoint extends the receipt's (a consistency proof
asked from the log). A receipt without a checkpoint yet is checked against the log's
latest checkpoint. The log is ``--log`` or the receipt's ``log_url`` (e.g.
``https://docket.example.org/api/v1/log``), reached with urllib.

Exit status: 0 verified; 1 a receipt, checkpoint or key cannot be read; 2 bad usage;
3 a disclosed field was forged; 4 the leaf is not in the log; 5 a checkpoint is not signed
by the key; 6 the later checkpoint does not extend the receipt's: the log was rewritten or
cut back; 7 the log could not be reached. With several receipts, the first failure's.
"""

from __future__ import annotations

import argparse
import base64
import binascii
import json
import sys
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from docket.log import merkle
from docket.log.receipt import (
    LogRefused,
    Malformed,
    ReceiptProblem,
    Unreachable,
    parse,
    verifier_for,
    verify,
)

TIMEOUT = 20.0
MAX_ANSWER = 1 << 20  # a checkpoint or a proof is a few kilobytes


class HttpLog:
    """The log's public endpoints under ``base`` (``…/api/v1/log``), over HTTP."""

    def __init__(self, base: str) -> None:
        self.base = base.rstrip("/")

    def _get(self, path: str, **query: int) -> bytes:
        url = f"{self.base}{path}" + (f"?{urllib.parse.urlencode(query)}" if query else "")
        return fetch(url)

    def checkpoint(self) -> bytes:
        return self._get("/checkpoint")

    def inclusion(self, index: int, size: int) -> list[bytes]:
        answer = _json(self._get("/proofs/inclusion", index=index, size=size))
        if answer.get("index") != index or answer.get("size") != size:
            raise Unreachable(f"the log answered a proof for another leaf or size: {answer!r:.200}")
        return _hashes(answer)

    def consistency(self, old: int, new: int) -> list[bytes]:
        answer = _json(self._get("/proofs/consistency", old=old, new=new))
        if answer.get("old") != old or answer.get("new") != new:
            raise Unreachable(f"the log answered a proof for other sizes: {answer!r:.200}")
        return _hashes(answer)


def fetch(url: str) -> bytes:
    """GET ``url``; :class:`LogRefused` for a 4xx answer, :class:`Unreachable` otherwise."""
    if urllib.parse.urlsplit(url).scheme not in ("http", "https"):
        raise Malformed(f"not an http(s) URL: {url}")
    try:
        with urllib.request.urlopen(urllib.request.Request(url, headers={"User-Agent": "docket-verify"}),
                                    timeout=TIMEOUT) as answer:
            return bytes(answer.read(MAX_ANSWER))
    except urllib.error.HTTPError as exc:
        detail = exc.read(2000).decode("utf-8", "replace")
        if 400 <= exc.code < 500:
            raise LogRefused(f"{url}: HTTP {exc.code} {_detail(detail)}") from None
        raise Unreachable(f"{url}: HTTP {exc.code}") from None
    except (urllib.error.URLError, OSError, ValueError) as exc:
        raise Unreachable(f"{url}: {getattr(exc, 'reason', exc)}") from None


def _detail(text: str) -> str:
    try:
        return str(json.loads(text).get("detail", ""))
    except (ValueError, AttributeError):
        return text[:200]


def _json(data: bytes) -> dict[str, Any]:
    try:
        answer = json.loads(data)
    except ValueError:
        raise Unreachable("the log's answer is not JSON") from None
    if not isinstance(answer, dict):
        raise Unreachable("the log's answer is not a JSON object")
    return answer


def _hashes(answer: dict[str, Any]) -> list[bytes]:
    out = []
    for value in answer.get("hashes") or []:
        try:
            digest = base64.b64decode(value, validate=True) if isinstance(value, str) else b""
        except binascii.Error:
            digest = b""
        if len(digest) != merkle.HASH_SIZE:
            raise Unreachable("the log's proof holds a hash that is not 32 bytes of base64")
        out.append(digest)
    return out


def _receipts(data: Any) -> list[Any]:
    if isinstance(data, dict) and "receipts" in data:
        data = data["receipts"]
    if isinstance(data, list):
        if not data:
            raise Malformed("the file holds no receipt")
        return data
    return [data]


def _read_text(value: str, what: str) -> bytes:
    """A file's bytes, or a URL's answer."""
    if value.startswith(("http://", "https://")):
        return fetch(value)
    try:
        return Path(value).read_bytes()
    except OSError as exc:
        raise Malformed(f"cannot read the {what} {value}: {exc.strerror}") from None


def _key(value: str | None) -> str | None:
    """``--key``: a verifier key, or a file that holds one."""
    if value is None or "+" in value and not Path(value).is_file():
        return value
    try:
        return Path(value).read_text().strip()
    except OSError as exc:
        raise Malformed(f"cannot read the key file {value}: {exc.strerror}") from None


def run(args: argparse.Namespace) -> tuple[int, dict[str, Any]]:
    """Verify every receipt in ``args.receipt``; the exit status and the report."""
    report: dict[str, Any] = {"ok": False, "code": 0, "receipts": [], "warnings": []}
    try:
        raw = sys.stdin.buffer.read() if args.receipt == "-" else _read_text(args.receipt, "receipt")
        try:
            receipts = _receipts(json.loads(raw))
        except ValueError:
            raise Malformed(f"{args.receipt} is not JSON") from None
        key = _key(args.key)
        later = _read_text(args.checkpoint, "checkpoint") if args.checkpoint else None
    except ReceiptProblem as exc:
        report.update(code=exc.code, problem=f"{exc.what}: {exc}")
        return exc.code, report
    except LogRefused as exc:
        report.update(code=Unreachable.code, problem=f"unreachable: {exc}")
        return Unreachable.code, report
    code = 0
    for number, data in enumerate(receipts, start=1):
        entry: dict[str, Any] = {"receipt": number}
        try:
            receipt = parse(data)
            entry["leaf_index"] = receipt.leaf_index
            verifier, from_receipt = verifier_for(receipt, key)
            if from_receipt:
                warning = ("the log's key was taken from the receipt itself: it proves the receipt agrees "
                           "with itself, not that the log is docket's; give --key with the key the log publishes")
                if warning not in report["warnings"]:
                    report["warnings"].append(warning)
            base = args.log or receipt.log_url
            done = verify(receipt, verifier, later=later, log=HttpLog(base) if base else None)
        except ReceiptProblem as exc:
            entry.update(ok=False, problem=f"{exc.what}: {exc}")
            code = code or exc.code
        else:
            entry.update(ok=True, seq=done.seq, disclosed=done.disclosed, size=done.size, later=done.later,
                         notes=done.notes)
        report["receipts"].append(entry)
    report.update(ok=code == 0, code=code)
    return code, report


def _print(report: dict[str, Any]) -> None:
    out, err = sys.stdout, sys.stderr
    for warning in report["warnings"]:
        err.write(f"warning: {warning}\n")
    if "problem" in report:
        err.write(f"docket-verify: {report['problem']}\n")
        return
    for entry in report["receipts"]:
        head = f"receipt {entry['receipt']}"
        if "leaf_index" in entry:
            head += f" (leaf {entry['leaf_index']})"
        if not entry["ok"]:
            err.write(f"{head}: FAILED — {entry['problem']}\n")
            continue
        out.write(f"{head}: ok — event {entry['seq']} is leaf {entry['leaf_index']} of the tree of "
                  f"{entry['size']} leaves the log signed\n")
        for name, value in sorted(entry["disclosed"].items()):
            out.write(f"  {name}: {json.dumps(value, ensure_ascii=False)}\n")
        if entry["later"] is not None:
            out.write(f"  the checkpoint of {entry['later']} leaves is consistent with it: the log was not "
                      "rewritten in between\n")
        for note in entry["notes"]:
            out.write(f"  note: {note}\n")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="docket-verify", description="Check a docket receipt against the log's signed checkpoints, "
                                          "with no database and no account.",
        epilog="exit status: 0 verified, 1 unreadable input, 2 usage, 3 forged field, 4 not in the log, "
               "5 bad signature, 6 inconsistent (the log was rewritten), 7 log unreachable")
    parser.add_argument("receipt", help="the receipt file (JSON; - for standard input)")
    parser.add_argument("--checkpoint", metavar="FILE|URL",
                        help="a later signed checkpoint (e.g. https://HOST/api/v1/log/checkpoint) to check the "
                             "receipt's against")
    parser.add_argument("--key", metavar="VKEY|FILE",
                        help="the log's verifier key as it publishes it (default: the receipt's, with a warning)")
    parser.add_argument("--log", metavar="URL", help="the log's base URL (default: the receipt's log_url)")
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    args = parser.parse_args(argv)
    code, report = run(args)
    if args.json:
        sys.stdout.write(json.dumps(report, ensure_ascii=False, indent=2) + "\n")
    else:
        _print(report)
    return code


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
