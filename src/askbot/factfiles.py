"""facts/ on disk <-> validated models.

Layout of a facts directory::

    sources/<id>.yaml      one Source each; its verbatim text is sources/<text_file>
    entries/<id>.yaml      one Entry each
    aliases.yaml           AliasFile (left out: the alias table is left alone)

Loading reports every problem at once as ``file:line: field: why``; nothing is returned unless the
whole directory is valid. Export writes one canonical form, so import -> export is byte-stable.
"""

from __future__ import annotations

import importlib.resources
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from askbot.citations import verify_citation
from askbot.errors import AskbotError
from askbot.models import AliasFile, AliasGroup, Citation, Entry, FactBase, Source
from askbot.paragraphs import split_paragraphs

try:  # libyaml is several times faster; PyYAML's wheels ship it
    from yaml import CSafeDumper as _Dumper
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - depends on the PyYAML build
    # no libyaml: the pure-Python classes stand in for the C ones, which mypy sees as other types
    from yaml import SafeDumper as _Dumper  # type: ignore[assignment]
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

SOURCES_DIR = "sources"
ENTRIES_DIR = "entries"
ALIASES_FILE = "aliases.yaml"
MAX_TEXT_BYTES = 2_000_000

ModelT = TypeVar("ModelT", bound=BaseModel)
ItemT = TypeVar("ItemT", Source, Entry)


@dataclass(frozen=True, order=True)
class FactError:
    """One problem in one file, at one line."""

    file: str
    line: int
    field: str
    why: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.field}: {self.why}"


class FactBaseInvalid(AskbotError):
    """Raised with every problem found; callers print them all."""

    def __init__(self, errors: Iterable[FactError]) -> None:
        self.errors = sorted(errors)
        super().__init__("\n".join(str(e) for e in self.errors))


# --- YAML with line numbers ----------------------------------------------------------------------

PathKey = tuple[str, ...]


@dataclass
class YamlDocument:
    """Parsed YAML plus the line (1-based) of every key and item, for error messages."""

    file: str
    data: Any
    lines: dict[PathKey, int] = field(default_factory=dict)

    def line_of(self, loc: Iterable[Any]) -> int:
        """The line of the deepest part of ``loc`` that exists in the file."""
        path = tuple(str(part) for part in loc)
        while path and path not in self.lines:
            path = path[:-1]
        return self.lines.get(path, 1)

    def error(self, loc: tuple[Any, ...], why: str) -> FactError:
        return FactError(self.file, self.line_of(loc), format_loc(loc), why)


def format_loc(loc: Iterable[Any]) -> str:
    """``("citations", 0, "quote")`` -> ``citations[0].quote``."""
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "(file)"


def _index_lines(
    node: yaml.Node, path: PathKey, lines: dict[PathKey, int], errors: list[str]
) -> None:
    lines.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for key_node, value_node in node.value:
            key = str(key_node.value)
            if key in seen:
                errors.append(f"{key_node.start_mark.line + 1}:{format_loc((*path, key))}")
            seen.add(key)
            lines[(*path, key)] = key_node.start_mark.line + 1
            _index_lines(value_node, (*path, key), lines, errors)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _index_lines(item, (*path, str(index)), lines, errors)


def _anchor_error(text: str, file: str) -> FactError | None:
    """The first anchor (``&name``) or alias (``*name``), read from the event stream before any
    node is composed: a few hundred bytes of nested aliases expand into gigabytes, and fact files
    never need them."""
    for event in yaml.parse(text, Loader=_Loader):
        if isinstance(event, yaml.NodeEvent) and event.anchor is not None:
            written = (
                f"*{event.anchor}" if isinstance(event, yaml.AliasEvent) else f"&{event.anchor}"
            )
            return FactError(
                file,
                event.start_mark.line + 1 if event.start_mark else 1,
                "(yaml)",
                f"'{written}': YAML anchors and aliases are not allowed in fact files; write the value out",
            )
    return None


