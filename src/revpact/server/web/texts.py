"""The dashboard's fixed texts, one YAML file per language (``labels/en.yaml``, ``pl.yaml``)."""

from __future__ import annotations

import functools
from collections.abc import Mapping
from importlib import resources

import yaml

from revpact.render.texts import LANGUAGES, Labels

__all__ = ["LANGUAGES", "page_labels"]


@functools.cache
def page_labels(lang: str) -> Labels:
    """The dashboard's texts in ``lang`` (``en`` or ``pl``)."""
    if lang not in LANGUAGES:
        raise KeyError(lang)
    source = resources.files("revpact.server.web").joinpath("labels", f"{lang}.yaml")
    tree = yaml.safe_load(source.read_text(encoding="utf-8"))
    if not isinstance(tree, Mapping):
        raise TypeError(f"web labels/{lang}.yaml does not hold a mapping")
    return Labels(lang, tree)
