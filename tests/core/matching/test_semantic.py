"""The semantic signal: pinned weights from a package, vectors cached on disk, off by default."""

import numpy as np
import pytest

from bot.matching import embedder as emb
from bot.matching import semantic

MODEL = emb.load_default()
needs_model = pytest.mark.skipif(MODEL is None, reason="the semantic extra is not installed")


def test_a_missing_model_package_means_no_signal(monkeypatch):
    """Without the model package the lexical path is all there is, and nothing fails."""
    monkeypatch.setattr(emb, "_MODEL_SOURCE", ("no-such-distribution", "m.onnx"))
    assert emb.load_default() is None


def test_a_model_file_that_is_not_the_pinned_one_is_refused(tmp_path):
    """The sha256 is checked before the file is loaded."""
    bad = tmp_path / "model.onnx"
    bad.write_bytes(b"not a model")
    vocab = tmp_path / "vocab.txt"
    vocab.write_text("[PAD]\n[UNK]\n[CLS]\n[SEP]\n")
    with pytest.raises(emb.ModelIntegrityError, match="sha256"):
        emb.Embedder(bad, vocab, emb.DEFAULT_MODEL_SHA256)


def test_factbot_semantic_off_turns_the_signal_off(monkeypatch, office):
    """FACTBOT_SEMANTIC=off: the lexical matcher loads no model and uses its own weights."""
    from bot.factsheet import FactSheet
    from bot.matching.matcher import Matcher
    from bot.matching.score import fitted

    monkeypatch.setenv("FACTBOT_SEMANTIC", "off")
    assert not semantic.enabled()
    lexical = Matcher(FactSheet(office.sheet.facts, office.sheet.glossary, office.sheet.articles))
    assert lexical.semantic is None and lexical.weights == fitted(False)[0]


@needs_model
def test_paraphrases_are_closer_than_unrelated_questions():
    """Unit vectors; a paraphrase scores far above an unrelated question."""
    v = MODEL.encode(
        [
            "how many people work in the denver office",
            "what is the number of employees at the denver office",
            "what is the wifi password",
        ]
    )
    assert v.shape == (3, 384)
    assert np.allclose(np.linalg.norm(v, axis=1), 1.0, atol=1e-4)
    assert v[0] @ v[1] > 0.6 > 0.2 > v[0] @ v[2]


@needs_model
def test_vectors_are_cached_by_the_sheets_content(monkeypatch, tmp_path, office):
    """The first build writes a cache file; the next reads it instead of embedding again."""
    monkeypatch.setenv("FACTBOT_CACHE", str(tmp_path))
    first = semantic.Semantic(office.profiles, MODEL)
    files = list((tmp_path / "factbot").glob("vectors-*.npy"))
    assert len(files) == 1

    class NoEncode:
        model_sha256 = MODEL.model_sha256

        def encode(self, texts):
            raise AssertionError("embedded again despite the cache")

    again = semantic.Semantic(office.profiles, NoEncode())
    assert np.array_equal(first.vectors, again.vectors)
    sims = first.similarities(first.vector("how many work at denver"))
    best = office.profiles[int(np.argmax(sims))].fact.id
    assert best == "denver-headcount"
