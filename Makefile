# virtnet — the two commands of the README are `make up` and `make test`.
SHELL := /bin/bash
NODE ?= node

.PHONY: build compile guest-image deps up up-detached down test typecheck lint unit clean bench bench-nmstate

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund
	@touch $@

deps:
	@bash scripts/install-debian-deps.sh

build: guest-image console/dist/index.html

# The web console (React + PatternFly), built by Vite into console/dist, which `virtnet serve` serves at /.
CONSOLE_SOURCES := $(shell find console/src console/public -type f 2>/dev/null) console/index.html console/vite.config.ts
console/dist/index.html: node_modules/.installed $(CONSOLE_SOURCES)
	npx vite build console
	@touch $@

.PHONY: console
console: console/dist/index.html

compile: deps node_modules/.installed
	npx tsc -p tsconfig.json

# The built-in VM guest (Debian kernel + busybox initramfs) in .virtnet-cache/guest/image (or under VIRTNET_CACHE);
# rebuilt only when its inputs change. Its builder is TypeScript, hence after compile.
guest-image: compile
	$(NODE) dist/src/runtime/image/build-guest-image.js

# Foreground: prints the banner, Ctrl-C stops. `make up DETACH=1` returns once the server is ready.
up: build
	$(NODE) bin/virtnet.js up $(if $(DETACH),-d,)

down:
	$(NODE) bin/virtnet.js down

typecheck: node_modules/.installed
	npx tsc -p tsconfig.json --noEmit
	npx tsc -p console/tsconfig.json

lint: node_modules/.installed
	npx eslint .

test: build typecheck lint
	$(NODE) scripts/run-tests.js

bench: build
	$(NODE) dist/bench/api/api-bench.js

bench-nmstate: build
	$(NODE) dist/bench/nmstate/nmstate-bench.js

# 100 netns VMs started at once until each has its DHCP address, against a hand-made baseline (root).
.PHONY: bench-runtime
bench-runtime: build
	$(NODE) dist/bench/runtime/netns-start-bench.js

# 100 netns VMs through serve + lab until their DHCP addresses, VM-to-VM iperf3; each against a baseline (root).
.PHONY: bench-vm
bench-vm: build
	$(NODE) dist/bench/vm/vm-bench.js

clean:
	rm -rf dist node_modules

# DORA/s of the node's UDN DHCP daemon against dnsmasq, same load from a client namespace (root).
.PHONY: bench-dhcp
bench-dhcp: build
	$(NODE) dist/bench/dhcp/dhcp-bench.js

# Cross-node VM-to-VM iperf3 over the Layer2 UDN overlay against a plain bridge path (root).
.PHONY: bench-udn
bench-udn: build
	$(NODE) dist/bench/udn/overlay-bench.js

# IPAM through the API: the IPAM controller against whereabouts-style client-side allocation, 50 claimers.
.PHONY: bench-ipam
bench-ipam: build
	$(NODE) dist/bench/ipam/ipam-bench.js

# qemu runtime start() to the guest's DHCP address (TCG; KVM where its probe passes) against bare QEMU (root).
.PHONY: bench-qemu
bench-qemu: build
	$(NODE) dist/bench/runtime/qemu-start-bench.js

# Live-migration downtime: 20 migrations of a UDN VM on a lab while another VM pings it every 50 ms (root).
.PHONY: bench-migration
bench-migration: build
	$(NODE) dist/bench/vm/migration-bench.js

# Web console in Debian's Chromium against virtnet serve: first page cold/warm vs /version, 1,000-VM list scroll
# (quiet and with 200 API changes) vs a plain HTML table, create → row on an open page vs a bare WebSocket watch.
.PHONY: bench-console
bench-console: build
	$(NODE) dist/bench/console/console-bench.js

# Issue 8 at scale: 100 lab nodes x 10 netns VMs on one UDN, lab in etcd mode (2 API servers): time until all VMs
# have IPs, API probe p99 during the ramp, memory per node and per VM, against 10 x 10 in the same run (root).
.PHONY: bench-scale
bench-scale: build
	$(NODE) dist/bench/scale/scale-bench.js
