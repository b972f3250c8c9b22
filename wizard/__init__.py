"""KB Wizard: guided troubleshooting driven by knowledge packs."""

__version__ = "0.1.0"
