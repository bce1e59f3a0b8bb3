"""The console's URLs plus a stock Django admin of agent_approvals at /stock-admin/: the benchmark's baseline."""

from django.contrib.admin import AdminSite
from django.urls import include, path

from approvals.models import AgentApproval

stock_site = AdminSite(name="stock")
stock_site.register(AgentApproval)

urlpatterns = [path("stock-admin/", stock_site.urls), path("", include("hotdash.urls"))]
