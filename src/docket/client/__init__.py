"""Python clients for docket. :class:`RestrictionReplica` answers visibility checks in
the platform's own process, from memory, following docket's change feed."""

from docket.client.replica import RestrictionReplica

__all__ = ["RestrictionReplica"]
