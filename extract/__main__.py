"""``python -m extract`` runs the command line."""

from extract.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
