"""Bundled analyzer plugins, one folder per family; registered like any other plugin
(entry-point group ``kbwizard.analyzers``), and imported by nothing else in ``wizard``."""
