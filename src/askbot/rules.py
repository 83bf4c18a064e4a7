"""The forum's rules, checked before matching: no hypotheticals, nothing from the last 20 years.

A question is read once as sentences of words (lower-cased, contractions and common typos such as
"wouldve" or "would of" spelled out, commas kept as clause breaks). The rules then look for the
grammar of a counterfactual or of the present day with bounded look-ahead over those words, never
with nested regex quantifiers, so checking is linear in the length of the question.

They look for grammar, not for single words: "did Stalin know a million people would die?", "if
Yagoda was head of the police, why was he arrested?" and "why is the Terror now called the Great
Purge?" are history and are never declined.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import Literal

RuleName = Literal["hypothetical", "recent-events"]
RECENT_YEARS = 20


@dataclass(frozen=True)
class Rule:
    name: RuleName
    text: str
    hint: str


HYPOTHETICAL = Rule(
    "hypothetical",
    "No hypotheticals: like r/AskHistorians, we answer what happened and why, not what might have "
    "happened had things gone differently.",
    'Ask about what did happen: instead of "What if Yagoda had not been arrested?", try "Why did '
    'Stalin have Yagoda arrested?" or "Why did Serge think Yagoda was doomed?"',
)
RECENT = Rule(
    "recent-events",
    f"The {RECENT_YEARS}-year rule: events of the last {RECENT_YEARS} years are current events, "
    "not history, and are not discussed here.",
    f"Ask about events more than {RECENT_YEARS} years ago, or about how historians have studied "
    'them, e.g. "When did the Great Terror begin?" or "Was Stalin responsible for the Great '
    'Terror?"',
)

# --- Reading a question as words -------------------------------------------------------------

BREAK = ","  # stands between the clauses of a sentence
_MODALS = frozenset({"would", "could", "might", "should"})
_TOKEN = re.compile(r"[^\W_]+(?:'[^\W_]+)*|[.?!;]|[,:()\u2013\u2014]")
_SENTENCE_ENDS = frozenset(".?!;")
_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "`": "'"})
# Spelled without the apostrophe, as people type on phones.
_BARE_CONTRACTIONS: dict[str, tuple[str, ...]] = {
    **{f"{m}ve": (m, "have") for m in ("would", "could", "should", "might", "must")},
    **{f"{m}a": (m, "have") for m in ("would", "could", "should")},
    **{f"{w}nt": (w, "not") for w in ("would", "could", "should", "had", "did", "was", "does")},
    **{f"{w}nt": (w, "not") for w in ("were", "is", "are", "has", "have")},
    "dont": ("do", "not"),
    "whats": ("what", "is"),
}
_IS_CONTRACTED = frozenset(
    "it that what who where how there here he she when why which this".split()
)  # "what's" is "what is"; "Putin's" stays a possessive
_NOT_STEMS = {"wo": "will", "ca": "can", "sha": "shall"}  # won't, can't, shan't


def _expand(token: str) -> tuple[str, ...]:
    """One typed word as the words it stands for: "would've" -> would have, "he'd" -> he 'd."""
    if token in _BARE_CONTRACTIONS:
        return _BARE_CONTRACTIONS[token]
    base, apostrophe, suffix = token.partition("'")
    if not apostrophe:
        return (token,)
    if suffix == "t" and base.endswith("n"):
        return (_NOT_STEMS.get(base[:-1], base[:-1]), "not")
    if suffix == "nt":  # "would'nt"
        return (base, "not")
    if token == "let's":
        return ("let", "us")
    if suffix == "s":
        return (base, "is") if base in _IS_CONTRACTED else (base, "'s")
    expanded = {"ve": "have", "ll": "will", "re": "are", "m": "am", "d": "'d"}.get(suffix)
    return (base, expanded) if expanded else (token,)


def _sentences(question: str) -> list[list[str]]:
    """The question's sentences as words, with BREAK between clauses; one pass over the text."""
    text = question.lower().translate(_APOSTROPHES).replace("w/o", "without ")
    sentences: list[list[str]] = []
    words: list[str] = []
    previous = ""
    for match in _TOKEN.finditer(text):
        token = match.group()
        if token in _SENTENCE_ENDS:
            # "U.S.S.R." and "G.P.U." are abbreviations, not sentence ends
            if not (token == "." and len(previous) == 1) and words:
                sentences.append(words)
                words = []
        elif not token[0].isalnum():
            if words and words[-1] != BREAK:
                words.append(BREAK)
        else:
            expanded = _expand(token)
            if expanded == ("of",) and words and words[-1] in _MODALS:
                expanded = ("have",)  # "would of happened"
            words.extend(expanded)
        previous = token
    if words:
        sentences.append(words)
    for words in sentences:
        for i, word in enumerate(words):
            if word == "'d":  # "if he'd fled" is had, "he'd have fled" and "what'd happen" would
                words[i] = "had" if _is_participle(_after(words, i + 1)) else "would"
    return sentences


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


def _index(phrases: Iterable[str]) -> dict[str, tuple[tuple[str, ...], ...]]:
    """Phrases by their first word, so a scan tries only the few that can start at a word."""
    index: dict[str, list[tuple[str, ...]]] = {}
    for phrase in phrases:
        words = _words(phrase)
        index.setdefault(words[0], []).append(words)
    return {first: tuple(group) for first, group in index.items()}


def _phrases_at(
    words: list[str], index: dict[str, tuple[tuple[str, ...], ...]]
) -> Iterator[tuple[int, tuple[str, ...]]]:
    """(position, phrase) for every phrase of the index found in words."""
    for i, word in enumerate(words):
        for phrase in index.get(word, ()):
            if tuple(words[i : i + len(phrase)]) == phrase:
                yield i, phrase


def _after(words: list[str], i: int) -> str:
    """The word at i, or BREAK past the end, so look-ahead never needs a bounds check."""
    return words[i] if i < len(words) else BREAK


_CLAUSE_FILLERS = frozenset(
    "so ok okay now but and well just hmm alright then also let us lets please hey quick question "
    "q like".split()
)
_MAX_FILLERS = 3


def _clause_openings(words: list[str]) -> Iterator[int]:
    """Where each clause's first real word is, past a few fillers ("so", "ok", "let's")."""
    for start, word in enumerate(words):
        if start == 0 or words[start - 1] == BREAK:
            i = start
            while i < start + _MAX_FILLERS and _after(words, i) in _CLAUSE_FILLERS:
                i += 1
            if word != BREAK:
                yield i


# --- Hypotheticals ---------------------------------------------------------------------------

# Forum shorthand opening a post: "WI: ...", "AH: ...", "ATL - ..."
_SHORTHAND = re.compile(r"[\s\[(*#>\"'_-]{0,8}(wi|ah|atl|pod)\b(\s{0,3}[:\u2013\u2014-])?", re.I)
_SHORTHAND_NEEDS_SEPARATOR = frozenset({"ah", "atl", "pod"})  # "Ah, I see" is not shorthand

_HYPOTHETICAL_PHRASES = _index(
    [
        "what if",
        "whatif",
        "wat if",
        "wht if",
        "wut if",
        "waht if",
        "wha if",
        "what iff",
        "what about if",
        "how about if",
        "hypothetical",
        "hypothetically",
        "hypotheticals",
        "counterfactual",
        "counterfactually",
        "counterfactuals",
        "alt history",
        "alt hist",
        "althist",
        "althistory",
        "point of divergence",
        "in a world where",
        "in a timeline where",
        "scenario where",
        "scenario in which",
        *(
            f"{kind} {world}"
            for kind in ("alternate", "alternative", "parallel")
            for world in ("timeline", "timelines", "universe", "reality", "world")
        ),
        # not "another world" or "a different world": Kolyma was one, in this timeline
        *(
            f"{kind} {world}"
            for kind in ("another", "different")
            for world in ("timeline", "timelines", "universe")
        ),
        *(
            f"{kind} {world}"
            for kind in ("alternate", "alternative")
            for world in ("history", "outcome", "scenario", "ending", "past")
        ),
    ]
)
_WHAT_IF = _words("what if")
# The member stepping into a historical actor's shoes: "if u were Yagoda in 1936, what would u
# do?" (but "if you were arrested in 1937, what happened?" asks what usually happened)
_ROLE_PLAYERS = frozenset("you u i".split())
_ROLE_PLAY = _index(["role play", "roleplay", "role playing", "roleplaying"])
# "play Stalin and tell me in character why ...", "write me a diary entry as a prisoner ..."
# (but "was the confession in character for Bukharin?", "did he write a letter as he waited?")
_IN_CHARACTER = _words("in character")
_ASKED_IN_CHARACTER = frozenset("answer reply respond speak talk tell explain play me us".split())
_WRITE_ME = _index(
    [
        f"{write} {me} {a} {piece} {voice}"
        for write in ("write", "compose")
        for me in ("me", "us")
        for a in ("a", "an")
        for piece in ("diary entry", "letter", "story", "speech", "monologue", "poem")
        for voice in ("as", "from", "in the voice of")
    ]
)  # (not "write me a poem about the Gulag" or "compose me a letter to request a file")
_ASKED_FOR = frozenset("a an some let us lets do".split())  # "can we do a roleplay"
_PLAYED_AS = frozenset(("as", "with", "where", BREAK))  # "roleplay as Bukharin"
# "if you could interview Stalin / go back to 1937 ..." (but "if you could recommend a book",
# "if you could talk a bit about ..., that would be great" and "if I could ask a follow-up" are
# the member's requests)
_YOU = frozenset("you u".split())
_IMAGINED_ENCOUNTERS = frozenset(
    "interview meet travel visit change save warn prevent undo witness".split()
)
_NOT_SOMEONE_ASKED = frozenset("a an one another the you me us for about more".split())
_THANKS = frozenset("great grateful appreciated appreciate helpful help thanks thank".split())


