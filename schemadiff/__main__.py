"""Allow ``python -m schemadiff``."""

from schemadiff.cli import main

if __name__ == "__main__":
    main()
