"""Image work outside the solvers: checking uploads and drawing the annotated answer."""
