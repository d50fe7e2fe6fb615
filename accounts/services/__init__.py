"""Every change to profiles and role requests (seed 003): one durable transaction each, the
changed rows locked, a history event written, e-mails queued to go after the commit.

One module per side: :mod:`.requests` (the requester's role requests and contact data),
:mod:`.signed_files` (the signed scans: attached, scanned, removed), :mod:`.decisions` (the
administrator's decisions on requests and profiles); :mod:`.common` holds what they share
(the errors, the locks, the profile's status, e-mail to the requester). This package exports
what the views, the commands and the tests use.
"""

from accounts.services.common import AccountsError, UnsafeFileRemoved
from accounts.services.decisions import (
    approve_request,
    archive_due_requests,
    block_profile,
    reject_request,
    unblock_profile,
)
from accounts.services.requests import (
    mark_downloaded,
    reserve_request_numbers,
    set_attachment_sent_otherwise,
    submit_role_requests,
    update_contact_data,
    withdraw_request,
)
from accounts.services.signed_files import (
    attach_signed_file,
    delete_attachment,
    rescan_pending_attachments,
)

__all__ = [
    "AccountsError",
    "UnsafeFileRemoved",
    "approve_request",
    "archive_due_requests",
    "attach_signed_file",
    "block_profile",
    "delete_attachment",
    "mark_downloaded",
    "reject_request",
    "rescan_pending_attachments",
    "reserve_request_numbers",
    "set_attachment_sent_otherwise",
    "submit_role_requests",
    "unblock_profile",
    "update_contact_data",
    "withdraw_request",
]
