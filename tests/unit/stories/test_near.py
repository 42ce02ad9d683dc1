"""Near-duplicates: which texts are copies of each other, as a reader would judge."""

from __future__ import annotations

from wirewatch.stories.near import fingerprint, is_copy, similarity

STORY = (
    "Rescue teams in eastern Turkey pulled survivors from collapsed apartment blocks on Monday "
    "after a magnitude 7.1 earthquake struck near the city of Malatya before dawn, the disaster "
    "agency said. At least 212 people were killed and more than 1,400 injured, and the toll was "
    "expected to rise as crews searched the rubble in Malatya and nearby Adiyaman. The quake was "
    "centred 12 kilometres north-east of Malatya at a depth of 10 kilometres and was followed by "
    "dozens of aftershocks. Hospitals moved patients into gardens and car parks as engineers "
    "inspected buildings, and schools in the province were closed for the week."
)
OTHER = (
    "A magnitude 6.4 earthquake shook northern Chile on Thursday, cutting power to parts of "
    "Antofagasta and damaging roads in the Atacama desert, the emergency service said. There were "
    "no reports of deaths, and the navy ruled out a tsunami along the Pacific coast after checking "
    "sea levels. The quake struck 48 kilometres south of Calama at a depth of 95 kilometres, and "
    "copper mines in the region halted work for inspections."
)


def score(a: str, b: str) -> float:
    fa, fb = fingerprint(a), fingerprint(b)
    assert fa is not None and fb is not None
    return similarity(fa.signature, fb.signature)


def test_the_same_text_with_other_case_and_spacing_is_a_copy() -> None:
    assert score(STORY, "  " + STORY.upper().replace(" ", "\n", 5)) == 1.0


def test_an_updated_copy_with_a_line_added_is_a_copy() -> None:
    assert is_copy(score(STORY, STORY + " This story has been updated with the latest toll."))


def test_a_trimmed_reprint_is_a_copy_but_a_brief_inside_a_long_piece_is_not() -> None:
    sentences = STORY.split(". ")
    assert is_copy(score(STORY, ". ".join(sentences[:3])))  # three quarters of the story
    assert not is_copy(score(STORY, ". ".join(sentences[:1]) + " " + OTHER))


def test_different_stories_on_the_same_subject_are_not_copies() -> None:
    assert score(STORY, OTHER) < 0.2


def test_a_short_text_has_no_fingerprint_and_bad_signatures_compare_as_nothing() -> None:
    assert fingerprint("Earthquake in Turkey kills 212.") is None
    assert fingerprint("") is None
    full = fingerprint(STORY)
    assert full is not None
    assert similarity(full.signature, b"\x00" * 7) == 0.0
    assert similarity(b"", b"") == 0.0


def test_fingerprints_are_stable_across_runs() -> None:
    first, second = fingerprint(STORY), fingerprint(STORY)
    assert first == second
    assert first is not None and len(first.bands) == 32
