"""PDF rendering: no network at render time, only static files and data: URLs (DESIGN)."""

import base64
import http.server
import io
import logging
import re
import socket
import threading
from pathlib import Path
from types import SimpleNamespace

import pytest
import weasyprint
from PIL import Image

from portal.pdf import (
    SENTINEL_BASE_URL,
    FetchRefused,
    LocalOnlyURLFetcher,
    pdf_from_template,
    pdf_render,
)
from tests.pdf_text import pdf_text

ROOT = Path(__file__).resolve().parents[2]


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 30, 30)).save(buffer, format="PNG")
    return buffer.getvalue()


PNG = _png()
PNG_DATA_URL = "data:image/png;base64," + base64.b64encode(PNG).decode()


def _image_count(pdf: bytes) -> int:
    """Image XObjects in the PDF. Streams never go in object streams, so their dictionaries
    are readable in the raw bytes even when the rest of the file is compressed."""
    return len(re.findall(rb"/Subtype\s*/Image\b", pdf))


@pytest.fixture
def outside_server():
    """An HTTP server on 127.0.0.1 that answers every path (a PNG, CSS or a font) and keeps
    the path of every request it receives."""
    requests = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            requests.append(self.path)
            if self.path.endswith(".css"):
                body, content_type = b"h1 { color: red }", "text/css"
            elif self.path.endswith(".woff2"):
                body, content_type = b"not really a font", "font/woff2"
            else:
                body, content_type = PNG, "image/png"
            self.send_response(200)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield SimpleNamespace(url=f"http://127.0.0.1:{server.server_port}", requests=requests)
    server.shutdown()
    server.server_close()
    thread.join()


@pytest.fixture
def socket_attempts(monkeypatch):
    """Every name lookup or outgoing connection in this process, each refused and recorded."""
    attempts = []

    def getaddrinfo(host, *args, **kwargs):
        attempts.append(("getaddrinfo", host))
        raise OSError("no network in this test")

    def connect(sock, address):
        attempts.append(("connect", address))
        raise OSError("no network in this test")

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    monkeypatch.setattr(socket.socket, "connect", connect)
    return attempts


def _outside_html(base: str) -> str:
    """An image, a stylesheet link, an @import, a background and a web font, all outside."""
    return f"""
        <html><head>
        <link rel="stylesheet" href="{base}/linked.css">
        <style>
          @import url("{base}/imported.css");
          @font-face {{ font-family: Outside; src: url("{base}/font.woff2") format("woff2"); }}
          body {{ font-family: Outside, sans-serif; }}
          .banner {{ width: 20px; height: 20px; background: url("{base}/background.png"); }}
        </style></head>
        <body><h1>Report</h1><img src="{base}/a.png"><div class="banner"></div></body></html>
    """


def test_outside_urls_are_never_requested_and_the_pdf_is_still_made(
    outside_server, socket_attempts
):
    html = _outside_html(outside_server.url) + (
        '<img src="https://example.com/b.png"><img src="//example.com/c.png">'
    )

    pdf = pdf_render(html=html)

    assert pdf.startswith(b"%PDF")
    assert outside_server.requests == []
    assert socket_attempts == []
    assert _image_count(pdf) == 0


def test_the_outside_server_does_see_a_render_with_weasyprints_default_fetcher(
    outside_server, monkeypatch
):
    """The control for the test above: unguarded, WeasyPrint fetches every one of them."""
    for name in ("http_proxy", "HTTP_PROXY", "all_proxy", "ALL_PROXY"):
        monkeypatch.delenv(name, raising=False)

    pdf = weasyprint.HTML(string=_outside_html(outside_server.url)).write_pdf()

    assert set(outside_server.requests) >= {
        "/linked.css",
        "/imported.css",
        "/font.woff2",
        "/background.png",
        "/a.png",
    }
    assert _image_count(pdf) == 2


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "FILE:///etc/passwd",
        "ftp://127.0.0.1/a.png",
        "http://127.0.0.1:9/a.png",
        "https://example.com/static/portal/css/portal.css",  # a static path, another host
        "http://portal.invalid:8000/static/portal/css/portal.css",  # another origin
        "https://user@portal.invalid/static/portal/css/portal.css",
        "https://portal.invalid/media/original_images/photo.png",  # uploads are not static
        "https://portal.invalid/settings.py",
        "https://portal.invalid/static/../portal/settings/base.py",
        "https://portal.invalid/static/portal/../../portal/settings/base.py",
        "https://portal.invalid/static/%2e%2e/%2E%2E/portal/settings/base.py",
        "https://portal.invalid/static//etc/passwd",
        "https://portal.invalid/static/%2Fetc/passwd",
        "https://portal.invalid/static/portal\\..\\..\\manage.py",
        "https://portal.invalid/static/portal/css/",  # a directory
        "https://portal.invalid/static/portal/css/missing.css",
        "javascript:alert(1)",
        "portal/css/portal.css",  # not absolute: WeasyPrint always resolves first
        "http://[::1",
    ],
)
def test_the_fetcher_refuses_everything_but_static_files_and_data_urls(url):
    with pytest.raises(FetchRefused):
        LocalOnlyURLFetcher().fetch(url)


