"""Attestations say what they attest: the rows so far are all managers' agreements."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("portfolios", "0003_applications"),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="attestation",
            name="one_attestation_per_role",
        ),
        migrations.AddField(
            model_name="attestation",
            name="purpose",
            field=models.CharField(
                choices=[
                    ("agreement", "Agreed the application may go ahead"),
                    ("standards", "Verified standards"),
                ],
                default="agreement",
                max_length=20,
            ),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="attestation",
            name="standards",
            field=models.JSONField(blank=True, default=list),
        ),
        migrations.AddConstraint(
            model_name="attestation",
            constraint=models.UniqueConstraint(
                fields=("application", "role", "purpose"),
                name="one_attestation_per_role_purpose",
            ),
        ),
    ]
