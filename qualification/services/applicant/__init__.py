"""The applicant's side of the qualification procedure (WORS, seed 002; SPEC §3).

"Utwórz wniosek", editing a draft and "Zatwierdź", each one transaction. The rules of seed 002,
for one applicant (their account) and one session:

- one field and one voivodeship per session; two applications at most, one per mode
  (rezydentura and poza rezydenturą);
- a new application in a mode deactivates the previous application in that mode;
- a new application for another voivodeship makes every earlier application of that session
  inactive;
- a new application in another field does the same (our decision: the seed allows applications
  "tylko w jednej dziedzinie", and, as with the voivodeship, the newest application decides —
  the applicant is never blocked, and the confirmation page says beforehand what will become
  inactive and why).

So after every action an applicant's active applications (draft or approved) of one session
share one voivodeship and one field and differ in mode. Every write locks the applicant's
account row first (it exists even before their first application, so two tabs creating
applications at once queue up) and then their applications of the session.

Applications are created, changed and approved only in the session's application window and
while the voivodeship's procedure still accepts applications. A draft carries a working number
(``WR/<year>/…``); the application number proper (``WN/<year>/<TERYT>/…``) is given on approval,
as in WORS, so the office's numbering has no gaps left by abandoned drafts.

One module per part: :mod:`.window` (when applications are taken), :mod:`.rules` (the rules
above, the locks and the checks every write shares), :mod:`.application` ("Utwórz wniosek",
editing a draft), :mod:`.approval` ("Zatwierdź"), :mod:`.attachments` and
:mod:`.registration` (the new account and the data a new application starts with). This
package exports what the views, forms and tests use.
"""

from qualification.services.applicant.application import (
    Created,
    create_application,
    draft_number_prefix,
    update_draft,
)
from qualification.services.applicant.approval import (
    approval_obstacles,
    approve_application,
    has_final_number,
)
from qualification.services.applicant.attachments import (
    MAX_ATTACHMENTS_PER_KIND,
    add_attachment,
    remove_attachment,
)
from qualification.services.applicant.registration import (
    REGISTERED,
    applicant_defaults,
    register_applicant,
    registered_pesel,
)
from qualification.services.applicant.rules import (
    ACTIVE_STATUSES,
    APPLICANT_FIELDS,
    MAX_PREFERRED_UNITS,
    ApplicantError,
    ConsequencesChanged,
    Deactivation,
    DeactivationReason,
    accredited_units,
    active_applications,
    checked_units,
    deactivations_for,
    edit_refusal,
    missing_data,
    no_units_message,
    planned_deactivations,
    stale_message,
)
from qualification.services.applicant.window import (
    PAPER_DAYS,
    next_session,
    paper_deadline,
    procedure_refusal,
    sessions_accepting,
    window_refusal,
)

__all__ = [
    "ACTIVE_STATUSES",
    "APPLICANT_FIELDS",
    "MAX_ATTACHMENTS_PER_KIND",
    "MAX_PREFERRED_UNITS",
    "PAPER_DAYS",
    "REGISTERED",
    "ApplicantError",
    "ConsequencesChanged",
    "Created",
    "Deactivation",
    "DeactivationReason",
    "accredited_units",
    "active_applications",
    "add_attachment",
    "applicant_defaults",
    "approval_obstacles",
    "approve_application",
    "checked_units",
    "create_application",
    "deactivations_for",
    "draft_number_prefix",
    "edit_refusal",
    "has_final_number",
    "missing_data",
    "next_session",
    "no_units_message",
    "paper_deadline",
    "planned_deactivations",
    "procedure_refusal",
    "register_applicant",
    "registered_pesel",
    "remove_attachment",
    "sessions_accepting",
    "stale_message",
    "update_draft",
    "window_refusal",
]
