"""Large training videos go straight to storage in parts, never through one web request.

Why: a video may be 2 GB (`MAX_VIDEO_BYTES`); sent with the form it would hold a gunicorn worker
for the whole transfer and be cut off at its 60-second timeout. Instead the editor's browser
asks the portal to start an upload, sends the file in parts, and asks the portal to finish it;
the video form then names the stored file (`training.video_upload_field`), and `Video.clean`
reads its length from storage as it does for any stored file.

- **In a bucket**: an S3 multipart upload. The portal starts it, hands out presigned addresses
  for the parts (`video_upload_part_urls`), and the browser PUTs each part to the bucket itself;
  no part passes through the portal. The browser reads each part's ETag from the bucket's answer
  (the bucket's CORS rule must expose it) and sends them to finish; the portal checks each
  against the parts the bucket lists, and their sizes against the size declared at the start,
  before it completes the upload. (ETags, not part numbers alone: a part sent twice is listed
  twice by some servers, and only the ETag says which one the browser finished with.)
- **On the local disk** (the embedded profile, one machine): the browser PUTs the parts to the
  portal (`video_upload_part_write`), one after another, each a short request; they are written
  into one partial file outside the folders `/media/` serves, which finishing moves into place.

Every upload is a `VideoUpload` row, so any server can carry on what another started and only
its owner can touch it. Nothing replaces an existing file: the name carries a random part and is
unique, and on the disk the partial file is linked into place, which fails if the name is taken.
"""

import logging
import os
import secrets
from datetime import datetime
from pathlib import Path, PurePath

from botocore.exceptions import BotoCoreError, ClientError
from django.core.exceptions import SuspiciousFileOperation
from django.db import IntegrityError
from django.utils import timezone
from django.utils.text import get_valid_filename
from storages.utils import clean_name

from portal.media_serving import local_path

from ..models import Video, VideoUpload
from ..models.uploads import MAX_AGE
from ..models.videos import MAX_VIDEO_BYTES, VIDEO_EXTENSIONS
from . import TrainingError

log = logging.getLogger(__name__)

# The smallest part S3 accepts (every part but the last): a part that fails costs least to send
# again, and progress moves often. 2 GB is 410 parts, far under S3's limit of 10,000.
PART_BYTES = 5 * 1024 * 1024
# Parts in flight at once: to a bucket a few, which fills most links; to the portal one, so a
# part is only ever written after the one before it and the partial file has no holes.
PARALLEL_TO_BUCKET = 3
# A presigned part address is asked for just before the part is sent, and again on a retry.
PART_URL_EXPIRY = 15 * 60
MAX_PART_URLS = 20  # addresses handed out per request
PARTIAL_FOLDER = "partial-uploads"  # on the local disk; not under a folder /media/ serves
FOLDER = "training/videos"
COPY_BLOCK = 1024 * 1024
CONTENT_TYPES = {"mp4": "video/mp4", "m4v": "video/mp4", "webm": "video/webm"}

WRONG_KIND = "Choose an MP4 (H.264) or WebM video; “{filename}” is not one."
TOO_BIG = "The video is larger than 2 GB; export a smaller file."
EMPTY = "The file is empty; choose the video again."
STORAGE_DOWN = (
    "The storage did not answer, so the upload could not go on. Try again in a minute; if it "
    "keeps failing, tell whoever runs the portal."
)
GONE = "This upload is no longer open (it was cancelled or too old). Choose the video again."
IN_USE = "This file belongs to a saved video and stays."


class UploadRefused(TrainingError):
    """The request cannot go on as sent: a sentence for the editor (400)."""


class UploadGone(TrainingError):
    """The upload was aborted, swept or already used (409)."""


class UploadIncomplete(TrainingError):
    """Finishing was asked for before every byte arrived (409); the upload stays open."""


class StorageUnavailable(TrainingError):
    """The bucket did not answer (503)."""


def _storage():
    return Video._meta.get_field("file").storage


