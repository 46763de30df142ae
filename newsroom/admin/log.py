"""The newsroom log: every action on the register's records, with who, when and which record,
filterable by person, action, kind of record and date. Read only."""

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from core.models import LogEvent


class PersonFilter(admin.SimpleListFilter):
    """The people who appear in the log (not every account)."""

    title = _("who")
    parameter_name = "user"

    def lookups(self, request, model_admin):
        people = get_user_model().objects.filter(pk__in=LogEvent.objects.values("user").distinct())
        return [(str(person.pk), person.get_username()) for person in people.order_by("username")]

    def queryset(self, request, queryset):
        value = self.value()
        if value and value.isdigit():
            return queryset.filter(user_id=int(value))
        return queryset


class KindFilter(admin.SimpleListFilter):
    """The kinds of record that appear in the log."""

    title = _("kind of record")
    parameter_name = "kind"

    def lookups(self, request, model_admin):
        kinds = (
            LogEvent.objects.order_by()
            .values_list("content_type__app_label", "content_type__model")
            .distinct()
        )
        return [(f"{app}.{model}", f"{app}.{model}") for app, model in sorted(kinds, key=str)]

    def queryset(self, request, queryset):
        app, _dot, model = (self.value() or "").partition(".")
        if app and model:
            return queryset.filter(content_type__app_label=app, content_type__model=model)
        return queryset


@admin.register(LogEvent)
class LogEventAdmin(admin.ModelAdmin):
    list_display = ["at", "user", "action", "kind", "record", "detail"]
    list_filter = [PersonFilter, "action", KindFilter, "at"]
    list_select_related = ["user", "content_type"]
    search_fields = ["object_repr", "detail"]
    date_hierarchy = "at"
    list_per_page = 100

    @admin.display(description=_("kind of record"), ordering="content_type__model")
    def kind(self, event):
        return event.content_type.model_class()._meta.verbose_name

    @admin.display(description=_("record"), ordering="object_repr")
    def record(self, event):
        try:
            url = reverse(
                f"admin:{event.content_type.app_label}_{event.content_type.model}_change",
                args=[event.object_id],
            )
        except NoReverseMatch:
            return event.object_repr
        return format_html('<a href="{}">{}</a>', url, event.object_repr)

    # The log is written by the services only, and everyone in the newsroom may read it.
    def has_view_permission(self, request, obj=None):
        user = request.user
        return (
            user.is_active
            and user.is_staff
            and (user.has_module_perms("zones") or user.has_module_perms("policies"))
        )

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
