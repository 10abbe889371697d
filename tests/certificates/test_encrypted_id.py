"""A certificate request's ID number is encrypted at rest (issue #17 point 5)."""

from django.db import connection

from committee import crypto
from tests.certificates.conftest import ID_NUMBER


def test_a_certificate_requests_id_number_is_encrypted(world, make_request):
    from certificates.models import CertificateType

    needing = CertificateType.objects.filter(district=world.district, needs_national_id=True)
    name = needing.values_list("name", flat=True).first()
    assert name, "the district's list has a certificate that prints the ID number"
    make_request(world.community_a, name)
    with connection.cursor() as cursor:
        cursor.execute("SELECT national_id FROM certificates_certificaterequest")
        ((stored,),) = cursor.fetchall()
    assert stored.startswith(crypto.TOKEN_PREFIX) and ID_NUMBER not in stored
