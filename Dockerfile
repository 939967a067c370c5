# syntax=docker/dockerfile:1
# tagoform as a container image: a static musl binary on an empty base.
#
#   docker build -t tagoform .
#   docker run --rm -v "$PWD:/work" -e TAGOIO_API -e TAGOIO_TOKEN tagoform plan tagoio
#
# TLS needs no CA files in the image: reqwest's `rustls-tls` feature builds Mozilla's root
# certificates into the binary (webpki-roots).

# Alpine's toolchain targets musl natively, so a release build there is a static binary.
FROM rust:1-alpine AS build
# musl-dev: the C library headers that ring's C and assembly build against. Not pinned to an
# Alpine package version: the base image tag already fixes the Alpine release.
# hadolint ignore=DL3018
RUN apk add --no-cache musl-dev
WORKDIR /src
COPY . .
# --locked: exactly Cargo.lock's dependency versions. The caches keep downloaded crates and
# compiled dependencies between builds on the same machine.
RUN --mount=type=cache,target=/usr/local/cargo/registry \
    --mount=type=cache,target=/src/target \
    cargo build --release --locked --bin tagoform \
    && install -D -m 0755 target/release/tagoform /out/usr/local/bin/tagoform
# The few files an empty image needs: an unprivileged user (so that `USER` has a name and
# HOME), a world-writable /tmp and a working folder that user owns.
RUN mkdir -p /out/etc /out/tmp /out/work \
    && echo 'tagoform:x:10001:10001:tagoform:/work:/sbin/nologin' > /out/etc/passwd \
    && echo 'tagoform:x:10001:' > /out/etc/group \
    && chmod 1777 /out/tmp \
    && /out/usr/local/bin/tagoform --version

FROM scratch
COPY --from=build /out/ /
# COPY makes files root's unless told otherwise: the working folder is the user's.
COPY --from=build --chown=10001:10001 /out/work /work
ENV PATH=/usr/local/bin
# Numeric, so that a runtime can check it is not root (Kubernetes runAsNonRoot) without /etc/passwd.
USER 10001:10001
WORKDIR /work
ENTRYPOINT ["tagoform"]
CMD ["--help"]
LABEL org.opencontainers.image.title="tagoform" \
      org.opencontainers.image.description="Manage a TagoIO account the GitOps way" \
      org.opencontainers.image.source="https://github.com/tagoform/tagoform" \
      org.opencontainers.image.licenses="Apache-2.0"
