"""Signed notes and checkpoints (docket.log.note, docket.log.checkpoint): Go's published
example key and note byte for byte, round trips, and every malformed or tampered note,
key and checkpoint refused."""

from __future__ import annotations

import base64
import re
from pathlib import Path

import pytest

from docket.log import merkle
from docket.log.checkpoint import Checkpoint, CheckpointError, open_checkpoint
from docket.log.note import NoteError, Signer, Verifier, key_hash, open_note, sign

# golang.org/x/mod/sumdb/note's documentation: a signing key, its verifier key, a note.
GO_SKEY = "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz"
GO_VKEY = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"
GO_TEXT = ("If you think cryptography is the answer to your problem,\n"
           "then you don't know what your problem is.\n")
GO_NOTE = (GO_TEXT + "\n— PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqd"
           "ngotpRZb6KE6RyyBwJnAM=\n")


def test_gos_example_key_and_note() -> None:
    signer = Signer.parse(GO_SKEY)
    assert signer.key == GO_SKEY
    assert signer.verifier.key == GO_VKEY
    assert Verifier.parse(GO_VKEY) == signer.verifier
    assert Verifier.parse(GO_VKEY).key_hash == 0xC74F20A3
    assert sign(GO_TEXT, signer) == GO_NOTE  # Ed25519 is deterministic
    note = open_note(GO_NOTE, [Verifier.parse(GO_VKEY)])
    assert note.text == GO_TEXT
    assert [s.name for s in note.verified] == ["PeterNeumann"]


def test_a_generated_key_round_trips_and_signs() -> None:
    signer = Signer.generate("docket.example.org/log")
    assert Signer.parse(signer.key) == signer
    verifier = Verifier.parse(signer.verifier.key)
    assert verifier.key_hash == key_hash(verifier.name, verifier.public_key)
    other = Signer.generate("witness.example.net")
    message = sign("hello\n", signer, other)
    assert open_note(message, [verifier]).unverified[0].name == "witness.example.net"
    assert len(open_note(message, [verifier, other.verifier]).verified) == 2


@pytest.mark.parametrize("change", [
    lambda m: m.replace("answer", "Answer"),               # the text edited
    lambda m: m.replace("x08go/ZJ", "x08go/ZK"),            # the signature edited
    lambda m: m.replace("— PeterNeumann", "— PeterNeumann2"),  # another (unknown) key's name
    lambda m: m.replace("\n\n", "\n"),                      # no blank line
    lambda m: m[:-1],                                       # no final newline
    lambda m: m.replace("— ", "-- "),                       # not an em dash
    lambda m: m.replace("problem,", "problem,\r"),          # a control character
    lambda m: m + "— PeterNeumann AAAA\n",                  # a short signature
    lambda m: m.replace("\n\n", "\n\n— PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUg"
                        "YN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAA=\n"),  # a bad one, then the good
], ids=["text", "signature", "unknown-key", "no-blank-line", "no-newline", "dash", "control",
        "short", "bad-second"])
def test_a_changed_note_is_refused(change: object) -> None:
    message = change(GO_NOTE)  # type: ignore[operator]
    assert message != GO_NOTE
    with pytest.raises(NoteError):
        open_note(message, [Verifier.parse(GO_VKEY)])


@pytest.mark.parametrize("key", [
    "PeterNeumann+c74f20a4+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",   # the hash
    "PeterNeuman+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",    # the name
    "PeterNeumann+c74f20a3+AhpcQcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",    # not Ed25519
    "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10",     # too short
    "Peter Neumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",  # a space
    "PeterNeumann+C74F20A3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",   # upper-case hex
    "PeterNeumann+c74f20a3",
])
def test_a_bad_verifier_key_is_refused(key: str) -> None:
    with pytest.raises(NoteError):
        Verifier.parse(key)


