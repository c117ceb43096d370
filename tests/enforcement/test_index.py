"""The in-memory index: the fast path agrees with the full verdict."""

from __future__ import annotations

import time

from hypothesis import given
from hypothesis import strategies as st

from docket.enforcement.index import RestrictionIndex

COUNTRIES = ["KZ", "DE", "TR", "RU", "US"]
change = st.fixed_dictionaries({
    "subject_kind": st.sampled_from(["content", "account"]),
    "subject_id": st.sampled_from(["a", "b", "c"]),
    "scope": st.one_of(st.just(["*"]), st.lists(st.sampled_from(COUNTRIES), min_size=1, max_size=3, unique=True)),
    "notice_kind": st.sampled_from(["legal_demand", "local_law", "policy"]),
    "ends_at": st.one_of(st.none(), st.sampled_from([time.time() - 60, time.time() + 3600])),
    "op": st.sampled_from(["start", "start", "end"]),
})


@given(changes=st.lists(change, max_size=8),
       content=st.sampled_from(["a", "b", "c", "z"]),
       country=st.one_of(st.none(), st.sampled_from(COUNTRIES)),
       author=st.one_of(st.none(), st.sampled_from(["a", "b", "z"])))
def test_is_visible_agrees_with_check(changes, content, country, author) -> None:
    index = RestrictionIndex()
    for cursor, c in enumerate(changes, 1):
        index.apply({**c, "cursor": cursor})
    assert index.is_visible(content, country, author) == index.check(content, country, author).visible
