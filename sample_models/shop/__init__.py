"""A small shop: the example project schemadiff's quick start migrates."""