def _imagined_encounter(words: list[str], i: int) -> bool:
    """ "(if you could) interview Stalin", "go back to 1937", "ask Bukharin one thing"."""
    verb = _after(words, i)
    if verb in ("go", "travel"):
        return _after(words, i + 1) == "back"
    if verb == "ask":
        return _after(words, i + 1) not in _NOT_SOMEONE_ASKED
    return verb in _IMAGINED_ENCOUNTERS


_WERE = frozenset("were was".split())
# ... or in their shoes: "what would you have done in his shoes / in Yagoda's place?" (but "people
# in his shoes at the time usually ..." and "who took over in his place" are history)
_WHOSE = frozenset("his her their your my 's".split())
_WHAT_IF_ANYTHING = frozenset({"any", "anything"})  # "what if anything did Yagoda say?"
# A clause opening with one of these sets up a premise: "Say Stalin dies in 1934, ..."
_PREMISE_VERBS = frozenset("suppose supposing imagine assume pretend say".split())
_MIN_PREMISE_WORDS = 2  # "Say, who was Yagoda?" is not a premise
# "what does the book (2010), say about ...": "say" opening a clause, but no premise
_SAID_NOT_SUPPOSED = frozenset("about of to so anything something".split())

# "would be ... if" is conditional; "could be ... if" is usually past ability ("could anyone be
# arrested if they ...")
_CONDITIONAL_MODALS = frozenset({"would", "might"})
_MAX_SUBJECT_WORDS = 5  # "would the Soviet Union as a whole have ..."
_MAX_WORDS_BEFORE_PARTICIPLE = 2  # "would have never really ...", "would've Stalin survived"
# Words after "have" showing it is the main verb, not an auxiliary: "would have to", "would have
# such consequences"
_NOT_PARTICIPLE = frozenset(
    "to a an the such no any some more less much many this that these those his her their its my "
    "your our enough reason power time access control 's".split()
)
_IRREGULAR_PARTICIPLES = frozenset(
    "been done gone won lost fled met made had kept left held led run sent shot fought become come "
    "taken given known seen said told thought brought caught built begun broken chosen driven eaten "
    "fallen fell got gotten grown hidden put read risen set shown sat stood struck understood "
    "written felt found heard let meant paid sold spent spread overthrown withdrawn undone forgotten "
    "forgiven beaten bought drawn flown frozen hung hurt quit rung shut slain spoken stolen stuck "
    "sworn thrown torn woken worn cut".split()
)
# Verbs that ask how things would have turned out, counterfactual even with no "if" stated:
# "Could the purges have been avoided?" (but "Could Yagoda have defended himself?" is history)
_OUTCOMES = frozenset(
    "happened happen turned changed ended won lost survived succeeded prevented avoided averted "
    "stopped halted saved spared collapsed fallen developed evolved overthrown toppled deposed "
    "defeated different differently better worse stronger weaker otherwise".split()
)
# "should X have been / shown / known": what was expected, not a verdict on a choice
_EXPECTED = frozenset(
    "been known shown appeared dated received included listed called named recorded counted".split()
)
# ... and outcomes that only the active voice makes one: "could Trotsky have outmanoeuvred
# Stalin?" ("beaten" is left out: "could the NKVD have beaten him into confessing?" is history)
_ACTIVE_OUTCOMES = frozenset("outmanoeuvred outmaneuvered outwitted".split())
# "would Kirov have made (become) a better leader?" judges a life not lived (but "would he have
# made a good impression?" and "who would have made a good successor in Lenin's eyes?" do not)
_BECOMING = frozenset("made become".split())
_VERDICTS = frozenset("good better best great bad worse successful capable strong weak".split())
_CONDITION_WORDS = frozenset("without unless otherwise instead differently".split())
# "if" meaning "whether" ("did Serge say if Sosnovsky was shot?"), and "as if"
_WHETHER_VERBS = frozenset(
    "say says said know knows knew ask asks asked wonder wondered tell tells told mention mentions "
    "mentioned confirm confirms confirmed clear unclear sure check see decide decided record "
    "records recorded show shows showed note notes noted learn learned find found as sorry "
    "apologies".split()
)
# ... also with whom was asked between: "did Serge ask Rolland if he would write again?"
_ASKING_VERBS = frozenset("ask asks asked asking".split())
# "was another outcome possible had Zinoviev backed Trotsky?": a verdict, then the condition
_JUDGED_BEFORE_HAD = frozenset(
    "possible likely avoidable inevitable preventable realistic achievable different".split()
)
_ASKS_YES_OR_NO = frozenset("was were is would could".split())
# "had he", "had they": only an inversion has the subject pronoun after "had"
_INVERTED_SUBJECTS = frozenset("he she they we i you there".split())
_INVERSION_MARKERS = frozenset("not never been".split())  # "had Tukhachevsky not struck"
_NOT_A_SUBJECT = frozenset("not never already just only also long once ever still by no".split())
_NOT_A_CONDITION = frozenset("so any not ever at possible necessary".split())  # "if so", "if any"
# A conditional about anyone at all describes what usually happened: "what happened if you
# refused to confess?"
_GENERIC_SUBJECTS = frozenset(
    "you u i we me anyone anybody someone somebody one people a an nobody no they prisoners "
    "citizens workers".split()
)
# A counterfactual reported from a historical actor is history: "what did Serge think would
# happen to Yagoda?"
_REPORTING_VERBS = frozenset(
    "think thinks thought expect expects expected expecting say says said believe believes "
    "believed fear fears feared predict predicts predicted know knows knew hope hoped write writes "
    "wrote claim claims claimed warn warned promise promised tell told imagine imagined assume "
    "assumed suppose supposed guess guessed suspect suspected worry worried realise realised "
    "realize realized announce announced declare declared insist insisted argue argues argued "
    "suggest suggests suggested foresee foresaw afraid aware sure certain convinced".split()
)
# ... but not when the forum is asked for its own opinion: "do you think it could have ..."
_OPINION_ASKED = frozenset("do you u we i your".split())
_PAST_QUESTION = frozenset("did was were happened".split())
_PRESENT_OUTCOME = frozenset({"happens", "happen"})


def _is_participle(word: str) -> bool:
    return word.endswith("ed") or word in _IRREGULAR_PARTICIPLES


def _participle_after(words: list[str], i: int) -> int | None:
    """Where the participle following the auxiliary "have"/"had" at i is, if there is one."""
    for j in range(i + 1, i + 2 + _MAX_WORDS_BEFORE_PARTICIPLE):
        word = _after(words, j)
        if word == BREAK or word in _NOT_PARTICIPLE:
            return None
        if _is_participle(word):
            return j
    return None


def _perfect_after(words: list[str], i: int) -> int | None:
    """For the modal at i, where the participle of "would [subject] have PARTICIPLE" is, if any."""
    for j in range(i + 1, i + 2 + _MAX_SUBJECT_WORDS):
        word = _after(words, j)
        if word == BREAK or word in _MODALS:
            return None
        if word == "have":
            return _participle_after(words, j)
    return None


def _conditions(words: list[str]) -> Iterator[int]:
    """Positions of each "if" that opens a condition (not "whether", "as if", "if so")."""
    for i, word in enumerate(words):
        if (
            word == "if"
            and (i == 0 or words[i - 1] not in _WHETHER_VERBS)
            and (i < 2 or words[i - 2] not in _ASKING_VERBS)
            and _after(words, i + 1) not in _NOT_A_CONDITION
        ):
            yield i


