"""Malware scanning of uploaded files.

``get_scanner()`` gives a ClamAV (clamd) scanner when ``CLAMD_SOCKET`` or ``CLAMD_HOST`` is
configured, otherwise the built-in scanner, which refuses the EICAR test file. A scanner that
cannot be reached refuses the file (fail closed): nothing unscanned is ever kept.
"""

import socket
import struct
from dataclasses import dataclass

from django.conf import settings

#: The EICAR anti-virus test string: every scanner must refuse a file containing it.
EICAR = rb"X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"
CHUNK = 64 * 1024


@dataclass(frozen=True)
class ScanResult:
    clean: bool
    #: What was found ("Eicar-Test-Signature") or why scanning failed.
    detail: str = ""
    #: True when the scanner could not give an answer (unreachable, timeout).
    error: bool = False


class BuiltInScanner:
    """Recognises the EICAR test signature; for machines without ClamAV."""

    name = "built-in"

    def scan(self, data: bytes) -> ScanResult:
        if EICAR in data:
            return ScanResult(clean=False, detail="Eicar-Test-Signature")
        return ScanResult(clean=True)


class ClamdScanner:
    """Talks clamd's INSTREAM protocol over a Unix socket or TCP."""

    name = "clamd"

    def __init__(self, *, unix_socket: str = "", host: str = "", port: int = 3310, timeout=30):
        self.unix_socket, self.host, self.port, self.timeout = unix_socket, host, port, timeout

    def _connect(self) -> socket.socket:
        if self.unix_socket:
            sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            sock.settimeout(self.timeout)
            sock.connect(self.unix_socket)
            return sock
        return socket.create_connection((self.host, self.port), timeout=self.timeout)

    def scan(self, data: bytes) -> ScanResult:
        try:
            with self._connect() as sock:
                sock.sendall(b"zINSTREAM\0")
                for start in range(0, len(data), CHUNK):
                    chunk = data[start : start + CHUNK]
                    sock.sendall(struct.pack("!L", len(chunk)) + chunk)
                sock.sendall(struct.pack("!L", 0))
                reply = b""
                while not reply.endswith(b"\0"):
                    part = sock.recv(4096)
                    if not part:
                        break
                    reply += part
        except OSError as error:
            return ScanResult(clean=False, detail=str(error), error=True)
        answer = reply.rstrip(b"\0").decode("utf-8", "replace").strip()
        # "stream: OK" | "stream: Eicar-Test-Signature FOUND" | "... ERROR"
        if answer.endswith("OK"):
            return ScanResult(clean=True)
        if answer.endswith("FOUND"):
            return ScanResult(
                clean=False, detail=answer.split(":", 1)[-1].removesuffix("FOUND").strip()
            )
        return ScanResult(clean=False, detail=answer or "empty reply", error=True)


def get_scanner():
    unix_socket = getattr(settings, "CLAMD_SOCKET", "")
    host = getattr(settings, "CLAMD_HOST", "")
    if unix_socket or host:
        return ClamdScanner(
            unix_socket=unix_socket, host=host, port=getattr(settings, "CLAMD_PORT", 3310)
        )
    return BuiltInScanner()