def _in_bucket(storage) -> bool:
    return local_path(storage, FOLDER) is None


def _object(storage, name: str) -> tuple:
    """The storage's boto3 client and the bucket and key of `name`, as django-storages maps it."""
    key = storage._normalize_name(clean_name(name))
    return storage.connection.meta.client, {"Bucket": storage.bucket_name, "Key": key}


def _partial_path(storage, upload: VideoUpload) -> str:
    return storage.path(f"{PARTIAL_FOLDER}/{upload.pk}.part")


def video_upload_start(
    *, user, filename: str, size: int, part_bytes: int = PART_BYTES
) -> VideoUpload:
    """Open an upload of `size` bytes for `user`, under a new name in `FOLDER`; or refuse a file
    that could never become a video here (its kind by the name's extension, its size)."""
    if not isinstance(filename, str) or not isinstance(size, int) or isinstance(size, bool):
        raise UploadRefused("The upload needs the file's name and its size in bytes.")
    filename = PurePath(filename.replace("\\", "/")).name.strip()[:255]
    stem, _, extension = filename.rpartition(".")
    extension = extension.lower()
    if not stem or extension not in VIDEO_EXTENSIONS:
        raise UploadRefused(WRONG_KIND.format(filename=filename or "the file"))
    if size <= 0:
        raise UploadRefused(EMPTY)
    if size > MAX_VIDEO_BYTES:
        raise UploadRefused(TOO_BIG)
    storage = _storage()
    try:
        name = _name_new(storage, stem, extension)
        upload = VideoUpload(
            user=user, name=name, filename=filename, size=size, part_bytes=part_bytes
        )
        if _in_bucket(storage):
            client, where = _object(storage, name)
            started = client.create_multipart_upload(**where, ContentType=CONTENT_TYPES[extension])
            upload.multipart_id = started["UploadId"]
    except (BotoCoreError, ClientError) as error:
        log.warning("A video upload could not start in the bucket: %s", error)
        raise StorageUnavailable(STORAGE_DOWN) from None
    try:
        upload.save(force_insert=True)
    except IntegrityError:  # another upload took the name in between: the odds are 2**-48
        _discard(storage, upload)
        raise StorageUnavailable(STORAGE_DOWN) from None
    return upload


def _name_new(storage, stem: str, extension: str) -> str:
    """A name in `FOLDER` no stored file and no other upload has: the file's own name (made
    safe) and 48 random bits."""
    try:
        stem = get_valid_filename(stem)[:50]
    except SuspiciousFileOperation:
        stem = "video"
    for _ in range(3):
        name = f"{FOLDER}/{stem}-{secrets.token_hex(6)}.{extension}"
        if not (VideoUpload.objects.filter(name=name).exists() or storage.exists(name)):
            return name
    raise StorageUnavailable(STORAGE_DOWN)


def video_upload_part_urls(*, upload: VideoUpload, numbers: list[int]) -> dict[int, str]:
    """Presigned addresses at which the browser PUTs these parts straight into the bucket."""
    video_upload_parts_check(upload=upload, numbers=numbers)
    client, where = _object(_storage(), upload.name)
    return {
        number: client.generate_presigned_url(
            "upload_part",
            Params={**where, "UploadId": upload.multipart_id, "PartNumber": number},
            ExpiresIn=PART_URL_EXPIRY,
        )
        for number in numbers
    }


def video_upload_parts_check(*, upload: VideoUpload, numbers) -> None:
    """Refuse part numbers this open upload does not have, or too many at once."""
    if upload.finished_at is not None:
        raise UploadGone("This upload is finished already.")
    if not isinstance(numbers, list) or not 0 < len(numbers) <= MAX_PART_URLS:
        raise UploadRefused(f"Ask for between 1 and {MAX_PART_URLS} parts at a time.")
    for number in numbers:
        if not isinstance(number, int) or isinstance(number, bool):
            raise UploadRefused("Parts are numbered 1, 2, 3 and so on.")
        if not 1 <= number <= upload.parts:
            raise UploadRefused(f"This upload has parts 1 to {upload.parts}; {number} is not one.")


