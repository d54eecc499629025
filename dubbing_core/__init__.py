"""The shared kernel: what the API, the pipeline and the CLI all speak (docs/architecture.md)."""
