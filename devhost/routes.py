"""ASP.NET route templates, as HTTP triggers declare them, turned into werkzeug rule strings.

`children/{id}`, `{id:int}`, `{id?}` (optional, only at the end) and `{*rest}` (catch-all) are
supported. Route values reach the function as strings, as they do in Azure, so the converters here
only decide what matches and never change the value.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from werkzeug.routing import BaseConverter, Map, Rule

from devhost.functions import HttpFunction

_PARAMETER = re.compile(r"\{([^{}]*)\}")
_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


class _Matching(BaseConverter):
    """A converter that only constrains what matches; the value stays a string."""

    part_isolating = True


class IntConverter(_Matching):
    regex = r"-?\d+"


class AlphaConverter(_Matching):
    regex = r"[A-Za-z]+"


class BoolConverter(_Matching):
    regex = r"(?i:true|false)"


class GuidConverter(_Matching):
    regex = r"\{?[0-9A-Fa-f]{8}-?(?:[0-9A-Fa-f]{4}-?){3}[0-9A-Fa-f]{12}\}?"


CONVERTERS: dict[str, type[BaseConverter]] = {
    "asp_int": IntConverter,
    "asp_alpha": AlphaConverter,
    "asp_bool": BoolConverter,
    "asp_guid": GuidConverter,
}
_CONSTRAINTS = {
    "int": "asp_int",
    "long": "asp_int",
    "alpha": "asp_alpha",
    "bool": "asp_bool",
    "guid": "asp_guid",
}


ADMIN_ENDPOINT = ("admin",)


class _MatchedRule(Rule):
    """A rule that is only ever matched. werkzeug also compiles two URL-building functions for every
    rule (generated code, for url_for), which the host never calls; skipping them halves the time
    the host takes to index the app on a cold start."""

    def _compile_builder(self, append_unknown: bool = True) -> Callable[..., tuple[str, str]]:
        def never(rule: Rule, *args: object, **kwargs: object) -> tuple[str, str]:
            raise NotImplementedError("the local host matches routes; it never builds URLs")

        return never


def build_url_map(prefix: str, functions: Sequence[HttpFunction]) -> Map:
    """Rules for the admin API and every HTTP function; a function's endpoint is ("function", name)."""
    # No redirects for slashes: Azure does not redirect either, and a redirect would hide a wrong URL.
    url_map = Map(strict_slashes=False, merge_slashes=False, converters=CONVERTERS)
    url_map.add(_MatchedRule("/admin/functions/<name>", endpoint=ADMIN_ENDPOINT, methods=["POST"]))
    for target in functions:
        methods = _methods(target)
        for path in rule_paths(prefix, str(target.trigger.route)):
            rule = _MatchedRule(path, endpoint=("function", target.name), methods=methods)
            if methods is not None and rule.methods is not None and "HEAD" not in methods:
                # werkzeug adds HEAD to every GET rule; Azure answers only the methods declared.
                rule.methods.discard("HEAD")
            url_map.add(rule)
    return url_map


def rule_paths(prefix: str, template: str) -> list[str]:
    """The werkzeug rule strings that together match what `prefix/template` matches in Azure.

    werkzeug has no optional parts, so a template ending in optional or catch-all parameters
    becomes one rule with them and one rule per shorter form without them.
    """
    segments = [segment for segment in template.strip("/").split("/") if segment]
    converted = [_segment(segment, template) for segment in segments]
    shortest = len(converted)
    while shortest > 0 and converted[shortest - 1][1]:
        shortest -= 1
    prefix_parts = [prefix.strip("/")] if prefix.strip("/") else []
    return [
        "/" + "/".join(prefix_parts + [rule for rule, _ in converted[:length]])
        for length in range(len(converted), shortest - 1, -1)
    ]


def _methods(target: HttpFunction) -> list[str] | None:
    declared = target.trigger.methods
    if not declared:
        return None  # none declared: every method, as in Azure
    return [str(getattr(method, "value", method)).upper() for method in declared]


def _segment(segment: str, template: str) -> tuple[str, bool]:
    """One path segment as werkzeug syntax, and whether the segment may be left out."""
    whole = _PARAMETER.fullmatch(segment)
    if whole is not None:
        rule, omissible = _parameter(whole.group(1), template)
        return rule, omissible
    pieces: list[str] = []
    position = 0
    for match in _PARAMETER.finditer(segment):
        pieces.append(_literal(segment[position : match.start()], template))
        rule, omissible = _parameter(match.group(1), template)
        if omissible:
            raise ValueError(f"route {template!r}: optional parameters must fill a whole segment")
        pieces.append(rule)
        position = match.end()
    pieces.append(_literal(segment[position:], template))
    return "".join(pieces), False


def _parameter(body: str, template: str) -> tuple[str, bool]:
    catch_all = body.startswith("*")
    optional = body.endswith("?")
    name, *constraints = body.lstrip("*").rstrip("?").split(":")
    if not _NAME.match(name) or "=" in body:
        raise ValueError(f"route {template!r}: unsupported parameter {{{body}}}")
    if catch_all:
        # A catch-all also matches nothing at all, hence omissible.
        return f"<path:{name}>", True
    converter = "default"
    for constraint in constraints:
        if constraint not in _CONSTRAINTS:
            raise ValueError(f"route {template!r}: unsupported constraint {constraint!r} on {name!r}")
        converter = _CONSTRAINTS[constraint]
    return f"<{converter}:{name}>", optional


def _literal(text: str, template: str) -> str:
    if any(character in text for character in "<>{}"):
        raise ValueError(f"route {template!r}: unexpected brace or angle bracket in {text!r}")
    return text
