"""``docket serve`` with JSON logs: uvicorn's lines and docket's own in one format, and
/metrics for a scraper's token."""

from __future__ import annotations

import json
import os

import httpx
import pytest

from tests.helpers import running_server

pytestmark = pytest.mark.slow
TOKEN = "scraper-token-for-serve-0123456789abcdef"


def test_serve_logs_json_lines_and_serves_metrics(tmp_path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DOCKET_")}
    env.update(DOCKET_LOG_FORMAT="json", DOCKET_ACCESS_LOG="true", DOCKET_RUN_WORKER="false",
               DOCKET_METRICS_TOKEN=TOKEN)
    with running_server(env=env, cwd=str(tmp_path)) as (base, out):
        health = httpx.get(f"{base}/healthz", headers={"X-Request-ID": "probe-1"})
        assert health.headers["x-request-id"] == "probe-1"
        metrics = httpx.get(f"{base}/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
        assert metrics.status_code == 200
        seen = 'docket_http_request_duration_seconds_count{method="GET",route="/healthz"'
        assert seen in metrics.text
        assert httpx.get(f"{base}/metrics").status_code == 401
    lines = [line for line in out[0].splitlines()
             if line.strip() and not line.startswith("docket listening")]
    parsed = [json.loads(line) for line in lines]  # every other line is a JSON object
    access = [p for p in parsed if p["logger"] == "docket.access"]  # the start-up probes first
    [probe] = [p for p in access if p["request_id"] == "probe-1"]
    assert {"method": "GET", "path": "/healthz", "status": 200}.items() <= probe.items()
    assert [p["status"] for p in access[-3:]] == [200, 200, 401]
    assert all(p["request_id"] for p in access)
