"""Feature selection for fused multi-modal features."""

from ._rf_recursive import RFRecursiveSelector

__all__ = ["RFRecursiveSelector"]
