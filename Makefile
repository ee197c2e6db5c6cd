# extract — make run: the main job on the bundled samples; make test: the tests.
# Both install what they need (apt packages, then a virtualenv in .venv).
PY      ?= python3
VENV    := .venv
BIN     := $(VENV)/bin
STAMP   := $(VENV)/.installed
APT_PKGS := poppler-utils tesseract-ocr tesseract-ocr-chi-sim fonts-wqy-zenhei fonts-wqy-microhei \
            fonts-arphic-uming fonts-arphic-ukai chromium

.PHONY: run test test-fast lint bench samples schemas report clean deps apt

run: $(STAMP)
	$(BIN)/extract run samples/ --out out/

test: lint
	$(BIN)/python -m pytest -q

# Lint and types over the package (rules in pyproject.toml); make test runs it first.
lint: $(STAMP)
	$(BIN)/ruff check extract
	$(BIN)/mypy

test-fast: $(STAMP)
	$(BIN)/python -m pytest -q -m "not slow and not ocr"

bench: $(STAMP)
	$(BIN)/python -m bench.run

samples: $(STAMP)
	$(BIN)/python -m tools.make_samples samples/
	$(BIN)/python -m tools.make_samples --styles samples-styles/
	$(BIN)/python -m tools.make_samples --scans samples-scans/

schemas: $(STAMP)
	$(BIN)/extract schema --out schemas/

deps: $(STAMP)

$(STAMP): pyproject.toml
	@$(MAKE) --no-print-directory apt
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	touch $(STAMP)

# System packages: OCR engine data, pdftoppm, the CJK fonts the sample generator embeds.
apt:
	@missing=""; for p in $(APT_PKGS); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing; \
	fi

clean:
	rm -rf out/ .pytest_cache
