from django.urls import path, re_path

from . import views

urlpatterns = [
    path("ServiceProviderConfig", views.ServiceProviderConfigView.as_view(), name="scim-config"),
    path("ResourceTypes", views.ResourceTypesView.as_view(), name="scim-resource-types"),
    path("ResourceTypes/<str:pk>", views.ResourceTypesView.as_view(), name="scim-resource-type"),
    path("Schemas", views.SchemasView.as_view(), name="scim-schemas"),
    path("Schemas/<str:pk>", views.SchemasView.as_view(), name="scim-schema"),
    path("Users", views.UsersView.as_view(), name="scim-user-list"),
    path("Users/.search", views.UsersSearchView.as_view(), name="scim-user-search"),
    path("Users/<str:pk>", views.UserView.as_view(), name="scim-user-detail"),
    path("Groups", views.GroupsView.as_view(), name="scim-group-list"),
    path("Groups/.search", views.GroupsSearchView.as_view(), name="scim-group-search"),
    path("Groups/<str:pk>", views.GroupView.as_view(), name="scim-group-detail"),
    path(".search", views.RootSearchView.as_view(), name="scim-search"),
    re_path(r"^.*$", views.NotFoundView.as_view(), name="scim-not-found"),
]
