"""The rows of an admin change list, rendered as Django's admin renders them, in half the time.

Django's `items_for_result` looks every cell up generically (lookup_field, display_for_value, a reverse() and a
preserved-filters parse per link, format_html per cell): half the server time of the approval queue's 50 rows
(docs/benchmarks.md). Here each column is resolved once per page, the change URL is reversed once with a
placeholder, and a cell is one string format. The HTML is the same, character for character
(tests/hotdash/test_admin_rows.py compares them); a list with editable columns keeps Django's own rendering.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterator
from urllib.parse import quote as url_quote

from django.contrib.admin.templatetags import admin_list
from django.contrib.admin.templatetags.admin_urls import add_preserved_filters
from django.contrib.admin.utils import display_for_field, display_for_value, quote
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.urls import NoReverseMatch, reverse
from django.utils.html import conditional_escape
from django.utils.http import RFC3986_SUBDELIMS
from django.utils.safestring import mark_safe

_PK = "__console_pk__"


def _link_columns(cl) -> Callable[[int, str], bool]:
    def link_in_col(is_first: bool, field_name: str) -> bool:
        if cl.list_display_links is None:
            return False
        if is_first and not cl.list_display_links:
            return True
        return field_name in cl.list_display_links

    return link_in_col


def _cell_function(cl, field_name: str):
    """(function of a row giving its cell's inner HTML, extra classes) for one column."""
    model_admin = cl.model_admin
    empty = model_admin.get_empty_value_display()
    try:
        field = cl.lookup_opts.get_field(field_name)
    except FieldDoesNotExist:
        field = None
    if field is not None and not field.auto_created and not callable(field_name):
        nowrap = isinstance(field, models.DateField | models.TimeField | models.ForeignKey)

        def model_field(row, avoid_link: bool):
            value = getattr(row, field.attname)
            if isinstance(value, str) and value.strip() == "":
                value = ""
            return conditional_escape(display_for_field(value, field, empty, avoid_link=avoid_link)), nowrap

        return model_field
    attr = getattr(model_admin, field_name) if hasattr(model_admin, field_name) else getattr(cl.model, field_name)
    own_empty = getattr(attr, "empty_value_display", empty)
    boolean = getattr(attr, "boolean", False)
    on_admin = hasattr(model_admin, field_name)

    def method(row, avoid_link: bool):  # noqa: ARG001 - the same signature as model_field
        value = attr(row) if on_admin else getattr(row, field_name)
        if callable(value) and not on_admin:
            value = value()
        if isinstance(value, str):
            return conditional_escape(value if value.strip() else ""), False
        shown = conditional_escape(display_for_value(value, own_empty, boolean))
        return shown, isinstance(value, datetime.date | datetime.time)

    return method


def results(cl) -> Iterator[admin_list.ResultList]:
    """What `django.contrib.admin.templatetags.admin_list.results(cl)` yields, for a list without a formset."""
    if cl.formset or cl.is_popup or cl.to_field:
        yield from admin_list.results(cl)
        return
    link_in_col = _link_columns(cl)
    try:
        url_template = add_preserved_filters(
            {"preserved_filters": cl.preserved_filters, "opts": cl.opts},
            reverse(f"admin:{cl.opts.app_label}_{cl.opts.model_name}_change", args=(_PK,),
                    current_app=cl.model_admin.admin_site.name),
        )
    except NoReverseMatch:
        yield from admin_list.results(cl)
        return
    columns = []
    first = True
    for index, field_name in enumerate(cl.list_display):
        is_link = link_in_col(first, field_name)
        tag = "td"
        if is_link:
            tag = "th" if first else "td"
            first = False
        classes = "action-checkbox" if field_name == "action_checkbox" else f"field-{admin_list._coerce_field_name(field_name, index)}"
        columns.append((tag, classes, is_link, _cell_function(cl, field_name)))
    pk_name = cl.lookup_opts.pk.attname
    for row in cl.result_list:
        # As reverse() would put the key in the path (the admin's quote, then percent-encoding).
        key = url_quote(str(quote(getattr(row, pk_name))), safe=RFC3986_SUBDELIMS + "/~:@")
        url = conditional_escape(url_template.replace(_PK, key))
        cells = []
        for tag, classes, is_link, cell in columns:
            inner, nowrap = cell(row, is_link)
            css = f"{classes} nowrap" if nowrap else classes
            if is_link:
                inner = f'<a href="{url}">{inner}</a>'
            # Safe: the cell and the URL were escaped above; tag and classes are ours.
            cells.append(mark_safe(f"<{tag} class=\"{css}\">{inner}</{tag}>"))
        yield admin_list.ResultList(None, cells)


def result_list(cl) -> dict:
    """`admin_list.result_list(cl)` with the rows of `results` above."""
    headers = list(admin_list.result_headers(cl))
    return {
        "cl": cl,
        "result_hidden_fields": list(admin_list.result_hidden_fields(cl)),
        "result_headers": headers,
        "num_sorted_fields": sum(1 for header in headers if header["sortable"] and header["sorted"]),
        "results": list(results(cl)),
    }
