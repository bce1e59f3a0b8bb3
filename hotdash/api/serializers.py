"""The base of the API's model serializers: the fields they generate from model fields follow hotdash.api.fields."""

from django.db import models
from rest_framework import serializers

from hotdash.api import fields


class ConsoleModelSerializer(serializers.ModelSerializer):
    """A ModelSerializer whose generated yes / no and date fields are as strict as the ones declared by hand."""

    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        models.BooleanField: fields.BooleanField,
        models.DateField: fields.DateField,
    }
