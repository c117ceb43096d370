"""The verifiable log's tables: the tree's leaves, its stored hashes, its checkpoints.

The tree (docket.log.merkle) has one leaf per audit event, in the order of the events'
``seq``; ``docket.audit.sealer`` appends to it and signs its checkpoints."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import BigInteger, LargeBinary, Text
from sqlalchemy.orm import Mapped, mapped_column

from docket.store import Base


class LogLeaf(Base):
    """Leaf ``idx`` of the tree: the event it seals, the nonce mixed into its leaf data,
    and its leaf hash (SHA-256(0x00 ‖ leaf data))."""

    __tablename__ = "log_leaves"

    idx: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    seq: Mapped[int] = mapped_column(BigInteger, unique=True)
    nonce: Mapped[bytes] = mapped_column(LargeBinary(16))
    hash: Mapped[bytes] = mapped_column(LargeBinary(32))


class LogHash(Base):
    """One stored hash of the tree, at its index in tlog's order
    (``merkle.stored_hash_index``): a leaf's hash or a complete subtree's."""

    __tablename__ = "log_hashes"

    idx: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    hash: Mapped[bytes] = mapped_column(LargeBinary(32))


class LogCheckpoint(Base):
    """A signed checkpoint (a C2SP signed note), one per tree size it was signed at; all kept."""

    __tablename__ = "log_checkpoints"

    size: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    root: Mapped[bytes] = mapped_column(LargeBinary(32))
    note: Mapped[str] = mapped_column(Text)
    signed_at: Mapped[dt.datetime]
