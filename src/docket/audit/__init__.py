"""The tamper-evident audit chain."""

from docket.audit.service import lock_chain, record, verify

__all__ = ["lock_chain", "record", "verify"]
