"""`/scim/v2/`: the identity provider's door to the directory (RFC 7644 §3.2)."""

from django.urls import path, re_path

from . import group_views, user_views, views

urlpatterns = [
    path("ServiceProviderConfig", views.service_provider_config, name="scim_config"),
    path("ResourceTypes", views.resource_types, name="scim_resource_types"),
    path("ResourceTypes/<str:name>", views.resource_type, name="scim_resource_type"),
    path("Schemas", views.schemas, name="scim_schemas"),
    path("Schemas/<str:urn>", views.schema, name="scim_schema"),
    path("Users", user_views.users, name="scim_users"),
    path("Users/.search", user_views.users_search, name="scim_users_search"),
    path("Users/<str:pk>", user_views.user, name="scim_user"),
    path("Groups", group_views.groups_view, name="scim_groups"),
    path("Groups/.search", group_views.groups_search, name="scim_groups_search"),
    path("Groups/<str:pk>", group_views.group_view, name="scim_group"),
    path(".search", views.search_everything, name="scim_search"),
    re_path(r"^(?P<rest>.*)$", views.unknown, name="scim_unknown"),
]
