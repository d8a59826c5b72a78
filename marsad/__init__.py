"""marsad: Arabic news to verifiable security-cooperation event data."""

__version__ = "0.1.0"
