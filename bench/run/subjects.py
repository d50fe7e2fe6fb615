"""What the measurements open: the users, sessions and rows found in the benchmark data."""

import math

from bench.run import floors


class Subjects:
    """The users, sessions and rows the measurements open, found in the benchmark data."""

    def __init__(self):
        from django.db.models import Count, Q

        from accounts.models import User
        from bench.generate import ADMIN_EMAIL, BENCH_TERYT, clerk_email, unit_staff_email
        from qualification.models import Application, FormalEvaluation, Procedure
        from reference.models import Voivodeship
        from referrals.filters import newest_session
        from referrals.models import Referral, ReferralStatus

        self.voivodeship = Voivodeship.objects.get(teryt=BENCH_TERYT)
        self.clerk = User.objects.get(email=clerk_email(BENCH_TERYT))
        self.admin = User.objects.get(email=ADMIN_EMAIL)
        referrals = Referral.objects.filter(voivodeship=self.voivodeship)
        self.session = newest_session(referrals)
        in_session = referrals.filter(session=self.session)
        self.list_rows = in_session.count()
        self.all_rows = referrals.count()

        def first(status):
            return (
                in_session.filter(status=status).order_by("pk").first()
                or referrals.filter(status=status).order_by("-pk").first()
            )

        self.assigned = first(ReferralStatus.ASSIGNED) or first(ReferralStatus.DRAFT)
        self.issued = first(ReferralStatus.ISSUED) or first(ReferralStatus.STARTED)
        # The version counts the referral's events: the longest history there is.
        self.long_history = referrals.order_by("-version", "pk").first()
        self.number_search = f"SK/{self.session.year}/{self.voivodeship.teryt}/000"
        self.procedure = Procedure.objects.get(session=self.session, voivodeship=self.voivodeship)
        biggest = (
            Application.objects.filter(
                session=self.session,
                voivodeship=self.voivodeship,
                formal_evaluation=FormalEvaluation.POSITIVE,
            )
            .values("field_id", "mode_id")
            .annotate(n=Count("pk"))
            .order_by("-n", "field_id", "mode_id")
            .first()
        )
        self.ranking_field, self.ranking_mode = biggest["field_id"], biggest["mode_id"]
        busiest_unit = (
            referrals.filter(sent_at__isnull=False)
            .values("unit_id")
            .annotate(n=Count("pk", filter=Q(status=ReferralStatus.ISSUED)))
            .order_by("-n", "unit_id")
            .first()
        )
        self.busiest_unit_id = busiest_unit["unit_id"]
        self.unit_staff = User.objects.get(email=unit_staff_email(self.busiest_unit_id))

    def pages(self) -> list[dict]:
        """Our pages, each with its raw-SQL floor (bench.run.floors), and for the list the
        admin changelist with the same rows (ReferralAdmin.list_per_page is ours, 25)."""
        from django.urls import reverse

        from referrals.admin import ReferralAdmin

        per_page, admin_per_page = 25, ReferralAdmin.list_per_page
        last = max(1, math.ceil(self.list_rows / per_page))
        all_last = max(1, math.ceil(self.all_rows / per_page))
        ours = reverse("referrals:referral_list")
        admin = reverse("admin:referrals_referral_changelist")
        v, s = self.voivodeship.pk, self.session.pk
        in_session = f"voivodeship__id__exact={v}&session__id__exact={s}"

        def admin_page(page):  # the admin page holding the same rows as our ``page``
            return (page - 1) * per_page // admin_per_page + 1

        lists = [
            (
                "list: newest session, page 1",
                f"{ours}",
                f"{admin}?{in_session}",
                floors.list_floor(v, session_id=s),
            ),
            (
                f"list: newest session, last page ({last})",
                f"{ours}?page={last}",
                f"{admin}?{in_session}&p={admin_page(last)}",
                floors.list_floor(v, session_id=s, page=last),
            ),
            (
                "list: search by number",
                f"{ours}?number={self.number_search}",
                f"{admin}?{in_session}&q={self.number_search}",
                floors.list_floor(v, session_id=s, number=self.number_search),
            ),
            (
                "list: search by name",
                f"{ours}?name=Kowalsk",
                None,
                floors.list_floor(v, session_id=s, name="Kowalsk"),
            ),
            (
                "list: all sessions, page 1",
                f"{ours}?session=",
                f"{admin}?voivodeship__id__exact={v}",
                floors.list_floor(v),
            ),
            (
                f"list: all sessions, last page ({all_last})",
                f"{ours}?session=&page={all_last}",
                f"{admin}?voivodeship__id__exact={v}&p={admin_page(all_last)}",
                floors.list_floor(v, page=all_last),
            ),
        ]
        pages = [
            {
                "name": name,
                "url": url,
                "admin_url": admin_url,
                "floor": floor,
                "user": self.clerk,
                "list": True,
            }
            for name, url, admin_url, floor in lists
        ]
        pages += [
            {
                "name": "referral form",
                "url": reverse("referrals:referral_form", args=[self.assigned.pk]),
                "floor": floors.referral_form(self.assigned.pk),
                "user": self.clerk,
            },
            {
                "name": f"referral history ({self.long_history.version} events)",
                "url": reverse("referrals:referral_history", args=[self.long_history.pk]),
                "floor": floors.history(self.long_history.pk),
                "user": self.clerk,
            },
            {
                "name": "ranking list",
                "url": reverse(
                    "qualification:ranking_detail",
                    args=[self.procedure.pk, self.ranking_field, self.ranking_mode],
                ),
                "floor": floors.ranking(s, v, self.ranking_field, self.ranking_mode),
                "user": self.clerk,
            },
            {
                "name": "register list",
                "url": reverse("registry:entry_list"),
                "floor": floors.register(v),
                "user": self.clerk,
            },
            {
                "name": "application list",
                "url": reverse("qualification:application_list"),
                "floor": floors.applications(v),
                "user": self.clerk,
            },
            {
                "name": "unit's referral list",
                "url": reverse("referrals:unit_referral_list"),
                "floor": floors.unit_referrals(self.busiest_unit_id),
                "user": self.unit_staff,
            },
        ]
        return pages
