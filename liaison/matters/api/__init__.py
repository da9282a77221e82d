"""Matters API (see matters.py): the matters, their actions, the kinds of matter and
attachment downloads."""

from .matters import AttachmentDownloadView, MatterKindListView, MatterViewSet

__all__ = ["AttachmentDownloadView", "MatterKindListView", "MatterViewSet"]
