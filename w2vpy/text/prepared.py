"""A prepared corpus (``w2vpy.prepare``): a directory, local or an fsspec
URL, holding the vocabulary (``vocab.txt``, word2vec.c's ``word count``
lines), the text as int32 word ids in shards (one per piece of the text, in
text order) and ``manifest.json``, written last, that names them with their
token counts and checksums.  Only a manifest makes the directory a prepared
corpus: a run that stopped before it leaves nothing that reads as one.

Training reads it without the text: ``vocabulary()`` is the counted
vocabulary, ``encoded()`` the ids as the ``EncodedCorpus`` the trainer
reads (the shards streamed into one temporary file, each checked against
the manifest on the way).
"""
from __future__ import annotations

import hashlib
import json
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from w2vpy.errors import CorruptInputError, W2VError
from w2vpy.system.spool import flush_spool, open_spool, write_spool
from w2vpy.text.vocab import Vocabulary, read_vocab
from w2vpy.text.word_ids import ENCODED_CORPUS, EncodedCorpus

MANIFEST_NAME = "manifest.json"
VOCAB_NAME = "vocab.txt"
SHARD_DIRECTORY = "shards"
#: the manifest's "format" and "version": a reader refuses any other
FORMAT = "w2vpy-prepared-corpus"
FORMAT_VERSION = 1
#: bytes of a shard copied at a time
COPY_BYTES = 1 << 22


def is_url(location: str | os.PathLike[str]) -> bool:
    """An fsspec URL (``s3://...``, ``memory://...``), not a local path."""
    return "://" in os.fspath(location) if isinstance(location, (str, os.PathLike)) else False


def storage(location: str | os.PathLike[str]) -> tuple[Any, str]:
    """(filesystem, path in it) of a local path or an fsspec URL (fsspec
    imported only here: it is an optional dependency)."""
    try:
        import fsspec
    except ImportError:
        raise W2VError(f"{location} is a URL: reading it needs fsspec "
                       "(pip install 'w2vpy[dask]')") from None
    fs, path = fsspec.core.url_to_fs(os.fspath(location))
    return fs, path.rstrip("/")


def is_prepared(location: object) -> bool:
    """True when ``location`` (a path or an fsspec URL) is a directory that
    holds a prepared corpus's manifest.  Never raises for other sources."""
    if not isinstance(location, (str, os.PathLike)):
        return False
    try:
        if not is_url(location):
            return (Path(location) / MANIFEST_NAME).is_file()
        fs, root = storage(location)
        return fs.isfile(f"{root}/{MANIFEST_NAME}")
    except (OSError, ValueError, W2VError):
        return False


@dataclass
class PreparedCorpus:
    """An opened prepared corpus; see the module's text.  It stands where a
    text ``Corpus`` stands in a training run (``name``, ``input_paths``,
    ``fingerprint``, ``close``)."""
    name: str
    manifest: dict[str, Any]
    _fs: Any = field(repr=False)
    _root: str = field(repr=False)
    #: the manifest's checksums hashed: names the ids trained on (a resumed run
    #: is refused another prepared corpus)
    fingerprint: str = ""
    #: local inputs to keep outputs off (check_distinct): the manifest
    input_paths: list[Path] = field(default_factory=list)
    #: as a Corpus of files: read again each time, never a stream
    is_stream = False
    can_read_again = True

    @property
    def tokens(self) -> int:
        """Ids in the shards (words of the vocabulary, ``</s>`` included)."""
        return int(self.manifest["tokens"])

    #: directory entries not read, as a ``Corpus`` lists them: a prepared
    #: corpus reads only the shards its manifest names
    skipped: tuple[tuple[str, str], ...] = ()

    @property
    def skipped_tokens(self) -> int:
        """Tokens of the text outside the vocabulary, dropped while encoding."""
        return int(self.manifest["skipped"])

    @property
    def min_count(self) -> int:
        return int(self.manifest["parameters"]["min_count"])

    def vocabulary(self) -> Vocabulary:
        """The vocabulary the shards' ids number, in their order.  Read with
        min_count 0: it was applied while preparing, and dropping more words
        here would renumber the ids."""
        fs, path = self._fs, f"{self._root}/{VOCAB_NAME}"
        with tempfile.NamedTemporaryFile(prefix="w2vpy-vocab-", suffix=".txt") as local:
            # checked against the manifest, local or not: another vocab.txt
            # would number the shards' ids as other words
            _copy_checked(fs, path, local, self.manifest["vocabulary"]["sha256"], path)
            local.flush()
            return read_vocab(local.name, min_count=0)

    def check_parameters(self, min_count: int) -> None:
        """W2VError when a training run asks for another min_count than the
        corpus was prepared with (its ids number that vocabulary)."""
        if min_count != self.min_count:
            raise W2VError(f"min_count {min_count} differs from the {self.min_count} that "
                           f"{self.name} was prepared with: prepare it again, or train with "
                           f"min_count={self.min_count}")

    def encoded(self, spool_dir: str | None = None) -> EncodedCorpus:
        """The shards, in order, in one unnamed temporary file: the encoded
        corpus the trainer reads.  Each shard is checked (size and SHA-256)
        against the manifest as it is copied."""
        spool = open_spool(ENCODED_CORPUS, spool_dir)
        try:
            for piece in self.manifest["pieces"]:
                shard = f"{self._root}/{piece['shard']}"
                copied = _copy_checked(self._fs, shard, spool, piece["sha256"], shard,
                                       spool_dir=spool_dir)
                if copied != 4 * int(piece["tokens"]):
                    raise CorruptInputError(f"{shard} holds {copied} bytes; the manifest says "
                                            f"{piece['tokens']} ids")
            flush_spool(spool, ENCODED_CORPUS, spool_dir)
        except BaseException:
            spool.close()
            raise
        return EncodedCorpus(spool, self.tokens, self.skipped_tokens)

    def close(self) -> None:
        """Nothing is held open between calls (kept for Corpus's interface)."""

    def __enter__(self) -> PreparedCorpus:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _is_local(fs: Any) -> bool:
    return "file" in (fs.protocol if isinstance(fs.protocol, tuple) else (fs.protocol,))


