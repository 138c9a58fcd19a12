"""Independent peers the integration tests talk to on 127.0.0.1, each in its own process: an
OpenID provider (npm oidc-provider) and a SAML identity provider (pysaml2)."""

import socket
import subprocess


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def process_stop(process: subprocess.Popen, *, timeout: float = 10) -> None:
    """SIGTERM, then SIGKILL if it has not gone within `timeout` seconds; its pipe closed."""
    process.terminate()
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
    if process.stdout is not None:
        process.stdout.close()