def _reader_error(text: str, file: str, exc: yaml.reader.ReaderError) -> FactError:
    """Where the unacceptable character is: libyaml's position counts bytes, so find the
    character itself (the reader stops at its first occurrence)."""
    character = chr(exc.character)
    position = max(text.find(character), 0)
    line = text.count("\n", 0, position) + 1
    column = position - (text.rfind("\n", 0, position) + 1) + 1
    return FactError(
        file, line, "(yaml)", f"character U+{ord(character):04X} at column {column}: {exc.reason}"
    )


def parse_yaml(text: str, file: str) -> tuple[YamlDocument | None, list[FactError]]:
    """Parse one YAML document, keeping line numbers; duplicate keys are errors, not overwrites,
    and anchors and aliases are refused before anything is expanded."""
    try:
        anchor_error = _anchor_error(text, file)
        if anchor_error is not None:
            return None, [anchor_error]
        loader = _Loader(text)
        try:
            node = loader.get_single_node()
            data = loader.construct_document(node) if node is not None else None
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        why = str(exc.problem or exc.context)
        if exc.problem and exc.context and exc.context_mark:
            why += f" ({exc.context} started at line {exc.context_mark.line + 1})"
        return None, [FactError(file, line, "(yaml)", why)]
    except yaml.reader.ReaderError as exc:
        return None, [_reader_error(text, file, exc)]
    except yaml.YAMLError as exc:
        return None, [FactError(file, 1, "(yaml)", str(exc))]
    document = YamlDocument(file, data)
    duplicate_keys: list[str] = []
    if node is not None:
        _index_lines(node, (), document.lines, duplicate_keys)
    errors = []
    for item in duplicate_keys:
        at, _, loc = item.partition(":")
        errors.append(
            FactError(file, int(at), loc, "duplicate key (YAML would silently keep the last one)")
        )
    return document, errors


def _pydantic_why(error: Any) -> str:
    if error["type"] == "extra_forbidden":
        return "unknown field"
    if error["type"] == "missing":
        return "required field is missing"
    return str(error["msg"])


def validate_model(
    model: type[ModelT], document: YamlDocument
) -> tuple[ModelT | None, list[FactError]]:
    """Validate parsed YAML against a model; every pydantic error becomes a ``file:line`` error."""
    if not isinstance(document.data, dict):
        return None, [
            FactError(document.file, 1, "(file)", "expected a mapping of fields at the top level")
        ]
    try:
        return model.model_validate(document.data), []
    except ValidationError as exc:
        return None, [document.error(tuple(err["loc"]), _pydantic_why(err)) for err in exc.errors()]


# --- Loading a directory -------------------------------------------------------------------------


class TextRefused(ValueError):
    """A file that cannot be a source text: too large, binary, or not UTF-8."""

    def __init__(self, why: str, line: int = 1) -> None:
        super().__init__(why)
        self.why, self.line = why, line


def decode_text(raw: bytes) -> str:
    """Bytes of a text file as UTF-8 text, or TextRefused saying why not (and at which line)."""
    if len(raw) > MAX_TEXT_BYTES:
        raise TextRefused(f"larger than {MAX_TEXT_BYTES:,} bytes")
    if b"\x00" in raw:
        raise TextRefused(
            "binary file (contains NUL bytes), expected UTF-8 text",
            raw[: raw.index(b"\x00")].count(b"\n") + 1,
        )
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise TextRefused(
            f"not UTF-8 text (byte {exc.start})", raw[: exc.start].count(b"\n") + 1
        ) from exc


def _read_text(path: Path, shown: str) -> tuple[str | None, FactError | None]:
    try:
        return decode_text(path.read_bytes()), None
    except OSError as exc:
        return None, FactError(shown, 1, "(file)", f"cannot read: {exc.strerror}")
    except TextRefused as refused:
        return None, FactError(shown, refused.line, "(file)", refused.why)


