"""The raw-SQL floor of each page: the rows it shows, read by one hand-written query through a
cursor, with nothing around it (no request, no ORM, no template). A page's time over its
floor's says what Django and the page itself add; measured taking turns with the page, the
ratio holds on a machine whose absolute times move by 3× between runs.

The SQL is written here on purpose, against the tables as migrations make them: it is the
lower bound a person would write by hand, not what the application's code generates.
"""

from dataclasses import dataclass

PAGE = 25

#: The referral list's rows (referrals.views.list.ListRow, with the names joined).
LIST_ROWS = """
SELECT r.id, r.number, r.application_id, a.number, r.applicant_name, f.name, m.name, u.name,
       r.status
FROM referrals_referral r
JOIN qualification_application a ON a.id = r.application_id
JOIN reference_field f ON f.id = r.field_id
JOIN reference_mode m ON m.id = r.mode_id
LEFT JOIN reference_trainingunit u ON u.id = r.unit_id
WHERE r.voivodeship_id = %s {where}
ORDER BY r.rank_points DESC, r.rank_study_result DESC, r.number
LIMIT 25 OFFSET %s
"""

REFERRAL_FORM = """
SELECT r.*, a.number, a.first_name, a.last_name, a.pesel, a.points, a.study_result,
       s.name, f.name, m.name, u.name, p.name
FROM referrals_referral r
JOIN qualification_application a ON a.id = r.application_id
JOIN qualification_session s ON s.id = r.session_id
JOIN reference_field f ON f.id = r.field_id
JOIN reference_mode m ON m.id = r.mode_id
LEFT JOIN reference_trainingunit u ON u.id = r.unit_id
LEFT JOIN reference_programme p ON p.id = r.programme_id
WHERE r.id = %s
"""

HISTORY = """
SELECT e.created_at, e.action, e.old_status, e.new_status, e.acting_as, e.data, e.user_id
FROM smk_event e
WHERE e.target_type_id = (
    SELECT id FROM django_content_type WHERE app_label = 'referrals' AND model = 'referral'
) AND e.target_id = %s
ORDER BY e.created_at, e.id
"""

RANKING = """
SELECT a.id, a.number, a.first_name, a.last_name, a.points, a.study_result, a.approved_at,
       a.ranking_position, a.qualified
FROM qualification_application a
WHERE a.session_id = %s AND a.voivodeship_id = %s AND a.field_id = %s AND a.mode_id = %s
  AND a.formal_evaluation = 'pozytywna'
ORDER BY a.points DESC NULLS LAST, a.study_result DESC NULLS LAST, a.approved_at, a.number
"""

REGISTER = """
SELECT e.id, e.number, e.kind, e.entry_date, e.first_name, e.last_name, e.pesel, f.name,
       u.name, e.referral_id
FROM registry_registerentry e
JOIN reference_field f ON f.id = e.field_id
LEFT JOIN reference_trainingunit u ON u.id = e.unit_id
WHERE e.voivodeship_id = %s
ORDER BY e.entry_date DESC, e.id DESC
LIMIT 25
"""

APPLICATIONS = """
SELECT a.id, a.number, a.first_name, a.last_name, a.status, s.name, f.name, m.name
FROM qualification_application a
JOIN qualification_session s ON s.id = a.session_id
JOIN reference_field f ON f.id = a.field_id
JOIN reference_mode m ON m.id = a.mode_id
WHERE a.voivodeship_id = %s AND a.status = 'zatwierdzony'
ORDER BY s.applications_from DESC, a.number, a.id
LIMIT 25
"""

UNIT_REFERRALS = """
SELECT r.id, r.number, r.applicant_name, a.number, s.name, f.name, m.name, r.sent_at
FROM referrals_referral r
JOIN qualification_application a ON a.id = r.application_id
JOIN qualification_session s ON s.id = r.session_id
JOIN reference_field f ON f.id = r.field_id
JOIN reference_mode m ON m.id = r.mode_id
WHERE r.unit_id = %s AND r.sent_at IS NOT NULL AND r.status = 'wystawione'
ORDER BY r.sent_at, r.id
LIMIT 25
"""


@dataclass(frozen=True)
class Floor:
    """One hand-written query and its parameters."""

    sql: str
    params: tuple

    def fetch(self) -> list:
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute(self.sql, self.params)
            return cursor.fetchall()


def list_floor(voivodeship_id, *, session_id=None, number=None, name=None, page=1) -> Floor:
    where, params = [], [voivodeship_id]
    if session_id is not None:
        where.append("AND r.session_id = %s")
        params.append(session_id)
    if number is not None:
        where.append("AND upper(r.number) LIKE upper(%s)")
        params.append(f"%{number}%")
    if name is not None:
        where.append("AND upper(r.applicant_name) LIKE upper(%s)")
        params.append(f"%{name}%")
    return Floor(LIST_ROWS.format(where=" ".join(where)), (*params, (page - 1) * PAGE))


def referral_form(referral_id) -> Floor:
    return Floor(REFERRAL_FORM, (referral_id,))


def history(referral_id) -> Floor:
    return Floor(HISTORY, (referral_id,))


def ranking(session_id, voivodeship_id, field_id, mode_id) -> Floor:
    return Floor(RANKING, (session_id, voivodeship_id, field_id, mode_id))


def register(voivodeship_id) -> Floor:
    return Floor(REGISTER, (voivodeship_id,))


def applications(voivodeship_id) -> Floor:
    return Floor(APPLICATIONS, (voivodeship_id,))


def unit_referrals(unit_id) -> Floor:
    return Floor(UNIT_REFERRALS, (unit_id,))
