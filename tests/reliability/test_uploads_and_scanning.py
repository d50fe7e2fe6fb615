"""Uploaded documents: PDF or JPG by content, size-limited, scanned (built-in or clamd)."""

import socket
import struct
import threading

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from smk.scanning import EICAR, BuiltInScanner, ClamdScanner, get_scanner
from smk.uploads import validate_document

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF"
JPG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 32
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
EXE = b"MZ\x90\x00" + b"\x00" * 64


def upload(name, content):
    return SimpleUploadedFile(name, content)


@pytest.mark.parametrize(
    ("name", "content"), [("skan.pdf", PDF), ("skan.JPG", JPG), ("a.jpeg", JPG)]
)
def test_real_pdfs_and_jpgs_are_accepted(name, content):
    assert validate_document(upload(name, content)) in {"application/pdf", "image/jpeg"}


@pytest.mark.parametrize(
    ("name", "content", "code"),
    [
        ("obraz.pdf", PNG, "wrong_type"),  # a PNG renamed .pdf
        ("program.jpg", EXE, "wrong_type"),  # a renamed executable
        ("skan.exe", PDF, "wrong_type"),  # right content, wrong ending
        ("skan.pdf", JPG, "wrong_type"),  # a JPG calling itself a PDF
        ("pusty.pdf", b"", "empty"),
        ("eicar.pdf", b"%PDF-1.4\n" + EICAR, "malware"),
    ],
)
def test_bad_uploads_are_refused_with_a_reason(name, content, code):
    with pytest.raises(ValidationError) as error:
        validate_document(upload(name, content))
    assert error.value.code == code


def test_an_oversize_file_is_refused_saying_the_limit(settings):
    settings.MAX_UPLOAD_BYTES = 1024
    with pytest.raises(ValidationError) as error:
        validate_document(upload("duzy.pdf", PDF + b"0" * 2048))
    assert error.value.code == "too_large"
    assert "1,0\xa0KB" in error.value.message


def test_the_built_in_scanner_is_used_without_clamd(settings):
    settings.CLAMD_SOCKET = settings.CLAMD_HOST = ""
    assert isinstance(get_scanner(), BuiltInScanner)


class FakeClamd:
    """A real TCP server speaking clamd's INSTREAM protocol, for the client's tests."""

    def __init__(self, verdict=None):
        self.server = socket.create_server(("127.0.0.1", 0))
        self.port = self.server.getsockname()[1]
        self.received = b""
        self.verdict = verdict
        self.thread = threading.Thread(target=self.serve, daemon=True)
        self.thread.start()

    def serve(self):
        conn, _ = self.server.accept()
        with conn:
            command = b""
            while not command.endswith(b"\0"):
                command += conn.recv(1)
            assert command == b"zINSTREAM\0"
            while True:
                (length,) = struct.unpack("!L", self._read(conn, 4))
                if length == 0:
                    break
                self.received += self._read(conn, length)
            verdict = self.verdict or (
                b"stream: Eicar-Test-Signature FOUND\0"
                if EICAR in self.received
                else b"stream: OK\0"
            )
            conn.sendall(verdict)
        self.server.close()

    @staticmethod
    def _read(conn, n):
        data = b""
        while len(data) < n:
            data += conn.recv(n - len(data))
        return data


def test_clamd_scanner_sends_the_whole_file_and_reads_a_clean_verdict():
    clamd = FakeClamd()
    content = PDF * 5000  # several INSTREAM chunks
    result = ClamdScanner(host="127.0.0.1", port=clamd.port).scan(content)
    clamd.thread.join(5)
    assert result.clean
    assert clamd.received == content


def test_clamd_scanner_reports_what_it_found():
    clamd = FakeClamd()
    result = ClamdScanner(host="127.0.0.1", port=clamd.port).scan(EICAR)
    assert (result.clean, result.detail) == (False, "Eicar-Test-Signature")


def test_an_unreachable_clamd_refuses_the_file_instead_of_keeping_it_unscanned(settings):
    probe = socket.create_server(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()
    settings.CLAMD_HOST, settings.CLAMD_PORT = "127.0.0.1", port
    with pytest.raises(ValidationError) as error:
        validate_document(upload("skan.pdf", PDF))
    assert error.value.code == "scan_failed"
