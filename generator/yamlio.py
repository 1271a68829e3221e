"""PyYAML as front matter and metadata files use it: the safe loader (libyaml's
when present), refusing a key given twice and a UTC offset out of range, and
the dumper.

Kept apart from :mod:`generator.frontmatter`, which imports it only when it has
YAML to read or write: a rebuild after an edit that left an article's front
matter as it was takes it from the cache and never imports PyYAML (about 27 ms
of a process start).
"""
from __future__ import annotations

import yaml

try:
    _SafeLoader = yaml.CSafeLoader
except AttributeError:  # PyYAML built without libyaml
    _SafeLoader = yaml.SafeLoader
#: The pure-Python dumper: libyaml's escapes characters outside the BMP (emoji) as \U0001F680.
Dumper = yaml.SafeDumper


class RepeatedKey(yaml.MarkedYAMLError):
    """A mapping gives one key twice: ``node`` is the second key, ``first`` the first
    (a YAML error whose ``problem`` says so, marked at the second)."""

    def __init__(self, node: yaml.Node, first: yaml.Node):
        super().__init__(problem=f"'{node.value}' is given twice (first on line {first.start_mark.line + 1}); "
                                 "keep the one you mean and delete the other", problem_mark=node.start_mark)
        self.node, self.first = node, first

    def __str__(self) -> str:
        return self.node.value


class Loader(_SafeLoader):
    """The safe loader, refusing a mapping that gives a key twice (PyYAML keeps the
    last value and drops the first without a word)."""

    def construct_mapping(self, node, deep=False):
        written = node.value  # the key-value pairs as written: merge keys ('<<') put theirs in a new list
        mapping = super().construct_mapping(node, deep=deep)
        # As many keys as pairs: none repeats, and nothing more is looked at.
        if len(mapping) != len(written) or node.value is not written:
            seen = {}
            for key_node, _ in written:
                key = self.construct_object(key_node, deep=deep)  # made above: this looks it up
                if key in seen:
                    raise RepeatedKey(key_node, seen[key])
                seen[key] = key_node
        return mapping

    def construct_yaml_timestamp(self, node):
        """A YAML timestamp; ``ValueError`` for a UTC offset out of range, which
        PyYAML would read as more hours (``+05:75`` as ``+06:15``)."""
        from .frontmatter import offset_problem

        if offset_problem(node.value):
            raise ValueError(f"UTC offset out of range: {node.value}")
        return super().construct_yaml_timestamp(node)


Loader.add_constructor("tag:yaml.org,2002:timestamp", Loader.construct_yaml_timestamp)


def load(text: str):
    """The YAML document in ``text`` (see :class:`Loader`). Raises ``yaml.YAMLError``
    (:class:`RepeatedKey` for a key given twice), ``ValueError`` or ``OverflowError``
    for a timestamp that is no real date or whose UTC offset is out of range."""
    return yaml.load(text, Loader=Loader)


def dump(data: dict) -> str:
    """``data`` as block-style YAML, keys in the given order, Arabic and emoji as UTF-8."""
    return yaml.dump(data, Dumper=Dumper, allow_unicode=True, sort_keys=False, default_flow_style=False,
                     width=10_000)
