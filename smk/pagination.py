"""Pagination of the long lists."""

from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator


class DeferredJoinPaginator(Paginator):
    """Pages of an ordered queryset read as "the keys of the page, then their rows".

    The page's primary keys come from a subquery that walks the index of the list's order
    (``LIMIT``/``OFFSET`` on keys only); the joins (``select_related``) are made for those
    rows alone. Without it PostgreSQL joins and sorts every row of the list before skipping to
    a deep page. One query all the same: the keys are an ``IN`` subquery.
    """

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        rows = self.object_list
        keys = rows.values("pk")[bottom:top]
        return self._get_page(rows.filter(pk__in=keys), number, self)


#: No list is longer: a page beyond it is past the end without asking (OFFSET is a bigint).
MAX_ROWS = 2**62


class CountingPaginator(Paginator):
    """Pages read with the count of the whole list in the same query: one query where
    Django's paginator runs two (the count, then the page).

    ``fetch(object_list, bottom, top)`` reads the rows ``bottom:top`` of the list and returns
    them with the count of all its rows (any count when there is no row). A page past the
    end has no row to carry the count: page 1 is then the empty list, a later page is refused
    (``EmptyPage``, which the list views answer with 404, as Django's paginator does). No
    ``orphans`` (a page's size must not depend on the count); "last" asks for the count
    first (``count()`` of the list), as with Django's.
    """

    def __init__(self, object_list, per_page, orphans=0, allow_empty_first_page=True, *, fetch):
        if orphans or not allow_empty_first_page:
            raise ValueError("CountingPaginator pages without orphans, page 1 may be empty")
        super().__init__(object_list, per_page)
        self.fetch = fetch

    def page(self, number):
        if "count" in self.__dict__:  # counted already ("last")
            number = self.validate_number(number)
        else:
            try:
                number = int(number)
            except (TypeError, ValueError):
                raise PageNotAnInteger(self.error_messages["invalid_page"]) from None
            if number < 1:
                raise EmptyPage(self.error_messages["min_page"])
            if number * self.per_page > MAX_ROWS:  # beyond what a database can be asked
                raise EmptyPage(self.error_messages["no_results"])
        bottom = (number - 1) * self.per_page
        rows, count = self.fetch(self.object_list, bottom, bottom + self.per_page)
        if not rows and number > 1:
            raise EmptyPage(self.error_messages["no_results"])
        if "count" not in self.__dict__:
            self.count = count if rows else 0
        return self._get_page(rows, number, self)
