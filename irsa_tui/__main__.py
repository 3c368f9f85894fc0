from irsa_tui.cli import console

raise SystemExit(console())
