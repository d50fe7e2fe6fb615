from django.urls import path

from accounts.views import account, administration, requests, wizard

app_name = "accounts"

urlpatterns = [
    path("", account.my_account, name="my_account"),
    path("profil/", account.switch_profile, name="switch_profile"),
    path("wybierz-profil/", account.choose_profile, name="choose_profile"),
    path("profile/<int:pk>/dane-kontaktowe/", account.edit_contact_data, name="edit_contact_data"),
    path("przypomnienie/", account.attachment_reminder, name="attachment_reminder"),
    # "Składam wniosek" / "Wnioskuj o inne role"
    path("wniosek/jednostka/", wizard.choose_institution, name="request_institution"),
    path("wniosek/jednostka/wybierz/", wizard.select_institution, name="request_select"),
    path("wniosek/role/", wizard.choose_roles, name="request_roles"),
    path("wniosek/podsumowanie/", wizard.summary, name="request_summary"),
    path("wniosek/anuluj/", wizard.cancel, name="request_cancel"),
    path("wnioski/<int:pk>/pobranie/", requests.download_step, name="request_download"),
    path("wnioski/<int:pk>/pdf/", requests.request_pdf, name="request_pdf"),
    path("wnioski/<int:pk>/zalaczniki/", requests.batch_attachments, name="batch_attachments"),
    path("zalaczniki/<int:pk>/", requests.download_attachment, name="download_attachment"),
    path("zalaczniki/<int:pk>/usun/", requests.delete_attachment, name="delete_attachment"),
    path("wniosek/<int:pk>/wycofaj/", requests.withdraw, name="withdraw_request"),
    path("wniosek/<int:pk>/bez-przypomnien/", requests.sent_otherwise, name="sent_otherwise"),
    # The administrator's screens
    path("administracja/wnioski/", administration.queue, name="admin_queue"),
    path("administracja/wnioski/<int:pk>/", administration.request_detail, name="admin_request"),
    path(
        "administracja/wnioski/<int:pk>/zatwierdz/",
        administration.approve,
        name="admin_approve",
    ),
    path("administracja/wnioski/<int:pk>/odrzuc/", administration.reject, name="admin_reject"),
    path("administracja/dokumenty/<int:pk>/pdf/", administration.batch_pdf, name="admin_pdf"),
    path(
        "administracja/zalaczniki/<int:pk>/",
        administration.download_attachment,
        name="admin_attachment",
    ),
    path("administracja/profile/", administration.profile_list, name="admin_profiles"),
    path("administracja/profile/<int:pk>/", administration.profile_detail, name="admin_profile"),
    path(
        "administracja/profile/<int:pk>/zablokuj/",
        administration.block,
        name="admin_block_profile",
    ),
    path(
        "administracja/profile/<int:pk>/odblokuj/",
        administration.unblock,
        name="admin_unblock_profile",
    ),
]
