"""The tamper-evident audit chain."""

from docket.audit.service import Pending, lock_chain, record, record_many, verify

__all__ = ["Pending", "lock_chain", "record", "record_many", "verify"]
