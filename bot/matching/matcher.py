"""The matcher: the stages joined. parse → retrieve → gates and features → decide.

Three outcomes: Answer (one fact is clearly best), Ambiguous (a few are close), NoMatch.
A wrong confident answer is the worst outcome, so scoring is built to decline: words the fact
does not explain cost coverage; years, editions, numbers and names are constraints, not words;
a name the sheet's world has never seen rules every fact out; what the question asks for (its
kind and focus) must be something the fact gives.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import replace

from bot.bulk import no_gc_pauses
from bot.factsheet import FactSheet
from bot.matching.claims import (
    CLAIM_ANSWER,
    article_supports,
    as_claim,
    claimed_fields,
    supports,
)
from bot.matching.decide import Candidate, Result, Thresholds, decide
from bot.matching.language import english
from bot.matching.profile import Profile, profile_fact
from bot.matching.query import Parser, Query
from bot.matching.retrieve import Index
from bot.matching.score import Weights, blend, features, fitted, passes, query_weights
from bot.matching.semantic import build as build_semantic
from bot.matching.sources import all_source_facts, asked_field, source_id
from bot.matching.text import Folding, Glossary, is_phrase_group, normalise, words
from bot.matching.world import build_world


class Matcher:
    """Answers questions from a sheet's curated facts and its articles' metadata."""

    def __init__(self, sheet: FactSheet, semantic: bool = True) -> None:
        with no_gc_pauses():
            self._build(sheet, semantic)

    def _build(self, sheet: FactSheet, semantic: bool) -> None:
        self.sheet = sheet
        own_synonyms = tuple(getattr(sheet, "synonyms", ()))
        self.folding = Folding(own_synonyms)
        self.glossary = Glossary(
            (
                *sheet.glossary,
                *self.folding.phrase_groups,
                *(g for g in own_synonyms if is_phrase_group(g)),
            ),
            self.folding,
        )
        texts = {aid: a.text for aid, a in sheet.articles.items()}
        self.world = build_world(sheet.glossary, texts, self.glossary, getattr(sheet, "names", ()))
        self.profiles = [profile_fact(f, self.glossary, self.world) for f in sheet.curated]
        self._profiles_by_id = {p.fact.id: p for p in self.profiles}
        article_words = {w for t in texts.values() for w in words(t)}
        self.index = Index(self.profiles, self.folding, article_words)
        self.parser = Parser(self.index, self.glossary, self.world)
        self._want_semantic = semantic
        self.attach_semantic()
        self.source_facts = {
            f.id: f for facts in all_source_facts(sheet.articles).values() for f in facts
        }
        self._article_vocab = self._article_vocabularies()
        self._titles = {
            aid: frozenset(normalise(a.title, self.glossary)) for aid, a in sheet.articles.items()
        }

    def attach_semantic(self) -> None:
        """Turn the semantic signal on or off as the environment says, with its weights."""
        self.semantic = build_semantic(self.profiles) if self._want_semantic else None
        self.weights, thresholds = fitted(self.semantic is not None)
        self.thresholds = Thresholds(**thresholds)
        self.claim_thresholds = replace(
            self.thresholds, answer=CLAIM_ANSWER, ambiguous=CLAIM_ANSWER
        )

    def __getstate__(self) -> dict:
        # The model session does not pickle; attach_semantic() makes it again from its cache.
        return {**self.__dict__, "semantic": None}

    # -- the stages ---------------------------------------------------------------------------
    def parse(self, question: str) -> Query:
        return self.parser.parse(question)

    def parse_follow_up(self, followup: str, previous: str, switch: bool = False) -> Query:
        return self.parser.follow_up(followup, previous, switch)

    def profile(self, fact_id: str) -> Profile | None:
        """A curated fact's profile by its id."""
        return self._profiles_by_id.get(fact_id)

    def fold(self, word: str) -> str:
        """A word as the matcher compares it (folded, typos of the sheet's words mended)."""
        return self.folding.token(self.index.correct(word))

    def knows_word(self, word: str) -> bool:
        """Whether the sheet or its articles use this word (or one a typo away from it)."""
        return word in self.index.known or self.index.correct(word) != word

    def match(self, question: str, thresholds: Thresholds | None = None) -> Result:
        """Decide Answer, Ambiguous or NoMatch for one question."""
        query = self.parse(question)
        return self.decide(query, self.rank_query(query), thresholds)

    def match_claim(self, message: str) -> Result:
        """The fact a posted message restates, if one says what it says (bot/matching/
        claims.py): matched like a question, then only facts that support the claim."""
        query = as_claim(self.parse(message))
        fields = claimed_fields(query.text)
        if fields:
            return self._source_claim(query, fields)
        by_id = self._profiles_by_id
        ranked = [
            c
            for c in self.rank_query(query)
            # A question about a source ("when was it published") is a field, not a claim.
            if c.fact.id not in by_id or supports(by_id[c.fact.id], query)
        ]
        return self.decide(query, ranked, self.claim_thresholds)

    def _source_claim(self, query: Query, fields: list[str]) -> Result:
        """A claim about a piece of writing: the article its words name, shown (its first field
        claimed) only when the article's own metadata says what the claim says."""
        ranked = [
            c
            for c in self._rank_sources(query, fields[0])
            if article_supports(self.sheet.articles[c.fact.article], fields, query)
        ]
        return self.decide(query, ranked, self.claim_thresholds)

    def decide(
        self, query: Query, ranked: list[Candidate], thresholds: Thresholds | None = None
    ) -> Result:
        era = bool(query.constraints.years or query.constraints.ordinals)
        result = decide(query.text, ranked, thresholds or self.thresholds, names_an_era=era)
        return replace(result, truncated=True) if query.truncated else result

    def rank(self, question: str) -> list[Candidate]:
        """Candidates best first, facts that fail a gate removed."""
        return self.rank_query(self.parse(question))

    def rank_query(self, query: Query, weights: Weights | None = None) -> list[Candidate]:
        # A long message: each asking clause is scored in its context and each fact keeps its
        # best (the whole message only when no clause asks); chatter was dropped in parsing.
        parts = query.clauses or (query,)
        for part in parts:
            field = asked_field(part.text)
            if field:
                return self._rank_sources(part, field)
        return self._ranked(query, parts, weights or self.weights)

    def rank_follow_up(self, query: Query) -> list[Candidate]:
        """Candidates for a follow-up read in its thread (Parser.follow_up): its own words are
        what is asked, the previous question is context, and no question about a source is
        looked for in the previous turn's words."""
        return self._ranked(query, (query,), self.weights)

    def _ranked(self, query: Query, parts: tuple[Query, ...], weights: Weights) -> list[Candidate]:
        best: dict[int, float] = {}
        similar = self.similarities(query)
        for part in parts:
            for index, score in self._scored(part, weights, similar):
                if score > best.get(index, -1.0):
                    best[index] = score
        ranked = [Candidate(self.profiles[i].fact, s) for i, s in best.items()]
        ranked.sort(key=lambda c: (-c.score, c.fact.id))
        return ranked

    def similarities(self, query: Query):
        """Each fact's cosine with the message as typed, when the semantic signal is on."""
        if self.semantic is None or not query.tokens and not query.clauses:
            return None
        return self.semantic.similarities(self.semantic.vector(query.text))

    def features_of(self, query: Query, similar=None) -> list[tuple[int, dict[str, float]]]:
        """Every fact passing the gates for one parsed question (or clause), with its features."""
        if not (query.tokens or query.context) or query.unknown:
            return []
        weights = query_weights(query, self.index)
        pool = self.index.pool(list(weights), weights)
        if similar is not None:
            # Facts that mean the same in other words ("a magnet for money from overseas").
            pool = list(dict.fromkeys([*pool, *self.semantic.neighbours(similar)]))
        out = []
        for index in pool:
            profile = self.profiles[index]
            if passes(profile, query, self.world):
                values = features(profile, query, self.index)
                if similar is not None:
                    values["semantic"] = max(0.0, float(similar[index]))
                out.append((index, values))
        return out

    def _scored(self, query: Query, weights: Weights, similar=None) -> list[tuple[int, float]]:
        return [(i, blend(v, weights)) for i, v in self.features_of(query, similar)]

    # -- questions about the sources ----------------------------------------------------------
    def _article_vocabularies(self) -> dict[str, Counter]:
        vocab: dict[str, Counter] = {}
        for aid, article in self.sheet.articles.items():
            counts: Counter = Counter()
            # The title's words count twice: "the benefits update" names its headline.
            counts.update(normalise(article.title, self.glossary) * 2)
            counts.update(set(normalise(article.text, self.glossary)))
            for profile in self.profiles:
                if profile.fact.article == aid:
                    counts.update(profile.vocab)
            vocab[aid] = counts
        return vocab

    def _rank_sources(self, query: Query, field: str) -> list[Candidate]:
        """The article a source question means, by the words that name it ("the piece about
        the new office"), and that article's answer for the field asked."""
        ignore = {self.folding.token(w) for w in english().source_words} | {
            self.folding.token(w) for w in english().chatter
        }
        # "The handbook": a word for a kind of writing names one when a title has it.
        ignore -= frozenset().union(*self._titles.values()) if self._titles else frozenset()
        n = len(self._article_vocab)
        df = Counter(t for counts in self._article_vocab.values() for t in set(counts))
        # Only words that tell the articles apart: in some of them, not in all.
        weight = {
            t: math.log(1 + n / df[t])
            for t in (*query.tokens, *query.context)
            if t not in ignore and 0 < df[t] < n
        }
        total = sum(weight.values())
        ranked = []
        for aid, counts in self._article_vocab.items():
            fact = self.source_facts.get(source_id(aid, field))
            if fact is None:
                continue
            if not total:
                share = 0.5 if n > 1 else 1.0  # "when was it published": which one, if several?
            else:
                share = sum(w for t, w in weight.items() if t in counts) / total
                # Between articles the words fit equally, the one whose title has them.
                in_title = sum(w for t, w in weight.items() if t in self._titles[aid]) / total
                share = 0.9 * share + 0.1 * in_title
            ranked.append(Candidate(fact, round(share, 4)))
        ranked.sort(key=lambda c: (-c.score, c.fact.id))
        return ranked
