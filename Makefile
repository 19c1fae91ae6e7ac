# vault-mcp-server: plain javac + jar, no build tool. `make help` lists the targets.
SHELL := /usr/bin/env
.SHELLFLAGS := bash -euo pipefail -c
.DELETE_ON_ERROR:
.DEFAULT_GOAL := help

GSON_VERSION  := 2.13.2
JUNIT_VERSION := 6.0.3
GSON_JAR  := lib/gson-$(GSON_VERSION).jar
JUNIT_JAR := lib/junit-platform-console-standalone-$(JUNIT_VERSION).jar
# Maven is used only to fetch the two jars; deps.sha256 is what vouches for their bytes.
FETCH := mvn -q -B org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy -DoutputDirectory=lib

# -XDstringConcat=inline: string concatenation as StringBuilder code, not invokedynamic, whose
# bootstrap costs tens of milliseconds at start-up (measured: scripts/bench.sh).
JAVAC_FLAGS := --release 17 -encoding UTF-8 -Xlint:all,-classfile -Werror -XDstringConcat=inline
JAR        := build/vault-mcp-server.jar
JAR_DATE   := 2026-01-01T00:00:00Z
MAIN_CLASS := vaultmcp.Main

SOURCES      := $(shell find src -name '*.java' | LC_ALL=C sort)
RESOURCES    := $(shell find src -type f ! -name '*.java' | LC_ALL=C sort)
TEST_SOURCES := $(shell find test -name '*.java' -not -path '*/node_modules/*' | LC_ALL=C sort)
TEST_FILES   := $(shell find test -type f ! -name '*.java' -not -path '*/node_modules/*' -not -path 'test/e2e/*' | LC_ALL=C sort)
JUNIT := java -Dvaultmcp.jar=$(abspath $(JAR)) -jar $(JUNIT_JAR) execute \
	--class-path build/test-classes:build/classes:$(GSON_JAR) --scan-class-path build/test-classes \
	--disable-banner --disable-ansi-colors --fail-if-no-tests --details=tree --reports-dir=build/test-reports
# Which classes: <Unit>Test are fast units; <Thing>IT run the jar, open sockets or start processes.
UNIT_TESTS := --include-classname '^.*Test$$'
IT_TESTS   := --include-classname '^.*IT$$'
ALL_TESTS  := --include-classname '^(.*Test|.*IT)$$'

.PHONY: help deps jar run test unit it conformance e2e dev-vault demo clean

help: ## list the targets
	@grep -E '^[a-z0-9-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-12s %s\n", $$1, $$2}'

deps: $(GSON_JAR) $(JUNIT_JAR) ## fetch the two jars into lib/ (skipped when present) and check their sha256
	sha256sum --check --strict --quiet deps.sha256

$(GSON_JAR):
	@command -v mvn >/dev/null || { echo "error: $@ is missing and mvn is not installed to fetch it; copy the jar into lib/ (see README)"; exit 1; }
	$(FETCH) -Dartifact=com.google.code.gson:gson:$(GSON_VERSION)

$(JUNIT_JAR):
	@command -v mvn >/dev/null || { echo "error: $@ is missing and mvn is not installed to fetch it; copy the jar into lib/ (see README)"; exit 1; }
	$(FETCH) -Dartifact=org.junit.platform:junit-platform-console-standalone:$(JUNIT_VERSION)

build/deps.stamp: deps.sha256 | $(GSON_JAR) $(JUNIT_JAR)
	sha256sum --check --strict --quiet deps.sha256
	@mkdir -p build && touch $@

build/classes.stamp: build/deps.stamp $(SOURCES) $(RESOURCES)
	rm -rf build/classes && mkdir -p build/classes
	javac $(JAVAC_FLAGS) -cp $(GSON_JAR) -d build/classes $(SOURCES)
	cd src && for f in $(RESOURCES:src/%=%); do mkdir -p ../build/classes/$$(dirname $$f); cp $$f ../build/classes/$$f; done
	touch $@

jar: $(JAR) ## build build/vault-mcp-server.jar (byte-identical on rebuild)

