"""Resource tags as the graph stores them: sorted, distinct ``key=value`` strings, split on the first ``=``.

Every provider's tags (AWS ``[{Key, Value}]`` lists and maps, Azure tag maps, GCP labels) go through
:func:`tag_string`, so one tag reads the same whichever cloud or API it came from:

- a tag without a key (missing, None or empty) is dropped: it names nothing;
- a missing or None value is stored as the empty value (``env=``), never as ``None``;
- ``=`` inside a value is kept as it is (the first ``=`` separates key and value);
- ``=`` inside a key is written ``%3D`` (and ``%`` as ``%25``), so the first ``=`` is always the separator;
- booleans are written ``true`` / ``false``; other non-string keys and values with ``str()``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

__all__ = ["split_tag", "tag_string", "tag_value", "tags_from_map", "tags_from_pairs"]


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return value if isinstance(value, str) else str(value)


def _escape(key: str) -> str:
    return key.replace("%", "%25").replace("=", "%3D")


def tag_string(key: object, value: object) -> str | None:
    """One tag as stored, or None when it has no key."""
    name = _text(key)
    if not name:
        return None
    return f"{_escape(name)}={_text(value)}"


def tag_prefix(key: str) -> str:
    """What every stored tag of ``key`` starts with (for ``STARTS WITH`` in Cypher)."""
    return f"{_escape(key)}="


def split_tag(tag: str) -> tuple[str, str]:
    """A stored tag back to (key, value)."""
    key, _, value = tag.partition("=")
    return key.replace("%3D", "=").replace("%25", "%"), value


def _sorted(tags: Iterable[str | None]) -> tuple[str, ...]:
    return tuple(sorted({t for t in tags if t is not None}))


def tags_from_map(tags: object) -> tuple[str, ...]:
    """Tags given as a mapping of key to value (AWS maps, Azure tags, GCP labels)."""
    if not isinstance(tags, Mapping):
        return ()
    return _sorted(tag_string(k, v) for k, v in tags.items())


def tags_from_pairs(pairs: object, key: str = "Key", value: str = "Value") -> tuple[str, ...]:
    """Tags given as a list of ``{key: .., value: ..}`` mappings (AWS ``[{Key, Value}]``)."""
    if not isinstance(pairs, list | tuple):
        return ()
    return _sorted(tag_string(p.get(key), p.get(value)) for p in pairs if isinstance(p, Mapping))


def tag_value(tags: Iterable[str], key: str) -> str | None:
    """The value of tag ``key`` among stored tags, or None when it is absent or empty."""
    for tag in tags:
        name, value = split_tag(tag)
        if name == key and value:
            return value
    return None
