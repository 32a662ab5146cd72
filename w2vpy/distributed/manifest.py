"""The manifest of a prepared corpus: what ``w2vpy.text.prepared`` reads.

It is written last and atomically, after every shard and the vocabulary
file: a directory with a manifest is a whole prepared corpus.  A job over
an output that holds one removes it first, so a job stopped halfway leaves
no manifest naming shards it had begun to replace.
"""
from __future__ import annotations

import json
from typing import Any

from w2vpy.distributed.encoding import Shard
from w2vpy.distributed.pieces import Piece
from w2vpy.distributed.storage import listing, remove, write_atomically
from w2vpy.text.prepared import FORMAT, FORMAT_VERSION, MANIFEST_NAME, SHARD_DIRECTORY, VOCAB_NAME


def manifest(pieces: list[Piece], shards: list[Shard], vocabulary: dict[str, Any],
             parameters: dict[str, Any], counting: dict[str, int],
             version: str) -> dict[str, Any]:
    """The manifest's contents: pieces in text order with their shards
    (``version``: the w2vpy that wrote it)."""
    listed = []
    for piece, shard in zip(pieces, shards):
        entry: dict[str, Any] = {"source": piece.url, "kind": piece.kind}
        if piece.kind == "parquet":
            entry.update(row_group=piece.row_group, column=piece.column)
        elif piece.kind == "text":
            entry["range"] = [piece.start, piece.end]
        entry.update(shard=shard.shard, tokens=shard.tokens, skipped=shard.skipped,
                     sha256=shard.sha256)
        listed.append(entry)
    return {
        "format": FORMAT, "version": FORMAT_VERSION, "w2vpy": version,
        "parameters": parameters,
        "vocabulary": vocabulary,
        "counting": counting,
        "tokens": sum(s.tokens for s in shards),
        "skipped": sum(s.skipped for s in shards),
        "pieces": listed,
    }


def write_manifest(output: str, contents: dict[str, Any]) -> None:
    write_atomically(f"{output}/{MANIFEST_NAME}",
                     json.dumps(contents, indent=1, sort_keys=True).encode() + b"\n")


def remove_manifest(output: str) -> None:
    remove(f"{output}/{MANIFEST_NAME}")


def remove_stale_shards(output: str, contents: dict[str, Any]) -> None:
    """Shards of an earlier job over the same output that this one did not write."""
    current = {p["shard"].rpartition("/")[2] for p in contents["pieces"]}
    for name in listing(f"{output}/{SHARD_DIRECTORY}"):
        if name not in current:
            remove(f"{output}/{SHARD_DIRECTORY}/{name}")


__all__ = ["manifest", "write_manifest", "remove_manifest", "remove_stale_shards", "VOCAB_NAME"]
