"""The metrics docket exposes at ``GET /metrics`` (Prometheus text format).

Two kinds: counters kept by this process since it started (HTTP latency, visibility
checks), in a registry of the app's own (tests build many apps; the library's global
registry would refuse the second), and gauges read from the database at each scrape
(:func:`docket.ops.service.snapshot`), the same on every node."""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable, Iterator
from typing import Any, cast

from prometheus_client import CollectorRegistry, Counter, Gauge, ProcessCollector
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, HistogramMetricFamily
from prometheus_client.exposition import generate_latest
from prometheus_client.registry import Collector
from prometheus_client.utils import floatToGoString as _untyped_go_float

from docket import __version__
from docket.ops.service import Snapshot

# From a visibility check (well under a millisecond) to a slow transparency report.
# Prometheus's own spelling of a bucket bound ("0.005", "+Inf"); the library has no annotations.
_go_float = cast(Callable[[float], str], _untyped_go_float)
BUCKETS = (0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)


class Metrics:
    """This process's counters, in a registry of their own."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        self.latency = Latency(BUCKETS)
        self.registry.register(self.latency)
        checks = Counter("docket_visibility_checks", "Visibility checks answered by this process",
                         ("result",), registry=self.registry)
        self._visible, self._withheld = checks.labels("visible"), checks.labels("withheld")
        Gauge("docket_info", "docket's version", ("version",),
              registry=self.registry).labels(__version__).set(1)
        ProcessCollector(registry=self.registry)
        self.observe = self.latency.observe
        self._log_failures = Counter(
            "docket_log_job_failures", "Rounds of the verifiable log's job that failed in this process, by step",
            ("step",), registry=self.registry)
        for step in ("seal", "sign", "mirror"):
            self._log_failures.labels(step)
        proofs = Counter("docket_log_proofs", "Proofs and leaf hashes the log's public endpoints answered, "
                         "by where from: the copy of the stored hashes (mirror) or the database",
                         ("source",), registry=self.registry)
        self._proofs = {source: proofs.labels(source).inc for source in ("mirror", "database")}
        self._log_signing = Gauge("docket_log_signing", "1 if this process signs the log's checkpoints "
                                  "(DOCKET_LOG_KEY_FILE is set), else 0", registry=self.registry)

    def count_transparency_reports(self, counts: Callable[[], dict[str, int]]) -> None:
        """Expose ``counts()`` (the application's runtime's) as docket_transparency_reports_total."""
        self.registry.register(_TransparencyReports(counts))

    def log_job_failed(self, step: str) -> None:
        """Count a failed round of the log's job (``seal``, ``sign`` or ``mirror``)."""
        self._log_failures.labels(step).inc()

    def log_proof(self, source: str) -> None:
        """Count a proof answered from ``mirror`` or ``database``."""
        self._proofs[source]()

    def log_signing(self, signing: bool) -> None:
        self._log_signing.set(1 if signing else 0)

    def checked(self, *, visible: int = 0, withheld: int = 0) -> None:
        """Count visibility checks answered."""
        if visible:
            self._visible.inc(visible)
        if withheld:
            self._withheld.inc(withheld)

    def render(self, found: Snapshot) -> bytes:
        """The exposition: this process's metrics, then the database's ``found``."""
        scraped = CollectorRegistry(auto_describe=False)
        scraped.register(_Fixed(families(found)))
        return generate_latest(self.registry) + generate_latest(scraped)


