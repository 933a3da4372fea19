"""Carry the indicators and pillars that were fixed in code over into a strategy row.

Before this, the goals and pillars were code (Slagelse Kommune's Kommunikation 2023), and
questions held their keys. A database whose questions use those keys gets that strategy, with
the names the code gave them, as its active strategy, so every tagged question keeps its label
and its place on the dashboard. A database with no tagged question (a new municipality, a test
database) gets none: its communications department enters its own strategy.
"""

from django.db import migrations

# The code's labels and order, frozen here as they stood.
GOALS = [
    ("kernefortaelling", "Kendskab til Kernefortællingen", True),
    ("videndeling", "Bedre videndeling", False),
    ("tvaerfagligt_samarbejde", "Øget tværfagligt samarbejde", False),
    ("ansvar_intern_kommunikation", "Alle har ansvar for den gode interne kommunikation", False),
]
PILLARS = [
    ("beliggenhed", "Beliggenhed"),
    ("det_gode_liv", "Det gode liv"),
    ("uddannelse", "Uddannelse"),
]


def strategy_from_questions(apps, schema_editor):
    Question = apps.get_model("surveys", "Question")
    Strategy = apps.get_model("surveys", "Strategy")
    keys = {key for key, _name, _narrative in GOALS}
    tagged = Question.objects.filter(indicator__in=keys).exists() or (
        Question.objects.exclude(pillar="").exists()
    )
    if not tagged or Strategy.objects.exists():
        return
    strategy = Strategy.objects.create(
        name="Kommunikation 2023",
        municipality="Slagelse Kommune",
        narrative_title="Storebæltsforbindelse til det gode liv",
        is_active=True,
    )
    for position, (key, name) in enumerate(PILLARS, start=1):
        strategy.pillars.create(key=key, name=name, position=position)
    for position, (key, name, narrative) in enumerate(GOALS, start=1):
        strategy.goals.create(key=key, name=name, position=position, is_narrative=narrative)


class Migration(migrations.Migration):
    dependencies = [
        ("surveys", "0003_strategy"),
    ]

    operations = [
        migrations.RunPython(strategy_from_questions, migrations.RunPython.noop),
    ]
