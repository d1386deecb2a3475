"""Scoring passages against a question: BM25 over content words, headings as context, coverage first.

Each passage has its own content words (`text.terms`) and the words of the headings above it (its
context). For the question's distinct content words, with idf over the passages' own words (over their
contexts for a word only in headings):

* match = BM25 (k1 = 1.2, b = 0.75) of the passage's own words, plus, for a question word only in its
  context, CONTEXT_WEIGHT of that word's idf (a heading adds weight to what is under it, never quotes);
* coverage = the idf-weighted share of the question's words the passage holds (context words count
  CONTEXT_WEIGHT); a passage with more of the question's distinct words is preferred;
* score = match × (1 + coverage), times CONTEXT_WEIGHT when the question's words are only in the context.

A few everyday words also look for the words documents use instead (RELATED: "sell" finds "charge",
"price" and "fee"), at RELATED_WEIGHT. Deterministic.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence

from assistant.sandbox.reading.text import terms

CONTEXT_WEIGHT = 0.75
RELATED_WEIGHT = 0.5

_RELATED_TEXT = {
    "sell": "charge price fee sale",
    "buy": "purchase price",
    "cost": "price charge fee spend",
    "price": "cost charge fee",
    "pay": "charge fee cost price",
    "money": "euros dollars cost price amount",
    "break": "fault broken error",
    "broken": "fault error",
    "error": "fault code",
    "stolen": "lost theft",
    "share": "distribute convey",
    "distribute": "convey",
    "give": "convey",
    "change": "modify",
    "edit": "modify",
    "warranty": "guarantee",
    "allowed": "permitted may",
}
RELATED: dict[str, tuple[str, ...]] = {
    term: tuple(dict.fromkeys(t for t in terms(words) if t != term))
    for word, words in _RELATED_TEXT.items()
    for term in terms(word)
}
"""Stemmed question word -> stemmed words documents use for it."""


def query_weights(question: str) -> dict[str, float]:
    """The question's distinct content words (weight 1) and their related words (RELATED_WEIGHT)."""
    weights: dict[str, float] = {}
    for term in terms(question):
        weights[term] = 1.0
    for term in list(weights):
        for related in RELATED.get(term, ()):
            weights.setdefault(related, RELATED_WEIGHT)
    return weights


def score(
    query: dict[str, float],
    bodies: Sequence[Counter[str]],
    contexts: Sequence[frozenset[str]],
) -> list[float]:
    """The score of each passage (its word counts and its context words) for the weighted query."""
    n = len(bodies)
    if n == 0 or not query:
        return []
    lengths = [sum(c.values()) for c in bodies]
    average = (sum(lengths) / n) or 1.0
    idf: dict[str, float] = {}
    for term in sorted(query):
        df = sum(1 for body in bodies if term in body) or sum(1 for context in contexts if term in context)
        if df:
            idf[term] = query[term] * math.log(1.0 + (n - df + 0.5) / (df + 0.5))
    possible = sum(idf.values()) or 1.0
    k1, b = 1.2, 0.75
    scores: list[float] = []
    for body, context, length in zip(bodies, contexts, lengths, strict=True):
        match = 0.0
        covered = 0.0
        own = False
        for term, weight in idf.items():
            frequency = body.get(term, 0)
            if frequency:
                match += weight * frequency * (k1 + 1) / (frequency + k1 * (1 - b + b * length / average))
                covered += weight
                own = True
            elif term in context:
                match += CONTEXT_WEIGHT * weight
                covered += CONTEXT_WEIGHT * weight
        scores.append(match * (1.0 + covered / possible) * (1.0 if own else CONTEXT_WEIGHT))
    return scores