def _load_documents(directory: Path, shown: str) -> tuple[list[YamlDocument], list[FactError]]:
    documents, errors = [], []
    for path in sorted(directory.glob("*.yaml")) if directory.is_dir() else []:
        file = f"{shown}/{path.name}"
        text, error = _read_text(path, file)
        if error:
            errors.append(error)
            continue
        assert text is not None
        document, parse_errors = parse_yaml(text, file)
        errors += parse_errors
        if document is not None:
            documents.append(document)
    return documents, errors


def _load_models(
    model: type[ItemT], documents: list[YamlDocument]
) -> tuple[list[tuple[ItemT, YamlDocument]], list[FactError]]:
    """Validate each file; ids must match file names and be unique."""
    loaded: list[tuple[ItemT, YamlDocument]] = []
    errors: list[FactError] = []
    first_seen: dict[str, YamlDocument] = {}
    for document in documents:
        item, item_errors = validate_model(model, document)
        errors += item_errors
        if item is None:
            continue
        expected = Path(document.file).stem
        if item.id != expected:
            errors.append(
                document.error(
                    ("id",), f"id '{item.id}' must match the file name '{expected}.yaml'"
                )
            )
        previous = first_seen.get(item.id.lower())
        if previous is not None:
            where = f"{previous.file}:{previous.line_of(('id',))}"
            errors.append(document.error(("id",), f"duplicate id '{item.id}' (also in {where})"))
            continue
        first_seen[item.id.lower()] = document
        loaded.append((item, document))
    return loaded, errors


def _failed_ids(directory: Path, loaded: list[tuple[ItemT, YamlDocument]]) -> set[str]:
    """Ids of files that did not load (an id is its file's name). Their problem is reported once,
    in their own file, not again as "unknown id" wherever another file refers to them."""
    files = {path.stem for path in directory.glob("*.yaml")} if directory.is_dir() else set()
    return files - {item.id for item, _ in loaded}


def _check_sources(
    sources: list[tuple[Source, YamlDocument]], sources_dir: Path, shown: str, failed: set[str]
) -> tuple[dict[str, str], list[FactError]]:
    texts: dict[str, str] = {}
    errors: list[FactError] = []
    for source, document in sources:
        name = source.text_file
        if "/" in name or "\\" in name or not name.endswith(".txt"):
            errors.append(
                document.error(("text_file",), "must be a .txt file name inside sources/")
            )
            continue
        if name not in texts:
            text, error = _read_text(sources_dir / name, f"{shown}/{name}")
            if error:
                errors.append(document.error(("text_file",), f"{error.file}: {error.why}"))
                continue
            assert text is not None
            texts[name] = text
        count = len(split_paragraphs(texts[name]))
        span = source.paragraphs
        if span and not (span.first <= span.last <= count):
            errors.append(
                document.error(
                    ("paragraphs",),
                    f"span {span.first}-{span.last} is not within paras. 1-{count} of {name}",
                )
            )
        if source.body and source.body.last > count:
            errors.append(
                document.error(
                    ("body",), f"para. {source.body.last} does not exist: {name} has {count}"
                )
            )
        for index, uncited in enumerate(source.uncited_paragraphs):
            if not source.covers(uncited.paragraph) or uncited.paragraph > count:
                errors.append(
                    document.error(
                        ("uncited_paragraphs", index, "paragraph"),
                        f"para. {uncited.paragraph} is not part of this source",
                    )
                )
    known = {source.id for source, _ in sources} | failed
    for source, document in sources:
        for key, named in (("thread", source.thread), ("reply_to", source.reply_to)):
            if named is not None and (named not in known or named == source.id):
                errors.append(document.error((key,), f"unknown source id '{named}'"))
    return texts, errors


