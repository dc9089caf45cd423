"""Models, the engine and the queries. The only package that writes SQL."""
