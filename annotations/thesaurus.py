"""Words that news writing uses for one another, for "has this been checked already?".

A paraphrase of a claim keeps its meaning and changes its words: "Washington" for "the
US", "the chipmaker's boss" for "its CEO", "curbs" for "restrictions", "$5.5bn" for
"5.5 billion dollars". The lexical engine expands each word of a question with its
group here (and spells numbers one way) before it asks the index, so the claim is found
by its meaning's usual words. Groups are general news, economy, politics and technology
vocabulary, not the wording of any one claim; a group that pulls in a wrong sense costs
a little precision, never a miss.
"""

from __future__ import annotations

import re

GROUPS = [
    # places and their people, governments and capitals as news uses them
    "us usa america american americans washington",
    "china chinese beijing prc mainland",
    "taiwan taiwanese taipei",
    "uk britain british london",
    "eu europe european brussels",
    "japan japanese tokyo",
    "korea korean seoul",
    "russia russian moscow kremlin",
    "india indian delhi",
    "netherlands dutch",
    # people and organisations
    "ceo chief boss executive founder chairman leader president",
    "company companies firm firms business businesses corporation corp enterprise enterprises "
    "group maker makers",
    "government authorities regulators officials administration ministry state",
    "investors shareholders markets traders",
    "customer customers client clients buyer buyers user users",
    "ev evs electric vehicle vehicles car cars carmaker carmakers automaker automakers",
    "giant giants heavyweight heavyweights",
    "analysts experts observers",
    "agency agencies intelligence spies spy",
    "startup startups newcomers",
    "rival rivals competitor competitors challenger challengers",
    "partner partners ally allies",
    # technology
    "chip chips semiconductor semiconductors processor processors gpu gpus silicon "
    "microchip microchips",
    "ai artificial intelligence",
    "model models system systems",
    "factory factories plant plants fab fabs foundry foundries facility facilities production",
    "data dataset datasets",
    "code software program algorithm algorithms",
    "app apps application applications",
    "cyberattack cyberattacks hack hacking hacked breach",
    "technology tech technologies",
    # trade and money
    "export exports exporting exported exporter exporters ship shipping shipments sell "
    "selling sales sold supply supplying supplies offer offers offering provide providing",
    "import imports importing buy buying bought purchase purchases purchasing procure "
    "procuring acquire",
    "ban bans banned banning prohibit prohibited restriction restrictions restrict "
    "restricted curb curbs control controls limit limits sanction sanctions embargo block "
    "blocked barred",
    "allow allowed approve approved approval permit permitted license licence licenses "
    "licences authorise authorized resumption resume resumed",
    "revenue revenues sales income turnover earnings",
    "loss losses lost lose charge charges impairment writedown write-down cost costs",
    "profit profits",
    "share shares stock stocks",
    "market markets",
    "value valuation valued worth capitalisation capitalization",
    "invest invests investing investment investments spend spending expenditure pour",
    "price prices cost",
    "growth grow grows growing grew expand expands expansion rise rising increase",
    "fall fell falls drop dropped drops decline declined slump plunge",
    "deal deals agreement agreements",
    "demand appetite",
    "stockpile stockpiling hoard hoarding stock",
    # saying and claiming
    "said says say told tells stated claims claimed argued warned announced reported "
    "reports according",
    "predict predicted predicts forecast forecasts projected projection expected expects",
    "accuse accused accuses allege alleged alleges",
    "urge urged urges call called calls ask asked",
    "win wins won beat beats lead leads",
    "behind lag lags trails trail",
    "build builds building constructing construct construction built",
    "advanced cutting-edge leading-edge high-end sophisticated state-of-the-art top",
    "largest biggest top leading",
    "new fresh",
    "guidance guide guiding instruct instructions steer steering discourage",
    "backfire backfires counterproductive",
    "strong stronger resilient robust",
    "quarter q1 q2 q3 q4 quarterly",
    "annual annually yearly year",
    "percent per cent pct",
]

# Numbers written in words, and units written several ways, are spelt one way.
NUMBER_WORDS = {
    "one": "1", "two": "2", "three": "3", "four": "4", "five": "5", "six": "6",
    "seven": "7", "eight": "8", "nine": "9", "ten": "10", "eleven": "11", "twelve": "12",
    "fifteen": "15", "twenty": "20", "thirty": "30", "forty": "40", "fifty": "50",
    "sixty": "60", "seventy": "70", "eighty": "80", "ninety": "90", "hundred": "100",
    "half": "50",
}  # fmt: skip
UNITS = {"bn": "billion", "b": "billion", "m": "million", "mn": "million", "tn": "trillion",
         "k": "thousand"}  # fmt: skip
_AMOUNT = re.compile(r"^(\d+(?:[.,]\d+)?)(bn|b|m|mn|tn|k)$")

_GROUP_OF: dict[str, int] = {}
_MEMBERS: list[list[str]] = []
for _n, _line in enumerate(GROUPS):
    _words = _line.split()
    _MEMBERS.append(_words)
    for _word in _words:
        _GROUP_OF.setdefault(_word, _n)


def normalise(word: str) -> list[str]:
    """One way to write a number or an amount: "fifty" → 50, "100bn" → 100 billion."""
    word = word.casefold()
    if word in NUMBER_WORDS:
        return [NUMBER_WORDS[word]]
    if word in UNITS:
        return [UNITS[word]]
    amount = _AMOUNT.match(word)
    if amount:
        return [amount.group(1), UNITS[amount.group(2)]]
    return [word]


def group_of(word: str) -> int | None:
    """The number of ``word``'s group, or None."""
    return _GROUP_OF.get(word.casefold())


def related(word: str) -> list[str]:
    """The other words of ``word``'s group (none for a word outside every group)."""
    group = _GROUP_OF.get(word.casefold())
    if group is None:
        return []
    return [w for w in _MEMBERS[group] if w != word.casefold()]
