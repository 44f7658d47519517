"""The article domain: events, the fold, commands and text anchoring. Pure Python, no Django."""
