from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class QualificationConfig(AppConfig):
    name = "qualification"
    verbose_name = _("Postępowanie kwalifikacyjne")

    @property
    def menu(self):
        from accounts.models import Role
        from smk.navigation import MenuEntry

        return (
            MenuEntry(
                _("Postępowanie kwalifikacyjne"),
                "qualification:procedure_list",
                order=10,
                roles=frozenset({Role.UW, Role.WOJEWODA}),
                section="/postepowanie/",
            ),
            MenuEntry(
                _("Moje wnioski"),
                "qualification:my_applications",
                order=10,
                roles=frozenset({Role.APPLICANT}),
                section="/postepowanie/moje-wnioski/",
            ),
            # Published slot lists are what applicants choose from (SPEC §3).
            MenuEntry(
                _("Listy miejsc szkoleniowych"),
                "qualification:published_slot_lists",
                order=20,
                roles=frozenset({Role.APPLICANT}),
            ),
        )

    def ready(self):
        # Importing the services registers their history texts (smk.audit.register_actions).
        import qualification.services.applicant
        import qualification.services.evaluation
        import qualification.services.manual  # noqa: F401
        from smk.audit import register_actions

        register_actions(
            {
                "procedure.formal_evaluation_started": _("Rozpoczęto ocenę formalną"),
                "procedure.competition_started": _("Rozpoczęto postępowanie konkursowe"),
                "procedure.closed": _("Zakończono postępowanie"),
                "slot_list.places_changed": _("Zmieniono liczby miejsc szkoleniowych"),
                "slot_list.approved": _("Zatwierdzono listę miejsc szkoleniowych"),
                "slot_list.published": _("Opublikowano listę miejsc szkoleniowych"),
            }
        )
