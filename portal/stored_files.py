"""Reading a stored file where it lies, only the bytes asked for.

The checks on a training video (its real length, what container it is) and on its captions read
the file itself. Before an upload is saved they read the upload; once it is in storage (an upload
that went straight to the bucket) they read the stored file. On the local disk that is `open()`.
From a bucket, opening through the storage (django-storages' `S3File`) would download the whole
object first, 2 GB for a long video, for a check that reads a few kilobytes of headers and seeks
past the rest; so `stored_file_open` reads the object by HTTP byte ranges instead, a small block
at a time.
"""

import io
from contextlib import contextmanager

from botocore.exceptions import ClientError
from storages.utils import clean_name

# Bytes fetched per request: a container's headers sit in the first few kilobytes, and each seek
# past the media data starts a new block.
BLOCK = 16 * 1024


class _ObjectRanges(io.RawIOBase):
    """A seekable, read-only file over one bucket object (a boto3 `s3.Object`)."""

    def __init__(self, obj):
        self._obj = obj
        try:
            self._size = obj.content_length  # one HEAD request
        except ClientError as error:
            if error.response["ResponseMetadata"]["HTTPStatusCode"] == 404:
                raise FileNotFoundError(f"No such object: {obj.key}") from None
            raise
        self._position = 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._position

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self._position, io.SEEK_END: self._size}[whence]
        if base + offset < 0:
            raise ValueError("negative seek position")
        self._position = base + offset
        return self._position

    def readinto(self, buffer) -> int:
        if self._position >= self._size or not len(buffer):
            return 0
        last = min(self._position + len(buffer), self._size) - 1
        data = self._obj.get(Range=f"bytes={self._position}-{last}")["Body"].read()
        buffer[: len(data)] = data
        self._position += len(data)
        return len(data)


def stored_file_open(storage, name: str) -> io.BufferedIOBase:
    """A binary, seekable file over a stored file: the file itself on the local disk, byte
    ranges of the object in a bucket. FileNotFoundError if it is not there."""
    try:
        return open(storage.path(name), "rb")  # noqa: SIM115 (the caller closes it)
    except NotImplementedError:
        pass  # a bucket: no path on this machine
    # django-storages' own mapping from a name to the object's key (the bucket's folder prefix,
    # if any, and the name cleaned), as its S3File uses it.
    key = storage._normalize_name(clean_name(name))
    return io.BufferedReader(_ObjectRanges(storage.bucket.Object(key)), buffer_size=BLOCK)


@contextmanager
def field_file_reading(field_file):
    """The bytes to check for a file field: the upload in hand while it is not saved yet (left
    open, the save still needs it), else the stored file, read in place and closed after."""
    if not getattr(field_file, "_committed", True):
        yield field_file
        return
    with stored_file_open(field_file.storage, field_file.name) as handle:
        yield handle
