"""Place names as people type them: case, accents, hyphens and apostrophes do not matter."""

from __future__ import annotations

import re
import unicodedata


def normalize(text: str) -> str:
    """``"Saint-Étienne "`` → ``"saint etienne"``; ``"L'Haÿ-les-Roses"`` → ``"l hay les roses"``."""
    decomposed = unicodedata.normalize("NFKD", text)
    ascii_only = "".join(char for char in decomposed if not unicodedata.combining(char))
    return re.sub(r"[\s\-'’_.]+", " ", ascii_only.lower()).strip()