def _check_entries(
    entries: list[tuple[Entry, YamlDocument]],
    sources: dict[str, Source],
    texts: dict[str, str],
    failed_entries: set[str],
    failed_sources: set[str],
) -> list[FactError]:
    errors: list[FactError] = []
    entry_ids = {entry.id for entry, _ in entries}
    questions: dict[str, YamlDocument] = {}
    paragraphs = {name: split_paragraphs(text) for name, text in texts.items()}
    for entry, document in entries:
        errors += _check_citations(entry, document, sources, paragraphs, failed_sources)
        for index, related in enumerate(entry.related):
            if related in failed_entries:
                continue  # its own file's problem is reported
            if related not in entry_ids:
                errors.append(document.error(("related", index), f"unknown entry id '{related}'"))
            elif related == entry.id:
                errors.append(
                    document.error(("related", index), "an entry cannot be related to itself")
                )
        if entry.retired:
            continue
        key = entry.question.casefold()
        if key in questions:
            other = questions[key]
            errors.append(
                document.error(
                    ("question",), f"same question as {other.file}:{other.line_of(('question',))}"
                )
            )
        questions[key] = document
    return errors


def _check_citations(
    entry: Entry,
    document: YamlDocument,
    sources: dict[str, Source],
    paragraphs: dict[str, list[str]],
    failed_sources: set[str],
) -> list[FactError]:
    errors: list[FactError] = []
    located: list[tuple[tuple[str | int, ...], Citation]] = [
        (("citations", i), c) for i, c in enumerate(entry.citations)
    ]
    located += [
        (("positions", p, "citations", i), c)
        for p, position in enumerate(entry.positions)
        for i, c in enumerate(position.citations)
    ]
    for loc, citation in located:
        source = sources.get(citation.source)
        if source is None and citation.source in failed_sources:
            continue  # the source file's own problem is reported
        if source is None:
            errors.append(
                document.error((*loc, "source"), f"unknown source id '{citation.source}'")
            )
            continue
        if source.text_file not in paragraphs:
            continue  # the source's own error is already reported
        problem = verify_citation(citation, source, paragraphs[source.text_file])
        if problem:
            errors.append(document.error((*loc, problem.field), problem.why))
    return errors


def _check_aliases(groups: list[AliasGroup], document: YamlDocument) -> list[FactError]:
    """Each name (canonical or variant) may stand once in the whole file, case-insensitively."""
    errors: list[FactError] = []
    first_use: dict[str, str] = {}
    for g, group in enumerate(groups):
        names: list[tuple[tuple[str | int, ...], str]] = [
            (("aliases", g, "canonical"), group.canonical)
        ]
        names += [(("aliases", g, "variants", v), name) for v, name in enumerate(group.variants)]
        for loc, name in names:
            key = name.casefold()
            if key in first_use:
                errors.append(
                    document.error(loc, f"'{name}' is already listed under '{first_use[key]}'")
                )
            else:
                first_use[key] = group.canonical
    return errors


