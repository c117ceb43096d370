"""The outbox worker attaches receipts: the acknowledgement carries the request's
``request:received`` receipt and the effect given the ``item:decided`` ones, as the
requester may read them. The worker seals the log before such a round (a leaf's data
exists only once sealed); it signs nothing, so the receipt has no checkpoint yet and
docket-verify completes it from the log later. Both engines, through a real SMTP server."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from sqlalchemy import select

from docket.audit.log_models import LogLeaf
from docket.audit.sealer import sign_checkpoint
from docket.log import leaf, merkle
from docket.log.note import Signer
from docket.log.verify_cli import main
from docket.store import transaction
from tests.log.logserver import serving
from tests.notices.conftest import body_text


def attachments(message: Any) -> dict[str, Any]:
    return {a.get_filename(): json.loads(a.get_content()) for a in message.iter_attachments()}


def test_the_acknowledgement_and_the_effect_given_carry_their_receipts(
        client: Any, kz_case: Any, worker: Any, smtp: Any, sessions: Any, tmp_path: Path, capsys: Any) -> None:
    request, item, decision = kz_case()
    worker.drain()
    ministry = smtp.messages_to("requests@misd.example.kz")
    ack, effect = sorted(ministry, key=lambda m: "effect" in body_text(m).lower())
    rid = request["id"]
    [(name, bundle)] = attachments(ack).items()
    assert name == f"receipt-request-{rid}.json" and bundle["pending"] == []
    [received] = bundle["receipts"]
    assert received["disclosed"]["action"]["value"] == "request:received"
    assert received["disclosed"]["subject"]["value"] == f"request:{rid}"
    assert received["checkpoint"] is None  # the worker seals; signing is the log's own cadence
    [(name, bundle)] = attachments(effect).items()
    assert name == f"receipt-request-{rid}-effect-given.json"
    [decided] = bundle["receipts"]
    assert decided["disclosed"]["payload.outcome"]["value"] == "restricted"
    assert "actor" not in decided["disclosed"]  # the requester is not told which reviewer
    # Each receipt opens its leaf's commitments, and the leaf is the one sealed in the database.
    with sessions() as s:
        stored = {x.idx: bytes(x.hash) for x in s.execute(select(LogLeaf)).scalars()}
    for receipt in (received, decided):
        leaf.check_disclosed(leaf.parse(receipt["leaf_data"]), receipt["disclosed"])
        assert merkle.leaf_hash(receipt["leaf_data"].encode()) == stored[receipt["leaf_index"]]
    # Later, a checkpoint is signed: docket-verify completes the e-mailed receipt from the log.
    signer = Signer.generate("testserver/log")
    with transaction(sessions) as s:
        sign_checkpoint(session=s, signer=signer)
    saved = tmp_path / "ack.json"
    saved.write_text(json.dumps({"receipts": [received]}))
    with serving(sessions) as (url, calls):
        assert main([str(saved), "--key", signer.verifier.key, "--log", url]) == 0, capsys.readouterr()
    assert "/api/v1/log/proofs/inclusion" in calls


def test_other_notices_carry_no_receipt(client: Any, kz_case: Any, worker: Any, smtp: Any) -> None:
    kz_case()
    worker.drain()
    author = smtp.messages_to("aidos@mail.example")
    assert author and all(not list(m.iter_attachments()) for m in author)
