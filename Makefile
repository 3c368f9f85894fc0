# irsa-tui — `make help` lists the targets.
PY ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)

.PHONY: help install demo test test-fast lint typecheck dist dist-check snapshots-update screenshots bench fuzz docs clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-18s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q --disable-pip-version-check -e '.[dev]' 2>&1 | grep -v 'is ignored: it is neither' || true
	$(BIN)/python -c "import irsa_tui, textual, moto, boto3, kubernetes, httpx, jwt, mcp"
	$(BIN)/python -m compileall -q irsa_tui  # as pip does for a regular install (start-up: see README Speed)
	rm -f $(VENV)/.installed-*; touch $(STAMP)

install: $(STAMP) ## create the venv and install irsa-tui with its dev tools

demo: $(STAMP) ## open the TUI on the local lab world (no cloud needed)
	$(BIN)/irsa-tui --lab

test: $(STAMP) lint typecheck dist-check ## lint, type-check, check the wheel and run every test
	$(BIN)/pytest -q -p no:cacheprovider -n 2 --dist loadfile

test-fast: $(STAMP) ## unit tests only (no lab, no TUI)
	$(BIN)/pytest -q tests/chain tests/policy tests/explain tests/sources tests/engine tests/test_*.py

lint: $(STAMP) ## ruff
	$(BIN)/ruff check irsa_tui tests bench

typecheck: $(STAMP) ## mypy --strict on the whole package
	$(BIN)/mypy --strict irsa_tui

dist: $(STAMP) ## build the sdist and the wheel into dist/
	rm -rf dist
	$(BIN)/python -m build -q -o dist . 2>&1 | grep -v '^\* \|^$$' || true
	@ls dist/*.whl dist/*.tar.gz

dist-check: dist ## install the wheel into a fresh venv and run its commands (~45 s: downloads or reuses wheels)
	$(BIN)/python scripts/dist_check.py dist/irsa_tui-*.whl

snapshots-update: $(STAMP) ## regenerate the TUI snapshot SVGs after an intended UI change
	$(BIN)/pytest -q tests/ui --snapshot-update

screenshots: $(STAMP) ## regenerate screenshots/ (SVG + PNG) from lab scenarios
	$(BIN)/python -m pip install -q 'cairosvg==2.9.1' 2>&1 | grep -v 'is ignored' || true
	$(BIN)/python scripts/screenshots.py

bench: $(STAMP) ## latency, start-up and memory benchmarks
	$(BIN)/python bench/chain_latency.py
	$(BIN)/python bench/startup.py
	-$(BIN)/python bench/runbook.py  # needs kubectl, aws and curl: says so and goes on without them
	$(BIN)/python bench/filter_speed.py
	$(BIN)/python bench/fault_matrix.py
	$(BIN)/python bench/explain_speed.py
	$(BIN)/python bench/mcp_latency.py
	$(BIN)/python bench/fleet_scan.py

fuzz: $(STAMP) ## every parser property with 10,000 generated inputs each
	$(BIN)/python bench/fuzz.py

docs: $(STAMP) ## regenerate docs/codes.md and docs/errors.md from their catalogues
	$(BIN)/python -m irsa_tui.chain.codes > docs/codes.md
	$(BIN)/python -m irsa_tui.explain.shapes > docs/errors.md

clean: ## remove the venv and caches
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache *.egg-info build dist
