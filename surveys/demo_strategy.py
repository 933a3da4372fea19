"""The demo municipality's communication strategy: Slagelse Kommune's Kommunikation 2023.

The names are the strategy's own words: the core narrative "Storebæltsforbindelse til det gode
liv" with its three strengths (Beliggenhed, Det gode liv, Uddannelse), and the four goals under
"Mål for intern kommunikation", in the strategy's order. The questions and statements that
measure them, the wrong answers and the targets are the demo's; the strategy sets no numbers.
"""

from datetime import date
from enum import StrEnum

from .models import CUSTOM, ENPS, Strategy
from .strategy import strategy_activate, strategy_create

NAME = "Kommunikation 2023"


class Indicator(StrEnum):
    """The demo strategy's goal keys, and the indicators every strategy has."""

    VIDENDELING = "videndeling"
    TVAERFAGLIGT_SAMARBEJDE = "tvaerfagligt_samarbejde"
    KERNEFORTAELLING = "kernefortaelling"
    ANSVAR_INTERN_KOMMUNIKATION = "ansvar_intern_kommunikation"
    ENPS = ENPS
    CUSTOM = CUSTOM


class Pillar(StrEnum):
    """The demo strategy's pillar keys."""

    BELIGGENHED = "beliggenhed"
    DET_GODE_LIV = "det_gode_liv"
    UDDANNELSE = "uddannelse"


SLAGELSE = {
    "name": NAME,
    "municipality": "Slagelse Kommune",
    "narrative_title": "Storebæltsforbindelse til det gode liv",
    "narrative_text": (
        "Kernefortællingen fokuserer på kommunens særlige styrkepositioner: Beliggenhed, Det "
        "gode liv og Uddannelse. Med afsæt i dem ønsker vi at positionere og videreudvikle vores "
        "kommune som et attraktivt sted at bo, arbejde og studere og for virksomheder og "
        "investorer at vælge til."
    ),
    "narrative_wrong_titles": ["Midt i Danmark – midt i livet", "Broen til fremtiden"],
    "wrong_pillars": ["Turisme", "Industri og erhverv"],
    "narrative_statements": [
        "Kernefortællingen gør mig stolt af at arbejde i Slagelse Kommune.",
        "Jeg bruger Kernefortællingen, når jeg fortæller om min arbejdsplads og om det gode liv "
        "ved Storebælt.",
    ],
    "pillars": [
        {
            "key": Pillar.BELIGGENHED,
            "name": "Beliggenhed",
            "question": "Hvad siger Kernefortællingen om kommunens beliggenhed?",
            "answer": "Vi har en unik geografisk placering midt i landet",
            "wrong_answers": [
                "Vi ligger tæt på hovedstaden og dens arbejdspladser",
                "Vi ligger langt fra motorvej og jernbane, i ro og fred",
            ],
        },
        {
            "key": Pillar.DET_GODE_LIV,
            "name": "Det gode liv",
            "question": "Slagelse Kommune er ifølge Kernefortællingen en kommune med plads til …",
            "answer": "det gode liv",
            "wrong_answers": ["flere parkeringspladser", "store industrianlæg"],
        },
        {
            "key": Pillar.UDDANNELSE,
            "name": "Uddannelse",
            "question": "Hvad fremhæver Kernefortællingen under Uddannelse?",
            "answer": "Uddannelses- og karrieremuligheder",
            "wrong_answers": [
                "Gratis efteruddannelse for alle borgere",
                "Et nyt universitetshospital",
            ],
        },
    ],
    "goals": [
        {
            "key": Indicator.VIDENDELING,
            "name": "Bedre videndeling",
            "statement": "Vi er gode til at dele viden med hinanden, hvor jeg arbejder.",
            "target_value": "0.75",
            "target_date": date(2027, 12, 31),
        },
        {
            "key": Indicator.TVAERFAGLIGT_SAMARBEJDE,
            "name": "Øget samarbejde tværfagligt",
            "statement": (
                "Jeg oplever et godt tværfagligt samarbejde med kolleger fra andre faggrupper "
                "og afdelinger."
            ),
        },
        {
            "key": Indicator.KERNEFORTAELLING,
            "name": "Sikre kendskab til Kernefortællingen i organisationen",
            "statement": "Jeg kender Kernefortællingen og kan fortælle, hvad den handler om.",
            "is_narrative": True,
            "target_value": "0.8",
            "target_date": date(2027, 12, 31),
        },
        {
            "key": Indicator.ANSVAR_INTERN_KOMMUNIKATION,
            "name": "Sikre forståelse for, at alle har et ansvar for den gode interne "
            "kommunikation",
            "statement": "Jeg ved, at jeg selv har et ansvar for den gode interne kommunikation.",
        },
    ],
}


def load_demo_strategy() -> Strategy:
    """Make the demo strategy the active one, storing it the first time (idempotent)."""
    existing = Strategy.objects.filter(name=NAME, municipality=SLAGELSE["municipality"]).first()
    if existing is not None:
        return strategy_activate(strategy=existing)
    return strategy_create(**SLAGELSE)
