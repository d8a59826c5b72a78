"""The event store: the only module that touches the database."""

from marsad.store.db import EventQuery, Store

__all__ = ["EventQuery", "Store"]
