"""Tests of assistant/ui/controllers/ without a window: a real TaskRunner, catalog, FilesModel and, where
the API is needed, FileService on the in-process sandbox."""
