"""``manage.py pz_demo_idp``: the demo stand-in for the national node on 127.0.0.1:8090 (``make
demo``; README "Logowanie przez Profil Zaufany"). Its key pair and the demo service provider's
are made in ``var/pz-demo/`` on the first run (never committed). Not for production."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from pz import saml
from pz.keys import write_key_pair
from pz.testidp import DEMO_PEOPLE, TestIdP

DEMO_DIR = Path(settings.BASE_DIR) / "var" / "pz-demo"


class Command(BaseCommand):
    help = "Run the demo Profil Zaufany IdP (a test SAML IdP) on 127.0.0.1."

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=8090)
        parser.add_argument(
            "--prepare",
            action="store_true",
            help="only make the key pairs and the IdP's metadata file, then stop",
        )

    def handle(self, *args, port: int, prepare: bool, **options):
        if not settings.DEBUG:
            raise CommandError("the demo IdP runs only with DEBUG=1")
        write_key_pair(DEMO_DIR, "sp", "SMK demo SP")
        idp = TestIdP(DEMO_DIR / "idp", port=port)
        if prepare:
            idp.stop()
            self.stdout.write(f"demo IdP metadata: {idp.metadata_file}")
            return
        if not saml.enabled():
            raise CommandError("set the PZ_* variables as `make demo` does")
        idp.trust_sp(saml.sp_metadata())
        people = ", ".join(f"{p.first_name} {p.last_name}" for p in DEMO_PEOPLE)
        self.stdout.write(f"Demo Profil Zaufany on {idp.base_url} ({people})")
        try:
            idp.serve_forever()
        except KeyboardInterrupt:
            idp.stop()
