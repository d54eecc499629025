"""MediaStore: the artifact store every stage reads from and writes to.

Artifacts live under deterministic keys (see `dubbing_core.keys`) in any fsspec filesystem:
a local directory by default, S3/MinIO through s3fs in production. Every write goes to a
temporary key first and is moved into place, so a stage that fails half-way never leaves a
partial artifact where the next stage would read it.
"""

import functools
import hashlib
import json
import os
import tempfile
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Any, Concatenate, ParamSpec, TypeVar

import botocore.exceptions
import dagster as dg
import fsspec
from fsspec import AbstractFileSystem
from fsspec.implementations.local import LocalFileSystem

from dubbing_core.errors import CodedError
from dubbing_core.settings import DubflowSettings

_TMP_PREFIX = ".tmp"
_injected_faults: Counter[str] = Counter()


class StorageUnavailable(CodedError, OSError):
    """The object store did not take a write; worth retrying."""

    def __init__(self, message: str) -> None:
        super().__init__("storage.unavailable", message)


_HASH_CHUNK = 1 << 20

# An endpoint that cannot be reached (down, restarting, network cut): the same request may work
# later. botocore has already retried these with back-off by the time they reach us.
_UNREACHABLE = (ConnectionError, botocore.exceptions.ConnectionError)

_Params = ParamSpec("_Params")
_Result = TypeVar("_Result")


def _reaching_the_store(
    method: "Callable[Concatenate[MediaStore, _Params], _Result]",
) -> "Callable[Concatenate[MediaStore, _Params], _Result]":
    """Report an unreachable store as `StorageUnavailable`, whatever the backend raised, so the
    stage's error code is stable and Dagster's retry policy takes it as transient."""

    @functools.wraps(method)
    def reaching(store: "MediaStore", *args: _Params.args, **kwargs: _Params.kwargs) -> _Result:
        try:
            return method(store, *args, **kwargs)
        except _UNREACHABLE as error:
            raise StorageUnavailable(f"object storage unreachable: {error}") from error

    return reaching


@lru_cache(maxsize=8)
def _filesystem(
    root: str,
    endpoint_url: str | None,
    access_key: str | None,
    secret_key: str | None,
    region: str,
) -> tuple[AbstractFileSystem, str]:
    options: dict[str, Any] = {}
    if root.startswith("s3://"):
        options = {
            "key": access_key,
            "secret": secret_key,
            "client_kwargs": {"endpoint_url": endpoint_url, "region_name": region},
            "config_kwargs": {"signature_version": "s3v4"},
        }
    fs, path = fsspec.core.url_to_fs(root, **options)
    return fs, path.rstrip("/")