def _judged_then_had(words: list[str], k: int) -> bool:
    """ "Was another outcome possible (,) had Zinoviev backed Trotsky?" (but "how much worse had
    the famine got by 1933?" and "how likely had war become?" ask what did happen)."""
    before = words[k - 2] if k >= 2 and words[k - 1] == BREAK else words[k - 1]
    return before in _JUDGED_BEFORE_HAD and _after(words, next(_clause_openings(words), 0)) in (
        _ASKS_YES_OR_NO
    )


def _inverted_conditions(words: list[str]) -> Iterator[int]:
    """Positions of a mid-sentence "had" opening a condition: "would Yagoda have been spared had
    he confessed", "had Tukhachevsky not struck", "..., had Bukharin won" after a modal (but not
    "Stalin had Yagoda arrested" or "in 1936, had Yagoda lost Stalin's trust?")."""
    modal_seen = False
    for k, word in enumerate(words):
        modal_seen = modal_seen or word in _MODALS
        if word != "had" or k == 0:
            continue
        subject, following = _after(words, k + 1), _after(words, k + 2)
        if (
            subject in _INVERTED_SUBJECTS
            or (
                following in _INVERSION_MARKERS
                and subject not in _NOT_A_SUBJECT
                and not _is_participle(subject)
            )
            or (modal_seen and words[k - 1] == BREAK)
            or _judged_then_had(words, k)
        ):
            yield k


def _is_specific(words: list[str], condition: int) -> bool:
    """Whether the "if" clause at condition is about a particular actor, not anyone at all."""
    subject = _after(words, condition + 1)
    return subject != BREAK and subject not in _GENERIC_SUBJECTS and not _is_participle(subject)


def _is_pluperfect(words: list[str], condition: int) -> bool:
    """Whether the "if" clause at condition is past perfect: "if Trotsky had (not) won"."""
    for j in range(condition + 1, condition + 2 + _MAX_SUBJECT_WORDS):
        word = _after(words, j)
        if word == BREAK:
            return False
        if word == "had":
            return _participle_after(words, j) is not None
    return False


def _opens_with_premise(words: list[str]) -> bool:
    """ "Suppose ...", "Imagine Stalin dies in 1934", "Let's say ..." opening a clause."""
    for i in _clause_openings(words):
        if (
            _after(words, i) in _PREMISE_VERBS
            and _after(words, i + 1) != "what"  # "say what you will about Yagoda, ..."
            and not (_after(words, i) == "say" and _after(words, i + 1) in _SAID_NOT_SUPPOSED)
            and all(_after(words, j) != BREAK for j in range(i + 1, i + 1 + _MIN_PREMISE_WORDS))
        ):
            return True
    return False


def _is_were_to(words: list[str]) -> bool:
    """ "(Were) Stalin to die", but not "(Were) the purges to blame"."""
    return "to" in words and _after(words, words.index("to") + 1) != "blame"


def _inverted_condition(words: list[str]) -> bool:
    """ "Had Kirov lived, ...", "Had X not Y, would ...", "Were Stalin to die, ..." (but "Had
    Yagoda met Rolland?" is a plain question)."""
    first = next(_clause_openings(words), 0)
    opener = _after(words, first)
    if opener == "had":
        # the participle must come before the first comma: "Had Kirov lived, ..."
        subject = words[first + 1 : first + 3]
        if BREAK in subject:
            subject = subject[: subject.index(BREAK)]
        if all(_participle_after(words, first + 1 + j) is None for j in range(len(subject))):
            return False
    elif not (opener == "were" and _is_were_to(words[first + 2 : first + 5])):
        return False
    rest = words[first + 1 :]
    if _MODALS.intersection(rest):
        return True
    if BREAK in rest:
        after_break = _after(rest, rest.index(BREAK) + 1)
        return after_break not in {"and", "or", "who", "which", "when", "where", "as", BREAK}
    return False


def _is_typical_fate(words: list[str], modal: int, participle: str) -> bool:
    """ "What would have happened to a prisoner who ..." asks what usually happened, unlike "what
    would have happened to Yagoda"."""
    if participle != "happened":
        return False
    for j in range(modal + 1, modal + 4 + _MAX_WORDS_BEFORE_PARTICIPLE):
        if _after(words, j) == "happened":
            return _after(words, j + 1) == "to" and _after(words, j + 2) in _GENERIC_SUBJECTS
    return False


def _reported_from(words: list[str]) -> int:
    """Where a historical actor's expectation or speech begins ("what did Serge think would
    happen"), or len(words); the forum's own opinion ("do you think it could have", "tell me
    honestly: should ...") is not one,
    nor is a belief inside a condition ("if Stalin knew of the plot, would he have ...")."""
    for i, word in enumerate(words):
        if word in _OPINION_ASKED or word == "if" or _tell_me(words, i):
            break
        if word in _REPORTING_VERBS and not _is_modal_perfect_at(words, i):
            return i
    return len(words)


def _tell_me(words: list[str], i: int) -> bool:
    """ "Tell me (honestly) ...": the forum asked for its view, not a historical actor's."""
    return words[i] == "tell" and _after(words, i + 1) in ("me", "us")


def _is_modal_perfect_at(words: list[str], i: int) -> bool:
    """Whether words[i] is the participle of "would X have ...": "what would Lenin have thought
    of the trials if he had lived?" imagines a thought, it does not report one."""
    return any(
        words[m] in _MODALS and _perfect_after(words, m) == i
        for m in range(max(0, i - 3 - _MAX_SUBJECT_WORDS), i)
    )


def _counterfactual_grammar(words: list[str]) -> bool:
    """A modal perfect, a conditional or a past-perfect "if" used counterfactually."""
    reported = _reported_from(words)
    conditions = [c for c in _conditions(words) if c < reported]
    inverted_at = [k for k in _inverted_conditions(words) if k < reported]
    if any(_judged_then_had(words, k) for k in inverted_at):
        return True  # "was a different outcome possible had Zinoviev backed Trotsky?"
    inverted = bool(inverted_at)
    vocabulary = set(words)
    conditional = bool(conditions) or inverted or not _CONDITION_WORDS.isdisjoint(vocabulary)
    specific = inverted or any(_is_specific(words, c) for c in conditions)
    # "why was Yagoda arrested if he had served Stalin loyally?" is about a real past
    past_question = (
        not _PAST_QUESTION.isdisjoint(vocabulary)
        and _MODALS.isdisjoint(vocabulary)
        and _PRESENT_OUTCOME.isdisjoint(vocabulary)
    )
    if not past_question and (inverted or any(_is_pluperfect(words, c) for c in conditions)):
        return True
    # "why would Stalin purge the army?", "if he feared he would be shot, why did he confess?" ask
    # about real motives
    openings = set(_clause_openings(words))
    if any(_after(words, i) == "why" for i in openings):
        return False
    judged_by_someone = any(
        word in _SOMEONES_VIEW and not _tell_me(words, k) for k, word in enumerate(words)
    )
    for i in range(reported):
        word = words[i]
        if word in _PRESENT_OUTCOME and specific:  # "what happens if Tukhachevsky launches ..."
            return True
        if word not in _MODALS:
            continue
        perfect = _perfect_after(words, i)
        if perfect is None:
            # "would the USSR be richer if ..." (but "would a prisoner be shot if ..." is habit)
            if (
                word in _CONDITIONAL_MODALS
                and specific
                and _after(words, i + 1) not in _GENERIC_SUBJECTS
            ):
                return True
            continue
        participle, following = words[perfect], _after(words, perfect + 1)
        if conditional:
            return True
        if participle in _ACTIVE_OUTCOMES:
            return True
        if (
            word == "should"
            and not judged_by_someone
            and _after(words, i + 1) not in _GENERIC_SUBJECTS
            and _after(words, i + 1) != "not"
            and (participle == "done" or (i in openings and participle not in _EXPECTED))
        ):
            return True  # "what should Bukharin have done?", "should Khrushchev have rehabilitated
            # Bukharin in 1956?" (but "what should a prisoner have done to appeal?", "shouldn't
            # Trotsky have been in Mexico by 1937?", "should the census have shown 180 million?")
        if (
            participle in _BECOMING
            and following in ("a", "an")
            and _after(words, perfect + 2) in _VERDICTS
            and _after(words, perfect + 3) != "impression"
            and not judged_by_someone
        ):  # "would Zhukov have made a good leader?"
            return True
        if participle in _OUTCOMES and not _is_typical_fate(words, i, participle):
            return True
        if participle == "been" and following in _OUTCOMES:
            return True
    return False


