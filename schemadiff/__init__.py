"""schemadiff: autogenerate-first schema migrations for SQLAlchemy projects."""

__version__ = "0.1.0"
