"""Composition of multi-modal inputs: per-modality blocks into one matrix."""

from ._concatenator import MultiModalConcatenator, make_multimodal_input
from ._crossfit import CrossFitTransformer

__all__ = ["CrossFitTransformer", "MultiModalConcatenator", "make_multimodal_input"]
