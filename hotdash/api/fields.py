"""Serializer fields for input from outside: what PostgreSQL cannot store is a 400 naming the field.

The rules are hotdash/inputs.py; these fields apply them in validation, before any view or service writes.
DRF's CharField already refuses NUL and surrogates; TextField adds the default length limit every text needs.
"""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.utils import html

from hotdash import inputs

# Any JSON value but null, for the OpenAPI schema (jsonb columns here are NOT NULL).
JSON_VALUE_SCHEMA = {
    "anyOf": [
        {"type": "object", "additionalProperties": True},
        {"type": "array", "items": {}},
        {"type": "string"},
        {"type": "number"},
        {"type": "boolean"},
    ],
    "description": "Any JSON value but null. Text anywhere in it may not contain NUL (\\u0000).",
}


class TextField(serializers.CharField):
    """Text, and only text (DRF would take 12 or true for "12" / "True"), up to max_length or inputs.MAX_TEXT_LENGTH."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", inputs.MAX_TEXT_LENGTH)
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class BooleanField(serializers.BooleanField):
    """JSON true or false, and nothing else: DRF would also take 0 / 1, "yes", "on"... and store its guess."""

    def to_internal_value(self, data):
        if isinstance(data, bool):
            return data
        self.fail("invalid", input=data)


class DateField(serializers.DateField):
    """A day (YYYY-MM-DD). Given empty in a query string, it is refused, not read as "not given" (DRF's way)."""

    default_error_messages = {"blank": "Give a date, or leave the parameter out."}

    def get_value(self, dictionary):
        if html.is_html_input(dictionary) and dictionary.get(self.field_name) == "":
            return ""
        return super().get_value(dictionary)

    def to_internal_value(self, value):
        if value == "":
            self.fail("blank")
        return super().to_internal_value(value)


@extend_schema_field(JSON_VALUE_SCHEMA)
class JSONValueField(serializers.JSONField):
    """A JSON document stored as jsonb: no null, no NUL or unpaired surrogate anywhere in its text."""

    def to_internal_value(self, data):
        value = super().to_internal_value(data)
        problem = inputs.json_problem(value)
        if problem:
            raise serializers.ValidationError(problem, code="invalid")
        return value


@extend_schema_field({
    "anyOf": [{"type": "object", "additionalProperties": True}, {"type": "string"}],
    "description": "The agent SDK's RunState.to_string() output, as a JSON object or as that string.",
})
class RunStateField(JSONValueField):
    """A serialized run state: the object, or its string form (approvals.sdk_state reads either)."""