def _copy_checked(fs: Any, path: str, out: BinaryIO, sha256: str, name: str,
                  spool_dir: str | None = None) -> int:
    """Copy a file of the prepared corpus into ``out``, hashing it; its size."""
    digest = hashlib.sha256()
    copied = 0
    try:
        with fs.open(path, "rb") as f:
            while block := f.read(COPY_BYTES):
                digest.update(block)
                write_spool(out, block, ENCODED_CORPUS, spool_dir)
                copied += len(block)
    except FileNotFoundError:
        raise CorruptInputError(f"{name} is missing: the prepared corpus is incomplete") from None
    except OSError as exc:
        raise CorruptInputError(f"cannot read {name}: {exc.strerror or exc}") from None
    if digest.hexdigest() != sha256:
        raise CorruptInputError(f"{name} does not match its checksum in the manifest "
                                "(changed or damaged since it was prepared)")
    return copied


def open_prepared(location: str | os.PathLike[str]) -> PreparedCorpus:
    """The prepared corpus at ``location`` (a directory or an fsspec URL),
    its manifest checked.

    Raises
    ------
    CorruptInputError
        The manifest is missing, not JSON, or not a prepared corpus's.
    """
    name = os.fspath(location)
    fs, root = (storage(location) if is_url(location) else _local_storage(location))
    manifest_path = f"{root}/{MANIFEST_NAME}"
    try:
        with fs.open(manifest_path, "rb") as f:
            raw = f.read()
    except FileNotFoundError:
        raise W2VError(f"{name} is not a prepared corpus (no {MANIFEST_NAME})") from None
    manifest = _checked_manifest(raw, manifest_path)
    fingerprint = hashlib.sha256(json.dumps(
        [manifest["vocabulary"]["sha256"], [p["sha256"] for p in manifest["pieces"]]]
    ).encode()).hexdigest()
    local = [Path(manifest_path)] if _is_local(fs) else []
    return PreparedCorpus(name, manifest, fs, root, fingerprint, local)


class _LocalFiles:
    """The part of fsspec's interface read here, for local directories, so
    that training from a local prepared corpus does not need fsspec."""
    protocol = ("file", "local")

    @staticmethod
    def open(path: str, mode: str) -> BinaryIO:
        return open(path, mode)


def _local_storage(location: str | os.PathLike[str]) -> tuple[Any, str]:
    return _LocalFiles(), str(Path(location).absolute())


def _checked_manifest(raw: bytes, name: str) -> dict[str, Any]:
    try:
        manifest = json.loads(raw)
    except (ValueError, UnicodeDecodeError) as exc:
        raise CorruptInputError(f"{name} is not JSON ({exc})") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise CorruptInputError(f"{name} is not a w2vpy prepared corpus's manifest")
    if manifest.get("version") != FORMAT_VERSION:
        raise CorruptInputError(f"{name} has version {manifest.get('version')!r}; this w2vpy "
                                f"reads version {FORMAT_VERSION}")
    try:
        pieces = manifest["pieces"]
        total = sum(_count(p["tokens"]) for p in pieces)
        shards = {p["shard"] for p in pieces}
        ok = (all(isinstance(p["sha256"], str) and _inside(p["shard"]) for p in pieces)
              and len(shards) == len(pieces) and total == _count(manifest["tokens"])
              and _count(manifest["skipped"]) >= 0
              and isinstance(manifest["vocabulary"]["sha256"], str)
              and _count(manifest["parameters"]["min_count"]) >= 0)
    except (KeyError, TypeError, ValueError):
        ok = False
    if not ok:
        raise CorruptInputError(f"{name}: the manifest's pieces, token counts or checksums "
                                "are missing or do not add up")
    return manifest


def _count(value: object) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise ValueError(value)
    return value


def _inside(shard: object) -> bool:
    """A shard's name stays inside the corpus's directory."""
    return (isinstance(shard, str) and shard.startswith(f"{SHARD_DIRECTORY}/")
            and ".." not in shard.split("/") and "\\" not in shard)


__all__ = ["PreparedCorpus", "is_prepared", "open_prepared", "MANIFEST_NAME", "VOCAB_NAME"]
