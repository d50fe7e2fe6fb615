"""Pagination of the long lists."""

from django.core.paginator import Paginator


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
