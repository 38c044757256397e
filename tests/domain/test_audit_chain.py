"""The hash chain of the access log, as pure data: any edit, removal or reordering is found."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from safetynet.domain.auditchain import (
    ANCHOR_MARK,
    GENESIS,
    Anchor,
    AnchorUnreadable,
    Link,
    first_break,
    link_hash,
    read_anchors,
)

KEY = b"k" * 32


def chain(payloads: list[dict[str, object]], key: bytes = KEY) -> list[Link]:
    links, prev = [], GENESIS
    for seq, fields in enumerate(payloads, start=1):
        fields = {**fields, "seq": seq}
        digest = link_hash(key, prev, fields)
        links.append(Link(seq, prev, digest, fields))
        prev = digest
    return links


def head(links: list[Link]) -> tuple[int, str]:
    return (links[-1].seq, links[-1].hash) if links else (0, GENESIS)


PAYLOADS = st.lists(
    st.fixed_dictionaries({"who": st.text(max_size=8), "what": st.integers(0, 99)}), min_size=2, max_size=12
)


def test_an_untouched_chain_holds() -> None:
    links = chain([{"who": "worker", "what": 1}, {"who": "安", "what": 2}])
    assert first_break(KEY, links, head(links)) is None


def test_an_empty_chain_holds() -> None:
    assert first_break(KEY, [], (0, GENESIS)) is None


def test_the_hash_does_not_depend_on_key_order() -> None:
    assert link_hash(KEY, GENESIS, {"a": 1, "b": 2}) == link_hash(KEY, GENESIS, {"b": 2, "a": 1})


def test_a_chain_rebuilt_without_the_key_breaks_at_its_first_entry() -> None:
    payloads: list[dict[str, object]] = [{"n": n} for n in range(3)]
    forged = chain(payloads, key=b"guess" * 7)
    broken = first_break(KEY, forged, head(forged))
    assert broken is not None and broken.seq == 1 and "altered" in broken.reason


@given(PAYLOADS, st.data())
def test_an_altered_entry_is_the_first_break(payloads: list[dict[str, object]], data: st.DataObject) -> None:
    links = chain(payloads)
    at = data.draw(st.integers(0, len(links) - 1))
    altered = {**links[at].fields, "what": -1}
    links[at] = Link(links[at].seq, links[at].prev_hash, links[at].hash, altered)
    broken = first_break(KEY, links, head(links))
    assert broken is not None and broken.seq == at + 1
    assert "altered" in broken.reason


@given(PAYLOADS, st.data())
def test_a_removed_entry_is_found(payloads: list[dict[str, object]], data: st.DataObject) -> None:
    links = chain(payloads)
    top = head(links)
    at = data.draw(st.integers(0, len(links) - 1))
    del links[at]
    broken = first_break(KEY, links, top)
    assert broken is not None and broken.seq == at + 1


@given(PAYLOADS, st.data())
def test_swapped_entries_are_found(payloads: list[dict[str, object]], data: st.DataObject) -> None:
    links = chain(payloads)
    at = data.draw(st.integers(0, len(links) - 2))
    first, second = links[at], links[at + 1]
    # Swap their contents but keep the sequence numbers in order, as a reordering UPDATE would.
    links[at] = Link(first.seq, second.prev_hash, second.hash, second.fields)
    links[at + 1] = Link(second.seq, first.prev_hash, first.hash, first.fields)
    broken = first_break(KEY, links, head(chain(payloads)))
    assert broken is not None and broken.seq == at + 1


def test_cutting_off_the_newest_entries_is_found_through_the_head() -> None:
    links = chain([{"n": n} for n in range(5)])
    broken = first_break(KEY, links[:3], head(links))
    assert broken is not None and broken.seq == 4
    assert "missing" in broken.reason


def test_a_rewritten_chain_does_not_match_the_head() -> None:
    links = chain([{"n": n} for n in range(3)])
    forged = chain([{"n": n} for n in range(2)] + [{"n": 99}])
    broken = first_break(KEY, forged, head(links))
    assert broken is not None and broken.seq == 3


def test_a_head_trailing_the_newest_entries_is_fine_but_must_name_a_real_entry() -> None:
    links = chain([{"n": n} for n in range(5)])
    assert first_break(KEY, links, (links[2].seq, links[2].hash)) is None
    broken = first_break(KEY, links, (3, "f" * 64))
    assert broken is not None and broken.seq == 3 and "head" in broken.reason


def test_a_missing_head_is_found() -> None:
    links = chain([{"n": 1}])
    broken = first_break(KEY, links, None)
    assert broken is not None and "head is missing" in broken.reason


def anchor(link: Link, at: str = "2026-12-01T03:00:00+00:00") -> Anchor:
    return Anchor(link.seq, link.hash, at)


def test_a_chain_cut_and_its_head_rewritten_is_found_through_an_anchor() -> None:
    links = chain([{"n": n} for n in range(5)])
    kept = links[:3]
    broken = first_break(KEY, kept, head(kept), [anchor(links[1]), anchor(links[4])])
    assert broken is not None and broken.seq == 4
    assert "shorter than its anchor of 2026-12-01T03:00:00+00:00" in broken.reason


def test_an_anchored_entry_whose_hash_changed_is_found() -> None:
    links = chain([{"n": n} for n in range(3)])
    forged = chain([{"n": n} for n in range(2)] + [{"n": 99}])
    broken = first_break(KEY, forged, head(forged), [anchor(links[2])])
    assert broken is not None and broken.seq == 3 and "anchor" in broken.reason


def test_anchors_behind_the_newest_entries_hold() -> None:
    links = chain([{"n": n} for n in range(4)])
    assert (
        first_break(KEY, links, head(links), [Anchor(0, GENESIS, "t"), anchor(links[0]), anchor(links[3])])
        is None
    )


def test_anchor_lines_are_read_back_among_other_lines_and_a_mangled_one_is_refused() -> None:
    written = Anchor(12, "a" * 64, "2026-12-01T03:00:00+00:00")
    syslog = [
        "Dec  1 11:00:00 host sshd[1]: session opened",
        f"Dec  1 11:00:00 host safetynet: {written.line()}",
    ]
    assert read_anchors(syslog) == [written]
    with pytest.raises(AnchorUnreadable, match="line 2"):
        read_anchors(["", f"{ANCHOR_MARK} seq=12 hash=zz at=now"], source="anchors.log")
