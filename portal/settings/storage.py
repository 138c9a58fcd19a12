"""Where uploaded and generated files live: the local folder, or an S3-compatible bucket.

A pure function of the environment (no Django imports), so the settings modules and the tests
that start a real S3 server (SeaweedFS) build the same configuration.

Without `AWS_STORAGE_BUCKET_NAME` files stay in `MEDIA_ROOT` on the local disk: the embedded
profile and a one-machine install. With it, every file goes to the bucket through django-storages'
S3 backend, configured by django-storages' own names (`AWS_S3_ENDPOINT_URL`, `AWS_ACCESS_KEY_ID`,
`AWS_SECRET_ACCESS_KEY`, `AWS_S3_REGION_NAME`), so several servers see the same files.

The bucket stays private: no ACL is sent with an upload (objects keep the bucket's own, private,
default), and every address the storage hands out is a presigned URL that expires, given only to
signed-in people (`portal.media_serving`). An upload never replaces an older file of the same
name (django-storages' default would: two videos called `intro.mp4` would become one).
"""

from collections.abc import Mapping

from botocore.config import Config

LOCAL = "django.core.files.storage.FileSystemStorage"
S3 = "storages.backends.s3.S3Storage"

# Seconds a presigned address stays valid: long enough for a page's images to load and a
# document to download, short enough that a copied address soon stops working. Videos get
# longer (`portal.media_serving.video_expiry`), since the player keeps fetching while it plays.
QUERYSTRING_EXPIRE = 600


def default_storage(environ: Mapping[str, str]) -> dict:
    """`STORAGES["default"]` for this environment: the local folder, or the bucket it names."""
    bucket = environ.get("AWS_STORAGE_BUCKET_NAME", "").strip()
    if not bucket:
        return {"BACKEND": LOCAL}
    endpoint = environ.get("AWS_S3_ENDPOINT_URL", "").strip() or None
    # Other S3-compatible servers (MinIO, SeaweedFS, Ceph) answer at one address with the bucket
    # in the path; AWS itself prefers the bucket in the host name.
    addressing = environ.get("AWS_S3_ADDRESSING_STYLE") or ("path" if endpoint else None)
    return {
        "BACKEND": S3,
        "OPTIONS": {
            "bucket_name": bucket,
            "endpoint_url": endpoint,
            # None: boto3 finds credentials itself (an instance role, ~/.aws, its own variables).
            "access_key": environ.get("AWS_ACCESS_KEY_ID") or None,
            "secret_key": environ.get("AWS_SECRET_ACCESS_KEY") or None,
            "region_name": environ.get("AWS_S3_REGION_NAME") or None,
            "addressing_style": addressing,
            "signature_version": "s3v4",
            "default_acl": None,
            "querystring_auth": True,
            "querystring_expire": int(environ.get("AWS_QUERYSTRING_EXPIRE") or QUERYSTRING_EXPIRE),
            "file_overwrite": False,
            # Reading a stored file spills to a temporary file past this size, never holding a
            # 2 GB video in memory (django-storages' default of 0 never spills).
            "max_memory_size": 10 * 1024 * 1024,
            # A bucket that does not answer costs seconds, not boto's 60 s connect default (a
            # readiness check, or a page's presigned address, would wait that long). Given a
            # client config, django-storages takes the signature and addressing from it alone.
            "client_config": Config(
                connect_timeout=3,
                read_timeout=30,
                retries={"max_attempts": 3, "mode": "standard"},
                signature_version="s3v4",
                s3={"addressing_style": addressing} if addressing else None,
            ),
        },
    }


def in_bucket(storage: dict) -> bool:
    return storage["BACKEND"] == S3


def documents_serve_method(storage: dict) -> str:
    """Wagtail's `WAGTAILDOCS_SERVE_METHOD`: always through its serve view, which checks sign-in
    and collection privacy first; from a bucket it then redirects to a presigned URL, from the
    local disk it hands the file to `SENDFILE_BACKEND` (nginx, or the range view in development).
    Never "direct": a page would then carry the storage's own address."""
    return "redirect" if in_bucket(storage) else "serve_view"
