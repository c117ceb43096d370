"""The demo's appeals are routed: Frank, of the appeals team, gets the ones he took no part in."""

from __future__ import annotations

from typing import Any

from docket import store
from docket.demo import load_demo


def test_the_demo_s_appeal_is_in_frank_s_queue_and_nobody_else_s(client: Any, sessions: Any, settings: Any) -> None:
    with store.transaction(sessions) as s:
        load_demo(session=s, base_url="http://docket.test", settings=settings)

    def mine(token: str) -> list[dict[str, Any]]:
        r = client.get("/api/v1/appeals?assigned=me&status=open", headers={"Authorization": f"Bearer {token}"})
        assert r.status_code == 200, r.text
        return list(r.json())

    [appeal] = mine("dkt_demo_frank")
    assert appeal["team"]["name"] == "appeals — all" and appeal["status"] == "open"
    assert appeal["unassigned_reason"] is None
    for other in ("dkt_demo_alice", "dkt_demo_bob", "dkt_demo_lena"):
        assert mine(other) == [], other
    # Every demo appeal went to someone who may decide it (routing checks; none left unrouted).
    every = client.get("/api/v1/appeals", headers={"Authorization": "Bearer dkt_demo_lena"}).json()
    assert len(every) >= 3 and all(a["team"] or a["assignee"] for a in every), every
    # Frank may decide it: he took no part in the decision appealed.
    r = client.post(f"/api/v1/appeals/{appeal['id']}/decision", headers={"Authorization": "Bearer dkt_demo_frank"},
                    json={"outcome": "upheld", "explanation": "The quoted declaration does not show a bribe."})
    assert r.status_code == 200, r.text