def video_upload_part_write(*, upload: VideoUpload, number: int, source, length: int) -> None:
    """Write part `number`, read from `source` (`length` bytes, which must be the part's own
    length), into the partial file on the local disk.

    A part is taken only once everything before it is written, so the file never has a hole;
    sending a part again (its answer was lost) writes the same bytes again. A part cut short is
    taken back off, so the next attempt starts where it should."""
    video_upload_parts_check(upload=upload, numbers=[number])
    if upload.multipart_id:
        raise UploadRefused("This upload goes to the bucket, not to the portal.")
    start, expected = upload.part_range(number)
    if length != expected:
        raise UploadRefused(f"Part {number} should be {expected:,} bytes; {length:,} were sent.")
    path = _partial_path(_storage(), upload)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT, 0o666)  # as Django saves a file
    try:
        held = os.fstat(descriptor).st_size
        if held < start:
            raise UploadIncomplete(
                f"Part {number} came before part {number - 1} had arrived; send that first."
            )
        written = 0
        while written < expected:
            block = source.read(min(COPY_BLOCK, expected - written))
            if not block:
                break
            os.pwrite(descriptor, block, start + written)
            written += len(block)
        if written < expected:
            os.ftruncate(descriptor, start)
            raise UploadRefused(f"Part {number} was cut short; send it again.")
    finally:
        os.close(descriptor)


def video_upload_finish(*, upload: VideoUpload, etags: dict[int, str] | None = None) -> VideoUpload:
    """Put the whole file in place under the upload's name, once every part has arrived at its
    full size (in a bucket: as the `etags` the bucket gave the browser, by part number); refuse
    in words what is missing (the upload stays open for it). Finishing twice is harmless."""
    if upload.finished_at is not None:
        return upload
    storage = _storage()
    try:
        if upload.multipart_id:
            _bucket_finish(storage, upload, _etags_check(upload, etags))
        else:
            _disk_finish(storage, upload)
    except UploadGone:
        upload.refresh_from_db()
        if upload.finished_at is not None:  # another request finished it meanwhile
            return upload
        raise
    upload.finished_at = timezone.now()
    VideoUpload.objects.filter(pk=upload.pk, finished_at=None).update(
        finished_at=upload.finished_at
    )
    return upload


def _etags_check(upload: VideoUpload, etags) -> dict[int, str]:
    """The browser's ETags, one text per part number from 1 to the last, or a refusal."""
    if not isinstance(etags, dict) or not all(
        isinstance(etag, str) and etag and len(etag) <= 200 for etag in etags.values()
    ):
        raise UploadRefused("Finishing needs the ETag the bucket gave for each part.")
    try:
        etags = {int(number): etag for number, etag in etags.items()}
    except (TypeError, ValueError):
        raise UploadRefused("Parts are numbered 1, 2, 3 and so on.") from None
    for number in range(1, upload.parts + 1):
        if number not in etags:
            raise UploadIncomplete(f"Part {number} of {upload.parts} has not been sent yet.")
    if len(etags) != upload.parts:
        raise UploadRefused(f"This upload has parts 1 to {upload.parts}.")
    return etags


def _bucket_finish(storage, upload: VideoUpload, etags: dict[int, str]) -> None:
    client, where = _object(storage, upload.name)
    ids = {**where, "UploadId": upload.multipart_id}
    try:
        held = _bucket_parts(client, ids)
        _parts_complete(
            upload, {number: held.get((number, _etag(etag))) for number, etag in etags.items()}
        )
        client.complete_multipart_upload(
            **ids,
            MultipartUpload={
                "Parts": [
                    {"PartNumber": number, "ETag": etag} for number, etag in sorted(etags.items())
                ]
            },
        )
    except ClientError as error:
        if error.response.get("Error", {}).get("Code") == "NoSuchUpload":
            raise UploadGone(GONE) from None
        log.warning("A video upload could not be finished in the bucket: %s", error)
        raise StorageUnavailable(STORAGE_DOWN) from None
    except BotoCoreError as error:
        log.warning("A video upload could not be finished in the bucket: %s", error)
        raise StorageUnavailable(STORAGE_DOWN) from None