def load_fact_base(directory: Path, shown: str | None = None) -> FactBase:
    """Load and cross-check a facts directory; raise FactBaseInvalid listing every problem."""
    shown = shown or str(directory)
    if not directory.is_dir():
        raise FactBaseInvalid([FactError(shown, 1, "(directory)", "not a directory")])
    if not (directory / ENTRIES_DIR).is_dir() and not (directory / SOURCES_DIR).is_dir():
        why = f"not a facts directory: it has neither {ENTRIES_DIR}/ nor {SOURCES_DIR}/"
        raise FactBaseInvalid([FactError(shown, 1, "(directory)", why)])
    source_docs, errors = _load_documents(directory / SOURCES_DIR, f"{shown}/{SOURCES_DIR}")
    entry_docs, entry_parse_errors = _load_documents(
        directory / ENTRIES_DIR, f"{shown}/{ENTRIES_DIR}"
    )
    errors += entry_parse_errors
    sources, source_errors = _load_models(Source, source_docs)
    entries, entry_errors = _load_models(Entry, entry_docs)
    errors += source_errors + entry_errors
    failed_sources = _failed_ids(directory / SOURCES_DIR, sources)
    texts, text_errors = _check_sources(
        sources, directory / SOURCES_DIR, f"{shown}/{SOURCES_DIR}", failed_sources
    )
    errors += text_errors
    errors += _check_entries(
        entries,
        {s.id: s for s, _ in sources},
        texts,
        _failed_ids(directory / ENTRIES_DIR, entries),
        failed_sources,
    )

    aliases: list[AliasGroup] = []
    alias_path = directory / ALIASES_FILE
    aliases_given = alias_path.exists()  # without the file, an import leaves aliases alone
    if aliases_given:
        text, read_error = _read_text(alias_path, f"{shown}/{ALIASES_FILE}")
        document, alias_errors = (
            parse_yaml(text, f"{shown}/{ALIASES_FILE}") if text is not None else (None, [])
        )
        errors += [read_error] if read_error else alias_errors
        if document is not None:
            alias_file, model_errors = validate_model(AliasFile, document)
            errors += model_errors
            if alias_file:
                aliases = alias_file.aliases
                errors += _check_aliases(aliases, document)
    if errors:
        raise FactBaseInvalid(errors)
    return FactBase(
        sources=[s for s, _ in sources],
        texts=texts,
        entries=[e for e, _ in entries],
        aliases=aliases,
        aliases_given=aliases_given,
    )


def load_entry_file(path: Path, shown: str | None = None) -> Entry:
    """One entry file on its own (``askbot fact add/edit``); raise FactBaseInvalid as file:line.

    Only the file itself is checked here; quotes and ids are checked against the database.
    """
    shown = shown or str(path)
    text, read_error = _read_text(path, shown)
    if read_error:
        raise FactBaseInvalid([read_error])
    assert text is not None
    document, errors = parse_yaml(text, shown)
    entry = None
    if document is not None:
        entry, model_errors = validate_model(Entry, document)
        errors += model_errors
    if errors or entry is None:
        raise FactBaseInvalid(errors)
    return entry


def bundled_facts_dir() -> Path:
    """The fact base shipped with askbot: inside the wheel, or facts/ of a source checkout."""
    packaged = Path(str(importlib.resources.files("askbot") / "_bundled_facts"))
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[2] / "facts"


# --- Export --------------------------------------------------------------------------------------


def dump_yaml(model: BaseModel) -> str:
    """The one canonical YAML form of a model: field order, defaults left out, wide lines."""
    return dump_fields(model.model_dump(mode="json", by_alias=True, exclude_defaults=True))


def dump_fields(data: dict[str, Any]) -> str:
    """Fields as YAML in that same style: also for a stored row no model accepts, to be fixed."""
    return yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100)


def write_fact_base(fact_base: FactBase, directory: Path) -> list[Path]:
    """Write the canonical layout; returns the files written. Existing entry files are replaced."""
    written: list[Path] = []
    sources_dir, entries_dir = directory / SOURCES_DIR, directory / ENTRIES_DIR
    sources_dir.mkdir(parents=True, exist_ok=True)
    entries_dir.mkdir(parents=True, exist_ok=True)

    def write(path: Path, text: str) -> None:
        path.write_text(text, encoding="utf-8", newline="\n")
        written.append(path)

    for source in fact_base.sources:
        write(sources_dir / f"{source.id}.yaml", dump_yaml(source))
    for name, text in fact_base.texts.items():
        write(sources_dir / name, text)
    for entry in fact_base.entries:
        write(entries_dir / f"{entry.id}.yaml", dump_yaml(entry))
    for record in fact_base.unloadable:  # as stored: an export loses nothing, an import says why
        folder = sources_dir if record.kind == "source" else entries_dir
        write(folder / f"{record.id}.yaml", dump_fields(record.fields))
    write(directory / ALIASES_FILE, dump_yaml(AliasFile(aliases=fact_base.aliases)))
    return written
