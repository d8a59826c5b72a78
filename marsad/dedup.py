"""Near-duplicate documents: MinHash over normalised word shingles, LSH to find candidates.

The same agency text reaches us from the ministry, the news agency and three
papers with different headlines, bylines and "read also" boxes. Counting each
copy would count the meeting five times, so a copy whose shingles mostly match
a stored document is not stored again: only its URL and outlet are added to
the original's sources. Words are folded by `normalize_form` (the one
normaliser), so diacritics, hamza seats and Arabic-Indic digits do not make
two copies look different.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from datasketch import LeanMinHash, MinHash, MinHashLSH

from marsad.model import Document
from marsad.normalize import normalize_form
from marsad.store import Store
from marsad.store import sources as S

SHINGLE = 3  # word 3-grams: one edited word changes three shingles, so rewording shows, boilerplate barely does
NUM_PERM = 128  # Jaccard estimate error ~ 1/sqrt(128) ~ 0.09 at worst, well inside the gap between copies and news
SEED = 1  # fixed: signatures are stored and compared across runs
# A syndicated copy keeps 75-95% of its shingles (headline, byline and boxes differ); two different reports
# of one meeting share under 25% (see tests/test_dedup_stories.py). 0.7 sits in the gap, nearer the copies.
THRESHOLD = 0.7
# Below this many shingles (~30 words) one word is a large share of the text: two one-line briefs that differ
# only in the guest's country look like copies. Short texts are deduplicated exactly (same doc_id) only.
MIN_SHINGLES = 30
_PUNCT = "\"'.,;:!?()[]{}<>-_/\\|«»“”…*#@%&+=~`^"
_MIX1, _MIX2 = np.uint64(0x9E3779B1), np.uint64(0x85EBCA77)  # odd multipliers: order-sensitive shingle hash
_MASK = np.uint64(0xFFFFFFFF)


@dataclass(slots=True)
class Match:
    """The stored document a text copies, and the estimated Jaccard similarity of their shingles."""

    doc_id: str
    similarity: float


@dataclass(slots=True)
class DedupReport:
    indexed: int = 0
    merged: int = 0


@lru_cache(maxsize=1)
def _permutations() -> tuple[np.ndarray, np.ndarray]:
    return MinHash(num_perm=NUM_PERM, seed=SEED).permutations


@lru_cache(maxsize=400_000)  # news vocabulary is Zipfian: a word is folded and hashed once, not per occurrence
def _token_hash(token: str) -> int:
    """Stable 32-bit hash of a normalised word (hashlib, never `hash()`); 0 for punctuation alone."""
    form = normalize_form(token).strip(_PUNCT)
    if not form:
        return 0
    return int.from_bytes(hashlib.blake2b(form.encode("utf-8"), digest_size=4).digest(), "little")


def shingle_hashes(text: str) -> np.ndarray:
    """Hashes of the text's word 3-grams after normalisation, unique and sorted (a set)."""
    toks = np.array(list(filter(None, map(_token_hash, text.split()))), dtype=np.uint64)  # C loops, no genexpr
    if len(toks) < SHINGLE:
        return np.unique(toks)
    mixed = ((toks[:-2] * _MIX1 + toks[1:-1]) * _MIX2 + toks[2:]) & _MASK
    return np.unique(mixed)


def signature(text: str) -> np.ndarray | None:
    """The MinHash of the text's shingles (NUM_PERM uint32 values); None for a text too short to compare."""
    hv = shingle_hashes(text)
    if len(hv) < MIN_SHINGLES:
        return None
    m = MinHash(num_perm=NUM_PERM, seed=SEED, hashfunc=int, permutations=_permutations(), scheme="affine32")
    m.update_batch(hv.tolist())
    return m.hashvalues.astype(np.uint32)


def to_bytes(sig: np.ndarray | None) -> bytes:
    """Stored form; empty for a short text (the row still marks the document as seen by dedup)."""
    return b"" if sig is None else sig.astype("<u4").tobytes()


def from_bytes(raw: bytes) -> np.ndarray | None:
    return np.frombuffer(raw, dtype="<u4").astype(np.uint32) if raw else None


class Deduper:
    """An in-memory LSH index over stored signatures; the store keeps the signatures between runs."""

    def __init__(self, threshold: float = THRESHOLD) -> None:
        self.threshold = threshold
        self._lsh = MinHashLSH(threshold=threshold, num_perm=NUM_PERM)
        self._sigs: dict[str, np.ndarray] = {}

    @classmethod
    def from_store(cls, store: Store, threshold: float = THRESHOLD) -> Deduper:
        d = cls(threshold)
        for doc_id, raw in S.signatures(store):
            d.add(doc_id, from_bytes(raw))
        return d

    def __len__(self) -> int:
        return len(self._sigs)

    def find(self, sig: np.ndarray | None) -> Match | None:
        """The closest stored document at or above the threshold (ties: the smaller id, for determinism)."""
        if sig is None:
            return None
        best: Match | None = None
        for cand in self._lsh.query(_lean(sig)):
            sim = float(np.mean(self._sigs[cand] == sig))
            if sim >= self.threshold and (best is None or (sim, best.doc_id) > (best.similarity, cand)):
                best = Match(cand, sim)
        return best

    def add(self, doc_id: str, sig: np.ndarray | None) -> None:
        if sig is not None and doc_id not in self._sigs:
            self._sigs[doc_id] = sig
            self._lsh.insert(doc_id, _lean(sig))


def _lean(sig: np.ndarray) -> LeanMinHash:
    return LeanMinHash(seed=SEED, hashvalues=sig, scheme="affine32")


def index_new_documents(store: Store, deduper: Deduper) -> DedupReport:
    """Give every document stored without dedup (files, the API) a signature, folding copies into originals.

    Idempotent and crash-safe: a document is 'new' until its signature row exists, and each one is
    handled in one transaction.
    """
    rep = DedupReport()
    for doc in S.unindexed_documents(store):
        sig = signature(doc.text)
        match = deduper.find(sig)
        if match is not None and match.doc_id != doc.doc_id:
            S.merge_duplicate(store, doc, match.doc_id, round(match.similarity, 3))
            rep.merged += 1
            continue
        S.index_document(store, doc, to_bytes(sig))
        deduper.add(doc.doc_id, sig)
        rep.indexed += 1
    return rep


def check(deduper: Deduper, doc: Document) -> tuple[np.ndarray | None, Match | None]:
    """A fetched document's signature and the stored document it copies, if any (before extraction)."""
    sig = signature(doc.text)
    return sig, deduper.find(sig)
