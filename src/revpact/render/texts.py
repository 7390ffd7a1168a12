"""The fixed texts of a rendered document, one YAML file per language (``labels/en.yaml``,
``labels/pl.yaml``), as data: headings, labels, and the words for every enum value.

Texts are looked up by dotted key (``labels("pl").text("sections.marketing")``) and may hold
``{placeholders}`` filled in with :meth:`Labels.text`'s keyword arguments. Every language has
exactly the same keys; a missing key is a bug, so it raises ``KeyError`` naming it.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator, Mapping
from importlib import resources

import yaml

from revpact.errors import RevpactError

__all__ = ["LANGUAGES", "Labels", "labels"]

LANGUAGES: tuple[str, ...] = ("en", "pl")
"""The languages documents are written in."""


class Labels(Mapping[str, "Labels | str"]):
    """A tree of texts: each value is a text or a further tree."""

    def __init__(self, lang: str, tree: Mapping[str, object], prefix: str = "") -> None:
        self.lang = lang
        self._prefix = prefix
        self._tree: dict[str, Labels | str] = {}
        for key, value in tree.items():
            name = f"{prefix}{key}"
            if isinstance(value, str):
                self._tree[str(key)] = value
            elif isinstance(value, Mapping):
                self._tree[str(key)] = Labels(lang, value, f"{name}.")
            else:
                raise TypeError(f"labels/{lang}.yaml: {name} is neither a text nor a mapping")

    def __getitem__(self, key: str) -> Labels | str:
        return self._tree[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._tree)

    def __len__(self) -> int:
        return len(self._tree)

    def text(self, key: str, **values: object) -> str:
        """The text at the dotted ``key``, its placeholders filled from ``values``."""
        node: Labels | str = self
        for part in key.split("."):
            if not isinstance(node, Labels) or part not in node._tree:
                raise KeyError(f"labels/{self.lang}.yaml has no text {self._prefix}{key}")
            node = node._tree[part]
        if not isinstance(node, str):
            raise KeyError(f"labels/{self.lang}.yaml: {self._prefix}{key} is not a text")
        return node.format(**values) if values else node

    def flat(self) -> dict[str, str]:
        """Every text by its full dotted key."""
        found: dict[str, str] = {}
        for key, value in self._tree.items():
            if isinstance(value, Labels):
                found.update(value.flat())
            else:
                found[f"{self._prefix}{key}"] = value
        return found


@functools.cache
def labels(lang: str) -> Labels:
    """The texts of ``lang`` (``en`` or ``pl``)."""
    if lang not in LANGUAGES:
        raise RevpactError(f'language "{lang}" is not offered; choose {" or ".join(LANGUAGES)}')
    source = resources.files("revpact.render").joinpath("labels", f"{lang}.yaml")
    tree = yaml.safe_load(source.read_text(encoding="utf-8"))
    if not isinstance(tree, Mapping):
        raise TypeError(f"labels/{lang}.yaml does not hold a mapping")
    return Labels(lang, tree)
