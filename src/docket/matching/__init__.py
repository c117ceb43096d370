"""Copies of restricted content: fingerprints, the restricted bank and the in-memory matcher.

`fingerprints` computes what is kept of a piece of content (SHA-256 of its bytes, PDQ of an
image with its quality, the normalised text's hash and its MinHash signature); `index` holds
fingerprints in memory and answers "what is near this one" incrementally (adds and removals
never rebuild the whole index).
"""
