"""Synthetic puzzles and the pictures members take of them, each with its ground truth."""
