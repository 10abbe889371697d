"""The certificate desk's fixtures: the district's list of types, and a request maker."""

import pytest
from django.utils import timezone

from certificates import services
from certificates.models import CertificateType


@pytest.fixture
def types(world) -> dict[str, CertificateType]:
    services.load_certificate_types(district=world.district)
    return {t.name: t for t in CertificateType.objects.filter(district=world.district)}


RESIDENCE = "居民在社区居住情况证明"
NO_CRIME = "无犯罪记录证明"
PRACTICE = "中小学生社区实践证明"
ID_NUMBER = "11010519491231002X"


@pytest.fixture
def make_request(types):
    """make_request(community, type name, **overrides) → a recorded request, through the desk."""

    def make(community, name=RESIDENCE, **overrides):
        kwargs = {
            "community": community,
            "certificate_type": types[name],
            "resident_name": "张伟",
            "purpose": "子女入学",
            "institution": "实验小学",
            "institution_kind": "school",
            "national_id": ID_NUMBER if types[name].needs_national_id else "",
            "address": "爱国路12号院3栋201室",
            "facts": "自2019年3月起在本社区居住至今",
            "requested_on": timezone.localdate(),
        }
        kwargs.update(overrides)
        return services.record_request(**kwargs)

    return make