def _has_shorthand_prefix(question: str) -> bool:
    """ "WI: Yagoda flees to the West", "AH - Kirov lives" (but not "Ah, I see" or "Wi-Fi")."""
    match = _SHORTHAND.match(question)
    if match is None:
        return False
    tag = match.group(1).lower()
    if tag in _SHORTHAND_NEEDS_SEPARATOR:
        # "AH Kirov lives" in capitals is shorthand too, unless the whole post is shouted
        return match.group(2) is not None or (match.group(1).isupper() and not question.isupper())
    return not question[match.end(1) :].lstrip(" -").lower().startswith("fi")


def is_hypothetical(question: str) -> bool:
    """A what-if by forum shorthand, by a premise ("suppose ...") or by counterfactual grammar."""
    return _is_hypothetical(question, _sentences(question))


def _has_hypothetical_phrase(words: list[str]) -> bool:
    """ "what if", "alternate timeline", "counterfactual" (but not "what if anything")."""
    return any(
        not (phrase == _WHAT_IF and _after(words, i + 2) in _WHAT_IF_ANYTHING)
        for i, phrase in _phrases_at(words, _HYPOTHETICAL_PHRASES)
    )


def _plays_a_role(words: list[str]) -> bool:
    """ "if you were Yagoda", "if i was stalin" (not "if you were a prisoner", "if u were shot"),
    "what would you have done in his shoes / in Bukharin's place?", "role play: you are ..." (not
    "how did Rolland's role play into ..." or "were they made to role play their testimony?")."""
    if next(_phrases_at(words, _WRITE_ME), None) is not None:
        return True
    for i in range(len(words) - 1):
        if (
            tuple(words[i : i + 2]) == _IN_CHARACTER
            and not _ASKED_IN_CHARACTER.isdisjoint(words[max(0, i - 3) : i])
            and _PAST_MARKERS.isdisjoint(words[:i])
        ):
            return True  # "tell me in character ..." (but "did Radek answer in character?")
    openings = set(_clause_openings(words))
    for i, phrase in _phrases_at(words, _ROLE_PLAY):
        following = _after(words, i + len(phrase))
        if i in openings or words[i - 1] in _ASKED_FOR or following in _PLAYED_AS:
            return True
    if not _MODALS.isdisjoint(words):
        for i, word in enumerate(words):
            if (
                word in ("shoes", "place")
                and i >= 2
                and words[i - 1] in _WHOSE
                and "in" in words[i - 3 : i - 1]
                and (word == "shoes" or not _ROLE_PLAYERS.isdisjoint(words))
            ):
                return True
    for i in _conditions(words):
        if (
            _after(words, i + 1) in _YOU
            and _after(words, i + 2) == "could"
            and _imagined_encounter(words, i + 3)
            and _THANKS.isdisjoint(words)
        ):
            return True  # "if you could interview Stalin, what would you ask?"
        if _after(words, i + 1) in _ROLE_PLAYERS and _after(words, i + 2) in _WERE:
            who = _after(words, i + 3)
            if who != BREAK and who not in _GENERIC_SUBJECTS and not _is_participle(who):
                return True
    return False


def _is_hypothetical(question: str, sentences: list[list[str]]) -> bool:
    if _has_shorthand_prefix(question):
        return True
    for words in sentences:
        if (
            _has_hypothetical_phrase(words)
            or _plays_a_role(words)
            or _opens_with_premise(words)
            or _inverted_condition(words)
            or _counterfactual_grammar(words)
        ):
            return True
    return False


# --- Recent events ---------------------------------------------------------------------------

_YEAR = re.compile(r"(?<![\w$£€])(1[0-9]{3}|20[0-9]{2})(?:s|'s)?(?![\w])")
# "2010 people were shot" is a count, not a year
_COUNTED = re.compile(
    r"\s{0,3}(?:people|persons|men|women|children|prisoners|victims|officers|soldiers|members"
    r"|arrests|executions|deaths|cases|kulaks|families|pages|km|kilometres|kilometers|miles"
    r"|roubles|rubles|dollars|tons|tonnes|copies|letters|documents|files|names|graves|bodies)\b",
    re.IGNORECASE,
)
# "Kotkin's 2017 biography": a recent book about old events is historiography, not news
_PUBLISHED = re.compile(
    r"\s{0,3}(?:[\w-]+\s{1,3}){0,2}(?:biography|biographies|book|books|study|studies|monograph|"
    r"article|articles|paper|papers|edition|translation|documentary|film|podcast|movie|"
    r"miniseries|series|collection|volume|lecture|review|thesis|dissertation)\b",
    re.IGNORECASE,
)
# "Snyder's 'Bloodlands' (2010)", "what does Applebaum argue in Red Famine (2017)?": a title's
# year in brackets, after its quotes, or after a capital in a question on what the work says
_QUOTED_BEFORE_A_YEAR = re.compile(r"['\"\u2019\u201d]\s{0,2}\(\s{0,2}$")
_TITLE_BEFORE_A_YEAR = re.compile(
    r"\bin\s{1,3}[A-Z][^()]{0,80}\(\s{0,2}$"
)  # "argue in Bloodlands ("
# "Khlevniuk's Master of the House (": an author's possessive, then a capitalised title
_AUTHORS_TITLE_BEFORE_A_YEAR = re.compile(
    r"\b([A-Z][\w-]+)['\u2019]s\s{1,3}[A-Z][^()]{0,80}\(\s{0,2}$"
)
# "is Kotkin (": a capitalised name straight before the bracket
_AUTHOR_BEFORE_A_YEAR = re.compile(r"(?:^|\s)([A-Z][a-z][\w-]*)\s{0,2}\(\s{0,2}$")
_AFTER_A_CITED_YEAR = re.compile(r"\s{0,2}\)")
_WHAT_A_WORK_SAYS = re.compile(
    r"\b(?:says?|said|argues?|argued|writes?|wrote|claims?|claimed|describes?|described|"
    r"portrays?|portrayed|finds?|found|concludes?|concluded|shows?|showed)\b",
    re.I,
)
# ... and what is asked of a bare "Author (year)": a scholar's case ("is Kotkin (2017) right"),
# not what someone said ("what did Medvedev say about Katyn (2010)?" is news)
_AN_AUTHORS_CASE = re.compile(
    r"\b(?:argues?|argued|portrays?|portrayed|finds?|found|concludes?|concluded|shows?|showed|"
    r"right|wrong|convincing|persuasive|accurate|accuracy|reliable|consistent)\b",
    re.I,
)
# "Snyder (2010) says ...", "according to Kotkin (2017)", "does Applebaum (2017) cite ...?"
_SAYS_AFTER_A_CITED_YEAR = re.compile(
    r"\s{0,2}\)\s{0,3}(?:says|said|claims|claimed|writes|wrote|argues|argued|estimates|estimated|"
    r"notes|noted|suggests|suggested|puts|counts|cites|describes|thinks|believes)\b",
    re.I,
)
_ASKED_OF_AN_AUTHOR = re.compile(
    r"\b(?:according\s{1,3}to|does|do|did|per|see|cf\.?)\s{1,3}$", re.I
)
# "(Khlevniuk 2015", "Kotkin 2017, p. 305", "in his 2013 Practicing Stalinism", "Kotkin's second
# volume (2017)", "The Cambridge History of Russia, vol. 3 (2006)"
_AUTHOR_IN_THE_BRACKET = re.compile(r"\(\s{0,2}[A-Z][\w-]+(?:\s{1,3}et\s{1,3}al\.?)?,?\s{1,3}$")
_PAGE_AFTER_A_YEAR = re.compile(r",?\s{0,2}pp?\.\s{0,2}\d")
_HIS_YEAR_AND_TITLE = re.compile(r"\b(?:his|her|their)\s{1,3}$", re.I)
_TITLE_AFTER_A_YEAR = re.compile(r"\s{1,3}[A-Z]")  # (not "his 2017 interview")
_WORK_BEFORE_A_YEAR = re.compile(
    r"\b(?:volume|vol\.\s{0,2}\d+|biography|book|study|monograph|memoirs?|edition|translation|"
    r"collection|documentary|film|movie|miniseries|series)\s{0,2}\(\s{0,2}$",
    re.I,
)
# "the case files opened in the 2010s": when a source came to light, not an event of its own
_RELEASED_BEFORE_A_YEAR = re.compile(
    r"\b(?:opened|released|declassified|published|unearthed|digiti[sz]ed|made public|came out)"
    r"\s{1,3}(?:in\s{1,3})?(?:the\s{1,3})?(?:early\s{1,3}|late\s{1,3}|mid\s{1,3})?$",
    re.I,
)
_RELEASED_REACH = 40  # characters before the year it may take ("made public in the early ")
_LAST_POSSIBLE_YEAR_AHEAD = 1  # "the 2027 elections" next year are current events too

