"""Structured JSON logs on stdout, each line carrying the service name and the request id."""

from __future__ import annotations

import logging
import sys

from asgi_correlation_id import CorrelationIdFilter
from pythonjsonlogger.json import JsonFormatter


class _ServiceFilter(logging.Filter):
    def __init__(self, service: str) -> None:
        super().__init__()
        self.service = service

    def filter(self, record: logging.LogRecord) -> bool:
        record.service = self.service
        return True


def configure_logging(service: str, level: str = "INFO") -> None:
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(
        JsonFormatter(
            "%(levelname)s %(name)s %(message)s %(service)s %(correlation_id)s",
            rename_fields={"levelname": "level", "name": "logger", "correlation_id": "request_id"},
            timestamp="time",
        )
    )
    handler.addFilter(_ServiceFilter(service))
    handler.addFilter(CorrelationIdFilter(uuid_length=32, default_value="-"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    # aiokafka logs every reconnect attempt at ERROR while a broker is away; WARNING is enough.
    logging.getLogger("aiokafka").setLevel(max(logging.WARNING, root.level))
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        logging.getLogger(name).handlers[:] = []
        logging.getLogger(name).propagate = True
