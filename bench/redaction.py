"""Name redaction figures (S37): building the matcher for a setting of 300 children and 600
parents, and redacting a journal page of 20 observations for one parent. Pure CPU, no storage, so
the figures are CPU milliseconds, medians of 21 runs. `python -m bench.redaction` prints them;
`redaction_figures()` returns them."""

from __future__ import annotations

import json
import random
import statistics
import time
from collections.abc import Callable

from shared.domain.names import NamedChild, NamedParent, SettingNames
from shared.domain.settings import OtherChildren

CHILDREN = 300
PARENTS_PER_CHILD = 2
PAGE = 20
RUNS = 21
_FIRST = (
    "Oliver Amelia Zoë Łukasz Harry Noah Isla Aarav Freya Siobhán Chloé Mia Leo Ava Jack Grace Will "
    "May Summer Rose Bill Ivy Arlo Nia Omar Priya Yusuf Ada Theo Elsie Kai Maya Finn Lola Ezra Iris "
    "Hugo"
)
FIRST = _FIRST.split()
_LAST = (
    "Smith Jones Kowalski Nowak Müller Ångström Okafor García O'Brien Nguyen Patel Brown Green Hill "
    "Taylor Wilson Evans Davies Khan Ali Murphy Kelly Singh Chen Wright Walker Stone Baker Hughes"
)
LAST = _LAST.split()
_FILLER = (
    "built a tower with the blocks and then we went outside to dig in the sand ; later everyone sang "
    "songs , counted to ten and shared the paints . Next we will plant seeds in May"
)
FILLER = _FILLER.split()


def setting(seed: int = 7) -> tuple[list[NamedChild], list[NamedParent]]:
    """300 children and two parents each, names drawn from small pools so many are shared."""
    rng = random.Random(seed)
    children = [NamedChild(f"c{i}", rng.choice(FIRST), rng.choice(LAST)) for i in range(CHILDREN)]
    parents = [
        NamedParent(f"p{i}-{j}", f"{rng.choice(FIRST)} {child.last_name}", frozenset({child.child_id}))
        for i, child in enumerate(children)
        for j in range(PARENTS_PER_CHILD)
    ]
    return children, parents


def page(children: list[NamedChild], seed: int = 11) -> list[str]:
    """20 observations of about 80 words, each naming a few children in several forms."""
    rng = random.Random(seed)
    texts = []
    for _ in range(PAGE):
        words: list[str] = []
        for _ in range(8):
            child = rng.choice(children)
            form = rng.choice([child.full_name, child.first_name, f"{child.first_name}'s", child.last_name])
            words += [form, *rng.sample(FILLER, 9)]
        texts.append(" ".join(words))
    return texts


def _median_ms(run: Callable[[], object]) -> float:
    # CPU time of this process: the work is pure CPU, and on a shared machine wall time mostly
    # measures the other processes.
    times = []
    for _ in range(RUNS):
        start = time.process_time()
        run()
        times.append(time.process_time() - start)
    return statistics.median(times) * 1000


def redaction_figures() -> dict[str, float]:
    """Median milliseconds: build, one reader's view, one observation, a page of 20."""
    children, parents = setting()
    texts = page(children)
    # The first build in a process also fills the word caches; later builds of a setting find them.
    start = time.process_time()
    names = SettingNames(children, parents)
    first_build_ms = (time.process_time() - start) * 1000
    matcher = names.for_reader({"c0"}, OtherChildren.INITIALS)

    def redact_page() -> None:
        for text in texts:
            matcher.text(text)

    page_ms = _median_ms(redact_page)
    return {
        "children": CHILDREN,
        "parents": len(parents),
        "first_build_ms": round(first_build_ms, 3),
        "build_ms": round(_median_ms(lambda: SettingNames(children, parents)), 3),
        "reader_view_ms": round(_median_ms(lambda: names.for_reader({"c0"}, OtherChildren.INITIALS)), 3),
        "per_observation_ms": round(page_ms / PAGE, 3),
        "page_of_20_ms": round(page_ms, 3),
        "untagged_per_observation_ms": round(
            _median_ms(lambda: [names.untagged(t, {"c0"}) for t in texts]) / PAGE, 3
        ),
    }


def main() -> None:
    print(json.dumps(redaction_figures(), indent=2))


if __name__ == "__main__":
    main()
