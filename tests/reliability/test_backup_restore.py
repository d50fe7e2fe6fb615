"""Backup and restore (issue 6, item 7): a ``pg_dump --format=custom`` of a database with
referrals in every status, restored with ``pg_restore`` into a fresh database, holds the same
rows, passes ``check_invariants`` and keeps history append-only (README.md, "Reliability").
"""

import datetime
import io
import os
import shutil
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from psycopg import sql

from accounts.models import Role
from qualification.models import SlotListStatus, Stage
from qualification.services.closing import close_procedure
from referrals import services
from referrals.models import Referral, ReferralStatus
from tests.factories import (
    AccreditationFactory,
    ApplicationFactory,
    ProcedureFactory,
    ProgrammeFactory,
    SlotListFactory,
    SlotListItemFactory,
    TrainingUnitFactory,
    mode,
    person_with_role,
)
from tests.reliability.world import PDF

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]
#: The client tools of this machine (15, as the server; pg_dump must not be older).
PG_DUMP, PG_RESTORE = shutil.which("pg_dump"), shutil.which("pg_restore")


def referrals_in_every_status(mazowieckie):
    """A closed procedure whose referrals went through the services into every status."""
    office = person_with_role(Role.UW, voivodeship=mazowieckie).profiles.get()
    unit = TrainingUnitFactory(voivodeship=mazowieckie)
    accreditation = AccreditationFactory(unit=unit, places=10)
    staff = person_with_role(Role.UNIT_STAFF, unit=unit).profiles.get()
    programme = ProgrammeFactory(field=accreditation.field, mode=mode())
    procedure = ProcedureFactory(voivodeship=mazowieckie, stage=Stage.COMPETITION)
    slot_list = SlotListFactory(
        session=procedure.session, voivodeship=mazowieckie, status=SlotListStatus.APPROVED
    )
    SlotListItemFactory(slot_list=slot_list, field=accreditation.field, mode=mode(), places=6)
    for n in range(6):
        ApplicationFactory(
            session=procedure.session,
            voivodeship=mazowieckie,
            field=accreditation.field,
            formal_evaluation="pozytywna",
            points=60 - n,
        )
    close_procedure(procedure.pk, user=office.user, profile=office)
    changes = services.Changes(
        unit=unit,
        programme=programme,
        planned_start=datetime.date(2026, 10, 1),
        planned_end=datetime.date(2030, 9, 30),
        fields={"unit", "programme", "planned_start", "planned_end"},
    )
    as_office = {"user": office.user, "profile": office}
    as_unit = {"user": staff.user, "profile": staff}

    def sent(referral):
        referral = services.assign(
            referral.pk, version=referral.version, changes=changes, **as_office
        )
        return services.send(referral.pk, version=referral.version, changes=None, **as_office)

    started, rejected, unit_not_started, office_not_started, assigned, issued = (
        Referral.objects.order_by("number")
    )
    started = sent(started)
    services.accept(started.pk, version=started.version, **as_unit)
    rejected = sent(rejected)
    services.reject(rejected.pk, version=rejected.version, justification="Brak miejsc.", **as_unit)
    unit_not_started = sent(unit_not_started)
    services.unit_register_not_started(
        unit_not_started.pk,
        version=unit_not_started.version,
        justification="Nie zgłosił się.",
        attachment=SimpleUploadedFile("decyzja.pdf", PDF),
        **as_unit,
    )
    services.register_not_started(
        office_not_started.pk,
        version=office_not_started.version,
        justification="Rezygnacja.",
        **as_office,
    )
    services.assign(assigned.pk, version=assigned.version, changes=changes, **as_office)
    sent(issued)  # and the rejected one's replacement stays in Wersja robocza
    statuses = set(Referral.objects.values_list("status", flat=True))
    assert statuses == set(ReferralStatus.values), statuses


def _params(dbname=None):
    settings = connection.settings_dict
    return {
        "host": settings["HOST"] or None,
        "port": settings["PORT"] or None,
        "user": settings["USER"] or None,
        "password": settings["PASSWORD"] or None,
        "dbname": dbname or settings["NAME"],
    }


def _libpq_env(params):
    env = dict(os.environ)
    for variable, key in (("PGHOST", "host"), ("PGPORT", "port"), ("PGUSER", "user")):
        if params[key]:
            env[variable] = str(params[key])
    if params["password"]:
        env["PGPASSWORD"] = params["password"]
    return env


def row_counts(params) -> dict[str, int]:
    with psycopg.connect(**params) as conn:
        tables = [
            row[0]
            for row in conn.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
            )
        ]
        return {
            table: conn.execute(
                sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(table))
            ).fetchone()[0]
            for table in tables
        }


@pytest.fixture
def restored_database():
    """A fresh, empty database next to the test database; dropped afterwards."""
    name = f"{connection.settings_dict['NAME']}_restored"
    admin = _params("postgres")
    with psycopg.connect(**admin, autocommit=True) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    yield name
    with psycopg.connect(**admin, autocommit=True) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )


@pytest.mark.skipif(not (PG_DUMP and PG_RESTORE), reason="needs pg_dump and pg_restore")
def test_a_dump_restored_into_a_fresh_database_has_every_row_and_passes_the_invariants(
    mazowieckie, restored_database, tmp_path, settings
):
    settings.MEDIA_ROOT = tmp_path / "media"
    referrals_in_every_status(mazowieckie)
    call_command("check_invariants", stdout=io.StringIO())  # the source is sound
    source = _params()
    target = _params(restored_database)
    dump = tmp_path / "smk.dump"

    subprocess.run(
        [PG_DUMP, "--format=custom", "--no-owner", f"--file={dump}", source["dbname"]],
        env=_libpq_env(source),
        check=True,
        capture_output=True,
        timeout=120,
    )
    subprocess.run(
        [PG_RESTORE, "--no-owner", "--exit-on-error", f"--dbname={target['dbname']}", str(dump)],
        env=_libpq_env(target),
        check=True,
        capture_output=True,
        timeout=120,
    )

    counts = row_counts(source)
    assert counts["referrals_referral"] == Referral.objects.count() == 7
    assert row_counts(target) == counts
    checked = subprocess.run(
        [sys.executable, "manage.py", "check_invariants"],
        cwd=ROOT,
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "smk.settings_test",
            "DATABASE_URL": _url(target),
        },
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "Wszystkie niezmienniki są spełnione" in checked.stdout
    # The trigger came back with the data: history stays append-only in the restored copy.
    with (
        psycopg.connect(**target) as conn,
        pytest.raises(psycopg.errors.InsufficientPrivilege, match="append-only"),
    ):
        conn.execute("UPDATE smk_event SET action = 'forged'")


def _url(params) -> str:
    auth = params["user"] or ""
    if params["password"]:
        auth += f":{params['password']}"
    host = params["host"] or "localhost"
    port = f":{params['port']}" if params["port"] else ""
    return f"postgres://{auth}@{host}{port}/{params['dbname']}"
