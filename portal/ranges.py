"""Serving a file with HTTP byte ranges, so a video player can seek and resume.

Django's `FileResponse` always sends the whole file; browsers need `206 Partial Content` to jump
into a video. One range per request (what players ask for); anything else gets the whole file,
and a range past the end gets 416, as RFC 9110 says.
"""

import re

from django.http import FileResponse, HttpResponse, StreamingHttpResponse

RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")
CHUNK = 256 * 1024


def ranged_file_response(request, field_file, *, content_type: str):
    size = field_file.size
    match = RANGE.match(request.headers.get("Range", "").strip())
    if not match or not any(match.groups()):
        field_file.open("rb")
        response = FileResponse(field_file, content_type=content_type or None)
        response["Accept-Ranges"] = "bytes"
        return response
    first, last = match.groups()
    if first:
        start, end = int(first), min(int(last), size - 1) if last else size - 1
    else:  # "bytes=-500": the last 500 bytes
        start, end = max(0, size - int(last)), size - 1
    if start >= size or start > end:
        response = HttpResponse(status=416)
        response["Content-Range"] = f"bytes */{size}"
        return response
    field_file.open("rb")
    field_file.seek(start)
    response = StreamingHttpResponse(
        _chunks(field_file, end - start + 1), status=206, content_type=content_type or None
    )
    response["Content-Length"] = str(end - start + 1)
    response["Content-Range"] = f"bytes {start}-{end}/{size}"
    response["Accept-Ranges"] = "bytes"
    return response


def _chunks(handle, remaining: int):
    try:
        while remaining > 0:
            data = handle.read(min(CHUNK, remaining))
            if not data:
                break
            remaining -= len(data)
            yield data
    finally:
        handle.close()
