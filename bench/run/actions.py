"""Actions: "Przydziel", "Wyślij" and the unit's "Akceptuj" through referrals.services by
threads with connections of their own, on one hot unit or on many units, in scratch sessions."""

import datetime
import math
import threading
import time

from bench.run.common import summary_ms


def scratch_session(purpose: str):
    """A session of its own, dated long before the national data, so it is never the
    newest one (the lists' default) and its numbers have prefixes of their own."""
    from bench.generate import SCRATCH_SESSION_PREFIX, make_session, session_dates

    stamp = datetime.datetime.now().strftime("%Y-%m-%d %H:%M:%S.%f")
    return make_session(f"{SCRATCH_SESSION_PREFIX} {stamp} — {purpose}", session_dates(2001, True))


# ---- Actions: assign, send, accept ------------------------------------------------------------


def prepare_actions(threads: int, per_thread: int, *, hot: bool) -> list[dict]:
    """Draft referrals for each thread: all in the busiest field on one unit (``hot``), or
    each thread in a voivodeship of its own, every referral on another unit. The
    accreditations get the places the run will take."""
    from django.db.models import Count, F

    from bench.generate import (
        BENCH_TERYT,
        SCRATCH_TERYT,
        add_procedure,
        clerk_email,
        unit_staff_email,
    )
    from qualification.models import Stage
    from reference.models import Accreditation, Field, Programme, Voivodeship
    from referrals.models import Referral, ReferralStatus

    # Not the voivodeship whose pages are measured: its lists stay the same from run to run.
    voivodeships = list(Voivodeship.objects.exclude(teryt=BENCH_TERYT).order_by("teryt"))
    if hot:
        chosen = [next(v for v in voivodeships if v.teryt == SCRATCH_TERYT)] * threads
    else:
        chosen = [voivodeships[i % len(voivodeships)] for i in range(threads)]
    field = Field.objects.annotate(n=Count("accreditations")).order_by("-n", "pk").first()
    session = scratch_session("czynności " + ("jedna jednostka" if hot else "wiele jednostek"))
    plans = []
    for index, voivodeship in enumerate(dict.fromkeys(chosen)):
        wanted = per_thread * chosen.count(voivodeship)
        procedure = add_procedure(
            session,
            voivodeship,
            applications=math.ceil(wanted / 0.8) + 10,
            status_mix={ReferralStatus.DRAFT: 1},
            fields=[field],
            seed=index + 1,
            qualified_share=0.9,
        )
        assert procedure.stage == Stage.CLOSED
        drafts = list(
            Referral.objects.filter(session=session, voivodeship=voivodeship, field=field)
            .order_by("pk")
            .values_list("pk", "version", "mode_id")[:wanted]
        )
        if len(drafts) < wanted:
            raise RuntimeError(f"only {len(drafts)} draft referrals for {wanted} actions")
        units = list(
            Accreditation.objects.active()
            .filter(field=field, unit__voivodeship=voivodeship)
            .order_by("unit_id")
            .values_list("unit_id", flat=True)
        )
        units = units[:1] if hot else units
        programmes = {
            p.mode_id: p.pk for p in Programme.objects.in_force().filter(field=field).order_by("pk")
        }
        takes = {}
        for n, (pk, version, mode_id) in enumerate(drafts):
            unit_id = units[n % len(units)]
            takes[unit_id] = takes.get(unit_id, 0) + 1
            drafts[n] = (pk, version, unit_id, programmes[mode_id])
        for unit_id, n in takes.items():
            Accreditation.objects.active().filter(unit_id=unit_id, field=field).update(
                places=F("places") + n
            )
        share = [drafts[i :: chosen.count(voivodeship)] for i in range(chosen.count(voivodeship))]
        plans += [
            {
                "office": clerk_email(voivodeship.teryt),
                "staff": {unit_id: unit_staff_email(unit_id) for unit_id in units},
                "referrals": part,
            }
            for part in share
        ]
    return plans


def _act(plan: dict, barrier: threading.Barrier, timings: dict, errors: list) -> None:
    from django.db import connection

    from accounts.models import User
    from accounts.profiles import profiles_of
    from reference.models import Programme, TrainingUnit
    from referrals import planned_dates, services
    from referrals.models import Referral

    try:
        office = User.objects.get(email=plan["office"])
        office_profile = profiles_of(office)[0]
        staff = {}
        for unit_id, email in plan["staff"].items():
            user = User.objects.get(email=email)
            staff[unit_id] = {"user": user, "profile": profiles_of(user)[0]}
        units = TrainingUnit.objects.in_bulk(list(plan["staff"]))
        programmes = Programme.objects.in_bulk([p for *_, p in plan["referrals"]])
        sessions = {
            r.pk: r.session
            for r in Referral.objects.filter(
                pk__in=[pk for pk, *_ in plan["referrals"]]
            ).select_related("session")
        }
        barrier.wait()
        for pk, version, unit_id, programme_id in plan["referrals"]:
            programme = programmes[programme_id]
            start, end = planned_dates.proposed_dates(sessions[pk], programme)
            changes = services.Changes(
                units[unit_id],
                programme,
                start,
                end,
                fields={"unit", "programme", "planned_start", "planned_end"},
            )
            as_office = {"user": office, "profile": office_profile}
            steps = (
                ("assign", services.assign, {"changes": changes, **as_office}),
                ("send", services.send, {"changes": None, **as_office}),
                ("accept", services.accept, staff[unit_id]),
            )
            for name, service, kwargs in steps:
                started = time.perf_counter()
                try:
                    version = service(pk, version=version, **kwargs).version
                except services.ReferralError as error:
                    errors.append(f"{name} {pk}: {error}")
                    break
                finally:
                    timings.setdefault(name, []).append(time.perf_counter() - started)
    except threading.BrokenBarrierError:
        pass
    except Exception as error:  # reported with the results; the other threads go on
        errors.append(repr(error))
        barrier.abort()
    finally:
        connection.close()


def measure_actions(threads: int, per_thread: int, *, hot: bool) -> dict:
    """Assign, send and accept by ``threads`` threads at once; actions per second."""
    from django.db import connection

    plans = prepare_actions(threads, per_thread, hot=hot)
    barrier = threading.Barrier(threads + 1)
    timings, errors = {}, []
    workers = [
        threading.Thread(target=_act, args=(plan, barrier, timings, errors)) for plan in plans
    ]
    for worker in workers:
        worker.start()
    connection.close()  # the workers have connections of their own
    barrier.wait()
    started = time.perf_counter()
    for worker in workers:
        worker.join()
    seconds = time.perf_counter() - started
    actions = sum(len(t) for t in timings.values())
    return {
        "scenario": "one hot unit" if hot else "many units",
        "threads": threads,
        "actions": actions,
        "seconds": round(seconds, 3),
        "actions_per_second": round(actions / seconds, 1) if seconds else None,
        "latency": {name: summary_ms(t) for name, t in sorted(timings.items())},
        "errors": errors[:10],
        "error_count": len(errors),
    }
