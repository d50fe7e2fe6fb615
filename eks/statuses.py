"""The statuses of an entry of the EKS (issue 17): its own, apart from the card's."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class EntryStatus(models.TextChoices):
    #: The diagnostician entered it and may still change or delete it.
    ENTERED = "wprowadzony", _("wprowadzony")
    #: "Przekaż do potwierdzenia": waits for the kierownik specjalizacji.
    SUBMITTED = "przekazany", _("przekazany")
    CONFIRMED = "potwierdzony", _("potwierdzony")
    #: With the kierownik's reason; the diagnostician may correct it and pass it on again.
    REJECTED = "odrzucony", _("odrzucony")
