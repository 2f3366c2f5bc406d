"""Fleet audits: every model of a cache, a folder tree or a list, through one per-model function."""
