"""The desk's lists at any size: what the admin's changelists need to cost the same at
100,000 claims as at 1,000 (issue 18).

- Counts stop at ``bounded.COUNT_CAP``: the list says "more than 1,000" and numbers
  the pages that hold the first thousand (no OFFSET reaches further); filters and the
  search narrow it. No second count of the whole table, no facet counts.
- Sorting follows an index: only columns with one are sortable, and the tie-breaking
  id runs the same way as the column, so one index serves both directions.
- Sidebar filters never list every row of a table: the article filter is typed into
  (the admin's own autocomplete view), the people filters list the desk's people, the
  publisher filter reads its choices from the publisher index.
"""

from __future__ import annotations

from typing import ClassVar

from django.contrib import admin
from django.contrib.admin.views.main import ORDER_VAR, SEARCH_VAR, ChangeList
from django.contrib.admin.widgets import AutocompleteSelect
from django.db.models import Count
from django.db.models.expressions import OrderBy
from django.forms import Media
from django.forms.utils import flatatt
from django.http import HttpRequest
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from annotations import access
from annotations.bounded import CappedPaginator, distinct_values
from annotations.models import Article, Claim


def ascending(part) -> bool:
    """Whether one element of an ordering sorts upwards."""
    if isinstance(part, str):
        return not part.startswith("-")
    if isinstance(part, OrderBy):
        return not part.descending
    return True  # a bare expression sorts ascending


class DeskChangeList(ChangeList):
    def get_ordering(self, request, queryset):
        """A chosen column, then the id the same way round.

        Django follows a chosen column with the list's default order and then ``-pk``
        whatever the column's direction; an index on (column, id) serves the column
        and the id in either direction, and nothing else.
        """
        self.keep_sortable_columns()
        ordering = list(super().get_ordering(request, queryset))
        if not self.params.get(ORDER_VAR):
            return ordering
        fallback = list(queryset.query.order_by)
        chosen = [part for part in ordering if part not in ("pk", "-pk")]
        if fallback and chosen[-len(fallback) :] == fallback:
            chosen = chosen[: -len(fallback)]
        if not chosen:
            return ordering
        return [*chosen, "pk" if ascending(chosen[0]) else "-pk"]

    def keep_sortable_columns(self) -> None:
        """Only the columns the admin offers to sort by (``sortable_by``): Django honours
        any column named in the address, and a column no index serves sorts the table."""
        order = self.params.get(ORDER_VAR)
        if not order or self.sortable_by is None:
            return
        kept = []
        for part in str(order).split("."):
            index = part.removeprefix("-")
            offered = (
                index.isdigit()
                and int(index) < len(self.list_display)
                and self.list_display[int(index)] in self.sortable_by
            )
            if offered:
                kept.append(part)
        if kept:
            self.params[ORDER_VAR] = ".".join(kept)
        else:
            self.params.pop(ORDER_VAR, None)


class BoundedLists:
    """A ModelAdmin mixin: capped counts, no full count, no facets, index-led ordering."""

    paginator: ClassVar[type] = CappedPaginator  # as ModelAdmin declares it
    show_full_result_count = False  # a second count of the whole table on every page
    show_facets = admin.ShowFacets.NEVER  # a count per filter choice over the whole list
    changelist_class = DeskChangeList

    def get_changelist(self, request: HttpRequest, **kwargs):
        return self.changelist_class

    def get_paginator(self, request, queryset, per_page, orphans=0, allow_empty_first_page=True):
        # A search's count past the cap is the planner's estimate ("about 48,000").
        searching = bool(request.GET.get(SEARCH_VAR, "").strip())
        return self.paginator(
            queryset, per_page, orphans, allow_empty_first_page, estimate=searching
        )


