"""The cases the web app serves: bundled, the user's folder (``--cases``) and uploads.

A request names a case by id only; the id is looked up in this registry, never turned into a
path. Folder files are found by listing the folder; peers resolve from the registry, so no file
name written in a case or a request is ever opened.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from ..cases import LoadedCase, bundled_case_ids, parse_case_text, resolve_case
from ..domain import Case
from ..errors import (
    MSG_UNKNOWN_CASE,
    MSG_UPLOAD_ALIASES,
    MSG_UPLOAD_NOT_TEXT,
    MSG_UPLOAD_TOO_LARGE,
    AnchorvalError,
    CaseError,
    UnknownCaseError,
)

__all__ = ["MAX_ALIASES", "MAX_UPLOAD_BYTES", "MAX_UPLOADS", "CaseEntry", "CaseRegistry", "check_upload"]

#: Largest case file accepted by upload (bytes); the bundled cases are under 20 KB.
MAX_UPLOAD_BYTES = 256 * 1024
#: Most YAML aliases (``*name``) an uploaded file may use (bounds alias expansion).
MAX_ALIASES = 50
#: Uploads kept in memory; the oldest is dropped beyond this.
MAX_UPLOADS = 50


@dataclass
class CaseEntry:
    """One case the app can show.

    Attributes
    ----------
    key : str
        Id used in URLs (the case id; an upload whose id is taken gets a suffix).
    kind : {'bundled', 'folder', 'upload'}
        Where it came from.
    origin : str
        File name shown in messages (``bundled:<id>``, the folder file, the uploaded name).
    text : str
        The case file text (for the scenario download).
    case : Case or None
        The parsed case, None when the file is invalid.
    error : str or None
        The one-line load error (file:line: field: message).
    """

    key: str
    kind: str
    origin: str
    text: str
    case: Case | None = None
    error: str | None = None
    cache: dict[str, Any] = field(default_factory=dict)


def check_upload(data: bytes, name: str) -> str:
    """Check an uploaded case file against the caps and return its text.

    Parameters
    ----------
    data : bytes
        The uploaded bytes.
    name : str
        The uploaded file name (used in messages only; never opened).

    Returns
    -------
    str
        The text, UTF-8 decoded.

    Raises
    ------
    CaseError
        If the file is larger than :data:`MAX_UPLOAD_BYTES`, not UTF-8, or uses more than
        :data:`MAX_ALIASES` YAML aliases.
    """
    if len(data) > MAX_UPLOAD_BYTES:
        raise CaseError(MSG_UPLOAD_TOO_LARGE.format(limit=MAX_UPLOAD_BYTES), file=name)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise CaseError(MSG_UPLOAD_NOT_TEXT, file=name) from None
    from ruamel.yaml import YAML
    from ruamel.yaml.error import YAMLError
    from ruamel.yaml.events import AliasEvent

    n = 0
    try:
        for ev in YAML(typ="rt").parse(text):
            if isinstance(ev, AliasEvent):
                n += 1
                if n > MAX_ALIASES:
                    line = ev.start_mark.line + 1 if ev.start_mark is not None else None
                    raise CaseError(MSG_UPLOAD_ALIASES.format(limit=MAX_ALIASES), file=name, line=line)
    except YAMLError:
        pass  # the loader reports malformed YAML with its line
    return text


def _safe_name(name: str) -> str:
    """Last path component of an uploaded file name, for messages."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1].strip()
    return "".join(ch for ch in base if ch.isprintable())[:100] or "upload.yaml"


