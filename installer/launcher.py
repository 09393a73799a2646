"""Entry point of the frozen build: the same `main()` as the `eservice-desktop` console script.

Kept outside the package so PyInstaller treats it as the script and ``eservice_desktop`` as an
ordinary package (its modules keep their real names, which the importlib-based CLI relies on).
"""

from eservice_desktop.cli.main import main

if __name__ == "__main__":
    raise SystemExit(main())
