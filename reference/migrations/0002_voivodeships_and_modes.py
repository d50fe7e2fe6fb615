"""The 16 voivodeships (TERYT codes) and the two modes of training, fixed by law."""

from django.db import migrations

VOIVODESHIPS = [
    ("02", "dolnośląskie"),
    ("04", "kujawsko-pomorskie"),
    ("06", "lubelskie"),
    ("08", "lubuskie"),
    ("10", "łódzkie"),
    ("12", "małopolskie"),
    ("14", "mazowieckie"),
    ("16", "opolskie"),
    ("18", "podkarpackie"),
    ("20", "podlaskie"),
    ("22", "pomorskie"),
    ("24", "śląskie"),
    ("26", "świętokrzyskie"),
    ("28", "warmińsko-mazurskie"),
    ("30", "wielkopolskie"),
    ("32", "zachodniopomorskie"),
]

MODES = [("rezydentura", "rezydentura"), ("poza-rezydentura", "poza rezydenturą")]


def load(apps, schema_editor):
    Voivodeship = apps.get_model("reference", "Voivodeship")
    Mode = apps.get_model("reference", "Mode")
    for teryt, name in VOIVODESHIPS:
        Voivodeship.objects.update_or_create(teryt=teryt, defaults={"name": name})
    for code, name in MODES:
        Mode.objects.update_or_create(code=code, defaults={"name": name})


def unload(apps, schema_editor):
    apps.get_model("reference", "Voivodeship").objects.filter(
        teryt__in=[t for t, _ in VOIVODESHIPS]
    ).delete()
    apps.get_model("reference", "Mode").objects.filter(code__in=[c for c, _ in MODES]).delete()


class Migration(migrations.Migration):
    dependencies = [("reference", "0001_initial")]

    operations = [migrations.RunPython(load, unload)]
