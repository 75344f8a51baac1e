"""The headless engine: numbers only, no UI.  See convtui/__init__.py for the API."""
