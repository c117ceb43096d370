from __future__ import annotations

import copy
from typing import Any

import pytest

KZ_BODY: dict[str, Any] = {
    "jurisdiction": "KZ",
    "reference": "MISD-2026/1187",
    "legal_basis": [{"law": "kz-informatization-18-2", "provision": "Art. 18-2(1)"}],
    "reason": "hate_speech",
    "explanation": "The post calls for violence against an ethnic group (Criminal Code Art. 174).",
    "requested_action": "restrict",
    "issuing_officer": {"name": "A. Nurpeisova", "title": "Head of the monitoring department"},
    "language": "ru",
    "items": [{"url": "https://social.example/@aidos/1001"}, {"url": "https://social.example/@aidos/1002"}],
}


@pytest.fixture
def body() -> Any:
    """A fresh copy of a complete request from Kazakhstan, changed by keyword."""

    def make(**changes: Any) -> dict[str, Any]:
        data = copy.deepcopy(KZ_BODY)
        for key, value in changes.items():
            if value is None:
                data.pop(key, None)
            else:
                data[key] = value
        return data

    return make


@pytest.fixture
def trusted_flagger(make_submitter: Any) -> Any:
    return make_submitter("jugendschutz.net", "trusted_flagger", "DE", email="hinweise@jugendschutz.example")
