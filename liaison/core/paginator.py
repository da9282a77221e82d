"""Paging through lists too long to count exactly at every click."""

from functools import cached_property

from django.core.paginator import Paginator


class CappedPaginator(Paginator):
    """Counts at most `cap` rows (then reports `cap` and `capped`), so that a list of
    a million matters or a common search word costs a page, not a count of everything.
    Pages go as far as the cap; narrower filters or the ledger export reach the rest."""

    def __init__(self, object_list, per_page, *, cap: int = 1000, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.cap = cap

    @cached_property
    def _counted(self) -> int:
        return self.object_list[: self.cap + 1].count()

    @cached_property
    def count(self) -> int:
        return min(self._counted, self.cap)

    @property
    def capped(self) -> bool:
        return self._counted > self.cap
