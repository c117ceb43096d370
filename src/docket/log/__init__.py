"""The verifiable log's formats, with no database (issue 16).

``merkle``: the RFC 9162 Merkle tree, its stored hashes and its proofs; ``note``: C2SP
signed notes with Ed25519 keys; ``checkpoint``: the C2SP ``tlog-checkpoint`` body;
``leaf``: an event's leaf data, a salted commitment per field; ``receipt``: receipts and
their verification; ``verify_cli``: ``docket-verify``. These
modules import nothing from docket and nothing outside the standard library but
``cryptography``, so a verifier that holds no database (``docket-verify``, a witness)
can use them alone. They sit at the bottom of the import layers (pyproject.toml).
"""
