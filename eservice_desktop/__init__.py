"""eservice-desktop: counter software for district household and land registration offices."""

__version__ = "0.1.0"
