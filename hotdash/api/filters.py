"""Query-parameter filters that refuse what PostgreSQL cannot compare with a 400 naming the parameter.

Filter sets of the API derive from ConsoleFilterSet: text parameters are bounded (inputs.MAX_FILTER_LENGTH;
Django's form field already refuses NUL), time stamps are converted to UTC or refused (an offset beyond 15:59
or a year that leaves 1-9999 in UTC is a PostgreSQL error otherwise). The rules are hotdash/inputs.py.
"""

import django_filters
from django import forms
from django.db import models
from django_filters.fields import ChoiceField, IsoDateTimeField
from django_filters.filterset import FILTER_FOR_DBFIELD_DEFAULTS
from drf_spectacular.utils import extend_schema_field

from hotdash import inputs
from hotdash.api.schema import NO_NUL


class _StorableIsoDateTimeField(IsoDateTimeField):
    def clean(self, value):
        if value == "":
            # Given but empty: django-filter would drop the filter and answer as if it were absent.
            raise forms.ValidationError("Give a time stamp, or leave the parameter out.", code="required")
        parsed = super().clean(value)
        if parsed is None:
            return None
        try:
            return inputs.timestamp_storable(parsed)
        except ValueError as exc:
            raise forms.ValidationError(f"This time stamp {exc}.", code="invalid") from None


class _GivenDateField(forms.DateField):
    def clean(self, value):
        if value == "":
            # Given but empty: django-filter would drop the filter and answer as if it were absent.
            raise forms.ValidationError("Give a date, or leave the parameter out.", code="required")
        return super().clean(value)


class _GivenChoiceField(ChoiceField):
    def clean(self, value):
        if value == "":
            # Given but empty: django-filter would drop the filter, though "" is none of the choices.
            raise forms.ValidationError("Choose one of the values, or leave the parameter out.", code="required")
        return super().clean(value)


# A yes / no parameter: `true` or `false`, anything else (empty included) a 400. django-filter's BooleanFilter
# would read an unknown value as "not given" and answer as if the filter were absent.
YES_NO = [("true", "true"), ("false", "false")]


class ChoiceFilter(django_filters.ChoiceFilter):
    """One of the choices; an empty value is a 400 like any other value that is not one of them."""

    field_class = _GivenChoiceField


# The schema says "the text true or false": drf-spectacular would take the type of the model field a filter
# method reads (a boolean, or the choices of a state column), and the fuzzer would send values we refuse.
@extend_schema_field({"type": "string", "enum": [value for value, _ in YES_NO]})
class YesNoFilter(ChoiceFilter):
    """`true` or `false`: give it a `method` that reads the value."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("choices", YES_NO)
        super().__init__(*args, **kwargs)


@extend_schema_field({"type": "string", "format": "date"})
class DateFilter(django_filters.DateFilter):
    """A day (YYYY-MM-DD)."""

    field_class = _GivenDateField


@extend_schema_field({"type": "string", "format": "date-time"})
class DateTimeFilter(django_filters.IsoDateTimeFilter):
    """An ISO 8601 time stamp (an offset, or UTC when it has none)."""

    field_class = _StorableIsoDateTimeField


@extend_schema_field({"type": "string", "maxLength": inputs.MAX_FILTER_LENGTH, "pattern": NO_NUL})
class TextFilter(django_filters.CharFilter):
    """Text compared with a column, up to inputs.MAX_FILTER_LENGTH characters."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", inputs.MAX_FILTER_LENGTH)
        # Compared as given: a form field would strip white space first, and then pass 501 characters.
        kwargs.setdefault("strip", False)
        super().__init__(*args, **kwargs)


class ConsoleFilterSet(django_filters.FilterSet):
    """The base of every API filter set: filters generated from model fields use the bounded classes above."""

    FILTER_DEFAULTS = {
        **FILTER_FOR_DBFIELD_DEFAULTS,
        models.CharField: {"filter_class": TextFilter},
        models.TextField: {"filter_class": TextFilter},
        models.DateTimeField: {"filter_class": DateTimeFilter},
        models.DateField: {"filter_class": DateFilter},
    }
