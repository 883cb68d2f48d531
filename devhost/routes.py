"""ASP.NET route templates, as HTTP triggers declare them, turned into werkzeug rule strings.

Only the two forms the app declares are supported: `children/{id}` (a parameter filling a segment)
and a trailing `{*rest}` (catch-all, which also matches nothing). Anything else (constraints such
as `{id:int}`, optional parameters, parameters inside a segment) stops the host at startup naming
the route, rather than matching differently from Azure. Route values reach the function as strings.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from werkzeug.routing import Map, Rule

from devhost.functions import HttpFunction

_PARAMETER = re.compile(r"\{(\*?)([A-Za-z_][A-Za-z0-9_]*)\}")

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
    url_map = Map(strict_slashes=False, merge_slashes=False)
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

    werkzeug has no optional parts, so a trailing catch-all becomes one rule with it and one without.
    """
    segments = [_segment(segment, template) for segment in template.strip("/").split("/") if segment]
    for position, (_, catch_all) in enumerate(segments):
        if catch_all and position != len(segments) - 1:
            raise ValueError(f"route {template!r}: a catch-all parameter must come last")
    prefix_parts = [prefix.strip("/")] if prefix.strip("/") else []
    rules = [rule for rule, _ in segments]
    paths = ["/" + "/".join(prefix_parts + rules)]
    if segments and segments[-1][1]:
        paths.append("/" + "/".join(prefix_parts + rules[:-1]))
    return paths


def _methods(target: HttpFunction) -> list[str] | None:
    declared = target.trigger.methods
    if not declared:
        return None  # none declared: every method, as in Azure
    return [str(getattr(method, "value", method)).upper() for method in declared]


def _segment(segment: str, template: str) -> tuple[str, bool]:
    """One path segment as werkzeug syntax, and whether it is a catch-all."""
    whole = _PARAMETER.fullmatch(segment)
    if whole is not None:
        catch_all, name = whole.groups()
        return (f"<path:{name}>", True) if catch_all else (f"<{name}>", False)
    if any(character in segment for character in "<>{}"):
        raise ValueError(
            f"route {template!r}: unsupported segment {segment!r} (only {{name}} and a final {{*name}})"
        )
    return segment, False
