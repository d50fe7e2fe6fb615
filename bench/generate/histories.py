"""One referral's story through the state machine, each step a history event in order.

:meth:`ReferralHistories._referral` is one long function on purpose: it follows a referral
from its creation to its final status as the services would, and its steps share the
referral's row and clock."""

import datetime

from django.utils import timezone

from bench.generate.helpers import planned_end_of, text_date
from bench.generate.plan import JUSTIFICATIONS, S
from bench.generate.writers import COLUMNS
from referrals.models import (
    COPIED_FROM_APPLICATION,
    DecidedBy,
    DecisionKind,
    Referral,
    copied_from_application,
)
from registry.models import EKS, EKSStatus, EntryKind, RegisterEntry
from smk.models import Event


class ReferralHistories:
    """The part of :class:`~bench.generate.procedures.World` that writes one referral and its
    story (its events, register entries, EKS, and the replacement of a rejected one)."""

    def _programme_on(self, field_id, mode_id, day):
        for p in reversed(self.programmes[(field_id, mode_id)]):
            if p.valid_from <= day and (p.valid_to is None or day <= p.valid_to):
                return p
        candidates = self.programmes[(field_id, mode_id)]
        return candidates[0] if candidates else None

    def _referral(self, app, final, created_at, clerk, *, mix, replaces=None, depth=0):
        """Write a referral for ``app`` that ends in ``final`` (with its whole story)."""
        rng = self.rng
        voivodeship_id = app["voivodeship_id"]
        office = self.office_name(voivodeship_id)
        pk = self.ids.take(Referral)
        teryt = self.voivodeships[voivodeship_id].teryt
        prefix = f"SK/{app['session_year']}/{teryt}"
        # A replacement's number was taken when the rejection was written (reject() creates
        # the new referral before it logs the rejection).
        number = replaces["next_number"] if replaces else self.numbers.take(prefix)
        r = {
            "id": pk,
            "number": number,
            "application_id": app["id"],
            "session_id": app["session_id"],
            "replaces_id": replaces["id"] if replaces else None,
            "voivodeship_id": voivodeship_id,
            "field_id": app["field_id"],
            "mode_id": app["mode_id"],
            **copied_from_application(*(app[f] for f in COPIED_FROM_APPLICATION)),
            "status": S.DRAFT,
            "unit_id": None,
            "programme_id": None,
            "planned_start": None,
            "planned_end": None,
            "planned_end_reason": "",  # the programme's end: none needed
            "decision": "",
            "decided_by_kind": "",
            "decision_justification": "",
            "decision_attachment": "",
            "decided_at": None,
            "decided_by_id": None,
            "sent_at": None,
            "version": 1,
            "created_at": created_at,
            "updated_at": created_at,
            "created_by_id": replaces["decided_by_id"] if replaces else clerk,
        }
        events = []
        t = created_at

        def event(action, new_status, user, acting_as, data=None):
            events.append((action, r["status"], new_status, user, acting_as, data or {}, t))
            r["status"] = new_status
            r["updated_at"] = t

        def later(low_days, high_days):
            nonlocal t
            t = t + datetime.timedelta(minutes=rng.randint(low_days * 1440, high_days * 1440))
            return t

        if replaces is None:
            event("referral.created", S.DRAFT, clerk, office, {"number": number})
        else:
            event(
                "referral.created_after_rejection",
                S.DRAFT,
                replaces["decided_by_id"],
                self.unit_names[replaces["unit_id"]],
                {"number": number, "replaces": replaces["number"]},
            )
        units = self.units_for.get((voivodeship_id, app["field_id"])) or [None]
        unit_id = rng.choice(units)
        decided_path = final in (S.STARTED, S.REJECTED, S.NOT_STARTED)
        not_started_by = None
        if final == S.NOT_STARTED:
            roll = rng.random()
            not_started_by = (
                "office_draft" if roll < 0.2 else "office_assigned" if roll < 0.5 else None
            )
            if not_started_by is None:
                not_started_by = "office_issued" if roll < 0.7 else "unit"
        needs_unit = final != S.DRAFT and not_started_by != "office_draft"
        if unit_id is None and needs_unit:
            final, needs_unit, decided_path = S.DRAFT, False, False

        def choose_unit(action, new_status):
            programme = self._programme_on(app["field_id"], app["mode_id"], t.date())
            start = (t.date().replace(day=1) + datetime.timedelta(days=32)).replace(day=1)
            r["unit_id"], r["programme_id"] = unit_id, programme.pk if programme else None
            r["planned_start"] = start if programme else None
            r["planned_end"] = (
                planned_end_of(start, programme.duration_months) if programme else None
            )
            changes = {"unit": ["—", self.unit_names[unit_id]]}
            if programme:
                changes |= {
                    "programme": ["—", programme.name],
                    "planned_start": ["—", text_date(start)],
                    "planned_end": ["—", text_date(r["planned_end"])],
                }
            event(action, new_status, clerk, office, changes)

        if final == S.DRAFT and unit_id is not None and rng.random() < 0.3:
            later(1, 10)
            choose_unit("referral.saved", S.DRAFT)
        if needs_unit:
            later(1, 20)
            choose_unit("referral.assigned", S.ASSIGNED)
        sends = final in (S.ISSUED, S.STARTED, S.REJECTED) or not_started_by in (
            "office_issued",
            "unit",
        )
        if sends:
            later(1, 10)
            event("referral.sent", S.ISSUED, clerk, office)
            r["sent_at"] = t
            if rng.random() < 0.1:  # withdrawn once, then assigned and sent again
                later(1, 5)
                event("referral.withdrawn", S.DRAFT, clerk, office)
                r["sent_at"] = None
                later(0, 3)
                event("referral.assigned", S.ASSIGNED, clerk, office)
                later(0, 3)
                event("referral.sent", S.ISSUED, clerk, office)
                r["sent_at"] = t
        staff = self.staff_of.get(r["unit_id"]) if r["unit_id"] else None
        unit_name = self.unit_names.get(r["unit_id"], "")
        entries, eks = [], None
        replacement = None
        if decided_path:
            later(1, 30)
            justification = rng.choice(JUSTIFICATIONS)
            if final == S.STARTED:
                self._decide(r, DecisionKind.ACCEPTED, DecidedBy.UNIT, staff, t)
                eks = self.numbers.take(f"EKS/{teryt}/{t.year}")
                entries.append((EntryKind.START, self.numbers.take(f"REJ/{teryt}/{t.year}"), ""))
                data = {"eks": eks, "register_entry": entries[0][1]}
                event("referral.accepted", S.STARTED, staff, unit_name, data)
            elif final == S.REJECTED:
                self._decide(r, DecisionKind.REJECTED, DecidedBy.UNIT, staff, t, justification)
                replacement = dict(r)  # what the replacement needs of the rejected one
                replacement["when"] = t
                # The replacement's number is taken first, as reject() creates it first.
                replacement["next_number"] = self.numbers.take(prefix)
                data = {"justification": justification, "new_referral": replacement["next_number"]}
                event("referral.rejected", S.REJECTED, staff, unit_name, data)
            elif not_started_by == "unit":
                self._decide(r, DecisionKind.NOT_STARTED, DecidedBy.UNIT, staff, t, justification)
                event(
                    "referral.unit_not_started",
                    S.NOT_STARTED,
                    staff,
                    unit_name,
                    {"justification": justification},
                )
                if rng.random() < 0.7:
                    later(1, 10)
                    entries.append(
                        (
                            EntryKind.STRIKE_OFF,
                            self.numbers.take(f"REJ/{teryt}/{t.year}"),
                            justification,
                        )
                    )
                    data = {"register_entry": entries[-1][1]}
                    event("referral.struck_off", S.NOT_STARTED, clerk, office, data)
            else:  # the office's non-commencement, from Wersja robocza, Przydzielone or Wystawione
                self._decide(r, DecisionKind.NOT_STARTED, DecidedBy.OFFICE, clerk, t, justification)
                entries.append(
                    (
                        EntryKind.STRIKE_OFF,
                        self.numbers.take(f"REJ/{teryt}/{t.year}"),
                        justification,
                    )
                )
                data = {"justification": justification, "register_entry": entries[-1][1]}
                event("referral.not_started", S.NOT_STARTED, clerk, office, data)
        # Drafts saved a few times: the history reaches the events-per-referral target.
        self.referrals_made += 1
        pads = round(self.events_per_referral * self.referrals_made) - self.events_made
        pads = max(0, min(8, pads - len(events)))
        if pads:
            first_step = (
                events[1][6] if len(events) > 1 else created_at + datetime.timedelta(days=2)
            )
            gap = (first_step - created_at) / (pads + 1)
            padding = [
                ("referral.saved", S.DRAFT, S.DRAFT, clerk, office, {}, created_at + gap * (i + 1))
                for i in range(pads)
            ]
            events[1:1] = padding
        r["version"] = len(events)
        self.events_made += len(events)
        self.writer.add(Referral, tuple(r[c] for c in COLUMNS[Referral]))
        for action, old, new, user, acting_as, data, when in events:
            self.writer.add(
                Event,
                (
                    self.ids.take(Event),
                    self.referral_type,
                    pk,
                    action,
                    user,
                    acting_as,
                    old,
                    new,
                    data,
                    when,
                ),
            )
        for kind, entry_number, reason in entries:
            self.writer.add(
                RegisterEntry,
                (
                    self.ids.take(RegisterEntry),
                    entry_number,
                    kind,
                    timezone.localtime(r["decided_at"] if kind == EntryKind.START else t).date(),
                    pk,
                    voivodeship_id,
                    app["first_name"],
                    app["last_name"],
                    app["pesel"],
                    app["field_id"],
                    r["unit_id"],
                    reason,
                    t,
                    clerk if kind == EntryKind.STRIKE_OFF else staff,
                ),
            )
        if eks:
            self.writer.add(
                EKS,
                (
                    self.ids.take(EKS),
                    eks,
                    pk,
                    app["first_name"],
                    app["last_name"],
                    app["pesel"],
                    app["field_id"],
                    app["mode_id"],
                    r["programme_id"],
                    r["unit_id"],
                    r["planned_start"],
                    r["planned_end"],
                    r["decided_at"],
                    1,  # the card as the acceptance creates it
                    EKSStatus.OPEN,
                    "",
                    voivodeship_id,
                ),
            )
        if replacement is not None:
            statuses = [s for s in mix if s != S.REJECTED or depth == 0]
            final_next = rng.choices(statuses, [mix[s] for s in statuses])[0]
            self._referral(
                app,
                final_next,
                replacement["when"],
                clerk,
                mix=mix,
                replaces=replacement,
                depth=depth + 1,
            )

    @staticmethod
    def _decide(r, kind, by_kind, user, when, justification=""):
        r.update(
            decision=kind,
            decided_by_kind=by_kind,
            decision_justification=justification,
            decided_at=when,
            decided_by_id=user,
        )
