"""The demo's copies: re-uploads of restricted posters and a post wait in the queue as copy
items, each beside its original."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from docket import store
from docket.demo import load_demo
from docket.intake.models import Item
from docket.matching.models import ContentMatch, CopyScan
from docket.review.models import Decision


@pytest.mark.rolled_back
def test_the_demo_s_copies_wait_as_copy_items(sessions: Any, settings: Any) -> None:
    with store.transaction(sessions) as s:
        load_demo(session=s, base_url="http://docket.test", settings=settings)
    with store.transaction(sessions) as s:
        items = s.execute(select(Item).where(Item.copy_of_decision_id.is_not(None)).order_by(Item.id)).scalars().all()
        # The early copy (registered before the post was restricted) is found by the
        # retroactive scan, first; the re-uploads at their registration.
        assert [i.content_id for i in items] == ["kz-post-503-early", "kz-poster-501-repost", "tr-banner-502-copy",
                                                 "kz-post-503-repost"]
        for item in items:
            original = s.get(Decision, item.copy_of_decision_id)
            assert original is not None and original.outcome == "restricted"
            assert s.get(Item, original.item_id).content_id == item.content_id.rsplit("-", 1)[0]
            assert item.queue_open and item.status == "rights_review"
        kinds = {m.content_id: m.kind for m in s.execute(select(ContentMatch)).scalars()}
        assert kinds == {"kz-poster-501-repost": "pdq", "tr-banner-502-copy": "pdq", "kz-post-503-repost": "minhash",
                         "kz-post-503-early": "minhash"}
        scanned = s.execute(select(CopyScan).where(CopyScan.matches_found > 0)).scalars().all()
        assert [r.matches_found for r in scanned] == [1]