class CaseRegistry:
    """Bundled cases, the ``--cases`` folder and uploads, by id.

    Parameters
    ----------
    cases_dir : str or Path, optional
        Folder of the user's case files (``*.yaml``, ``*.yml``; not recursive).
    """

    def __init__(self, cases_dir: str | Path | None = None) -> None:
        self.cases_dir = Path(cases_dir) if cases_dir is not None else None
        self._lock = threading.RLock()
        self._bundled: dict[str, CaseEntry] = {}
        self._folder: dict[str, CaseEntry] = {}
        self._folder_stamp: dict[Path, float] = {}
        self._uploads: OrderedDict[str, CaseEntry] = OrderedDict()
        for cid in bundled_case_ids():
            text = resources.files("anchorval.cases").joinpath(f"{cid}.yaml").read_text(encoding="utf-8")
            self._bundled[cid] = self._entry(cid, "bundled", f"bundled:{cid}", text)
        self.refresh()

    @staticmethod
    def _entry(key: str, kind: str, origin: str, text: str) -> CaseEntry:
        e = CaseEntry(key, kind, origin, text)
        try:
            e.case = parse_case_text(text, origin)
        except AnchorvalError as exc:
            e.error = str(exc)
        return e

    def refresh(self) -> None:
        """Re-list the ``--cases`` folder (new, changed and removed files)."""
        if self.cases_dir is None:
            return
        with self._lock:
            files = sorted(p for p in self.cases_dir.iterdir() if p.suffix in (".yaml", ".yml") and p.is_file())
            found: dict[str, CaseEntry] = {}
            for p in files:
                try:
                    stamp = p.stat().st_mtime
                except OSError:
                    continue
                old = next((e for e in self._folder.values() if e.origin == str(p)), None)
                if old is not None and self._folder_stamp.get(p) == stamp:
                    found[old.key] = old
                    continue
                try:
                    text = p.read_text(encoding="utf-8")
                except (OSError, UnicodeDecodeError) as exc:
                    e = CaseEntry(p.stem, "folder", str(p), "", error=f"{p}: cannot read: {exc}")
                else:
                    e = self._entry(p.stem, "folder", str(p), text)
                key = e.case.id if e.case is not None else p.stem
                if key in self._bundled or key in found:
                    key = f"{key}~{p.stem}" if f"{key}~{p.stem}" not in found else p.name
                e.key = key
                self._folder_stamp[p] = stamp
                found[key] = e
            self._folder = found

    def entries(self) -> list[CaseEntry]:
        """Every case: bundled, folder, uploads (newest last)."""
        with self._lock:
            return [*self._bundled.values(), *self._folder.values(), *self._uploads.values()]

    def get(self, key: str) -> CaseEntry:
        """Return the entry of an id.

        Raises
        ------
        UnknownCaseError
            If no case has this id (the message lists the known ones).
        """
        with self._lock:
            for group in (self._uploads, self._folder, self._bundled):
                if key in group:
                    return group[key]
        raise UnknownCaseError(MSG_UNKNOWN_CASE.format(name=key, known=", ".join(self.keys())))

    def keys(self) -> list[str]:
        """Ids of every case, in listing order."""
        return [e.key for e in self.entries()]

    def _by_case_id(self, cid: str) -> Case | None:
        with self._lock:
            for group in (self._uploads, self._folder, self._bundled):
                for e in group.values():
                    if e.case is not None and e.case.id == cid:
                        return e.case
        return None

    def loaded(self, key: str) -> LoadedCase:
        """Return the case of an id with its peers resolved from the registry (no file is opened).

        Raises
        ------
        UnknownCaseError
            If the id, or a peer id, is not in the registry.
        CaseError
            If the case file is invalid (the one-line load error).
        """
        e = self.get(key)
        if e.case is None:
            raise CaseError(e.error or "invalid case")
        cached = e.cache.get("loaded")
        if cached is not None:
            return cached
        peers: dict[str, Case] = {}
        cur = e.case
        while cur.peer is not None and cur.peer.case not in peers and cur.peer.case != e.case.id:
            p = self._by_case_id(cur.peer.case)
            if p is None:
                raise UnknownCaseError(MSG_UNKNOWN_CASE.format(name=cur.peer.case, known=", ".join(self.keys())))
            peers[cur.peer.case] = p
            cur = p
        loaded = resolve_case(e.case, peers)
        loaded = LoadedCase(loaded.case, loaded.peers, e.origin)
        e.cache["loaded"] = loaded
        return loaded

    def add_upload(self, data: bytes, name: str) -> CaseEntry:
        """Validate an uploaded case file and keep it in memory (never written to disk).

        Parameters
        ----------
        data : bytes
            File content.
        name : str
            Uploaded file name (shown in messages; only its last component is kept).

        Returns
        -------
        CaseEntry

        Raises
        ------
        CaseError
            As :func:`check_upload` and the case loader (file:line: field: message).
        """
        origin = _safe_name(name)
        text = check_upload(data, origin)
        case = parse_case_text(text, origin)
        with self._lock:
            key = case.id
            taken = set(self._bundled) | set(self._folder)
            n = 1
            while key in taken:
                n += 1
                key = f"{case.id}~upload{n if n > 2 else ''}"
            e = CaseEntry(key, "upload", origin, text, case=case)
            self._uploads.pop(key, None)
            self._uploads[key] = e
            while len(self._uploads) > MAX_UPLOADS:
                self._uploads.popitem(last=False)
            return e
