"""Readers that turn files, folders and streams into `Document`s or `Failure`s."""

from marsad.ingest.readers import iter_inputs, read_jsonl_line

__all__ = ["iter_inputs", "read_jsonl_line"]
