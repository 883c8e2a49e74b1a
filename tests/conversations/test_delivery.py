"""The per-socket exactly-once tracker, for any order and any repetition of offers."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from parley.conversations.delivery import DeliveryTracker


@given(
    resume=st.integers(min_value=0, max_value=20),
    offers=st.lists(st.integers(min_value=1, max_value=60), max_size=200),
)
def test_each_seq_after_the_resume_point_passes_exactly_once(resume, offers):
    tracker = DeliveryTracker()
    tracker.seen_up_to(7, resume)
    passed = [seq for seq in offers if tracker.first_time(7, seq)]
    assert sorted(passed) == sorted({seq for seq in offers if seq > resume})
    assert len(passed) == len(set(passed))


def test_conversations_are_tracked_separately_and_the_oldest_is_forgotten_first():
    tracker = DeliveryTracker(max_conversations=2)
    assert tracker.first_time(1, 1) and tracker.first_time(2, 1)
    assert not tracker.first_time(1, 1)
    tracker.first_time(3, 1)  # evicts conversation 2, the least recently used
    assert not tracker.first_time(1, 1)
    assert tracker.first_time(2, 1)
