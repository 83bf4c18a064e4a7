"""Full-text search over source paragraphs (FTS5, bm25)."""

from __future__ import annotations

from askbot.store.database import Database
from askbot.store.records import ParagraphMatch


class SearchIndex(Database):
    """Paragraph search."""

    async def search_paragraphs(
        self, match: str, limit: int, offset: int, marker: str
    ) -> tuple[int, list[ParagraphMatch]]:
        """Paragraphs matching an FTS5 expression, best (bm25) first, with highlighted snippets."""
        async with self._reading() as db:
            total_rows = list(
                await db.execute_fetchall(
                    "SELECT count(*) FROM paragraph_index WHERE paragraph_index MATCH ?", (match,)
                )
            )
            rows = await db.execute_fetchall(
                "SELECT document, paragraph, snippet(paragraph_index, 2, ?, ?, '…', 24) AS snippet"
                " FROM paragraph_index WHERE paragraph_index MATCH ? ORDER BY bm25(paragraph_index)"
                " LIMIT ? OFFSET ?",
                (marker, marker, match, limit, offset),
            )
        return int(total_rows[0][0]), [ParagraphMatch(**dict(row)) for row in rows]
