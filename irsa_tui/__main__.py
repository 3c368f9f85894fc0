from irsa_tui.cli import main

raise SystemExit(main())
