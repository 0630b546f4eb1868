"""kceval: evaluate the khuyến công programme."""
__version__ = "0.1.0"