def test_file_urls_in_the_html_are_left_out_and_the_pdf_is_still_made(tmp_path):
    """A real image on disk, so WeasyPrint's default fetcher would embed it; this one must not."""
    (tmp_path / "on-disk.png").write_bytes(PNG)
    html = f"""
        <link rel="stylesheet" href="file:///etc/passwd">
        <style>@import url("file:///etc/passwd");</style>
        <p>Kept</p><img src="file:///etc/passwd"><img src="{(tmp_path / "on-disk.png").as_uri()}">
    """

    pdf = pdf_render(html=html)

    assert pdf.startswith(b"%PDF")
    assert _image_count(pdf) == 0
    assert _image_count(weasyprint.HTML(string=html).write_pdf()) == 1  # the control


def test_refusals_are_logged_with_scheme_and_host_but_no_path_or_query(caplog):
    url = "http://127.0.0.1:9/people/ada-lovelace.png?email=ada@example.com"

    with (
        caplog.at_level(logging.WARNING, logger="portal.pdf"),
        pytest.raises(FetchRefused) as refused,
    ):
        LocalOnlyURLFetcher().fetch(url)

    [record] = [r for r in caplog.records if r.name == "portal.pdf"]
    assert record.levelno == logging.WARNING
    assert "http" in record.getMessage()
    assert "127.0.0.1" in record.getMessage()
    for leak in ("ada", "people", "email", "example.com"):
        assert leak not in record.getMessage()
        assert leak not in str(refused.value)


def test_a_data_url_image_is_embedded():
    response = LocalOnlyURLFetcher().fetch(PNG_DATA_URL)
    assert response.read() == PNG
    assert response.content_type == "image/png"

    pdf = pdf_render(html=f'<p>Badge</p><img src="{PNG_DATA_URL}">')

    assert pdf.startswith(b"%PDF")
    assert _image_count(pdf) == 1


def test_the_fetcher_serves_the_portals_own_static_files():
    response = LocalOnlyURLFetcher().fetch(f"{SENTINEL_BASE_URL}static/portal/css/portal.css")

    assert response.read() == (ROOT / "portal/static/portal/css/portal.css").read_bytes()
    assert response.content_type == "text/css"
    assert response.charset == "utf-8"


def test_a_template_links_static_files_with_the_static_tag(settings, tmp_path):
    """End to end: `{% static %}` in a template, a stylesheet found by the finders, and an
    image the stylesheet names relative to itself, all loaded from disk."""
    static = tmp_path / "static"
    (static / "pdf-test").mkdir(parents=True)
    (static / "pdf-test/print.css").write_text(
        ".logo { width: 8px; height: 8px; background: url(logo.png) no-repeat; }"
    )
    (static / "pdf-test/logo.png").write_bytes(PNG)
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "pdf-test.html").write_text(
        "{% load static %}"
        '<link rel="stylesheet" href="{% static \'pdf-test/print.css\' %}">'
        '<h1>{{ name }}</h1><div class="logo"></div>'
    )
    settings.STATICFILES_DIRS = [static]
    settings.TEMPLATES = [
        {**settings.TEMPLATES[0], "DIRS": [templates, *settings.TEMPLATES[0]["DIRS"]]}
    ]

    pdf = pdf_from_template(template_name="pdf-test.html", context={"name": "Grace Hopper"})

    assert pdf.startswith(b"%PDF")
    assert _image_count(pdf) == 1  # the stylesheet applied, and its own url() was served
    assert "Grace Hopper" in pdf_text(pdf)


def test_collected_static_files_are_served_from_static_root(settings, tmp_path):
    """Deployments read collected (possibly hashed) names the finders do not know."""
    settings.STATIC_ROOT = tmp_path
    (tmp_path / "portal/css").mkdir(parents=True)
    (tmp_path / "portal/css/portal.0123abcd.css").write_bytes(b"h1 { color: navy }")

    response = LocalOnlyURLFetcher().fetch(
        f"{SENTINEL_BASE_URL}static/portal/css/portal.0123abcd.css"
    )

    assert response.read() == b"h1 { color: navy }"
    with pytest.raises(FetchRefused):
        LocalOnlyURLFetcher().fetch(f"{SENTINEL_BASE_URL}static/portal/css/other.css")


def test_the_text_survives():
    pdf = pdf_render(html="<h1>Ada Lovelace</h1>")

    assert pdf.startswith(b"%PDF")
    assert "Ada Lovelace" in pdf_text(pdf)