$(JAR): build/classes.stamp
	rm -rf build/jar && mkdir -p build/jar/META-INF
	cp -r build/classes/. build/jar/
	rm -f build/jar/classes.stamp
	cd build/jar && jar xf ../../$(GSON_JAR) com
	printf 'Main-Class: $(MAIN_CLASS)\nImplementation-Title: vault-mcp-server\n' > build/manifest.txt
	cp LICENSE build/jar/META-INF/LICENSE
	printf 'Bundles gson $(GSON_VERSION) (com/google/gson/**), Copyright Google LLC, under the Apache License 2.0.\n' > build/jar/META-INF/THIRD-PARTY
	cd build/jar && find . -type f | LC_ALL=C sort | sed 's|^\./||' > ../jar-files.txt
	cd build/jar && jar --create --file ../../$@ --manifest ../manifest.txt --date=$(JAR_DATE) @../jar-files.txt
	@echo "built $@ ($$(stat -c %s $@) bytes, sha256 $$(sha256sum $@ | cut -c1-16)...)"

run: $(JAR) ## build, then serve MCP on stdio (needs VAULT_ADDR and VAULT_TOKEN)
	java -jar $(JAR)

build/test-classes.stamp: build/classes.stamp $(TEST_SOURCES) $(TEST_FILES)
	rm -rf build/test-classes && mkdir -p build/test-classes
	javac $(JAVAC_FLAGS) -cp build/classes:$(GSON_JAR):$(JUNIT_JAR) -d build/test-classes $(TEST_SOURCES)
	cd test && for f in $(TEST_FILES:test/%=%); do mkdir -p ../build/test-classes/$$(dirname $$f); cp $$f ../build/test-classes/$$f; done
	touch $@

# One JUnit run of the classes $(1) selects, logged and counted in build/results.
define junit
	rm -rf build/results && mkdir -p build/results
	$(JUNIT) $(1) | tee build/results/junit.log
	scripts/count-results junit build/results/junit.log > build/results/junit.counts
	@scripts/count-results total build/results/*.counts
endef

unit: $(JAR) build/test-classes.stamp ## run the fast JUnit unit tests (*Test classes)
	$(call junit,$(UNIT_TESTS))

it: $(JAR) build/test-classes.stamp ## run the JUnit integration tests (*IT: the jar over stdio and sockets)
	$(call junit,$(IT_TESTS))

test: $(JAR) build/test-classes.stamp ## run every test: JUnit, MCP conformance, end to end against a real Vault; ends with "N passed, N failed, N skipped"
	rm -rf build/results && mkdir -p build/results
	rc=0; $(JUNIT) $(ALL_TESTS) | tee build/results/junit.log || rc=1; \
	scripts/count-results junit build/results/junit.log > build/results/junit.counts; \
	scripts/conformance.sh || rc=1; \
	scripts/e2e.sh || rc=1; \
	scripts/count-results total build/results/*.counts || rc=1; exit $$rc

conformance: $(JAR) build/test-classes.stamp ## run the official MCP conformance suite against the jar, and against the fixture server (test code), over HTTP
	mkdir -p build/results && scripts/conformance.sh

e2e: $(JAR) build/test-classes.stamp ## run the end-to-end tests: the jar against a real Vault dev server, driven by the MCP TypeScript SDK
	mkdir -p build/results
	rc=0; scripts/e2e.sh || rc=1; scripts/count-results total build/results/e2e.counts build/results/e2e-v2.counts build/results/fidelity.counts || rc=1; exit $$rc

dev-vault: ## start a Vault dev server on 127.0.0.1 (built first if needed), print VAULT_ADDR and VAULT_TOKEN; Ctrl-C stops it
	scripts/dev-vault.sh

demo: $(JAR) ## first run: a seeded Vault dev server, a scripted MCP session through the jar, client snippets to paste; Ctrl-C stops it
	scripts/demo.sh

clean: ## remove build outputs (keeps lib/ and the Vault dev server in build/vault-dev: both are slow to fetch)
	if [ -d build ]; then find build -mindepth 1 -maxdepth 1 ! -name vault-dev -exec rm -rf {} +; fi
