from rest_framework import serializers

from metrics.models import Fact


class FactSerializer(serializers.ModelSerializer):
    project = serializers.CharField(
        required=False, max_length=200, help_text="Defaults to the project of a tenant's token."
    )
    topic = serializers.CharField(max_length=200)
    key = serializers.CharField(max_length=500)

    class Meta:
        model = Fact
        fields = ["id", "project", "topic", "key", "value", "created_at"]
        read_only_fields = ["id", "created_at"]
