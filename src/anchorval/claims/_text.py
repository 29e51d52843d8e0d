"""Article text: decoding bytes (UTF-8 or a declared encoding) and splitting into sentences."""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

from ..errors import (
    MSG_ARTICLE_BAD_DECLARED,
    MSG_ARTICLE_BINARY,
    MSG_ARTICLE_EMPTY,
    MSG_ARTICLE_ENCODING,
    MSG_ARTICLE_TOO_LARGE,
    ArticleError,
)

__all__ = ["MAX_ARTICLE_BYTES", "Sentence", "decode_article", "split_sentences"]

#: Largest article the audit reads (bytes). A long feature is ~100 kB; 2 MB bounds the work
#: (about 20 s of extraction at the measured rate) and rejects dumps and binaries early.
MAX_ARTICLE_BYTES = 2_000_000

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
#: An encoding declared in the first two lines: ``-*- coding: gb18030 -*-``,
#: ``<meta charset="gbk">``, ``encoding: big5``.
_DECLARED = re.compile(rb"(?:coding|charset|encoding)\s*[:=]\s*[\"']?([-\w.]+)", re.IGNORECASE)


def decode_article(data: bytes, name: str = "<article>") -> str:
    r"""Decode an article's bytes: a BOM, else an encoding declared in its first two lines, else UTF-8.

    Parameters
    ----------
    data : bytes
        The file's content.
    name : str
        File name for messages.

    Returns
    -------
    str
        The text, line endings normalised to ``\n``.

    Raises
    ------
    ArticleError
        If the article is empty (or blank), larger than :data:`MAX_ARTICLE_BYTES`, binary
        (a NUL byte outside UTF-16/32), not valid in its encoding (the message names the line and
        byte: mixed encodings), or declares an encoding Python does not know.

    Examples
    --------
    >>> decode_article("约43亿港元".encode("gb18030"), "a.txt")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    anchorval.errors.ArticleError: a.txt:1: not valid utf-8 text at byte 4 (mixed encodings?); ...
    >>> decode_article("# coding: gb18030\n约43亿港元".encode("gb18030"), "a.txt").splitlines()[1]
    '约43亿港元'
    """
    if len(data) > MAX_ARTICLE_BYTES:
        raise ArticleError(MSG_ARTICLE_TOO_LARGE.format(file=name, size=len(data), limit=MAX_ARTICLE_BYTES))
    encoding = "utf-8"
    declared_line = 1
    for bom, enc in _BOMS:
        if data.startswith(bom):
            encoding = enc
            break
    else:
        nul = data.find(b"\x00")
        if nul >= 0:
            raise ArticleError(MSG_ARTICLE_BINARY.format(file=name, offset=nul))
        head = data[:2048].split(b"\n", 2)[:2]
        for i, line in enumerate(head, 1):
            m = _DECLARED.search(line)
            if m:
                encoding, declared_line = m.group(1).decode("ascii", "replace").lower(), i
                break
    try:
        codecs.lookup(encoding)
    except LookupError:
        raise ArticleError(MSG_ARTICLE_BAD_DECLARED.format(file=name, line=declared_line, encoding=encoding)) from None
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ArticleError(
            MSG_ARTICLE_ENCODING.format(file=name, line=line, encoding=encoding, offset=exc.start)
        ) from None
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if "\x00" in text:
        raise ArticleError(MSG_ARTICLE_BINARY.format(file=name, offset=text.index("\x00")))
    if not text.strip():
        raise ArticleError(MSG_ARTICLE_EMPTY.format(file=name))
    return text


@dataclass(frozen=True, slots=True)
class Sentence:
    """A sentence of the article: its index and character span (``text[start:end]``)."""

    index: int
    start: int
    end: int


# A sentence ends at 。！？；!? (and closing quotes), or at a full stop not inside a number
# (5.2) and followed by space or the end of the line; a line break always ends one.
_END = re.compile(r"[。！？；!?]+[\"”’)）]*|\.(?!\d)[\"”’)）]*(?=\s|$)")


def split_sentences(text: str) -> list[Sentence]:
    """Split text into sentences with their spans (rule-based; lines never join).

    Parameters
    ----------
    text : str
        Article text.

    Returns
    -------
    list of Sentence
        Non-blank sentences in order; spans exclude surrounding blanks.

    Examples
    --------
    >>> t = "GLM-5.2 scored 81.0. 智谱都一万亿了。Next"
    >>> [t[s.start:s.end] for s in split_sentences(t)]
    ['GLM-5.2 scored 81.0.', '智谱都一万亿了。', 'Next']
    """
    out: list[Sentence] = []
    pos = 0
    for line in text.split("\n"):
        cuts = [m.end() for m in _END.finditer(line)]
        start = 0
        for cut in [*cuts, len(line)]:
            piece = line[start:cut]
            if piece.strip():
                lead = len(piece) - len(piece.lstrip())
                s = pos + start + lead
                out.append(Sentence(len(out), s, s + len(piece.strip())))
            start = cut
        pos += len(line) + 1
    return out
