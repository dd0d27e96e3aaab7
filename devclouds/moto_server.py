"""A moto server (the real AWS wire protocol, in-process) on a loopback port, for the demo and tests."""

from __future__ import annotations

import json
import logging
import urllib.request
from types import TracebackType

from moto.server import ThreadedMotoServer

log = logging.getLogger(__name__)


class MotoServer:
    """Start with ``start()`` or as a context manager; ``url`` is the endpoint to give boto3."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0) -> None:
        self._server = ThreadedMotoServer(ip_address=host, port=port, verbose=False)
        logging.getLogger("werkzeug").setLevel(logging.WARNING)  # one line per request otherwise
        self.url = ""

    def start(self) -> str:
        self._server.start()
        host, port = self._server.get_host_and_port()
        self.url = f"http://{host}:{port}"
        log.info("moto server listening on %s", self.url)
        self._configure()
        return self.url

    def _configure(self) -> None:
        """Run Lambda functions without Docker: the estates' functions are listed, never executed, and moto's
        Docker-backed Lambda logs an error for every invocation an event source mapping triggers when no
        Docker daemon is reachable (always, here)."""
        body = json.dumps({"lambda": {"use_docker": False}}).encode()
        request = urllib.request.Request(  # noqa: S310 - loopback URL
            f"{self.url}/moto-api/config", data=body, method="POST", headers={"Content-Type": "application/json"}
        )
        with urllib.request.urlopen(request, timeout=10):  # noqa: S310
            pass

    def reset(self) -> None:
        """Forget every resource (moto's own reset endpoint)."""
        request = urllib.request.Request(f"{self.url}/moto-api/reset", method="POST")  # noqa: S310 - loopback URL
        with urllib.request.urlopen(request, timeout=10):  # noqa: S310
            pass

    def stop(self) -> None:
        if self.url:
            self._server.stop()
            self.url = ""

    def __enter__(self) -> MotoServer:
        self.start()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()
