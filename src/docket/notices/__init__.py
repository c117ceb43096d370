"""Notices: what docket tells authors, requesters and reporters, and how it gets there."""
