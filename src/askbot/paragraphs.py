"""How source texts divide into paragraphs: the unit every locator (``para. N``) counts.

A paragraph is a block of text separated from the next by a blank line, numbered from 1 at the top
of the file, headers included. It sits below everything else so the store can index paragraphs.
"""

from __future__ import annotations

import re

_BLANK_LINE = re.compile(r"\n[ \t]*\n")


def split_paragraphs(text: str) -> list[str]:
    """The paragraphs of a source text, in order; paragraph N is ``result[N - 1]``."""
    blocks = _BLANK_LINE.split(text.replace("\r\n", "\n"))
    return [block.strip() for block in blocks if block.strip()]
