"""Words and phrases of a comment: what themes are clustered on and what they may be named by.

A comment is cut into clauses at punctuation (``keywords.clauses``, jieba's tokens). Its
*words* are the content words ``keywords.segment`` gives. Its *phrases* are the contiguous
runs of two to four tokens inside one clause that read as a piece of the customer's own
sentence: they open with a content word or a negation (没有热水, 不好吃), close on a content
word or a single non-stopword character other than a localiser (上菜太慢, 充不进电), hold at least one content word,
repeat no token (差评差评 says nothing twice) and are at most ``MAX_PHRASE_CHARS`` long. Phrases are joined as written (上网费用), with a
space only between two Latin or digit tokens.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from reporting.text.keywords import clauses, is_content_word, is_stopword

MIN_PHRASE_TOKENS = 2
MAX_PHRASE_TOKENS = 4
MAX_PHRASE_CHARS = 10
# grammar, not vocabulary: words that may open a phrase although the stopword list holds them
OPENING_NEGATIONS = frozenset({"不", "没", "没有", "不能", "不是", "不会", "并不", "并没有", "未", "无"})
# localisers (方位词) end a place, not a thought: 房间里, 京东上 are no name
LOCALISERS = frozenset({"上", "下", "中", "里", "内", "外"})
_SINGLE_HAN = re.compile(r"^[\u4e00-\u9fff]$")
_LATIN_OR_DIGIT = re.compile(r"^[A-Za-z0-9]")
TERMS_CACHE = 1 << 16


@dataclass(frozen=True)
class CommentTerms:
    """A comment's words and candidate phrases.

    Attributes:
        words: its content words, in order (``keywords.segment``).
        phrases: its distinct phrases, each as its two to four tokens, in order of first occurrence
            (``join_tokens`` writes one out).
    """

    words: tuple[str, ...]
    phrases: tuple[tuple[str, ...], ...]


def join_tokens(tokens: tuple[str, ...] | list[str]) -> str:
    """Tokens as the text they came from: no separator, except a space between two Latin/digit tokens."""
    joined = tokens[0] if tokens else ""
    for before, token in zip(tokens, tokens[1:], strict=False):
        joined += (" " if _LATIN_OR_DIGIT.match(before[-1]) and _LATIN_OR_DIGIT.match(token) else "") + token
    return joined


def clause_phrases(tokens: tuple[str, ...]) -> list[tuple[str, ...]]:
    """The candidate phrases of one clause's tokens, by start then length.

    Args:
        tokens: jieba's tokens of one clause.

    Returns:
        Every run of ``MIN_PHRASE_TOKENS``-``MAX_PHRASE_TOKENS`` tokens that opens with a
        content word or a negation, closes on a content word or a single non-stopword
        Chinese character (not a localiser), holds a content word, repeats no token and has
        at most ``MAX_PHRASE_CHARS`` characters.
    """
    content = [is_content_word(t) for t in tokens]
    opens = [c or t in OPENING_NEGATIONS for t, c in zip(tokens, content, strict=True)]
    closes = [c or _closing_character(t) for t, c in zip(tokens, content, strict=True)]
    found = []
    for start in range(len(tokens)):
        if not opens[start]:
            continue
        for end in range(start + MIN_PHRASE_TOKENS, min(start + MAX_PHRASE_TOKENS, len(tokens)) + 1):
            run = tokens[start:end]
            if sum(len(t) for t in run) > MAX_PHRASE_CHARS:
                break
            if closes[end - 1] and any(content[start:end]) and len(set(run)) == len(run):
                found.append(run)
    return found


def _closing_character(token: str) -> bool:
    """Whether a single-character token may end a phrase: a Chinese character, no stopword, no localiser."""
    return _SINGLE_HAN.match(token) is not None and not is_stopword(token) and token not in LOCALISERS


@lru_cache(maxsize=TERMS_CACHE)
def comment_terms(text: str) -> CommentTerms:
    """A comment's content words and distinct candidate phrases (each distinct text once per run)."""
    parts = clauses(text)
    words = tuple(t for tokens in parts for t in tokens if is_content_word(t))
    phrases = tuple(dict.fromkeys(p for tokens in parts for p in clause_phrases(tokens)))
    return CommentTerms(words, phrases)