# Phrases that only fit the present day (unless the sentence is about historians' work).
_PRESENT_PHRASES = _index(
    [
        "nowadays",
        "these days",
        "right now",
        "at present",
        "present day",
        "modern day",
        "at the moment",
        "yesterday",
        "currently happening",
        "in recent years",
        "21st century",
        "twenty first century",
        "this century",
        *(
            f"{when} {span}"
            for when in ("this", "last", "past")
            for span in ("year", "month", "week", "decade")
        ),
        *(
            f"recent {what}"
            for what in (
                "events",
                "news",
                "war",
                "wars",
                "election",
                "elections",
                "invasion",
                "protests",
                "sanctions",
            )
        ),
    ]
)
# ... when not followed by these: "these days of terror", "the last year of his life"
_NOT_PRESENT_AFTER = frozenset("of before after".split())
_ONLY_AT_CLAUSE_END = frozenset({_words("at the moment")})  # not "at the moment of his arrest"
_RECENT_SPAN_STARTS = frozenset("last past".split())
_RECENT_SPAN_COUNTS = frozenset(
    "few couple of several two three four five six seven eight nine ten".split()
)
_RECENT_SPAN_UNITS = frozenset("years months weeks decades".split())
_MAX_SPAN_COUNT_WORDS = 3  # "the last couple of years"
# "has Kazakhstan recently opened its archives?" (but "I've recently read about Yagoda")
_LATELY = frozenset("recently lately".split())
_PAST_MARKERS = frozenset("was were did had".split())

# Present-day people and events, with the last year they were news (None: still in office).
_PRESENT_DAY_NAMES: dict[str, int | None] = {
    "putin": None,
    "zelensky": None,
    "zelenskyy": None,
    "zelenskiy": None,
    "zelenski": None,
    "lukashenko": None,
    "lavrov": None,
    "peskov": None,
    "shoigu": None,
    "kadyrov": None,
    "medinsky": None,
    "navalny": 2024,
    "navalnyi": 2024,
    "prigozhin": 2023,
    "poroshenko": 2019,
    "yanukovych": 2014,
    "euromaidan": 2014,
    "dnr": 2022,
    "lnr": 2022,
    "covid": 2022,
}
_PRESENT_DAY_EVENTS: dict[str, int | None] = {
    "special military operation": None,
    "unified history textbook": None,
    "wagner group": 2023,
    "president medvedev": 2012,
    "dmitry medvedev": None,
    "dmitri medvedev": None,
    "medvedev 's presidency": 2012,
    "medvedev presidency": 2012,
    "medvedev 's government": 2020,
    "pussy riot": 2012,
}
# Events named in words also fitting older history ("the German invasion of Ukraine in 1941",
# "Catherine's annexation of Crimea in 1783"): present-day unless the sentence names that older
# history or dates the event itself to it (but "is the annexation of Crimea like 1939?" compares).
_AMBIGUOUS_EVENTS: dict[str, int | None] = {
    **{
        f"{event} {prep} ukraine": None
        for event in ("war", "invasion")
        for prep in ("in", "of", "on", "against")
    },
    "ukraine war": None,
    **{f"{verb} ukraine": None for verb in ("invade", "invaded", "invading", "attack", "attacked")},
    "russian invasion": None,
    "ukrainian war": None,
    "russo ukrainian war": None,
    "annexation of crimea": 2014,
    "crimea annexation": 2014,
    "crimean annexation": 2014,
    "annexed crimea": 2014,
    "war in donbas": None,
    "war in donbass": None,
    **{
        f"memorial{was} {closed}": 2021
        for was in ("", " was", " is")
        for closed in ("banned", "closed", "liquidated", "dissolved", "shut")
    },
    "liquidation of memorial": 2021,
    "closure of memorial": 2021,
    "ban on memorial": 2021,
    "memorial still banned": 2021,
}
# Present-day names with historical namesakes, news only in a sentence with no older year or
# older history: "the latest Levada poll" (but "Yuri Levada's surveys in 1989", "Grigori
# Tokayev's account of the Politburo", "the latest poll of Americans in 1942")
_NAMESAKES = _index(
    [
        "levada",
        "tokayev",
        "patriarch kirill",
        "military historical society",
        "latest poll",
        "latest polls",
        "latest survey",
        "newest poll",
    ]
)
_OLDER_HISTORY = frozenset(
    "ww1 wwi ww2 wwii nazi nazis german germans germany wehrmacht hitler catherine tsar tsarist "
    "empress ottoman napoleon civil".split()
)
# ... or by who waged it: "Stalin's war in Ukraine against the UPA"
_OLDER_ACTORS = _OLDER_HISTORY | frozenset("stalin soviet bolshevik bolsheviks red white".split())
_ACTOR_WORDS = 2  # "Stalin 's war in Ukraine"
_DATING_PREPOSITIONS = frozenset("in of during from since".split())
_EVENT_INDEX = _index([*_PRESENT_DAY_EVENTS, *_AMBIGUOUS_EVENTS])
_EVENT_YEARS = {_words(k): v for k, v in {**_PRESENT_DAY_EVENTS, **_AMBIGUOUS_EVENTS}.items()}
_AMBIGUOUS = frozenset(_words(k) for k in _AMBIGUOUS_EVENTS)

# "current Russian elections", "modern Russia", "contemporary Ukraine"
_NOW_ADJECTIVES = frozenset("current modern contemporary".split())
_OFFICES = frozenset(
    "head heads chief director minister patriarch mayor governor prosecutor chairman ambassador "
    "runs leads".split()
)
# bodies that exist only since 1991: "who heads the FSB?", "who runs Rosarkhiv?"
_PRESENT_DAY_BODIES = frozenset("fsb svr fso rosarkhiv roskomnadzor".split())
_COUNTRIES = frozenset(
    "russia ukraine belarus georgia kazakhstan kremlin baltic baltics estonia latvia lithuania".split()
)
# ... and what else a bracketed year may follow as news, not as a book or its author: "Crimea
# (2014)", "Was Medvedev right about Katyn (2010)?", "the Duma's Katyn statement (2010)"
_NOT_AUTHORS = (
    _COUNTRIES
    | frozenset(_PRESENT_DAY_NAMES)
    | frozenset(
        "crimea donbas donbass donetsk luhansk chechnya syria moscow kyiv kiev un nato eu medvedev "
        "katyn smolensk memorial duma butovo kommunarka sandarmokh kurapaty levashovo fsb".split()
    )
)
_NATIONALITIES = frozenset("russian ukrainian belarusian".split())
_PLACES = _COUNTRIES | _NATIONALITIES | frozenset("russians ukrainians".split())
# What "current" alone may qualify: "current events" (but "the current consensus" is historiography)
_CURRENT_AFFAIRS = frozenset(
    "government regime president presidency leader leaders leadership elections election politics "
    "administration authorities war crisis conflict situation events affairs sanctions day times "
    "news status crackdown protests protesters".split()
)
# ... and "modern"/"contemporary" with a nationality: "modern Russian schools" (but "contemporary
# Russian newspapers" were printed at the time, and a "modern state" is no place)
_NATIONAL_POLITICS = _CURRENT_AFFAIRS | frozenset(
    "state society schools textbooks media propaganda opposition nationalism nationalists public "
    "opinion".split()
)

