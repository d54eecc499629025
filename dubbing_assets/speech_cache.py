"""The per-unit speech cache of `dubbed_speech`: each unit's synthesized speech, stored under a
key made of everything it depends on (text, engine rate, voice and its version, preset version,
TTS engine version).

Synthesis is not repeatable (piper samples its noise), so without the cache a re-dub would change
every unit's audio; with it, a re-dub after an edit synthesizes only the edited units, and every
other unit's samples are the very ones of the previous run.
"""

import hashlib
import io
import json
from collections.abc import Callable

import numpy as np

from resources.storage import MediaStore


class SpeechCache:
    def __init__(self, store: MediaStore, prefix: str, made_with: str) -> None:
        self.store = store
        self.prefix = prefix
        self.made_with = made_with
        self.used: set[str] = set()
        self.synthesized: set[str] = set()

    def key(self, text: str, rate: float) -> str:
        digest = hashlib.sha256(json.dumps([self.made_with, text, repr(rate)]).encode())
        return f"{self.prefix}/{digest.hexdigest()}.npy"

    def speech(self, text: str, rate: float, synthesize: Callable[[], np.ndarray]) -> np.ndarray:
        """The cached samples of `text` at `rate`, synthesized and stored on a miss."""
        key = self.key(text, rate)
        self.used.add(key)
        if self.store.exists(key):
            return np.load(io.BytesIO(self.store.read_bytes(key)), allow_pickle=False)
        samples = synthesize()
        buffer = io.BytesIO()
        np.save(buffer, samples, allow_pickle=False)
        self.store.write_bytes(key, buffer.getvalue())
        self.synthesized.add(text)
        return samples

    def prune(self) -> int:
        """Drop the entries this run did not use (units edited away, older voices): the cache
        holds the language's current units only. Returns how many were dropped."""
        stale = [key for key in self.store.list(self.prefix) if key not in self.used]
        for key in stale:
            self.store.delete_prefix(key)
        return len(stale)
