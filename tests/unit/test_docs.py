"""docs/security.md stays the one place S-rule references resolve to, and its test citations stay true.

Code cites rules as "S10" and readers follow them to `docs/security.md#s10`; the document cites the
tests that prove each rule as `path::test_name`. Both drift silently when code moves, so both are
checked here.
"""

from __future__ import annotations

import ast
import re
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SECURITY_DOC = ROOT / "docs" / "security.md"
CITING_FOLDERS = ("shared", "functions", "tests")
RULE_MENTION = re.compile(r"\bS(\d{1,2})\b")
RULE_SECTION = re.compile(r"^## S(\d{1,2})$", re.MULTILINE)
RULE_LINK = re.compile(r"\]\(#s(\d{1,2})\)")
TEST_CITATION = re.compile(r"`(tests/[\w./-]+\.py)::(test_\w+)`")
RULE_COUNT = 41


def security_doc() -> str:
    return SECURITY_DOC.read_text(encoding="utf-8")


def sections() -> list[int]:
    return [int(number) for number in RULE_SECTION.findall(security_doc())]


def rules_mentioned_in_code() -> dict[int, list[str]]:
    """Every rule number cited in a .py file of the citing folders, with where it is cited."""
    found: dict[int, list[str]] = {}
    for folder in CITING_FOLDERS:
        for path in sorted((ROOT / folder).rglob("*.py")):
            text = path.read_text(encoding="utf-8")
            for number in sorted({int(n) for n in RULE_MENTION.findall(text)}):
                found.setdefault(number, []).append(str(path.relative_to(ROOT)))
    return found


@cache
def defined_tests(relative: str) -> frozenset[str]:
    """The names of the test functions defined in one file (at module level or in a class)."""
    tree = ast.parse((ROOT / relative).read_text(encoding="utf-8"))
    return frozenset(
        node.name
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.name.startswith("test_")
    )


def test_the_document_has_one_section_per_rule_from_s1_to_s41_in_order() -> None:
    assert sections() == list(range(1, RULE_COUNT + 1))


def test_every_rule_cited_in_the_code_has_a_section_in_the_security_document() -> None:
    mentioned = rules_mentioned_in_code()
    assert mentioned, "no S-rule is cited anywhere: the scan itself is broken"
    present = set(sections())
    missing = {f"S{number}": files for number, files in mentioned.items() if number not in present}
    assert not missing, f"cited in the code but not in docs/security.md: {missing}"


def test_every_link_to_a_rule_inside_the_document_has_its_section() -> None:
    linked = {int(number) for number in RULE_LINK.findall(security_doc())}
    assert linked, "the document links to no rule: the pattern itself is broken"
    assert linked <= set(sections())


def test_every_test_the_document_cites_still_exists() -> None:
    citations = TEST_CITATION.findall(security_doc())
    assert len(citations) > RULE_COUNT, "too few citations found: the pattern itself is broken"
    gone = [
        f"{path}::{name}"
        for path, name in citations
        if not (ROOT / path).is_file() or name not in defined_tests(path)
    ]
    assert not gone, f"docs/security.md cites tests that no longer exist: {gone}"
