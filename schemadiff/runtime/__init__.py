"""Running migrations: environment contexts, the version table, transactions."""
