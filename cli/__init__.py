"""The `accord` command line: a thin Typer layer over the `scorer` library."""
