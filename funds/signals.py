"""A new district starts with the default spending categories."""

from django.db.models.signals import post_save
from django.dispatch import receiver

from committee.models import District


@receiver(post_save, sender=District, dispatch_uid="funds_default_categories")
def give_new_district_default_categories(sender, instance, created, raw=False, **kwargs):
    if created and not raw:
        from funds.services import ensure_default_categories

        ensure_default_categories(district=instance)