# Words about the historical record, which may be asked about in the present tense: "is Yagoda
# still considered guilty?", "why is the Terror now called the Great Purge?"
_SCHOLARLY = frozenset(
    "historians historian scholars scholar historiography scholarship research researchers "
    "archives archive archival files documents document sources source evidence answer answers "
    "article book books askhistorians record records".split()
)
_ON_THE_RECORD = frozenset(
    "considered regarded called call named known thought believed guilty innocent reliable "
    "accurate unclear unknown mystery debated disputed debate consensus controversial "
    "spelled spelt settled solved resolved established proven proved questions doubts".split()
)
_PRESENT_AUXILIARIES = frozenset("is are am do does has have can will".split())
_NOW_WORDS = frozenset("now today still anymore currently".split())
# What a question about present-day memory and politics is about.
_PRESENT_DAY_TOPICS = _PLACES | frozenset(
    "schools school textbooks textbook pupils taught teach teaches remembered remember remembers "
    "remembrance commemorated commemorate commemorates commemoration memorial monument monuments "
    "statue statues museum museums banned ban bans legal illegal law laws government state "
    "officially official rehabilitate rehabilitates rehabilitation honour honours honoured honor "
    "honors honored celebrate celebrates celebrated popular popularity poll polls opinion public "
    "media tv television fsb politics political politicians nationalists church think admire "
    "view views news".split()
)
_MEMORY_PREDICATES = frozenset(
    "remembered commemorated taught celebrated honoured honored memorialised memorialized marked "
    "viewed seen perceived portrayed depicted treated popular admired respected hated loved "
    "revered venerated glorified".split()
)
_SOURCE_TALK = frozenset(
    "say says said write writes wrote claim claims claimed argue argues argued describe describes "
    "described mention mentions mentioned predict predicts predicted serge".split()
)
_PEOPLE = frozenset("people citizens pupils students children voters".split())
# (for hypotheticals) words saying whose judgement it is: "according to Serge, what should the
# Opposition have done?"
_SOMEONES_VIEW = (
    _REPORTING_VERBS
    | _SOURCE_TALK
    | _SCHOLARLY
    | frozenset("according account view views eyes opinion right wrong".split())
)
# What present-day Russians are asked about: "what do Russians think of Stalin?" (but "is Russia
# the same as the USSR?" is a question of definitions)
_OPINION_TOPICS = frozenset(
    "think thinks feel feels view views see sees regard regards consider considers like likes love "
    "loves hate hates admire admires respect respects support supports remember remembers honour "
    "honours honor honors celebrate celebrates commemorate commemorates teach teaches taught learn "
    "learns rehabilitate rehabilitates ban bans law laws opinion polls popular still now today "
    "anymore apologise apologize apology officially recognise recognises recognize recognizes "
    "position stance deny denies".split()
)
_SUBJECT_DETERMINERS = frozenset("the most many some all ordinary average young modern".split())
# Openers whose present tense only asks the forum: "is it true that Stalin was popular in 1937?"
_ASKING_THE_FORUM = _index(
    [
        "is it true",
        "is there any truth",
        "is there truth",
        *(f"{does} {who} know" for does in ("does", "do") for who in ("anyone", "anybody", "you")),
        *(f"can {who}" for who in ("someone", "somebody", "anyone", "anybody", "you")),
    ]
)
_PAST_BE = frozenset("was were".split())
# The present tense inside a story about the past: "what did people think at the time?"
_THEN_PHRASES = _index(
    ["at the time", "back then", "in those days", "in that era", "at that point", "at this point"]
)
# A clause ending "yet" or "so far" asks about the state of things now ...
_UP_TO_NOW = _index(["yet", "so far", "to date", "up to now"])
_NOW_OR_NEXT = frozenset("still now today anymore currently".split())
# Memorial, the society that documented the Terror, closed by Russian courts in 2021.
_MEMORIAL_CLOSED = 2021
_CLOSURE_WORDS = frozenset(
    "liquidation liquidated liquidate closure close closed closing ban banned dissolved dissolve "
    "dissolution shut shutdown".split()
)
# "the memorial at Levashovo", "memorial services": a monument or a rite, not the society
_MONUMENT_AFTER = frozenset("at in to for on of services service plaque plaques day stone".split())


def _recent_year(question: str, today: date) -> tuple[bool, bool]:
    """(names a year or decade within the last 20 years, names a year before them)."""
    cutoff = today.year - RECENT_YEARS
    recent = older = False
    # what the question asks of a work, read once (not once per year: that made long input slow)
    asks_of_a_work = _WHAT_A_WORK_SAYS.search(question) is not None
    asks_of_an_author = _AN_AUTHORS_CASE.search(question) is not None
    for match in _YEAR.finditer(question):
        if (
            _COUNTED.match(question, match.end())
            or _PUBLISHED.match(question, match.end())
            or _RELEASED_BEFORE_A_YEAR.search(
                question, max(0, match.start() - _RELEASED_REACH), match.start()
            )
            or _is_cited_year(question, match, asks_of_a_work, asks_of_an_author)
        ):
            continue
        year = int(match.group(1))
        decade = match.group(0).endswith("s")
        if year > today.year + _LAST_POSSIBLE_YEAR_AHEAD:
            continue
        if year >= cutoff or (decade and year + 9 >= cutoff):
            recent = True
        else:
            older = True
    return recent, older


def _is_cited_year(
    question: str, year: re.Match[str], asks_of_a_work: bool, asks_of_an_author: bool
) -> bool:
    """Whether the year is a work's: "Kotkin's 'Waiting for Hitler' (2017)", "what does Snyder
    argue in Bloodlands (2010)?", "how does Kotkin's Stalin: Paradoxes of Power (2014) portray
    ...", "is Kotkin (2017) right that ...", "Khlevniuk (2015) says", "according to Kotkin (2017)",
    "(Khlevniuk 2015, p. 166)", "Kotkin's second volume (2017)" (but not "what happened in
    Ukraine (2022)?", "what did the UN say about Crimea (2014)?" or "what did Medvedev say about
    Katyn (2010)?")."""
    before = question[max(0, year.start() - 100) : year.start()]
    if _PAGE_AFTER_A_YEAR.match(question, year.end()) or (
        _HIS_YEAR_AND_TITLE.search(before) and _TITLE_AFTER_A_YEAR.match(question, year.end())
    ):
        return True  # "Kotkin 2017, p. 305", "in his 2013 Practicing Stalinism"
    if not _AFTER_A_CITED_YEAR.match(question, year.end()):
        return False
    if _AUTHOR_IN_THE_BRACKET.search(before):
        return True  # "(Khlevniuk 2015)"
    if _QUOTED_BEFORE_A_YEAR.search(before) or _WORK_BEFORE_A_YEAR.search(before):
        return True
    titled = _AUTHORS_TITLE_BEFORE_A_YEAR.search(before)
    if titled is not None and titled.group(1).lower() not in _NOT_AUTHORS:
        return True
    if asks_of_a_work and _TITLE_BEFORE_A_YEAR.search(before):
        return True
    author = _AUTHOR_BEFORE_A_YEAR.search(before)
    return (
        author is not None
        and author.group(1).lower() not in _NOT_AUTHORS
        and (
            asks_of_an_author
            or _SAYS_AFTER_A_CITED_YEAR.match(question, year.end()) is not None
            or _ASKED_OF_AN_AUTHOR.search(before, 0, author.start(1)) is not None
        )
    )


def _is_news(last_year: int | None, cutoff: int) -> bool:
    return last_year is None or last_year >= cutoff


def _present_phrase(words: list[str]) -> bool:
    """ "these days", "at the moment", "the last few years" (but "the last year of his life")."""
    for i, phrase in _phrases_at(words, _PRESENT_PHRASES):
        following = _after(words, i + len(phrase))
        if phrase in _ONLY_AT_CLAUSE_END:
            if following == BREAK:
                return True
        elif following not in _NOT_PRESENT_AFTER:
            return True
    for i, word in enumerate(words):
        if word in _RECENT_SPAN_STARTS:
            j = i + 1
            while j < i + 1 + _MAX_SPAN_COUNT_WORDS and (
                _after(words, j) in _RECENT_SPAN_COUNTS or _after(words, j).isdigit()
            ):
                j += 1
            if (
                j > i + 1
                and _after(words, j) in _RECENT_SPAN_UNITS
                and _after(words, j + 1) not in _NOT_PRESENT_AFTER
            ):
                return True
    return False


def _is_older_year(word: str, cutoff: int) -> bool:
    year = word.removesuffix("s")
    return len(year) == len("1937") and year.isdigit() and int(year) < cutoff


def _dated_before(words: list[str], start: int, end: int, cutoff: int) -> bool:
    """Whether the phrase words[start:end] is dated before the cutoff: "the 1941 invasion of
    Ukraine", "the annexation of Crimea in 1783", "Stalin's war in Ukraine"."""
    if start and _is_older_year(words[start - 1], cutoff):
        return True
    if not _OLDER_ACTORS.isdisjoint(words[max(0, start - _ACTOR_WORDS) : start]):
        return True
    i = end + (_after(words, end) in _DATING_PREPOSITIONS)
    i += _after(words, i) == "the"
    return i > end and _is_older_year(_after(words, i), cutoff)


