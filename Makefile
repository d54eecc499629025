.PHONY: setup demo dev test lint typecheck contract openapi pytest bench ui clean

VENV := .venv
BIN := $(VENV)/bin
CLIENT_CHECK := node_modules/.cache/api-client-check.ts

setup:
	./scripts/setup.sh

demo: setup
	./scripts/demo.sh

dev: setup
	./scripts/dev.sh

test: setup lint typecheck contract pytest

lint:
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck:
	$(BIN)/mypy dubbing_assets dubbing_api resources sensors bench

# The API contract: Spectral's OpenAPI rules, the committed TypeScript client matches the
# contract, and the client type-checks (strict). The Python side is tests/api/test_contract.py.
contract:
	npx --no-install spectral lint docs/openapi.yaml --fail-severity=warn
	npx --no-install openapi-typescript docs/openapi.yaml --output $(CLIENT_CHECK) >/dev/null
	@cmp -s $(CLIENT_CHECK) packages/api-client/src/schema.ts || \
	  { echo "packages/api-client is out of date: run 'make openapi'"; exit 1; }
	npm run typecheck --silent

# Regenerate docs/openapi.yaml from the FastAPI app, then the TypeScript client from it.
openapi: setup
	$(BIN)/python scripts/openapi.py
	npm run generate:api-client --silent

pytest:
	$(BIN)/pytest -q --durations=15

# Benchmarks (not part of `make test`): bench/results/latest.json and a summary table; what the
# figures mean is in docs/performance.md. BENCH_REPEATS sets the alternated repetitions (3).
bench: setup
	$(BIN)/python -m bench

ui: setup
	$(BIN)/dubflow ui

clean:
	rm -rf data .pytest_cache .mypy_cache .ruff_cache
