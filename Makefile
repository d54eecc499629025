.PHONY: setup demo dev test lint typecheck contract openapi pytest web web-test gateway-test mobile-test mobile-bundles bench bench-long ui smoke clean

VENV := .venv
BIN := $(VENV)/bin
CLIENT_CHECK := node_modules/.cache/api-client-check.ts
# The built web app (the API serves it under /app/); rebuilt when a source of it changes.
WEB_BUILD := web/dist/index.html
WEB_SOURCES := $(shell find web/src web/public -type f 2>/dev/null) web/index.html \
  web/vite.config.ts web/tsconfig.json web/package.json packages/api-client/src/*.ts \
  $(shell find packages/shared/src -type f) package-lock.json
# The mobile app's export: Android and iOS bundles, and the web build the API serves under
# /mobile/; made again when a source of it changes (its tests are not part of it).
MOBILE_BUILD := mobile/dist/index.html
MOBILE_SOURCES := $(shell find mobile/app mobile/src -type f -not -name '*.test.*' \
  -not -path 'mobile/src/test/*' 2>/dev/null) mobile/app.json mobile/package.json \
  packages/api-client/src/*.ts $(shell find packages/shared/src -type f) package-lock.json

setup:
	./scripts/setup.sh

demo: setup
	./scripts/demo.sh

dev: setup $(WEB_BUILD)
	./scripts/dev.sh

test: setup lint typecheck contract web-test gateway-test mobile-test mobile-bundles pytest

lint:
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	npm run lint --workspace packages/shared --workspace web --workspace express-gw --workspace mobile --silent
	$(BIN)/hadolint Dockerfile deploy/docker/*.Dockerfile
	$(BIN)/actionlint

typecheck:
	$(BIN)/mypy dubbing_core resources dubbing_assets dubbing_api dubflow_cli testing bench
	npm run typecheck --silent

# The API contract: Spectral's OpenAPI rules, the committed TypeScript client matches the
# contract, and the client type-checks (strict). The Python side is tests/api/test_contract.py.
contract:
	npx --no-install spectral lint docs/openapi.yaml --fail-severity=warn
	npx --no-install openapi-typescript docs/openapi.yaml --output $(CLIENT_CHECK) >/dev/null
	@cmp -s $(CLIENT_CHECK) packages/api-client/src/schema.ts || \
	  { echo "packages/api-client is out of date: run 'make openapi'"; exit 1; }
	npm run typecheck --workspace packages/api-client --silent

# Regenerate docs/openapi.yaml from the FastAPI app, then the TypeScript client from it.
openapi: setup
	$(BIN)/python scripts/openapi.py
	npm run generate:api-client --silent

# The browser tests (tests/e2e/test_web_app.py, test_mobile_web.py) drive the built apps
# through the API.
pytest: $(WEB_BUILD) $(MOBILE_BUILD)
	$(BIN)/pytest -q --durations=15

web: $(WEB_BUILD)

$(WEB_BUILD): $(WEB_SOURCES)
	npm run build --workspace web --silent

# Unit tests of what the apps share, and component tests of the web app (vitest, jsdom).
web-test:
	npm run test --workspace packages/shared --workspace web --silent

# The mobile app's screen, hook and upload tests (jest-expo, React Native Testing Library).
mobile-test:
	npm run test --workspace mobile --silent -- --ci

# The mobile app's JavaScript bundles compile for Android and iOS, and its web build (for the
# browser test) is made in the same Metro run (docs/mobile.md says what this takes). Offline:
# nothing is fetched at build time.
mobile-bundles: $(MOBILE_BUILD)

$(MOBILE_BUILD): $(MOBILE_SOURCES)
	cd mobile && EXPO_OFFLINE=1 CI=1 npx --no-install expo export --platform android \
	  --platform ios --platform web --output-dir dist >/dev/null

# The Express gateway (docs/gateway.md) in front of the real API, which the tests start.
# The shared rate-limit store's test needs PostgreSQL: the one CI started, else the local one.
gateway-test:
	DUBFLOW_TEST_POSTGRES_URL=$${DUBFLOW_TEST_POSTGRES_URL:-$$(./scripts/start-postgres.sh)} \
		npm run test --workspace express-gw --silent

# Benchmarks (not part of `make test`): bench/results/latest.json and a summary table; what the
# figures mean is in docs/performance.md. BENCH_REPEATS sets the alternated repetitions (3).
bench: setup
	$(BIN)/python -m bench

# Long clips alone (docs/performance.md "11 long clip"): `make bench` dubs 2.5 and 10 minutes;
# this, 10 and 30 minutes in one language, for the memory growth and the 1-hour peak RSS.
bench-long: setup
	BENCH_LONG_MINUTES=$${BENCH_LONG_MINUTES:-10,30} BENCH_LONG_LANGUAGES=$${BENCH_LONG_LANGUAGES:-1} \
		$(BIN)/python -m bench --only long --output bench/results/long.json

# The compose stack end to end (docs/deployment.md): starts dockerd when none runs, builds the
# images (cached by the daemon), dubs the sample through the API, kills a run container and
# resumes the job, collects every service's logs into test-artifacts/, and tears down.
smoke: setup
	./scripts/smoke.sh

ui: setup
	$(BIN)/dubflow ui

clean:
	rm -rf data .pytest_cache .mypy_cache .ruff_cache web/dist express-gw/dist mobile/dist
