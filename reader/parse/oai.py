"""Parse one page of an arXiv OAI-PMH ``ListRecords`` answer (``metadataPrefix=arXiv``). Pure.

Each ``<record>`` has a ``<header>`` (identifier, datestamp of the last change, set
specs; ``status="deleted"`` for a withdrawn record, which has no metadata) and an
``<arXiv>`` element: ``id``, ``created`` (version 1), ``updated`` (the latest version,
absent for a paper never revised), ``authors`` (``keyname``, ``forenames``, ``suffix``),
``title``, ``categories`` (space separated, primary first), ``journal-ref``, ``doi``,
``abstract``. A page ends with a ``<resumptionToken>``: non-empty means "ask again with
this token for the next page", empty means "that was the last page". An answer with
nothing to list is the error ``noRecordsMatch``, which is an empty page, not a failure.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass

from reader.ids import normalize_arxiv_id, normalize_doi
from reader.models import PaperRecord
from reader.parse.announce import year_from_id
from reader.parse.atom import collapse

__all__ = ["OaiError", "OaiPage", "OaiRecord", "parse_oai_page"]

OAI = "{http://www.openarchives.org/OAI/2.0/}"
ARXIV = "{http://arxiv.org/OAI/arXiv/}"


class OaiError(ValueError):
    """Not a usable OAI-PMH answer, or the repository's error; one line for a user."""

    def __init__(self, message: str, code: str = "") -> None:
        super().__init__(message)
        self.code = code
        """The OAI-PMH error code (``badResumptionToken``, ...), empty if not one."""


@dataclass(frozen=True)
class OaiRecord:
    record: PaperRecord
    categories: tuple[str, ...]
    """Primary first."""
    created: str | None
    """When version 1 appeared (ISO date)."""
    updated: str | None
    """When the latest version appeared, None if never revised."""
    datestamp: str
    """When arXiv last changed the record (the date OAI-PMH selects on)."""


@dataclass(frozen=True)
class OaiPage:
    records: tuple[OaiRecord, ...]
    token: str | None
    """Ask for the next page with this; None on the last page."""
    complete_size: int | None = None
    deleted: tuple[str, ...] = ()
    """arXiv ids of records marked deleted."""


def parse_oai_page(body: bytes | str) -> OaiPage:
    """One page of records.

    Raises:
        OaiError: not XML, not OAI-PMH, or an OAI-PMH error other than noRecordsMatch.
            Nothing of a broken page is returned.
    """
    try:
        root = ET.fromstring(body)
    except ET.ParseError as exc:
        raise OaiError(f"answer is not valid XML ({exc})") from None
    if root.tag != f"{OAI}OAI-PMH":
        local = root.tag.rsplit("}", 1)[-1]
        raise OaiError(f"answer is not an OAI-PMH response (root element <{local}>)")
    error = root.find(f"{OAI}error")
    if error is not None:
        code = error.get("code", "")
        if code == "noRecordsMatch":
            return OaiPage((), None, 0)
        text = collapse(error.text) or "no message"
        raise OaiError(f"OAI-PMH error {code or '(no code)'}: {text}", code)
    listing = root.find(f"{OAI}ListRecords")
    if listing is None:
        raise OaiError("answer has no ListRecords")
    records: list[OaiRecord] = []
    deleted: list[str] = []
    for element in listing.findall(f"{OAI}record"):
        header = element.find(f"{OAI}header")
        if header is None:
            continue
        if header.get("status") == "deleted":
            identifier = collapse(header.findtext(f"{OAI}identifier"))
            arxiv_id = normalize_arxiv_id(identifier.removeprefix("oai:arXiv.org:"))
            if arxiv_id:
                deleted.append(arxiv_id)
            continue
        record = _record(element, collapse(header.findtext(f"{OAI}datestamp")))
        if record is not None:
            records.append(record)
    token_element = listing.find(f"{OAI}resumptionToken")
    token = collapse(token_element.text) if token_element is not None else ""
    size_text = token_element.get("completeListSize") if token_element is not None else None
    size = int(size_text) if size_text and size_text.isdigit() else None
    return OaiPage(tuple(records), token or None, size, tuple(deleted))


def _record(element: ET.Element, datestamp: str) -> OaiRecord | None:
    meta = element.find(f"{OAI}metadata/{ARXIV}arXiv")
    if meta is None:
        return None
    arxiv_id = normalize_arxiv_id(collapse(meta.findtext(f"{ARXIV}id")))
    title = collapse(meta.findtext(f"{ARXIV}title"))
    if arxiv_id is None or not title:
        return None
    authors = tuple(
        name
        for author in meta.findall(f"{ARXIV}authors/{ARXIV}author")
        if (
            name := collapse(
                " ".join(
                    author.findtext(f"{ARXIV}{part}") or ""
                    for part in ("forenames", "keyname", "suffix")
                )
            )
        )
    )
    created = collapse(meta.findtext(f"{ARXIV}created")) or None
    doi_text = collapse(meta.findtext(f"{ARXIV}doi"))
    record = PaperRecord(
        title=title,
        abstract=collapse(meta.findtext(f"{ARXIV}abstract")),
        authors=authors,
        year=int(created[:4]) if created else year_from_id(arxiv_id),
        date=created,
        venue=collapse(meta.findtext(f"{ARXIV}journal-ref")),
        arxiv_id=arxiv_id,
        doi=normalize_doi(doi_text.split(" ")[0]) if doi_text else None,
        url=f"https://arxiv.org/abs/{arxiv_id}",
        source="arxiv",
    )
    categories = tuple(collapse(meta.findtext(f"{ARXIV}categories")).split())
    updated = collapse(meta.findtext(f"{ARXIV}updated")) or None
    return OaiRecord(record, categories, created, updated, datestamp)