def _bucket_parts(client, ids: dict) -> dict[tuple[int, str], int]:
    """Every part the bucket holds for the upload: (number, ETag) -> size. A part sent twice
    is one part on S3, its last version; SeaweedFS lists both."""
    parts, marker = {}, 0
    while True:
        page = client.list_parts(**ids, PartNumberMarker=marker, MaxParts=1000)
        for part in page.get("Parts", []):
            parts[part["PartNumber"], _etag(part["ETag"])] = part["Size"]
        if not page.get("IsTruncated"):
            return parts
        marker = page["NextPartNumberMarker"]


def _etag(text: str) -> str:
    return text.strip().strip('"')


def _parts_complete(upload: VideoUpload, held: dict[int, int | None]) -> None:
    """Refuse, naming the first, any part the bucket does not hold at its full size."""
    for number in range(1, upload.parts + 1):
        if held.get(number) != upload.part_range(number)[1]:
            raise UploadIncomplete(
                f"Part {number} of {upload.parts} has not fully arrived; send it again."
            )


def _disk_finish(storage, upload: VideoUpload) -> None:
    partial = _partial_path(storage, upload)
    try:
        held = os.stat(partial).st_size
    except FileNotFoundError:
        raise UploadGone(GONE) from None
    if held != upload.size:
        missing = upload.size - held
        raise UploadIncomplete(f"{missing:,} bytes of the video have not arrived yet.")
    final = storage.path(upload.name)
    os.makedirs(os.path.dirname(final), exist_ok=True)
    try:
        os.link(partial, final)  # fails if the name is taken: nothing is replaced
    except FileExistsError:
        raise UploadGone(GONE) from None
    os.unlink(partial)
    if storage.file_permissions_mode is not None:
        os.chmod(final, storage.file_permissions_mode)


def video_upload_abort(*, upload: VideoUpload) -> None:
    """Remove the upload and whatever of it reached storage: its parts, or the finished file if
    no saved video uses it."""
    if upload.finished_at is not None and Video.objects.filter(file=upload.name).exists():
        raise UploadGone(IN_USE)
    try:
        _discard(_storage(), upload)
    except (BotoCoreError, ClientError) as error:
        log.warning("A video upload could not be aborted in the bucket: %s", error)
        raise StorageUnavailable(STORAGE_DOWN) from None
    upload.delete()


def _discard(storage, upload: VideoUpload) -> None:
    if upload.finished_at is not None:
        storage.delete(upload.name)
    elif upload.multipart_id:
        client, where = _object(storage, upload.name)
        try:
            client.abort_multipart_upload(**where, UploadId=upload.multipart_id)
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") != "NoSuchUpload":
                raise
    else:
        Path(_partial_path(storage, upload)).unlink(missing_ok=True)


def video_uploads_sweep(*, now: datetime | None = None) -> int:
    """Forget uploads older than `MAX_AGE`: one a saved video uses keeps its file; the rest
    (never finished, or finished and never saved with a video) are removed from storage too.
    Returns how many were removed; one the bucket would not remove now is tried next time."""
    cutoff = (now or timezone.now()) - MAX_AGE
    storage, removed = _storage(), 0
    for upload in VideoUpload.objects.filter(started_at__lt=cutoff).order_by("started_at"):
        if not (upload.finished_at and Video.objects.filter(file=upload.name).exists()):
            try:
                _discard(storage, upload)
            except (BotoCoreError, ClientError) as error:
                log.warning("A stale video upload could not be removed: %s", error)
                continue
            removed += 1
        upload.delete()
    return removed
