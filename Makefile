# Two commands set everything up: `make run` and `make test` (see README.md).
# Mesa 3.5.1 needs Python >= 3.12: find a python3.12 even where pyenv's shim hides it.
PYTHON ?= $(shell for p in python3.12 $$HOME/.pyenv/versions/3.12*/bin/python3.12 /usr/local/bin/python3.12 /usr/bin/python3.12; do \
            command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; assert sys.version_info[:2] == (3, 12)' 2>/dev/null && { echo $$p; break; }; done)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run app test lint bench bench-app install clean

$(STAMP): pyproject.toml constraints.txt
	@test -n "$(PYTHON)" || { echo "error: Python 3.12 not found (tried python3.12 and pyenv); install it or set PYTHON=/path/to/python3.12" >&2; exit 2; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

# The main job: the baseline run, then every shipped scenario against it (30 replications,
# channel attribution with 5), and the report in English and Thai (with an Excel workbook).
REPORT := results/baseline-vs-scenarios

run: $(STAMP)
	$(BIN)/decentra run --run-id baseline
	$(BIN)/decentra compare scenarios/*.toml --replications 30 --attribute 5 --run-id baseline-vs-scenarios
	$(BIN)/decentra report $(REPORT) --lang en --excel
	$(BIN)/decentra report $(REPORT) --lang th --excel

app: $(STAMP)  # the live dashboard on http://127.0.0.1:8765 (APP_LANG=th for Thai)
	$(BIN)/decentra app --lang $(or $(APP_LANG),en)

test: $(STAMP)
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check . && $(BIN)/ruff format --check .

bench: $(STAMP)
	$(BIN)/python benchmarks/bench_model.py

bench-app: $(STAMP)  # 10 sessions (1 Chromium tab, 9 remote) stepping for 2 minutes (needs Debian's chromium)
	$(BIN)/python benchmarks/bench_app.py

clean:
	rm -rf $(VENV) build *.egg-info
