"""Two desks issuing at the same moment never give one number twice (PostgreSQL)."""

import threading

import pytest
from django.db import connection, connections

from certificates.models import CertificateRequest

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="row locks are tested on PostgreSQL"
)

WORKERS = 8


@pytest.mark.django_db(transaction=True)
def test_parallel_issues_get_distinct_consecutive_numbers(world, make_request):
    barrier = threading.Barrier(WORKERS)
    errors: list[BaseException] = []

    def issue():
        try:
            barrier.wait()
            make_request(world.community_a)
        except BaseException as error:  # noqa: BLE001 -- reported by the assertion below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=issue) for _ in range(WORKERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    serials = sorted(CertificateRequest.objects.values_list("serial", flat=True))
    assert serials == list(range(1, WORKERS + 1))
    numbers = CertificateRequest.objects.values_list("number", flat=True)
    assert len(set(numbers)) == WORKERS