def _named_present_day(words: list[str], cutoff: int) -> bool:
    """Putin, Zelensky, Navalny, the war in Ukraine, Memorial's closure ..."""
    for word in words:
        if word in _PRESENT_DAY_NAMES and _is_news(_PRESENT_DAY_NAMES[word], cutoff):
            return True
    if (
        next(_phrases_at(words, _NAMESAKES), None) is not None
        and _OLDER_HISTORY.isdisjoint(words)
        and _OLD_INSTITUTIONS.isdisjoint(words)
        and not any(_is_older_year(word, cutoff) for word in words)
    ):
        return True
    if (
        "memorial" in words
        and not _CLOSURE_WORDS.isdisjoint(words)
        and _after(words, words.index("memorial") + 1) not in _MONUMENT_AFTER
        and _OLDER_ACTORS.isdisjoint(words)
        and not any(_is_older_year(word, cutoff) for word in words)
    ):
        return _is_news(_MEMORIAL_CLOSED, cutoff)
    older_history = not _OLDER_HISTORY.isdisjoint(words)
    for i, phrase in _phrases_at(words, _EVENT_INDEX):
        if not _is_news(_EVENT_YEARS[phrase], cutoff):
            continue
        if phrase not in _AMBIGUOUS or not (
            older_history or _dated_before(words, i, i + len(phrase), cutoff)
        ):
            return True
    return False


def _now_adjective(words: list[str], older_year: bool) -> bool:
    """ "current Russian elections", "modern Russia", "contemporary Ukraine" (not "modern state")."""
    past = not _PAST_QUESTION.isdisjoint(words)
    if past and older_year:
        return False  # "what was the current situation in 1937?"
    for i, word in enumerate(words):
        if word not in _NOW_ADJECTIVES or (word == "contemporary" and past):
            continue  # "what did contemporary Russians think?" means Russians at the time
        first, second = _after(words, i + 1), _after(words, i + 2)
        if word == "current" and i >= 2 and words[i - 1] == "'s" and words[i - 2] in _PLACES:
            return not past  # "the Kremlin's current line" (but "what was the Kremlin's ...")
        if first in _COUNTRIES or (first in _NATIONALITIES and second in _NATIONAL_POLITICS):
            return True
        if word == "current" and (first in _CURRENT_AFFAIRS or first in _PLACES):
            return True
        if (
            word == "current"
            and not (past or older_year)
            and second in _CURRENT_AFFAIRS
            and first not in _OLD_OFFICES
        ):
            return True  # "the current Georgian government" (not "the current Soviet regime")
    return False


def _is_present_day_public(words: list[str], i: int) -> bool:
    """Whether words[i:] open with Russia, Russians, "Russian schools", "people in Ukraine"."""
    subject, following = _after(words, i), _after(words, i + 1)
    if subject in _NATIONALITIES:
        return following in _NATIONAL_POLITICS or following in _PEOPLE
    if subject in _PEOPLE:
        return following == "in" and _after(words, i + 2) in _COUNTRIES
    return subject in _PLACES


def _state_acting_now(words: list[str], older_year: bool) -> bool:
    """A present-day state, its people or "they" doing something now or next: "are Kazakhstan and
    Georgia opening their NKVD archives these days?", "have they renamed Volgograd yet?", "will
    Russia ever apologise?" (archives or not, that is today's politics; but "has anyone found
    Tukhachevsky's grave yet?" and "have historians identified them all so far?" are not)."""
    now = (
        _present_phrase(words)
        or not _NOW_OR_NEXT.isdisjoint(words)
        or not _LATELY.isdisjoint(words)
        or any(
            _after(words, i + len(phrase)) == BREAK for i, phrase in _phrases_at(words, _UP_TO_NOW)
        )
    )
    for i, word in enumerate(words):
        if word not in _PRESENT_AUXILIARIES or (i and words[i - 1] in _MODALS):
            continue
        j = i + 1
        while j < i + 3 and _after(words, j) in _SUBJECT_DETERMINERS:
            j += 1
        public = _is_present_day_public(words, j)
        # "is Russia going to rename ...?" (but in 1914 everyone asked "is Russia going to fight?")
        going_to = (
            public
            and not older_year
            and _after(words, j + 1) == "going"
            and _after(words, j + 2) == "to"
        )
        if ((public or _after(words, j) == "they") and (now or word == "will")) or going_to:
            return True
    return False


_AUXILIARIES = _PRESENT_AUXILIARIES | _PAST_MARKERS | frozenset({"been"})
_AS_OF_NOW = frozenset("now today nowadays".split())
# What "still" says goes on to this day: "is the march still held?", "are they still allowed to
# ...?" (but "in the third trial Bukharin is still defiant" tells a story in the present tense)
_CONTINUING = frozenset(
    "allowed permitted banned held open closed running around alive standing operating active "
    "legal illegal available visit visible".split()
)


def _in_the_present(words: list[str], i: int) -> bool:
    """Whether the nearest auxiliary before words[i], in its clause, is in the present tense."""
    for j in range(i - 1, -1, -1):
        if words[j] == BREAK:
            return False
        if words[j] in _AUXILIARIES and not (j and words[j - 1] in _MODALS):
            return words[j] in _PRESENT_AUXILIARIES
    return False


def _as_things_stand(words: list[str], older_year: bool) -> bool:
    """How things stand today: "is the Immortal Regiment march still held?", "are any of his
    descendants alive today?", "can you still visit the Mask of Sorrow?" (but "in what is now
    Altai Krai", "Yagoda is still in charge after Kirov's murder", "where is Yezhov buried
    today?" and "was Yagoda still in office?" are history; "Russians today" is `_as_of_now`'s)."""
    if older_year or next(_phrases_at(words, _THEN_PHRASES), None) is not None:
        return False
    reported = not (_SOURCE_TALK.isdisjoint(words) and _REPORTING_VERBS.isdisjoint(words))
    where = _after(words, next(_clause_openings(words), 0)) == "where"
    for i, word in enumerate(words):
        if word in _AS_OF_NOW and _PAST_MARKERS.isdisjoint(words):
            at_the_end = _after(words, i + 1) == BREAK and not (reported or where)
            if at_the_end and _in_the_present(words, i):
                return True  # "... alive and giving interviews today?"
        if word == "still" and _after(words, i + 1) in _CONTINUING and _in_the_present(words, i):
            return True
    return False


def _present_day_question(words: list[str]) -> bool:
    """A present-tense question on present-day memory or politics: "what do Russians think of
    Stalin?", "is Memorial still banned?", "how is the Terror remembered in Russian schools?"."""
    vocabulary = set(words)
    if not (_SCHOLARLY.isdisjoint(vocabulary) and _ON_THE_RECORD.isdisjoint(vocabulary)):
        return False
    if next(_phrases_at(words, _THEN_PHRASES), None) is not None:
        return False
    present = False
    asking = {i for i, _ in _phrases_at(words, _ASKING_THE_FORUM)}
    for i, word in enumerate(words):
        if (
            word not in _PRESENT_AUXILIARIES
            or (word == "have" and i and words[i - 1] in _MODALS)
            or i in asking
        ):
            continue
        present = True
        j = i + 1
        while j < i + 3 and _after(words, j) in _SUBJECT_DETERMINERS:
            j += 1
        if _is_present_day_public(words, j) and not _OPINION_TOPICS.isdisjoint(vocabulary):
            return True
    if not present or not _SOURCE_TALK.isdisjoint(vocabulary):
        return False  # "why does Serge say Stalin is popular in Russia?" is about the source
    if not _NOW_WORDS.isdisjoint(vocabulary) and not _PRESENT_DAY_TOPICS.isdisjoint(vocabulary):
        return True
    remembered_now = any(
        word in _MEMORY_PREDICATES and _PAST_BE.isdisjoint(words[max(0, i - 2) : i])
        for i, word in enumerate(words)
    )  # "how Stalin is viewed", not "how Stalin was viewed"
    return remembered_now and not _PLACES.isdisjoint(vocabulary)


def mentions_recent_events(question: str, today: date) -> bool:
    """A year (or decade) inside the last 20 years, present-day politics, or a present-tense
    question about today's world; the present tense about the historical record is fine."""
    return _mentions_recent_events(question, _sentences(question), today)


def _mentions_recent_events(question: str, sentences: list[list[str]], today: date) -> bool:
    recent_year, older_year = _recent_year(question, today)
    if recent_year:
        return True
    cutoff = today.year - RECENT_YEARS
    # what a quoted source says is of its time: "'currently under investigation'"
    unquoted = _without_quotations(question)
    for words in map(_without_glosses, sentences if unquoted == question else _sentences(unquoted)):
        if _as_of_now(words, not _ON_THE_RECORD.isdisjoint(words), older_year, cutoff):
            return True
    for words in map(_without_glosses, sentences):
        vocabulary = set(words)
        scholarly = not _SCHOLARLY.isdisjoint(vocabulary)
        on_record = not _ON_THE_RECORD.isdisjoint(vocabulary)
        if _named_present_day(words, cutoff) or (not scholarly and _present_phrase(words)):
            return True
        if _set_in_the_past(words, cutoff):
            continue  # "in 1938 the Czechs asked: are the Russians going to ...?"
        if (
            (not on_record and _state_acting_now(words, older_year))
            or (not (scholarly or on_record) and _now_adjective(words, older_year))
            or (not (scholarly or on_record) and _as_things_stand(words, older_year))
            or _present_day_question(words)
        ):
            return True
    return False