class MediaStore(dg.ConfigurableResource):
    """Object storage for job artifacts (local directory or `s3://bucket/prefix`)."""

    root: str
    s3_endpoint_url: str | None = None
    s3_access_key: str | None = None
    s3_secret_key: str | None = None
    s3_region: str = "us-east-1"
    # Fault injection: the first `fault_writes` writes of this process to this root fail.
    fault_writes: int = 0

    @classmethod
    def from_settings(cls, settings: DubflowSettings, **overrides: Any) -> "MediaStore":
        """The store the settings name; `overrides` replace fields (e.g. a secret as an EnvVar)."""
        fields: dict[str, Any] = {
            "root": settings.resolved_storage_url,
            "s3_endpoint_url": settings.s3_endpoint_url,
            "s3_access_key": settings.s3_access_key,
            "s3_secret_key": settings.s3_secret_key,
            "s3_region": settings.s3_region,
        }
        return cls(**{**fields, **overrides})

    def _inject_faults(self, key: str) -> None:
        if _injected_faults[self.root] < self.fault_writes:
            _injected_faults[self.root] += 1
            raise StorageUnavailable(f"injected storage fault writing {key}")

    @property
    def fs(self) -> AbstractFileSystem:
        return self._fs_and_base()[0]

    def _fs_and_base(self) -> tuple[AbstractFileSystem, str]:
        return _filesystem(
            self.root, self.s3_endpoint_url, self.s3_access_key, self.s3_secret_key, self.s3_region
        )

    @property
    def is_local(self) -> bool:
        return isinstance(self.fs, LocalFileSystem)

    def path(self, key: str) -> str:
        """Filesystem path of `key` (a local path or `bucket/prefix/key`)."""
        if key.startswith("/") or ".." in key.split("/"):
            raise ValueError(f"invalid storage key: {key!r}")
        return f"{self._fs_and_base()[1]}/{key}"

    def _tmp_path(self, key: str) -> str:
        tmp = self.path(f"{_TMP_PREFIX}/{uuid.uuid4().hex}-{key.rsplit('/', 1)[-1]}")
        if self.is_local:
            Path(tmp).parent.mkdir(parents=True, exist_ok=True)
        return tmp

    @_reaching_the_store
    def exists(self, key: str) -> bool:
        return bool(self.fs.exists(self.path(key)))

    @_reaching_the_store
    def size(self, key: str) -> int:
        return int(self.fs.size(self.path(key)))

    @_reaching_the_store
    def read_bytes(self, key: str) -> bytes:
        return bytes(self.fs.cat_file(self.path(key)))

    def read_json(self, key: str) -> Any:
        return json.loads(self.read_bytes(key))

    @_reaching_the_store
    def write_bytes(self, key: str, data: bytes) -> None:
        self._inject_faults(key)
        tmp = self._tmp_path(key)
        self.fs.pipe_file(tmp, data)
        self._move_into_place(tmp, key)

    def write_json(self, key: str, value: Any) -> None:
        self.write_bytes(key, json.dumps(value, indent=2, ensure_ascii=False).encode())

    @_reaching_the_store
    def put_file(self, local: Path, key: str) -> None:
        self._inject_faults(key)
        tmp = self._tmp_path(key)
        self.fs.put_file(str(local), tmp)
        self._move_into_place(tmp, key)

    def put_tree(self, local_dir: Path, prefix: str, *, last: str | None = None) -> list[str]:
        """Upload every file of `local_dir` under `prefix`; `last` (e.g. a playlist) goes last
        so readers never see an index that points at segments not yet uploaded."""
        files = sorted(p for p in local_dir.rglob("*") if p.is_file())
        files.sort(key=lambda p: p.name == last)
        keys = []
        for file in files:
            key = f"{prefix}/{file.relative_to(local_dir).as_posix()}"
            self.put_file(file, key)
            keys.append(key)
        return keys

    @_reaching_the_store
    def copy_key(self, source_key: str, key: str) -> None:
        """Server-side copy (S3 CopyObject, or a local file copy), also atomic."""
        self._inject_faults(key)
        tmp = self._tmp_path(key)
        self.fs.copy(self.path(source_key), tmp)
        self._move_into_place(tmp, key)

    def share_key(self, source_key: str, key: str) -> None:
        """`key` with the content of `source_key`, without a second copy of the bytes where
        the store allows it: a hard link on local storage (both keys are immutable once
        written), a server-side copy on S3."""
        if not self.is_local:
            self.copy_key(source_key, key)
            return
        self._inject_faults(key)
        tmp = self._tmp_path(key)
        os.link(self.path(source_key), tmp)
        self._move_into_place(tmp, key)

    def _move_into_place(self, tmp: str, key: str) -> None:
        final = self.path(key)
        if self.is_local:
            Path(final).parent.mkdir(parents=True, exist_ok=True)
        self.fs.mv(tmp, final)

    @_reaching_the_store
    def get_file(self, key: str, local: Path) -> Path:
        local.parent.mkdir(parents=True, exist_ok=True)
        self.fs.get_file(self.path(key), str(local))
        return local

    @contextmanager
    def local_copy(self, key: str) -> Iterator[Path]:
        """A local file with the content of `key`: the file itself on local storage, a
        temporary download otherwise (ffmpeg needs a path)."""
        if self.is_local:
            path = Path(self.path(key))
            if not path.exists():
                raise FileNotFoundError(key)
            yield path
            return
        with tempfile.TemporaryDirectory(prefix="dubflow-") as tmp:
            yield self.get_file(key, Path(tmp) / key.rsplit("/", 1)[-1])

    @_reaching_the_store
    def list(self, prefix: str) -> list[str]:
        """Keys under `prefix`, recursively, relative to the store root."""
        base = self._fs_and_base()[1]
        if not self.exists(prefix):
            return []
        found = self.fs.find(self.path(prefix))
        return sorted(str(p)[len(base) + 1 :] for p in found)

    @_reaching_the_store
    def bytes_under(self, prefix: str, *, excluding: str | None = None) -> int:
        """The bytes of every key under `prefix` but `excluding` (one listing, also on S3)."""
        if not self.exists(prefix):
            return 0
        base = self._fs_and_base()[1]
        found = self.fs.find(self.path(prefix), detail=True)
        return sum(
            int(info["size"] or 0)
            for path, info in found.items()
            if str(path)[len(base) + 1 :] != excluding
        )

    @_reaching_the_store
    def delete_prefix(self, prefix: str) -> None:
        if self.exists(prefix):
            self.fs.rm(self.path(prefix), recursive=True)

    @_reaching_the_store
    def sha256(self, key: str) -> str:
        digest = hashlib.sha256()
        with self.fs.open(self.path(key), "rb") as handle:
            while chunk := handle.read(_HASH_CHUNK):
                digest.update(chunk)
        return digest.hexdigest()
