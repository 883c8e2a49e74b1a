#!/usr/bin/env python
"""Django's command-line utility; `.venv/bin/parley` is the same thing, installed."""

from parley.cli import main

if __name__ == "__main__":
    main()
