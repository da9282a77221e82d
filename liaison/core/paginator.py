"""Paging through lists too long to count exactly at every click."""

from functools import cached_property

from django.core.paginator import Paginator


class CappedPaginator(Paginator):
    """Reads at most `cap` + 1 rows, in one query, and pages through the first `cap` of
    them (`capped` says there are more): a list of a million matters, or a common search
    word, costs what its first rows cost, not a count of everything. Narrower filters or
    the ledger export reach the rest."""

    def __init__(self, object_list, per_page, *, cap: int = 1000, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.cap = cap

    @cached_property
    def _head(self) -> list:
        return list(self.object_list[: self.cap + 1])

    @cached_property
    def count(self) -> int:
        return min(len(self._head), self.cap)

    @property
    def capped(self) -> bool:
        return len(self._head) > self.cap

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = min(bottom + self.per_page, self.count)
        return self._get_page(self._head[bottom:top], number, self)
