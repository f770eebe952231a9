# syntax=docker/dockerfile:1
# The production image: `docker build -t my-app .` then
#   docker run -p 8080:8080 --env-file .env.production my-app
# Build stage: Rust ≥ 1.96 (wasm32 target), cargo-leptos 0.3.11 (no_downloads), the wasm-bindgen-cli
# that Cargo.lock pins and wasm-opt from npm's binaryen 132 (never Debian's binaryen: it breaks
# release builds). The server is built WITHOUT the local Clerk dev instance: build.rs leaves it out
# of every release build (README, Deploy).
ARG RUST_VERSION=1
FROM rust:${RUST_VERSION}-bookworm AS builder
RUN apt-get update \
 && apt-get install -y --no-install-recommends nodejs npm \
 && rm -rf /var/lib/apt/lists/*
RUN rustup target add wasm32-unknown-unknown
ARG CARGO_LEPTOS_VERSION=0.3.11
ARG WASM_BINDGEN_VERSION=0.2.130
ARG BINARYEN_NPM_VERSION=132.0.0
RUN cargo install cargo-leptos --version "${CARGO_LEPTOS_VERSION}" --locked --features no_downloads \
 && cargo install wasm-bindgen-cli --version "${WASM_BINDGEN_VERSION}" --locked \
 && npm install --global --no-audit --no-fund "binaryen@${BINARYEN_NPM_VERSION}"
WORKDIR /src
COPY . .
RUN --mount=type=cache,target=/usr/local/cargo/registry \
    --mount=type=cache,target=/src/target \
    cargo leptos build --release --precompress \
 && mkdir -p /out \
 && app="$(sed -n 's/^name = "\(.*\)"$/\1/p' Cargo.toml | head -n 1)" \
 && cp "target/release/$app" /out/server && cp target/release/hash.txt /out/ \
 && cp -r target/site /out/site

# Runtime stage: the binary (as /app/server) and its hash.txt, the site folder and Leptos.toml; a non-root user.
FROM debian:bookworm-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --home-dir /app app
WORKDIR /app
COPY --from=builder /out/server /app/server
# The content-hashed asset names; the server reads it next to its binary and refuses to start without it.
COPY --from=builder /out/hash.txt /app/hash.txt
COPY --from=builder /out/site /app/site
COPY Leptos.toml /app/Leptos.toml
# LEPTOS_* override Leptos.toml: listen on every interface, serve the copied site folder.
ENV LEPTOS_SITE_ADDR=0.0.0.0:8080 \
    LEPTOS_SITE_ROOT=site \
    LEPTOS_ENV=PROD \
    RUST_LOG=info
USER 10001:10001
EXPOSE 8080
# SIGTERM drains (SHUTDOWN_READY_DELAY_SECS, SHUTDOWN_GRACE_SECS); keep `docker stop -t` above both.
STOPSIGNAL SIGTERM
# Liveness through bash's /dev/tcp (no curl in the image): the status line of GET /healthz.
HEALTHCHECK --interval=10s --timeout=3s --start-period=15s --retries=3 \
  CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/8080 && printf 'GET /healthz HTTP/1.0\\r\\nHost: localhost\\r\\n\\r\\n' >&3 && head -n1 <&3 | grep -q ' 200 '"]
CMD ["/app/server"]
