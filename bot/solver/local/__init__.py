"""The local solver: reads the piece and its gap from the pixels, free and in milliseconds."""
