"""Discovery and capture: serving or fetching web pages and archiving every response as WARC."""

__version__ = "0.1.0"
