"""Teaching the matcher another spelling of a name."""

from __future__ import annotations

from pydantic import ValidationError

from askbot.errors import Refused
from askbot.factfiles import format_loc
from askbot.models import AliasGroup
from askbot.store import Actor, Store


async def add_alias(
    store: Store, canonical: str, variant: str, kind: str, actor: Actor
) -> AliasGroup:
    """Add a spelling to a name's alias group (creating the group if needed).

    The groups are read inside the transaction, so two additions at once both stay. A name may
    stand in one group only, as a variant or as the canonical name of a new group.
    """
    async with store.transaction() as db:
        groups = await store.read_aliases(db)
        owners = {n.casefold(): g.canonical for g in groups for n in [g.canonical, *g.variants]}
        if variant.casefold() in owners:
            raise Refused(
                [("variant", f"'{variant}' already belongs to '{owners[variant.casefold()]}'")]
            )
        group = next((g for g in groups if g.canonical.casefold() == canonical.casefold()), None)
        if group is None and canonical.casefold() in owners:
            raise Refused(
                [
                    (
                        "canonical",
                        f"'{canonical}' is a variant of '{owners[canonical.casefold()]}'; add to that group",
                    )
                ]
            )
        try:
            updated = (
                group.model_copy(update={"variants": [*group.variants, variant]})
                if group
                else AliasGroup.model_validate(
                    {"canonical": canonical, "kind": kind, "variants": [variant]}
                )
            )
        except ValidationError as exc:
            raise Refused([(format_loc(e["loc"]), str(e["msg"])) for e in exc.errors()]) from exc
        await store.put_alias(db, updated)
        await store.audit(db, actor, "alias.add", reason=f"{variant} -> {updated.canonical}")
    return updated
