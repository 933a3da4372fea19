"""Count the waves that closed before tallies existed, as closing counts them now."""

from django.db import migrations


def tally_closed_waves(apps, schema_editor):
    from surveys.tallies import wave_count

    Wave = apps.get_model("surveys", "Wave")
    for wave_id in (
        Wave.objects.filter(status="closed", tallied=False).order_by("pk").values_list("pk", flat=True)
    ):
        wave_count(wave_id=wave_id, get_model=apps.get_model)
        Wave.objects.filter(pk=wave_id).update(tallied=True)


def forget_tallies(apps, schema_editor):
    apps.get_model("surveys", "AnswerTally").objects.all().delete()
    apps.get_model("surveys", "UnitTally").objects.all().delete()
    apps.get_model("surveys", "Wave").objects.update(tallied=False)


class Migration(migrations.Migration):
    dependencies = [
        ("surveys", "0002_tallies"),
    ]

    operations = [
        migrations.RunPython(tally_closed_waves, forget_tallies),
    ]
