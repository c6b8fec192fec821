# QSFlow: `make run` sets everything up and serves http://127.0.0.1:5000 ; `make test` runs the suite.
PY ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app wsgi
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: run setup db test test-pg bench browser clean

$(STAMP): pyproject.toml
	@command -v $(PY) >/dev/null || { echo "需要 Python 3.11（$(PY)）"; exit 1; }
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[test]'
	touch $(STAMP)

app/static/vendor/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	mkdir -p app/static/vendor/bpmn-js app/static/vendor/echarts
	cp node_modules/bpmn-js/dist/bpmn-navigated-viewer.production.min.js node_modules/bpmn-js/dist/bpmn-modeler.production.min.js app/static/vendor/bpmn-js/
	cp -r node_modules/bpmn-js/dist/assets app/static/vendor/bpmn-js/
	cp node_modules/echarts/dist/echarts.min.js app/static/vendor/echarts/
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

# Debian's Chromium for the browser tests (never `playwright install`: it downloads a browser).
browser:
	@command -v chromium >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

test: setup browser
	$(BIN)/python -m pytest

# The same suite against PostgreSQL (a private database per run is created and dropped).
test-pg: setup browser
	QSFLOW_TEST_DATABASE_URL=$${QSFLOW_TEST_DATABASE_URL:-postgresql://postgres@127.0.0.1:5432/test} $(BIN)/python -m pytest

bench: setup
	$(BIN)/python -m bench.run

clean:
	rm -rf $(VENV) node_modules app/static/vendor instance/qsflow.db*
