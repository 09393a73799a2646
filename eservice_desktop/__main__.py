"""Allows `python -m eservice_desktop`, which frozen builds and service units rely on."""

from eservice_desktop.cli.main import main

raise SystemExit(main())
