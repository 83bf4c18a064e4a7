"""What /source add's options mean as a source's fields."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from askbot.discord.errors import UserFacingError

if TYPE_CHECKING:
    pass


DATE_PATTERN = re.compile(r"^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?$")


def parse_date(text: str | None) -> dict[str, list[list[int]]] | None:
    """A typed date as CSL date fields; whether it exists in the calendar is the model's call."""
    if not text:
        return None
    match = DATE_PATTERN.match(text.strip())
    if match is None:
        raise UserFacingError(
            "Write the date as YYYY, YYYY-MM or YYYY-MM-DD, or leave it empty when unknown."
        )
    return {"date-parts": [[int(part) for part in match.groups() if part]]}
