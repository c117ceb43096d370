"""The tamper-evident audit chain."""

from docket.audit.service import record, verify

__all__ = ["record", "verify"]
