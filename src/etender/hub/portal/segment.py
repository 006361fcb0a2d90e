"""Chinese word segmentation for the disclosure search (jieba, dictionary only).

The same function cuts the indexed text and the query, so both sides see the
same words:

* the text is normalised (NFKC: full-width letters, digits and brackets become
  half-width) and lower-cased;
* jieba cuts it **without the HMM** (``HMM=False``): segmentation then depends
  only on the dictionary, so a word is cut the same way wherever it stands;
  unknown words fall apart into single characters on both sides instead of
  being glued differently in different contexts;
* the index keeps every dictionary word found anywhere in the text (jieba's
  full mode, e.g. 中标结果公告 → 中标 结果 中标结果 公告 中标结果公告 …, and
  words across the precise cut such as 改造工程 in 提升改造工程施工) plus the
  precise cut (for the single characters and letter/digit runs); the query
  uses the precise cut, whose words are therefore found wherever the same
  characters stand in a text — like ``LIKE '%…%'`` for dictionary words;
* punctuation and a few function words (的, 及, 和 …) are dropped.

A small procurement dictionary shipped with the package (``data/userdict.txt``)
adds words the general dictionary lacks (标段, 总承包, 监理服务 …).

jieba keeps a cache of its prefix dictionary; it is written to the instance's
var directory (``settings.ETENDER_VAR_DIR``), never to /tmp.
"""

from __future__ import annotations

import logging
import os
import re
import threading
import unicodedata
from collections.abc import Iterable
from importlib import resources
from pathlib import Path

__all__ = ["MAX_TOKEN", "index_tokens", "normalise", "query_tokens", "tokenizer"]

#: Longer tokens (URLs, hashes) are cut off: nobody searches for them and they bloat the index.
MAX_TOKEN = 40

STOPWORDS = frozenset("的 了 及 和 与 或 等 之 在 对 于 为 以 其 由 并 是 有 将 按 从 向 被 把 该 此 这 那 个 各 每 也 就 都 而 但 若 如 则 即".split())
_WORD = re.compile(r"[0-9a-z\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]", re.IGNORECASE)

_lock = threading.Lock()
_tokenizer = None


def _cache_dir() -> Path:
    try:
        from django.conf import settings

        base = Path(settings.ETENDER_VAR_DIR)
    except Exception:  # used outside Django (bench): the env var or ./var, like the settings
        base = Path(os.environ.get("ETENDER_VAR_DIR", "var")).resolve()
    path = base / "jieba"
    path.mkdir(parents=True, exist_ok=True)
    return path


def tokenizer():
    """The process's jieba tokenizer with the procurement dictionary (built once, thread-safe)."""
    global _tokenizer
    if _tokenizer is not None:
        return _tokenizer
    with _lock:
        if _tokenizer is None:
            import jieba

            jieba.setLogLevel(logging.WARNING)
            t = jieba.Tokenizer()
            t.tmp_dir = str(_cache_dir())
            t.initialize()
            with resources.files("etender.hub.portal").joinpath("data/userdict.txt").open("rb") as f:
                t.load_userdict(f)
            _tokenizer = t
    return _tokenizer


def normalise(text: str) -> str:
    """NFKC, lower case, no NUL: the form both the index and the query are cut from."""
    return unicodedata.normalize("NFKC", text).replace("\x00", " ").lower()


def _keep(token: str) -> bool:
    return bool(_WORD.search(token)) and token not in STOPWORDS


def _unique(tokens: Iterable[str]) -> list[str]:
    out: dict[str, None] = {}
    for t in tokens:
        t = t.strip()[:MAX_TOKEN]
        if t and _keep(t):
            out.setdefault(t, None)
    return list(out)


def index_tokens(text: str) -> list[str]:
    """The distinct words of ``text`` for the index, in order of first occurrence."""
    if not text:
        return []
    t = tokenizer()
    text = normalise(text)
    return _unique([*t.cut(text, cut_all=True), *t.cut(text, HMM=False)])


def query_tokens(text: str) -> list[str]:
    """The distinct words of a query (precise mode); every one must match."""
    if not text:
        return []
    return _unique(tokenizer().cut(normalise(text), HMM=False))
