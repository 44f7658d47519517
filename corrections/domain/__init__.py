"""The article domain: events, the fold, commands and text anchoring. Pure Python, no Django."""

# Importing the modules registers every event type for decoding.
from . import comments, events, privacy, suggestions  # noqa: F401
