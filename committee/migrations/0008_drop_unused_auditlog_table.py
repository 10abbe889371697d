from django.db import migrations


class Migration(migrations.Migration):
    """auditlog's own migrations create its LogEntry table even when the entry model is
    swapped (AUDITLOG_LOGENTRY_MODEL = committee.AuditEntry). Nothing writes to it, and its
    foreign key to django_content_type stops a flush (TRUNCATE) on PostgreSQL: drop it.
    A later auditlog release that migrates that table would need this revisited."""

    dependencies = [
        ("committee", "0007_audit_entries"),
        ("auditlog", "0017_add_actor_email"),
    ]

    operations = [
        migrations.RunSQL("DROP TABLE IF EXISTS auditlog_logentry", migrations.RunSQL.noop),
    ]
