"""Provides ``--write-fixed``: each corrected artifact written beside the report, never over
an original.

A file of a folder gets its corrected copy under the same relative name in the output
folder (its own encoding and line ends: the analyzer's product bytes); the entries of
an LDIF export get one LDIF file of ``changetype: modify`` records that replace the
audited attribute, which the directory's own tools import (ICE, ``ldapmodify``).
Every file is written atomically, and none replaces a file without ``force``.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path
from typing import TYPE_CHECKING

from wizard.atomic import WriteError, atomic_writer, write_atomic
from wizard.audit.sources import shown

if TYPE_CHECKING:
    from wizard.audit.ldif import ModifyWriter
    from wizard.audit.sources import Item


class FixedWriter:
    """Writes corrected artifacts under ``folder`` (see the module docstring)."""

    def __init__(self, folder: Path, inputs: list[Path], attribute: str, force: bool) -> None:
        self.folder = folder
        self.inputs = inputs
        self.attribute = attribute
        self.force = force
        self.names = _input_names(inputs)
        self._stack = contextlib.ExitStack()
        self._ldif: dict[int, ModifyWriter] = {}
        self.files = 0

    def check(self) -> None:
        """WriteError when the folder cannot take the output (a file is there, or it holds
        files already and ``force`` is not given)."""
        if self.folder.exists() and not self.folder.is_dir():
            raise WriteError(f"--write-fixed {self.folder}: not a folder")
        if self.folder.is_dir() and not self.force and any(os.scandir(self.folder)):
            raise WriteError(
                f"--write-fixed {self.folder}: the folder is not empty; use --force to "
                "replace files in it"
            )

    def target(self, item: Item) -> Path:
        """Where ``item``'s corrected artifact goes."""
        base = self.folder / self.names[item.input] if len(self.inputs) > 1 else self.folder
        if item.origin == "entry":
            return self.folder / f"{self.names[item.input]}.fixed.ldif"
        parts = [p for p in Path(item.relative).parts if p not in ("", ".", "..")]
        return base.joinpath(*parts) if parts else base / "script"

    def write(self, item: Item, data: bytes) -> str:
        """Write ``data`` as ``item``'s corrected artifact; where it went. WriteError."""
        if item.origin == "entry":
            return self._entry(item, data)
        target = self.target(item)
        write_atomic(target, data, overwrite=self.force)
        self.files += 1
        return shown(target)

    def _entry(self, item: Item, data: bytes) -> str:
        from wizard.audit.ldif import ModifyWriter

        writer = self._ldif.get(item.input)
        target = self.target(item)
        if writer is None:
            handle = self._stack.enter_context(atomic_writer(target, overwrite=self.force))
            handle.write(b"# Corrected values written by kbwizard audit: import with ICE or\n")
            handle.write(b"# ldapmodify -f FILE after checking them.\n")
            writer = ModifyWriter(handle, self.attribute)
            self._ldif[item.input] = writer
            self.files += 1
        writer.replace(item.relative, data)
        return shown(target)

    def close(self) -> None:
        """Finish the LDIF files (each takes its place atomically)."""
        self._stack.close()

    def abandon(self) -> None:
        """Drop unfinished LDIF files (nothing at their paths changes)."""
        with contextlib.suppress(Exception):
            self._stack.__exit__(RuntimeError, RuntimeError("abandoned"), None)


def _input_names(inputs: list[Path]) -> list[str]:
    """A distinct name per input (its file or folder name, without an LDIF suffix)."""
    names: list[str] = []
    for path in inputs:
        base = path.name or "input"
        if base.lower().endswith((".ldif", ".ldi")):
            base = base.rsplit(".", 1)[0] or "input"
        name = base
        number = 2
        while name in names:
            name = f"{base}-{number}"
            number += 1
        names.append(name)
    return names
