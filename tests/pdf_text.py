"""A PDF's text, as a reader copying it would get it: poppler's `pdftotext`, whitespace folded.

Without poppler-utils the test is skipped with the reason, except under CI=true, where it fails
(CI installs it, so a missing tool there is a broken set-up, not a reason to pass).
"""

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest


def pdf_text(data: bytes) -> str:
    tool = shutil.which("pdftotext")
    if tool is None:
        reason = "needs poppler-utils (pdftotext) to read the PDF back"
        pytest.fail(reason) if os.environ.get("CI") == "true" else pytest.skip(reason)
    assert data.startswith(b"%PDF"), "not a PDF"
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "file.pdf"
        path.write_bytes(data)
        text = subprocess.run(  # noqa: S603  (a file we wrote, a tool found on PATH)
            [tool, str(path), "-"], capture_output=True, text=True, check=True
        ).stdout
    return " ".join(text.split())
