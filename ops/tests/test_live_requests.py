"""The tracker that lets a browser test end only when the live server has answered
(kob_social/testing/live_requests.py): what it counts and what it does not."""

import threading

from django.core.signals import request_finished, request_started

from kob_social.testing.live_requests import in_flight


def test_a_request_answered_in_another_thread_is_in_flight_until_it_finishes():
    began, release = threading.Event(), threading.Event()

    def answer():
        request_started.send(sender=None)
        began.set()
        release.wait(5)
        request_finished.send(sender=None)

    thread = threading.Thread(target=answer)
    thread.start()
    began.wait(5)
    assert in_flight.count == 1
    assert not in_flight.wait_idle(timeout=0.2)
    release.set()
    thread.join(5)
    assert in_flight.count == 0
    assert in_flight.wait_idle(timeout=1)


def test_a_thread_that_ended_without_finishing_is_not_in_flight():
    thread = threading.Thread(target=lambda: request_started.send(sender=None))
    thread.start()
    thread.join(5)
    assert in_flight.count == 0


def test_the_test_clients_own_requests_are_not_counted():
    in_flight.started()  # as request_started calls it for the test client, in the test's thread
    assert in_flight.count == 0
    in_flight.finished()
