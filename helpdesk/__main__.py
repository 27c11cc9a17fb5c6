"""`python -m helpdesk` and the PyInstaller entry point."""

from helpdesk.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
