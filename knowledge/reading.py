"""What a question asks, read before it is searched (rules in `knowledge/reading.yaml`).

`Reader.read` sets aside greetings, self-introductions and thanks, tells the kinds of fact asked
for (a number, a time, who, yes/no, a whole list) and picks out what the question names that the
plan may not hold: a numbered document, another place, a year or a target number.
"""

import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from knowledge.entries import KnowledgeError, read_yaml
from knowledge.normalize import _phrase_pattern, fold, remember_texts

RULES = Path(__file__).with_name("reading.yaml")
_SENTENCES = re.compile(r"[.!?\n;]+")
# A name after "là" / "tên": capitalised words ("em là Lò Văn A", "tôi tên Mùa A Chu").
_NAME = re.compile(r"\b(là|la|tên|ten) (?:[A-ZĐÀ-Ỹ]\w*(?: |$)){2,4}")
PERCENT = re.compile(r"(\d+) ?%")  # "75%", "75 %" (folded)
YEAR = re.compile(r"(?<!\d)((?:19|20)\d\d)(?!\d)")
_TARGET = re.compile(
    r"\b(?:chi tieu|muc tieu)(?: so| thu)? (\d{1,2}(?:(?: va| voi| hoac| hay|)(?: chi tieu)? \d{1,2})*)(?![\d%]| %)"
)


@dataclass(frozen=True)
class Reading:
    question: str  # folded, without the noise around it
    kinds: frozenset[str]  # "how_many", "when", "who", "yes_no", "overview"
    documents: tuple[tuple[str, int], ...] = ()  # ("nghi quyet", 7)
    places: tuple[str, ...] = ()  # folded names or phrases of places other than the plan's
    years: tuple[int, ...] = ()
    targets: tuple[int, ...] = ()
    people: tuple[str, ...] = ()  # folded names of people named with an honorific


@dataclass(frozen=True)
class Kind:
    name: str
    label: str
    ask: re.Pattern
    facts: re.Pattern | None


