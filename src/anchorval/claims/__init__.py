"""Claims audit, the pure part: read the numbers an article prints and check them.

Extraction is rule-based and explainable (each claim keeps the words it was read from and the
rules that read it); checks take plain references and FX rates, so this package imports only
``domain``, ``money`` and ``errors``. :mod:`anchorval.workflows.audit` builds the references
from cases and anchors; :func:`anchorval.audit` is the entry point. (The package is not named
``audit``: importing a subpackage ``anchorval.audit`` would rebind the public function
``anchorval.audit`` to the module.)
"""

from ._checks import (
    CONSISTENT,
    INCONSISTENT,
    NOT_CHECKABLE,
    SLIPS,
    Check,
    Reference,
    check_across,
    check_article,
    claim_interval,
    classify_slip,
    convert,
    verdict_of,
)
from ._extract import KINDS, Claim, extract_claims
from ._result import AUDIT_SCHEMA_ID, ArticleAudit, AuditResult, ClaimRow
from ._text import MAX_ARTICLE_BYTES, Sentence, decode_article, split_sentences

__all__ = [
    "AUDIT_SCHEMA_ID",
    "CONSISTENT",
    "INCONSISTENT",
    "KINDS",
    "MAX_ARTICLE_BYTES",
    "NOT_CHECKABLE",
    "SLIPS",
    "ArticleAudit",
    "AuditResult",
    "Check",
    "Claim",
    "ClaimRow",
    "Reference",
    "Sentence",
    "check_across",
    "check_article",
    "claim_interval",
    "classify_slip",
    "convert",
    "decode_article",
    "extract_claims",
    "split_sentences",
    "verdict_of",
]
