# storyline: set-up, demo, tests, benchmarks. Every target creates .venv (Python 3.11) when needed.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
DB := build/demo.db

.PHONY: demo test bench lint clean chromium

$(VENV)/.ok: pyproject.toml
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "error: $(PYTHON) not found; install Python 3.11 or run 'make PYTHON=/path/to/python3.11'"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[dev]'
	touch $@

demo: $(VENV)/.ok
	@mkdir -p build out
	@rm -f $(DB) $(DB)-wal $(DB)-shm
	$(VENV)/bin/storyline --db $(DB) ingest examples/
	$(VENV)/bin/storyline --db $(DB) list
	$(VENV)/bin/storyline --db $(DB) show examples/dumps/0002.txt
	$(VENV)/bin/storyline --db $(DB) entities | head -n 16
	$(VENV)/bin/storyline --db $(DB) quotes --speaker "Katarina Voss" | head -n 24
	$(VENV)/bin/storyline --db $(DB) export --format jsonl -o out/articles.jsonl
	$(VENV)/bin/storyline eval cleaning examples/gold.json
	@echo "demo store: $(DB); export: out/articles.jsonl"
	$(VENV)/bin/storyline --db $(DB) brief largest --format html -o out/dossier.html
	@echo "dossier of the largest story: out/dossier.html (open it in a browser)"

test: $(VENV)/.ok chromium
	$(PY) -m pytest -q

# The browser tests drive Debian's chromium (Playwright never downloads a browser here); without
# it they skip with a message.
chromium:
	@command -v chromium >/dev/null 2>&1 || (export DEBIAN_FRONTEND=noninteractive; apt-get update -qq \
		&& apt-get install -y -qq --no-install-recommends chromium >/dev/null) \
		|| echo "warning: could not install chromium (apt-get as root); browser tests will skip"

bench: $(VENV)/.ok
	$(PY) bench/ingest.py --out bench/RESULTS.md
	$(PY) bench/nlp.py --out bench/RESULTS.md
	$(PY) bench/timex.py --out bench/RESULTS.md
	$(PY) bench/cluster.py --out bench/RESULTS.md --sizes 1000
	$(PY) bench/web.py --out bench/RESULTS.md
	$(PY) bench/watch.py --out bench/RESULTS.md --feeds 50 --items 4
	$(PY) bench/quote_group.py --out bench/RESULTS.md --n 2000
	$(PY) bench/scale.py --out bench/RESULTS.md --n 1000

lint: $(VENV)/.ok
	$(PY) -m ruff format --check storyline tests bench
	$(PY) -m ruff check storyline tests bench
	$(PY) -m mypy

clean:
	rm -rf build out .pytest_cache .mypy_cache .ruff_cache
