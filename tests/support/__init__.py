"""Helpers the tests share (imported as ``support``; tests never import each other)."""