class ArticleChangeList(DeskChangeList):
    def get_results(self, request: HttpRequest) -> None:
        """The claims of the articles on this page, counted per status in one grouped
        query (counting them for every article would join every claim to every row the
        paginator and the filters look at)."""
        super().get_results(request)
        self.result_list = list(self.result_list)
        counts = (
            Claim.objects.filter(article_id__in=[a.pk for a in self.result_list])
            .order_by()
            .values("article_id", "status")
            .annotate(n=Count("pk"))
        )
        found = {(row["article_id"], row["status"]): row["n"] for row in counts}
        for article in self.result_list:
            for status in Claim.Status:
                setattr(article, f"claims_{status.value}", found.get((article.pk, status), 0))


class PublisherFilter(admin.AllValuesFieldListFilter):
    """The publishers, read from the publisher index one value at a time."""

    def __init__(self, field, request, params, model, model_admin, field_path):
        super().__init__(field, request, params, model, model_admin, field_path)
        self.lookup_choices = distinct_values(model, field.name)


def people_filter(codename: str) -> type[admin.RelatedFieldListFilter]:
    """A filter listing the active people holding ``annotations.<codename>``: the desk's
    reviewers or editors, not everyone who ever had an account."""

    class PeopleFilter(admin.RelatedFieldListFilter):
        def field_choices(self, field, request, model_admin):
            people = access.people_with_perm(codename)
            return [(person.pk, person.get_username()) for person in people]

    return PeopleFilter


class AutocompleteFilter(admin.RelatedFieldListFilter):
    """Choose the related object by typing: the admin's autocomplete view searches the
    related admin (its ``search_fields``), a page of 20 at a time. Only the chosen object
    is read to show its name."""

    template = "admin/annotations/autocomplete_filter.html"

    def __init__(self, field, request, params, model, model_admin, field_path):
        self.widget = AutocompleteSelect(field, model_admin.admin_site)
        super().__init__(field, request, params, model, model_admin, field_path)

    def field_choices(self, field, request, model_admin):
        chosen = [v for v in (self.lookup_val or []) if str(v).isdigit()]
        if not chosen:
            return []
        related = field.remote_field.model._default_manager.filter(pk__in=chosen)
        return [(obj.pk, str(obj)) for obj in related.only("pk", *self.label_fields(field))]

    def label_fields(self, field) -> list[str]:
        return ["title"] if field.remote_field.model is Article else []

    def has_output(self) -> bool:
        return True

    def choices(self, changelist):
        self.base_query = changelist.get_query_string(
            remove=[self.lookup_kwarg, self.lookup_kwarg_isnull]
        )
        yield from super().choices(changelist)

    def select_html(self) -> SafeString:
        """The select that autocomplete.js turns into a search box (the widget's own
        data attributes), with the chosen object as its one option."""
        attrs = self.widget.build_attrs(
            {
                "id": f"filter-{self.field_path}",
                "data-filter-base": self.base_query,
                "data-filter-param": self.lookup_kwarg,
            }
        )
        attrs["data-placeholder"] = f"Type to find an {self.field.verbose_name}…"
        chosen = format_html_join(
            "", '<option value="{}" selected>{}</option>', self.lookup_choices
        )
        return format_html(
            '<select{}><option value="" label="Any {}"></option>{}</select>',
            flatatt(attrs),
            self.field.verbose_name,
            chosen,
        )

    @staticmethod
    def media_for(field) -> Media:
        """The scripts and styles the changelist needs for a filter on ``field``."""
        widget = AutocompleteSelect(field, admin.site)
        # jquery.init.js named first, so that the merged media load ours after it.
        return widget.media + Media(
            js=["admin/js/jquery.init.js", "annotations/admin/autocomplete_filter.js"]
        )


class LabelledAutocompleteSelect(AutocompleteSelect):
    """The admin's autocomplete select with a label on its empty option: HTML allows no
    empty ``<option>`` without one (the Nu HTML Checker says so)."""

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        if value == "" and not label:
            option["attrs"]["label"] = "None"
        return option


class ValidAutocompletes:
    """A ModelAdmin mixin: its ``autocomplete_fields`` render as valid HTML."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = LabelledAutocompleteSelect(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class ReadOnly:
    """A ModelAdmin or inline mixin for records written only by the services (the audit
    trail, a job's trace): shown, never added, changed or deleted in the admin."""

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