@pytest.mark.parametrize("key", [
    GO_SKEY.replace("c74f20a3", "c74f20a4"), GO_SKEY.replace("PRIVATE", "PUBLIC"),
    GO_SKEY.replace("+AYEK", "+AoEK"), GO_VKEY,
])
def test_a_bad_signing_key_is_refused(key: str) -> None:
    with pytest.raises(NoteError):
        Signer.parse(key)


@pytest.mark.parametrize("text", ["no newline", "a\n\nb\n", "\n", "tab\there\n"])
def test_text_that_cannot_be_a_note_is_not_signed(text: str) -> None:
    with pytest.raises(NoteError):
        sign(text, Signer.parse(GO_SKEY))


# ---------------------------------------------------------------- checkpoints

ORIGIN = "docket.example.org/log"


def test_a_checkpoint_signs_and_opens() -> None:
    signer = Signer.generate(ORIGIN)
    root = merkle.leaf_hash(b"x")
    checkpoint = Checkpoint(ORIGIN, 7, root)
    assert checkpoint.body == f"{ORIGIN}\n7\n{base64.b64encode(root).decode()}\n"
    signed = checkpoint.sign(signer)
    assert signed.startswith(checkpoint.body + "\n— " + ORIGIN + " ")
    assert open_checkpoint(signed, Verifier.parse(signer.verifier.key)) == checkpoint
    with_extension = Checkpoint(ORIGIN, 7, root, ("extra line",))
    assert open_checkpoint(with_extension.sign(signer), signer.verifier) == with_extension


def test_a_checkpoint_by_another_key_or_for_another_log_is_refused() -> None:
    signer, stranger = Signer.generate(ORIGIN), Signer.generate(ORIGIN)
    signed = Checkpoint(ORIGIN, 7, merkle.EMPTY_ROOT).sign(signer)
    with pytest.raises(CheckpointError):
        open_checkpoint(signed, stranger.verifier)
    with pytest.raises(CheckpointError):
        open_checkpoint(signed.replace("\n7\n", "\n8\n"), signer.verifier)
    with pytest.raises(CheckpointError):
        Checkpoint("other.example/log", 7, merkle.EMPTY_ROOT).sign(signer)
    other = Signer.generate("other.example/log")
    with pytest.raises(CheckpointError):  # a note the log's key signed, for another origin
        open_checkpoint(sign(Checkpoint("other.example/log", 1, merkle.EMPTY_ROOT).body, other, signer),
                        signer.verifier)


@pytest.mark.parametrize("body", [
    f"{ORIGIN}\n7\n",                                       # no root
    f"{ORIGIN}\n07\n{base64.b64encode(bytes(32)).decode()}\n",   # a leading zero
    f"{ORIGIN}\n-1\n{base64.b64encode(bytes(32)).decode()}\n",
    f"{ORIGIN}\n7\n{base64.b64encode(bytes(31)).decode()}\n",    # 31 bytes
    f"{ORIGIN}\n7\n{base64.b64encode(bytes(32)).decode().rstrip('=')}\n",  # no padding
    f"{ORIGIN}\n7\n{base64.b64encode(bytes(32)).decode()}",     # no final newline
    f"\n7\n{base64.b64encode(bytes(32)).decode()}\n",           # no origin
])
def test_a_malformed_checkpoint_is_refused(body: str) -> None:
    with pytest.raises(CheckpointError):
        Checkpoint.parse(body)


def test_the_documented_checkpoint_verifies_with_the_documented_key() -> None:
    """docs/verifiable-log.md's example checkpoint and verifier key are real."""
    doc = (Path(__file__).parents[2] / "docs" / "verifiable-log.md").read_text()
    signed = doc.split("```text\n", 1)[1].split("```", 1)[0]
    vkey = re.search(r"`(docket\.example\.org/log\+[0-9a-f]{8}\+\S+)`", doc)
    assert vkey is not None
    checkpoint = open_checkpoint(signed, Verifier.parse(vkey.group(1)))
    assert (checkpoint.origin, checkpoint.size) == (ORIGIN, 1523)
