# The two set-up commands of a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell cksum pyproject.toml | cut -d' ' -f1)

.PHONY: demo test install messages lint clean bench

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[test]'
	@rm -f $(VENV)/.installed-*
	@touch $(STAMP)

install: $(STAMP)

# Compile the translation catalogues (.po -> .mo).
messages: install
	@$(BIN)/python scripts/compile_messages.py

# Everything on the embedded default (SQLite): hub :8000, trading platforms :8101 and :8102, supervision :8200.
demo: messages
	$(BIN)/etender demo

# The whole suite against a real PostgreSQL ($$ETENDER_TEST_DATABASE_URL, or a throw-away cluster).
test: messages
	$(BIN)/python scripts/with_postgres.py -- $(BIN)/python scripts/run_tests.py $(ARGS)

# Benchmarks (figures next to a baseline measured in the same run); not part of the test suite.
bench: install
	$(BIN)/python bench/envelope_bench.py
	$(BIN)/python scripts/with_postgres.py -- $(BIN)/python bench/alert_bench.py

lint: install
	$(BIN)/lint-imports

clean:
	rm -rf $(VENV) var test-artifacts
