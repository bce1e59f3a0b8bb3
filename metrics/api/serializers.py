from rest_framework import serializers

from hotdash.api.fields import JSONValueField, TextField
from metrics.models import Fact


class FactSerializer(serializers.ModelSerializer):
    project = TextField(required=False, max_length=200, help_text="Defaults to the project of a tenant's token.")
    topic = TextField(max_length=200)
    key = TextField(max_length=500)
    value = JSONValueField()

    class Meta:
        model = Fact
        fields = ["id", "project", "topic", "key", "value", "created_at"]
        read_only_fields = ["id", "created_at"]
