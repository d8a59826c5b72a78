"""Error codes and the user-facing messages that go with them.

Every input that cannot be processed becomes a `Failure` carrying one of these
codes; the CLI prints it and the store keeps it in the failures table, so no
document is silently lost.
"""

from __future__ import annotations

from dataclasses import dataclass

EMPTY = "E001"
BINARY = "E002"
ENCODING = "E003"
TOO_LARGE = "E004"
BAD_JSON = "E005"
BAD_FIELD = "E006"
NO_TEXT = "E007"
NOT_ARABIC = "E008"
BAD_DATE = "E009"
UNREADABLE = "E010"
EXTRACTION = "E011"
# Fetching from the web (marsad ingest URL, --feed, watch).
NETWORK = "E101"  # DNS, refused, reset, too many redirects
TIMEOUT = "E102"
HTTP_ERROR = "E103"  # a 4xx or 5xx answer
NOT_HTML = "E104"
ROBOTS = "E105"
BAD_FEED = "E106"

# Exit codes of the CLI.
EXIT_OK = 0
EXIT_ERROR = 1  # nothing could be done (bad arguments, missing database)
EXIT_USAGE = 2  # Typer's own code for bad usage
EXIT_PARTIAL = 3  # the command ran, but some inputs failed (see failures)


class MarsadError(Exception):
    """An error the CLI reports as a message, not a traceback."""


@dataclass(slots=True)
class Failure:
    """An input that could not become a document, and why."""

    origin: str
    code: str
    reason: str
    raw: bytes | str | None = None

    def message(self) -> str:
        return f"{self.origin}: {self.reason} [{self.code}]"
