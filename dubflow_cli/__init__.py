"""The `dubflow` command line: the top layer, free to use the API and the pipeline alike."""
