"""The tamper-evident audit chain."""

from docket.audit.service import NewEvent, lock_chain, record, record_many, verify

__all__ = ["NewEvent", "lock_chain", "record", "record_many", "verify"]
