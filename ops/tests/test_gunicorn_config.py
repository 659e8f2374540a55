"""gunicorn.conf.py: the access log never stores what a citizen looked up beside their address
(issue 20). Formatted by gunicorn's own logger, as it formats every request it serves."""

import datetime
import logging
import runpy
from pathlib import Path
from types import SimpleNamespace

from gunicorn.config import Config
from gunicorn.glogging import Logger

CONFIG = Path(__file__).resolve().parents[2] / "gunicorn.conf.py"


def access_line(environ: dict) -> str:
    config = Config()
    config.set("access_log_format", runpy.run_path(str(CONFIG))["access_log_format"])
    config.set("accesslog", "-")
    logger = Logger(config)
    records = []
    handler = logging.Handler()
    handler.emit = records.append
    logger.access_log.addHandler(handler)
    response = SimpleNamespace(status="200 OK", sent=512, headers=[])
    logger.access(response, [], environ, datetime.timedelta(milliseconds=3))
    return records[0].getMessage()


def test_a_lookups_query_and_referer_are_not_in_the_access_log():
    line = access_line(
        {
            "REMOTE_ADDR": "203.0.113.7",
            "REQUEST_METHOD": "GET",
            "RAW_URI": "/kanaler/sok/?adress=https%3A%2F%2Fwww.instagram.com%2Fhemligt",
            "PATH_INFO": "/kanaler/sok/",
            "QUERY_STRING": "adress=https%3A%2F%2Fwww.instagram.com%2Fhemligt",
            "SERVER_PROTOCOL": "HTTP/1.1",
            "HTTP_REFERER": "https://kob.example/kanaler/sok/?adress=%40hemligt",
            "HTTP_USER_AGENT": "Mozilla/5.0",
        }
    )

    assert line.startswith("203.0.113.7 - - [")
    assert '"GET /kanaler/sok/ HTTP/1.1" 200 512 "Mozilla/5.0"' in line
    assert ("hemligt" in line, "adress" in line) == (False, False)
