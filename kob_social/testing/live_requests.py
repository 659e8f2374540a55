"""Requests the live server is still answering when a browser test ends.

A page that polls (htmx) or has just been redirected can have a request in flight in the live
server's thread when the test returns. pytest-django then empties the database with TRUNCATE,
which on PostgreSQL waits for that request's locks while the request waits for a table the
TRUNCATE already holds: a deadlock, the flush fails, and the next test finds the last one's rows.
So a browser test ends by leaving the page and waiting until no request is being answered.
"""

import contextlib
import threading
import time

from django.core.signals import request_finished, request_started

from kob_social.testing.waiting import wait_until


class InFlight:
    """The threads answering a request Django has started and not yet finished.

    Only other threads than the test's own: the test client answers in the test's thread, and
    a streamed response it never reads would otherwise look like a request forever in flight.
    A thread that has ended is not in flight, whatever it left behind.
    """

    def __init__(self):
        self._lock = threading.Lock()
        self._threads: set[threading.Thread] = set()

    def started(self, **kwargs):
        if threading.current_thread() is not threading.main_thread():
            with self._lock:
                self._threads.add(threading.current_thread())

    def finished(self, **kwargs):
        with self._lock:
            self._threads.discard(threading.current_thread())

    @property
    def count(self) -> int:
        with self._lock:
            self._threads = {thread for thread in self._threads if thread.is_alive()}
            return len(self._threads)

    def connect(self):
        request_started.connect(self.started, dispatch_uid="kob-live-requests-started")
        request_finished.connect(self.finished, dispatch_uid="kob-live-requests-finished")

    def wait_idle(self, timeout: float = 30.0, settle: float = 0.05) -> bool:
        """None in flight twice in a row, `settle` seconds apart."""
        return wait_until(lambda: self.count == 0 and (time.sleep(settle) or self.count == 0), timeout=timeout)


in_flight = InFlight()


def leave_page_and_wait(page) -> bool:
    """Stop the page's polling by leaving it, then wait for the server to answer what it had
    already been asked. Returns False if a request is still running after the timeout."""
    if page is not None and not page.is_closed():
        # A crashed or closed page has nothing left to send.
        with contextlib.suppress(Exception):
            page.goto("about:blank")
    return in_flight.wait_idle()
