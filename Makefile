# `make run` and `make test` set up .venv on first use (and again when pyproject.toml changes).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test lint install install-prod lock clean

run: $(STAMP)
	@$(PY) -m bot run

test: $(STAMP)
	@$(PY) -m pytest -q

lint: $(STAMP)
	@$(VENV)/bin/ruff check . && $(VENV)/bin/ruff format --check .

install: $(STAMP)

$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@$(PY) -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	@touch $(STAMP)

# A server: the runtime dependencies at the versions pinned in requirements.lock, then the bot
# itself (the `canbo-bot` script), without the development tools. Again after every upgrade.
install-prod:
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.lock
	@$(PY) -m pip install --quiet --disable-pip-version-check --no-deps .

# requirements.lock again, after a change of dependencies in pyproject.toml: what `pip install .`
# resolves in a throwaway virtual environment, frozen.
LOCK_VENV := .lock-venv
lock:
	@rm -rf $(LOCK_VENV) && $(PYTHON) -m venv $(LOCK_VENV)
	@$(LOCK_VENV)/bin/pip install --quiet --disable-pip-version-check .
	@{ sed -n '/^#/p' requirements.lock; \
	   $(LOCK_VENV)/bin/pip freeze --disable-pip-version-check --exclude canbo-bot; } > requirements.lock.new
	@mv requirements.lock.new requirements.lock && rm -rf $(LOCK_VENV) build
	@echo "requirements.lock: $$(grep -c '==' requirements.lock) packages pinned"

clean:
	rm -rf $(VENV) $(LOCK_VENV) data .pytest_cache
