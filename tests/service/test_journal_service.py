"""What a parent sees of the journal, through the use cases, on the in-memory fakes."""

from __future__ import annotations

import pytest

from shared.clock import FrozenClock
from shared.domain.errors import NotFound
from shared.services.credentials import activate
from shared.services.deps import Deps
from shared.services.families import invite_parent
from shared.services.journal import list_journal
from shared.services.observations import ObservationText, create_observation, publish_observation
from tests.conftest import PASSWORD, PIN, Member
from tests.journal_support import reviewed
from tests.nurseries import Nursery, signed_in
from tests.service.conftest import OutboxMailbox


def test_s24_a_parent_sees_only_the_published_observations_of_their_own_child(
    deps: Deps, nursery: Nursery, mailbox: OutboxMailbox, clock: FrozenClock
) -> None:
    ada, ben = nursery.child(), nursery.child(firstName="Ben")
    email = "sam@family.example"
    family = invite_parent(deps, nursery.manager, name="Sam Parent", email=email, child_ids=[ada.child_id])
    activate(deps, token=mailbox.link(email, "activate"), password=PASSWORD, pin=PIN)
    parent = signed_in(deps, Member(nursery.setting.setting_id, family.parent.user_id, email))

    def observe(text: str, child_id: str) -> str:
        body = ObservationText(
            child_ids=[child_id],
            text=text,
            areas=["mathematics"],
            observed_on=clock.now().date().isoformat(),
        )
        return create_observation(deps, nursery.manager, body).observation_id

    published = observe("Counted to ten.", ada.child_id)
    publish_observation(deps, nursery.manager, published, reviewed(deps, nursery.manager, published))
    observe("A draft nobody else sees yet.", ada.child_id)
    bens = observe("Ben's own day.", ben.child_id)
    publish_observation(deps, nursery.manager, bens, reviewed(deps, nursery.manager, bens))

    page = list_journal(deps, parent, ada.child_id, cursor=None, area=None)
    assert [(e.observation_id, e.text) for e in page.entries] == [(published, "Counted to ten.")]
    with pytest.raises(NotFound):
        list_journal(deps, parent, ben.child_id, cursor=None, area=None)
