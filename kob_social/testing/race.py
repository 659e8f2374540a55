"""Two requests at the same moment, for tests that a state change is safe against them."""

import threading

from django.db import connection


def race(*calls) -> list:
    """Run each call in its own thread, on its own database connection (closed when it is
    done), all released at once by a barrier; return the value or the exception of each, in
    order. Use it in a `django_db(transaction=True)` test, so the threads see committed data."""
    barrier = threading.Barrier(len(calls))
    outcomes: list = [None] * len(calls)

    def run(index, call):
        try:
            barrier.wait(timeout=10)
            outcomes[index] = call()
        except Exception as exc:
            outcomes[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(index, call)) for index, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert [thread.is_alive() for thread in threads] == [False] * len(calls), "a racing call did not finish"
    return outcomes
