# Two entry points for a fresh machine (Python >= 3.11 and pip are all it needs):
#   make demo   set everything up and run the main job on the example data (output/ and output/outbox/)
#   make test   lint (ruff), type-check (mypy --strict on formkit/) and run the tests
#   make lock   regenerate constraints.txt (the tested versions) from a fresh virtualenv
# Both install with constraints.txt, so a fresh machine gets the versions the tests passed on;
# pyproject.toml keeps ranges for people who install the package.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.formkit-installed
CONSTRAINTS := constraints.txt
LOCK_VENV := .lock-venv

.PHONY: demo test lint lock clean

$(STAMP): pyproject.toml $(CONSTRAINTS)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c $(CONSTRAINTS) -e '.[dev]'
	touch $(STAMP)

# A fresh virtualenv with the newest versions pyproject.toml allows, frozen (pip itself left out).
# Run the whole suite on the result before committing it.
lock:
	rm -rf $(LOCK_VENV)
	$(PYTHON) -m venv $(LOCK_VENV)
	$(LOCK_VENV)/bin/python -m pip install --quiet -e '.[dev]'
	{ echo "# The versions the test suite passed on (make lock; pyproject.toml keeps the ranges)."; \
	  $(LOCK_VENV)/bin/python -m pip freeze --all --exclude-editable | grep -v '^pip=='; } > $(CONSTRAINTS).tmp
	mv $(CONSTRAINTS).tmp $(CONSTRAINTS)
	rm -rf $(LOCK_VENV)

demo: $(STAMP)
	$(BIN)/formkit batch examples/applicants.csv -o output
	$(BIN)/formkit mail output

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

test: lint
	$(BIN)/python -m pytest

clean:
	rm -rf $(VENV) $(LOCK_VENV) .pytest_cache .mypy_cache .ruff_cache
