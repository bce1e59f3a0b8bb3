"""`{% console_result_list cl %}`: the admin's `{% result_list cl %}`, with rows from hotdash/admin_rows.py."""

from django import template

from hotdash import admin_rows

register = template.Library()


@register.inclusion_tag("admin/change_list_results.html")
def console_result_list(cl):
    return admin_rows.result_list(cl)
