"""Registration ids: a batch's ids are drawn together (ids.new_ids) and handed out in
ascending order across batches (accept.ascending_ids), each of the documented form."""

from __future__ import annotations

import re
import time

from provisioning.registrations.accept import ascending_ids
from provisioning.registrations.ids import new_id, new_ids

FORM = re.compile(r"r[0-9a-f]{11}[0-9a-f]{10}")


def test_ids_drawn_together_have_the_form_of_one_drawn_alone_and_differ() -> None:
    before = int(time.time() * 1000)
    ids = new_ids(500)
    assert len(ids) == 500 and len(set(ids)) == 500
    assert all(FORM.fullmatch(i) for i in ids) and FORM.fullmatch(new_id())
    assert all(int(i[1:12], 16) >= before for i in ids)  # the clock part is the time they were drawn
    assert new_ids(0) == []


def test_each_batch_of_ids_sorts_after_every_id_made_before() -> None:
    seen: list[str] = []
    for count in (1, 1000, 3, 1000):
        batch = ascending_ids(count)
        assert batch == sorted(batch) and len(set(batch)) == count
        assert not seen or batch[0] > seen[-1]
        seen += batch
    assert len(set(seen)) == len(seen)