class Latency(Collector):
    """The HTTP latency histogram, ``docket_http_request_duration_seconds``.

    Observed on every request, from the event loop's thread only (the middleware), so a
    series is a plain list of bucket counts and the sum: no lock, no label look-up; the
    library's own Histogram took a lock per count and cost several times more. The
    exposition builds the cumulative buckets at scrape time."""

    NAME = "docket_http_request_duration_seconds"

    def __init__(self, buckets: tuple[float, ...]) -> None:
        self.bounds = list(buckets)
        self.series: dict[tuple[str, str, int], list[float]] = {}

    def observe(self, method: str, route: str, status: int, seconds: float) -> None:
        key = (method, route, status // 100)
        counts = self.series.get(key)
        if counts is None:  # one slot per bound, one for +Inf, then the sum
            counts = self.series[key] = [0] * (len(self.bounds) + 2)
        counts[bisect_left(self.bounds, seconds)] += 1
        counts[-1] += seconds

    def collect(self) -> Iterator[HistogramMetricFamily]:
        family = HistogramMetricFamily(
            self.NAME, "Time to answer an HTTP request, by method, route template and status class",
            labels=("method", "route", "status_class"))
        les = [_go_float(b) for b in self.bounds] + ["+Inf"]
        for (method, route, status_class), counts in sorted(self.series.items()):
            counts = list(counts)  # a copy: the event loop keeps counting meanwhile
            cumulative, buckets = 0.0, []
            for le, n in zip(les, counts[:-1], strict=True):
                cumulative += n
                buckets.append((le, cumulative))
            family.add_metric((method, route, f"{status_class}xx"), buckets, counts[-1])
        yield family


class _TransparencyReports(Collector):
    """``docket_transparency_reports_total``: the period reports the application computed in
    full, and those it read as stored (docket.runtime.Runtime.transparency_counts)."""

    def __init__(self, counts: Callable[[], dict[str, int]]) -> None:
        self.counts = counts

    def collect(self) -> Iterator[CounterMetricFamily]:
        counts = self.counts()
        family = CounterMetricFamily("docket_transparency_reports",
                                     "Period reports of the transparency site this process computed in full "
                                     "(source=computed) or read as the worker stored them (source=stored)",
                                     labels=("source",))
        family.add_metric(("computed",), counts["computed"])
        family.add_metric(("stored",), counts["stored"])
        yield family


class _Fixed(Collector):
    def __init__(self, found: list[GaugeMetricFamily]) -> None:
        self.found = found

    def collect(self) -> list[GaugeMetricFamily]:
        return self.found


def _gauge(name: str, text: str, labels: tuple[str, ...],
           values: dict[Any, int]) -> GaugeMetricFamily:
    family = GaugeMetricFamily(name, text, labels=labels)
    for key, n in sorted(values.items()):
        family.add_metric(key if isinstance(key, tuple) else (key,), n)
    return family


def families(found: Snapshot) -> list[GaugeMetricFamily]:
    """The database's figures as gauge families."""
    out = [
        _gauge("docket_items_open", "Items not decided yet, by jurisdiction and state",
               ("jurisdiction", "state"), found.open_items),
        _gauge("docket_items_overdue", "Items in the review queue past their statutory deadline",
               ("jurisdiction",), found.overdue_items),
        _gauge("docket_decisions", "Decisions ever taken, by outcome and status",
               ("outcome", "status"), found.decisions),
    ]
    for name, status, text in (
        ("docket_outbox_backlog", "pending",
         "Outbox messages waiting to be sent (due or to retry)"),
        ("docket_outbox_held", "held", "Outbox messages held back by a gag order"),
        ("docket_outbox_dead_letters", "dead", "Outbox messages given up on after every try"),
    ):
        out.append(_gauge(name, text, ("channel",), {
            channel: found.outbox.get((channel, status), 0) for channel in ("email", "webhook")}))
    out.append(_gauge("docket_copy_bank_fingerprints",
                      "Fingerprints of restricted content this process's bank holds in memory, by kind",
                      ("kind",), found.bank))
    lag = max(0, found.feed_cursor - found.index_cursor)
    for name, text, value in (
        ("docket_restriction_feed_cursor", "The newest change in the restriction feed",
         found.feed_cursor),
        ("docket_restriction_index_cursor",
         "The last feed change this process's in-memory index has applied", found.index_cursor),
        ("docket_restriction_index_lag", "Feed changes this process's index has not applied yet",
         lag),
        ("docket_restriction_index_lag_seconds",
         "Age of the oldest feed change this process's index has not applied (0: none)",
         found.lag_seconds),
    ):
        out.append(GaugeMetricFamily(name, text, value=value))
    if found.log is not None:
        checkpoint = found.log.checkpoint_size
        for name, text, value in (
            ("docket_log_tree_size", "Audit events sealed into the verifiable log", found.log.tree_size),
            ("docket_log_unsealed_events", "Committed audit events not sealed into the log yet",
             found.log.unsealed),
            ("docket_log_checkpoint_size", "The tree size of the latest signed checkpoint (-1: none yet)",
             -1 if checkpoint is None else checkpoint),
            ("docket_log_checkpoint_age_seconds", "Seconds since the latest checkpoint was signed (-1: none yet)",
             -1 if found.log.checkpoint_at is None else max(0.0, (found.now - found.log.checkpoint_at)
                                                            .total_seconds())),
        ):
            out.append(GaugeMetricFamily(name, text, value=value))
    return out
