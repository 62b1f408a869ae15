"""Composition of multi-modal inputs: per-modality blocks into one matrix."""

from ._concatenator import MultiModalConcatenator, make_multimodal_input

__all__ = ["MultiModalConcatenator", "make_multimodal_input"]
