"""The two ready surveys, worded from Slagelse Kommune's Kommunikationsstrategi 2023.

Knowledge questions quote the strategy's own wording of Kernefortællingen ("Storebæltsforbindelse
til det gode liv"; the strengths Beliggenhed, Det gode liv, Uddannelse); the Likert statements
are the four goals for internal communication turned into statements one can agree with.
"""

from django.utils.translation import gettext_lazy as _

from .models import Indicator, Pillar, QuestionKind, Recurrence

KERNEFORTAELLING = "kernefortaelling"
INTERN_KOMMUNIKATION = "intern_kommunikation"


def _options(*texts: str, correct: tuple[int, ...]) -> list[dict]:
    return [{"text": text, "is_correct": i in correct} for i, text in enumerate(texts)]


TEMPLATES = {
    KERNEFORTAELLING: {
        "title": _("Puls på Kernefortællingen"),
        "intro": _(
            "Kernefortællingen – Storebæltsforbindelse til det gode liv – er vores fælles "
            "fortælling om Slagelse Kommune. Det er målet, at så mange som muligt i "
            "organisationen kender den. Det tager to minutter, og dine svar er anonyme. "
            "Efter hvert videnspørgsmål kan du se det rigtige svar."
        ),
        "recurrence": Recurrence.MONTHLY,
        "open_days": 10,
        "questions": [
            {
                "kind": QuestionKind.KNOWLEDGE,
                "text": _("Hvad er overskriften på Kernefortællingen?"),
                "indicator": Indicator.KERNEFORTAELLING,
                "options": _options(
                    _("Storebæltsforbindelse til det gode liv"),
                    _("Midt i Danmark – midt i livet"),
                    _("Broen til fremtiden"),
                    correct=(0,),
                ),
            },
            {
                "kind": QuestionKind.KNOWLEDGE,
                "text": _("Hvilke tre styrkepositioner fokuserer Kernefortællingen på?"),
                "indicator": Indicator.KERNEFORTAELLING,
                "options": _options(
                    _("Beliggenhed"),
                    _("Det gode liv"),
                    _("Uddannelse"),
                    _("Turisme"),
                    _("Industri og erhverv"),
                    correct=(0, 1, 2),
                ),
            },
            {
                "kind": QuestionKind.KNOWLEDGE,
                "text": _("Hvad siger Kernefortællingen om kommunens beliggenhed?"),
                "indicator": Indicator.KERNEFORTAELLING,
                "pillar": Pillar.BELIGGENHED,
                "options": _options(
                    _("Vi har en unik geografisk placering midt i landet"),
                    _("Vi ligger tæt på hovedstaden og dens arbejdspladser"),
                    _("Vi ligger langt fra motorvej og jernbane, i ro og fred"),
                    correct=(0,),
                ),
            },
            {
                "kind": QuestionKind.KNOWLEDGE,
                "text": _(
                    "Slagelse Kommune er ifølge Kernefortællingen en kommune med plads til …"
                ),
                "indicator": Indicator.KERNEFORTAELLING,
                "pillar": Pillar.DET_GODE_LIV,
                "options": _options(
                    _("det gode liv"),
                    _("flere parkeringspladser"),
                    _("store industrianlæg"),
                    correct=(0,),
                ),
            },
            {
                "kind": QuestionKind.KNOWLEDGE,
                "text": _("Hvad fremhæver Kernefortællingen under Uddannelse?"),
                "indicator": Indicator.KERNEFORTAELLING,
                "pillar": Pillar.UDDANNELSE,
                "options": _options(
                    _("Uddannelses- og karrieremuligheder"),
                    _("Gratis efteruddannelse for alle borgere"),
                    _("Et nyt universitetshospital"),
                    correct=(0,),
                ),
            },
            {
                "kind": QuestionKind.LIKERT,
                "text": _("Kernefortællingen gør mig stolt af at arbejde i Slagelse Kommune."),
                "indicator": Indicator.KERNEFORTAELLING,
            },
            {
                "kind": QuestionKind.LIKERT,
                "text": _(
                    "Jeg bruger Kernefortællingen, når jeg fortæller om min arbejdsplads og "
                    "om det gode liv ved Storebælt."
                ),
                "indicator": Indicator.KERNEFORTAELLING,
            },
        ],
    },
    INTERN_KOMMUNIKATION: {
        "title": _("Intern kommunikation"),
        "intro": _(
            "God intern kommunikation understøtter det gode arbejdsliv. Hvert kvartal spørger "
            "vi til de fire mål for den interne kommunikation. Dine svar er anonyme."
        ),
        "recurrence": Recurrence.QUARTERLY,
        "open_days": 14,
        "questions": [
            {
                "kind": QuestionKind.LIKERT,
                "text": _("Vi er gode til at dele viden med hinanden, hvor jeg arbejder."),
                "indicator": Indicator.VIDENDELING,
            },
            {
                "kind": QuestionKind.LIKERT,
                "text": _(
                    "Jeg oplever et godt tværfagligt samarbejde med kolleger fra andre "
                    "faggrupper og afdelinger."
                ),
                "indicator": Indicator.TVAERFAGLIGT_SAMARBEJDE,
            },
            {
                "kind": QuestionKind.LIKERT,
                "text": _("Jeg kender Kernefortællingen og kan fortælle, hvad den handler om."),
                "indicator": Indicator.KERNEFORTAELLING,
            },
            {
                "kind": QuestionKind.LIKERT,
                "text": _("Jeg ved, at jeg selv har et ansvar for den gode interne kommunikation."),
                "indicator": Indicator.ANSVAR_INTERN_KOMMUNIKATION,
            },
            {
                "kind": QuestionKind.LIKERT,
                "text": _(
                    "Jeg får rettidig og relevant information om det, der har betydning for "
                    "mit arbejde."
                ),
                "indicator": Indicator.CUSTOM,
                "custom_indicator": "rettidig_information",
            },
            {
                "kind": QuestionKind.SCALE,
                "text": _(
                    "Hvor sandsynligt er det, at du vil anbefale Slagelse Kommune som "
                    "arbejdsplads til en ven eller bekendt?"
                ),
                "indicator": Indicator.ENPS,
            },
            {
                "kind": QuestionKind.FREE_TEXT,
                "text": _("Hvad kan gøre den interne kommunikation bedre, hvor du arbejder?"),
            },
        ],
    },
}
