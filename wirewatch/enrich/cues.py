"""The cue lexicon: words that introduce what someone said, wrote or holds.

Written by hand (no data was fitted).  Verbs are listed by their base form and inflected
by rule, because the pipeline runs without a lemmatizer.  ``SPEECH`` verbs take a
reported clause or a quotation; ``BELIEF`` verbs take a reported clause only (a quotation
next to "believes" is not attributed by it); ``DIRECTIVE`` verbs report a request through
an object and an infinitive ("called on Lukashenko to stop…").
"""

from __future__ import annotations

from functools import cache

__all__ = [
    "BELIEF",
    "DIRECTIVE",
    "REPORT_NOUNS",
    "SPEECH",
    "cue_class",
    "inflections",
]

SPEECH = frozenset(
    """
        say tell add write ask note announce tweet state explain argue claim insist reply respond
        recall warn declare continue acknowledge admit suggest remark comment concede predict
        promise vow deny accuse praise criticize describe testify post report confirm reveal
        complain boast joke quip conclude emphasize stress assert maintain contend observe point
        recount agree disagree allege caution charge counter retort concur lament mention reiterate
        repeat shout yell scream cry whisper tout brag threaten pledge swear proclaim estimate
        signal indicate hint disclose answer wonder muse slam blast rip mock dismiss defend exclaim
        interject chime scoff snap sigh laugh shrug marvel gush rail thunder fume affirm assure
        brief inform notify recommend relate remind sneer tease read sing surmise gloat
    """.split()  # noqa: SIM905 (a word list reads best as words)
)
BELIEF = frozenset(
    """
        think believe feel know hope fear worry expect doubt suspect understand find show consider
        figure reckon assume guess sense realize suggest imagine
    """.split()  # noqa: SIM905 (a word list reads best as words)
)
DIRECTIVE = frozenset(
    """
        urge call order ask implore beg encourage invite challenge press
    """.split()  # noqa: SIM905 (a word list reads best as words)
)
# Nouns that carry an attribution: "in a statement, …", "the report says" is a verb cue.
REPORT_NOUNS = frozenset(["statement", "interview", "remarks", "speech", "tweet", "post", "letter"])

_IRREGULAR = {
    "say": ("said", "says", "saying"),
    "tell": ("told", "tells", "telling"),
    "write": ("wrote", "writes", "writing", "written"),
    "think": ("thought", "thinks", "thinking"),
    "feel": ("felt", "feels", "feeling"),
    "know": ("knew", "knows", "knowing", "known"),
    "find": ("found", "finds", "finding"),
    "show": ("showed", "shows", "showing", "shown"),
    "understand": ("understood", "understands", "understanding"),
    "swear": ("swore", "swears", "swearing", "sworn"),
    "rip": ("ripped", "rips", "ripping"),
    "slam": ("slammed", "slams", "slamming"),
    "quip": ("quipped", "quips", "quipping"),
    "admit": ("admitted", "admits", "admitting"),
    "mock": ("mocked", "mocks", "mocking"),
    "figure": ("figured", "figures", "figuring"),
    "cry": ("cried", "cries", "crying"),
}


@cache
def inflections(base: str) -> tuple[str, ...]:
    """The base form and its inflections by rule ("argue" → argued, argues, arguing)."""
    if base in _IRREGULAR:
        return (base, *_IRREGULAR[base])
    if base.endswith("e"):
        forms = (base + "d", base + "s", base[:-1] + "ing")
    elif base.endswith("y") and base[-2:-1] not in "aeiou":
        forms = (base[:-1] + "ied", base[:-1] + "ies", base + "ing")
    elif base.endswith(("sh", "ch", "ss", "x")):
        forms = (base + "ed", base + "es", base + "ing")
    else:
        forms = (base + "ed", base + "s", base + "ing")
    return (base, *forms)


def _table(bases: frozenset[str]) -> dict[str, str]:
    return {form: base for base in bases for form in inflections(base)}


_SPEECH_FORMS = _table(SPEECH)
_BELIEF_FORMS = _table(BELIEF)
_DIRECTIVE_FORMS = _table(DIRECTIVE)


def cue_class(word: str) -> str | None:
    """ "speech", "belief", "directive" or None for a (lower-case) verb form."""
    if word in _SPEECH_FORMS:
        return "speech"
    if word in _BELIEF_FORMS:
        return "belief"
    if word in _DIRECTIVE_FORMS:
        return "directive"
    return None


def cue_forms() -> frozenset[str]:
    """Every (lower-case) verb form ``cue_class`` knows."""
    return frozenset((*_SPEECH_FORMS, *_BELIEF_FORMS, *_DIRECTIVE_FORMS))