# Views held now of the past, which may be asked about in the present: "what do historians
# currently think ...?" (but "can researchers currently get into the FSB archives?" is news)
_HELD_VIEWS = frozenset(
    "think thinks believe believes agree agrees argue argues accept accepts consider considers "
    "view views know knows understand understands estimate estimates doubt doubts dispute disputes "
    "say says see sees interpret interprets explain explains".split()
)
_RIGHT_NOW = _index(["currently", "right now", "at the moment", "at present", "lately"])
_LATELY_WORD = _words("lately")
# a quotation: opened after a space or bracket, closed before one (not "Yagoda's")
_QUOTED = re.compile(
    r"(?:^|(?<=[\s(\[]))['\"\u2018\u201c](?=[^\W\d_])[^'\"\u2018\u2019\u201c\u201d]{1,300}"
    r"['\"\u2019\u201d](?=[\s).,;:?!\u2013\u2014-]|$)"
)  # (not "the '30s")
_WHOLE_QUESTION = 0.8  # a quotation this much of the question is the member's own question


def _without_quotations(question: str) -> str:
    """The question without what it quotes from a source ("'currently under investigation'"),
    but a question that is all one quotation is kept: it is the member asking."""
    whole = len(question.strip())
    return _QUOTED.sub(
        lambda quoted: quoted.group() if len(quoted.group()) >= _WHOLE_QUESTION * whole else " ",
        question,
    )


_BACK = frozenset("back returned home".split())
# ... not after these: what is on the record now ("the currently accepted death toll", "the best
# book currently available")
_STILL_ON_THE_RECORD = frozenset(
    "available accepted known believed thought understood considered estimated in out".split()
)
# who keeps the record: "what are historians currently debating?" asks about the record
_THE_RECORDS_KEEPERS = frozenset(
    "historians historian scholars scholar experts academics historiography consensus".split()
)
# The old Soviet institutions: "the current head of the NKVD" is told of the past
_OLD_INSTITUTIONS = frozenset(
    "nkvd ogpu gpu cheka comintern gulag politburo kgb mgb nkgb bolshevik bolsheviks tsar "
    "tsarist".split()
)
# ... and what an office or a regime of theirs is called: "the current Soviet regime", "the
# current head of the secret police" (in Darkness at Noon)
_OLD_OFFICES = _OLD_INSTITUTIONS | frozenset("soviet party secret red".split())
_FIRST_PERSON = frozenset("i me my we our us".split())


def _members_own_doing(words: list[str], i: int, length: int) -> bool:
    """ "Currently reading Kotkin.": a clause opening on "currently" and a verb in -ing is the
    member telling what they are doing ("I am" left out), not asking about the present day."""
    opening = i == 0 or words[i - 1] == BREAK
    return opening and _after(words, i + length).endswith("ing")


def _as_of_now(words: list[str], on_record: bool, older_year: bool, cutoff: int) -> bool:
    """ "Russians today", "can researchers currently get into the FSB archives?", "why are new
    statues going up lately?", "who is the current head of the FSB?": the state of things now,
    archives or not (but not "what do historians currently think?", which asks about the record;
    "I've been reading about Yagoda lately", about the member; "had Yagoda lately fallen out of
    favour?", "Beria, the current head of the NKVD, releases prisoners in 1939" and "which part
    of Ukraine today was the Kharkov oblast of 1932?", told of the past)."""
    if not _PAST_MARKERS.isdisjoint(words) or _dated_in_the_past(words, cutoff):
        return False
    for i, word in enumerate(words):
        if (
            word in _AS_OF_NOW
            and i
            and not older_year
            and _SCHOLARLY.isdisjoint(words)  # "what do historians in Russia today think?"
            and (words[i - 1] in _PLACES or (i >= 2 and words[i - 2] in _NATIONALITIES))
        ):
            return True  # "Russians today", "Russian politicians today", "streets in Russia today"
    if (
        on_record
        or not _HELD_VIEWS.isdisjoint(words)
        or not _FIRST_PERSON.isdisjoint(words)
        or not _THE_RECORDS_KEEPERS.isdisjoint(words)
    ):
        return False
    for i, phrase in _phrases_at(words, _RIGHT_NOW):
        following = _after(words, i + len(phrase))
        if _members_own_doing(words, i, len(phrase)) or following in _STILL_ON_THE_RECORD:
            continue  # "currently reading Kotkin", "the best book currently available"
        if phrase == _LATELY_WORD and (_is_participle(following) or following in _BACK):
            continue  # "Tukhachevsky, lately promoted to Marshal"
        if phrase != _words("at the moment") or following == BREAK:
            return True
    # "who is the current head of the FSB?" (but "who is the current head of the NKVD?"), "who
    # heads / is the head of the FSB?"
    return any(
        (
            word == "current"
            and _after(words, i + 1) in _OFFICES
            and _OLD_OFFICES.isdisjoint(words[i + 2 : i + 6])
        )
        or (
            word in _OFFICES
            and not older_year
            and not _PRESENT_DAY_BODIES.isdisjoint(words[i + 1 : i + 4])
        )
        for i, word in enumerate(words)
    )


def _dated_in_the_past(words: list[str], cutoff: int) -> bool:
    """Whether a clause of the sentence is dated before the last 20 years: "in 1939", "by
    1928" (but not "the 1937 case files", which names what is asked about)."""
    return any(
        word in _TIME_PREPOSITIONS
        and _is_older_year(
            _after(words, i + 1 + (_after(words, i + 1) in _TIME_QUALIFIERS)), cutoff
        )
        for i, word in enumerate(words)
    )


_GLOSSES = frozenset("what which that".split())
_BEFORE_A_GLOSS = frozenset(("in", "of", "to", "from", "near", BREAK))
_AS_IT_IS = frozenset("now today".split())
_NAMED = frozenset("called known named spelled spelt".split())


def _without_glosses(words: list[str]) -> list[str]:
    """The words without a present-day name given in passing: "in what is now Altai Krai", "in
    what is Ukraine today", ", which is now a museum", "nowadays it's called the Holodomor"."""
    out: list[str] = []
    i = 0
    while i < len(words):
        if (
            words[i] in _AS_OF_NOW
            and (i == 0 or words[i - 1] == BREAK)
            and words[i + 1 : i + 3] in (["it", "is"], ["this", "is"], ["that", "is"])
            and _after(words, i + 3) in _NAMED
        ):
            i += 1  # "Nowadays it's called the Holodomor, but what did officials call it?"
            continue
        if i and words[i - 1] in _BEFORE_A_GLOSS and words[i] in _GLOSSES:
            if _after(words, i + 1) == "is" and _after(words, i + 2) in _AS_IT_IS:
                i += 3
                continue
            if _after(words, i + 1) == "is" and _after(words, i + 3) in _AS_IT_IS:
                i += 4
                continue
        out.append(words[i])
        i += 1
    return out


_TIME_PREPOSITIONS = frozenset("in by during until till before around".split())
_TIME_QUALIFIERS = frozenset(
    "early late mid the spring summer autumn winter january february march april may june july "
    "august september october november december".split()
)


def _set_in_the_past(words: list[str], cutoff: int) -> bool:
    """Whether the sentence is dated before the last 20 years before it asks anything in the
    present tense: "in 1938 the Czechs asked: are the Russians going to ...?" (but not "will
    Russia ever apologise for what happened in 1937?")."""
    for i, word in enumerate(words):
        if word in _PRESENT_AUXILIARIES:
            return False
        if word in _TIME_PREPOSITIONS:
            j = i + 1 + (_after(words, i + 1) in _TIME_QUALIFIERS)
            if _is_older_year(_after(words, j), cutoff):
                return True
    return False


def check_rules(question: str, today: date | None = None) -> Rule | None:
    """The rule a question breaks, if any; hypotheticals first, as the forum words its removals.

    The question is read into words once, for both rules."""
    sentences = _sentences(question)
    if _is_hypothetical(question, sentences):
        return HYPOTHETICAL
    if _mentions_recent_events(question, sentences, today or date.today()):
        return RECENT
    return None