class Reader:
    def __init__(self, rules: dict):
        noise = rules["noise"]
        self.openers = _phrase_pattern(noise["openers"])
        self.introductions = _phrase_pattern(noise["introductions"])
        self.thanks = _phrase_pattern(noise["thanks"])
        self.anaphora = _phrase_pattern(noise["anaphora"])
        self.markers = re.compile(rf"(?<!\w)(?:{noise['marker']})(?!\w)")
        self.kinds = {
            name: Kind(
                name,
                spec.get("label", ""),
                re.compile("|".join(spec["ask"])),
                re.compile("|".join(spec["facts"])) if spec.get("facts") else None,
            )
            for name, spec in rules["kinds"].items()
        }
        self.negatives = _phrase_pattern(rules["negatives"])
        self.definition_cue = re.compile(rules["kinds"]["definition"]["cue"])
        self.subjects = {
            entry: _phrase_pattern(names) for entry, names in (rules.get("subjects") or {}).items()
        }
        parts = rules["parts"]
        self.joins = re.compile(r" (?:" + "|".join(parts["joins"]) + ") ")
        self.cued_joins = re.compile(r" (?:" + "|".join(parts["joins"] + parts["cued"]) + ") ")
        self.cues = _phrase_pattern(parts["cues"])
        self.rivals = [[_phrase_pattern([t]) for t in group] for group in rules["rivals"]]
        # Every fact of an answer is compared with the question: each text's titles are found once.
        self._titles = remember_texts(self._titles_alone)
        self.contraries = [
            (_phrase_pattern([a]), _phrase_pattern([b])) for a, b in rules["contraries"]
        ]
        # "lãnh đạo xã khác gì trưởng phòng" compares; it names no other place
        self.other_places = re.compile(
            _phrase_pattern(rules["other_places"]).pattern + r"(?! (?:gi|nhau|voi|biet|the nao))"
        )
        self.place_after = re.compile(
            r"(?<!\w)(?:"
            + "|".join(map(re.escape, rules["place_markers"]))
            + r") (\w+(?: \w+){0,2})"
        )
        self.place_words = set(rules["place_words"])
        self.place_names = re.compile(rules["place_names"])
        honorifics = "|".join(map(re.escape, rules["honorifics"]))
        self.honorific = re.compile(rf"(?i)(?<!\w)(?:{honorifics}) ")
        self.not_names = set(rules["not_names"])
        self.other_place_names = _phrase_pattern(rules["other_place_names"])
        self.requirement = re.compile(rules["requirement"])
        self.possession = re.compile(rules["possession"])
        types = rules["documents"]["types"]
        self.document_type = {alias: kind for kind, aliases in types.items() for alias in aliases}
        names = "|".join(sorted(map(re.escape, self.document_type), key=len, reverse=True))
        self.document_named = re.compile(rf"(?<!\w)({names}) ?(?:so )?0*(\d{{1,4}})(?!\d)")
        self.document_coded = re.compile(rf"(?<!\w)0*(\d{{1,4}}) ({names})(?!\w)")

    @classmethod
    @cache
    def default(cls) -> "Reader":
        return cls.load()

    @classmethod
    def load(cls, path: Path | None = None) -> "Reader":
        """Read the rules again (`/kb_reload`); a broken file raises KnowledgeError."""
        path = path or RULES
        try:
            return cls(read_yaml(path))
        except (KeyError, TypeError, AttributeError, re.error) as error:
            raise KnowledgeError(f"{path}:1: {error!r}") from None

    def read(
        self, question: str, known: set[str] = frozenset(), places: set[str] = frozenset()
    ) -> Reading:
        """`known`: the folded words of the knowledge base; `places`: the folded names of the
        places it names ("si lo lau"), so they are no other place."""
        text = self.without_noise(question)
        named = [n for n in self.place_names_in(question) if n not in places]
        kinds = {name for name, kind in self.kinds.items() if kind.ask.search(text)}
        if re.search(r"(?:à|hả)\W*$", unicodedata.normalize("NFC", question.strip())):
            kinds.add("yes_no")  # "… là bí thư à?": folded, "à" would be the polite "ạ"
        return Reading(
            question=text,
            kinds=frozenset(kinds),
            documents=self.documents(text),
            places=self.places(text, known) + tuple(named),
            years=tuple(int(y) for y in YEAR.findall(text)),
            people=tuple(self.people_in(question)),
            targets=tuple(
                int(n) for group in _TARGET.findall(text) for n in re.findall(r"\d+", group)
            ),
        )

    def without_noise(self, question: str) -> str:
        """The question, folded, without the greetings, self-introduction and thanks around it."""
        kept: list[str] = []
        pointing = False
        question = _NAME.sub(r"\1 ", unicodedata.normalize("NFC", question))  # "em là Lò Văn A"
        for sentence in (fold(s) for s in _SENTENCES.split(question)):
            marker = None
            for found in self.markers.finditer(sentence):
                marker = found  # the last marker: the question follows it
            if marker is not None:
                asked = sentence[marker.end() :]
                # What came before was preamble, unless the question points back to it.
                pointing = bool(self.anaphora.search(asked))
                kept = [*kept, sentence[: marker.start()], asked] if pointing else [asked]
                continue
            thanks = self.thanks.search(sentence)
            if thanks and thanks.start() > 0:  # "… là gì cảm ơn ad": the thanks end it
                sentence = sentence[: thanks.start()]
            kept.append(sentence)
        # A sentence that only greets, introduces the writer or thanks is set aside when
        # something else is left to answer.
        asking = [s for s in kept if s.strip() and self._asks(s, pointing)]
        text = " ".join(self.openers.sub(" ", s, count=1) for s in asking or kept)
        return " ".join(text.split()) or fold(question)

    def _asks(self, sentence: str, pointing: bool) -> bool:
        """Whether a sentence belongs to the question: not greeting or thanks alone; the writer's
        introduction only when the question points back to it ("ban mình")."""
        if pointing and self.introductions.search(sentence) and not self.thanks.match(sentence):
            return True
        return not self._only_noise(sentence)

    def _only_noise(self, sentence: str) -> bool:
        """A sentence that greets, introduces the writer or thanks, and asks nothing."""
        if any(kind.ask.search(sentence) for kind in self.kinds.values()):
            return False
        return bool(
            self.openers.match(sentence)
            or self.introductions.match(sentence)
            or self.thanks.search(sentence)
        )

    def documents(self, text: str) -> tuple[tuple[str, int], ...]:
        found = [(self.document_type[t], int(n)) for t, n in self.document_named.findall(text)]
        found += [(self.document_type[t], int(n)) for n, t in self.document_coded.findall(text)]
        # A four-digit number after "kế hoạch" is a year ("kế hoạch 2027"), not a number.
        return tuple(dict.fromkeys(d for d in found if not 1900 <= d[1] <= 2100))

    def people_in(self, text: str) -> list[str]:
        """Folded names of people named with an honorific ("chị Tẩn Mẩy" → "tan may"); a name
        the writer gives as their own ("em là …") is no one asked about."""
        text = _NAME.sub(r"\1 ", unicodedata.normalize("NFC", text))
        names = []
        for found in self.honorific.finditer(text):
            name = _capitalised(text[found.end() :])
            if len(name) >= 2 and fold(name[0]) not in self.not_names:
                names.append(fold(" ".join(name)))
        return names

    def place_names_in(self, text: str) -> list[str]:
        """Folded names written with capitals after a place word ("xã Dào San" → "dao san")."""
        return [fold(n) for n in self.place_names.findall(unicodedata.normalize("NFC", text))]

    def places(self, text: str, known: set[str]) -> tuple[str, ...]:
        """Places other than the plan's: "xã khác", or a place word followed by words the plan
        never uses ("xa muong te")."""
        found = [m.group(0) for m in self.other_places.finditer(text)]
        found += [m.group(0) for m in self.other_place_names.finditer(text)]
        for match in self.place_after.finditer(text):
            name = match.group(1).split()[:2]
            if len(name) < 2 or name[0] in self.place_words or name[0].isdigit():
                continue  # "máy tính ko": one word after the place word is too little to go by
            if not any(word in known for word in name):
                found.append(match.group(0))
        return tuple(found)

    def holds(self, kind: str, facts: list[str]) -> bool:
        """Whether facts hold the kind of fact asked for (kinds with no rule always do)."""
        rule = self.kinds[kind].facts
        return rule is None or any(rule.search(fold(f)) for f in facts)

    def sides(self, question: str) -> list[str]:
        """The parts of a question about several things, each of two words or more."""
        joins = self.cued_joins if self.cues.search(question) else self.joins
        return [side for side in joins.split(question) if len(side.split()) >= 2]

    def rival_titles(self, question: str, fact: str) -> bool:
        """The question names one title, the fact only its rival ("bí thư" / "Phó Bí thư")."""
        return any(
            said and given and not said & given
            for said, given in zip(self._titles(question), self._titles(fold(fact)), strict=True)
        )

    def _titles_alone(self, text: str) -> tuple[frozenset[int], ...]:
        """Per group of rival titles, which of them the text names alone."""
        return tuple(
            frozenset(i for i, title in enumerate(group) if _alone(title, text))
            for group in self.rivals
        )

    def subjects_named(self, words: str) -> set[str]:
        """The entries whose group of people the (expanded) question names."""
        return {entry for entry, names in self.subjects.items() if names.search(words)}

    def term(self, question: str) -> str:
        """What a "what does it mean" question asks about: "di hoa vi quy" of "dĩ hòa vi quý
        nghĩa là gì"."""
        return " ".join(self.definition_cue.sub(" ", question).split())

    def negative(self, fact: str) -> bool:
        return bool(self.negatives.search(fold(fact)))

    def asks_requirement(self, question: str) -> bool:
        """ "có cần thạc sĩ không" asks what is required; "có bằng cao đẳng thì đạt chưa" asks
        whether what one has is enough."""
        return bool(self.requirement.search(question)) and not self.possession.search(question)

    def contradicts(self, question: str, fact: str) -> bool:
        """The question asserts what the fact's words contradict ("bắt buộc" / "khuyến khích")."""
        fact = fold(fact)
        return any(said.search(question) and other.search(fact) for said, other in self.contraries)


def _alone(title: re.Pattern, text: str) -> bool:
    """The title occurs not as the end of a longer one ("bí thư" in "phó bí thư" does not count)."""
    return any(not text[: m.start()].endswith("pho ") for m in title.finditer(text))


def _capitalised(text: str, most: int = 4) -> list[str]:
    """The capitalised words text opens with ("Tẩn Mẩy có tên" → ["Tẩn", "Mẩy"])."""
    words = []
    for raw in text.split()[:most]:
        word = raw.strip(",.;:!?()\"'")
        if not word or not word[0].isupper():
            break
        words.append(word)
        if word != raw.rstrip():  # "Ánh, Phó Bí thư": the comma ends the name
            break
    return words
