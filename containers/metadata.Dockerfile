# syntax=docker/dockerfile:1
# fdnix-metadata on Debian 13 (trixie), for people who build images with Docker:
#   docker build -f containers/metadata.Dockerfile -t fdnix-metadata .
# (from the top of the source tree).  The Nix flake builds the same program
# as an OCI image without Docker: nix build .#metadata-image.
#
# containers/test-minimal-root.sh reads DEBIAN_IMAGE, BUILD_PACKAGES and
# RUNTIME_PACKAGES from these lines (each on one line; DEBIAN_IMAGE and
# BUILD_PACKAGES the same in every Dockerfile), builds in a minbase root of
# that suite with BUILD_PACKAGES, runs the programs in one holding the
# runtime packages and checks that each program finds its libraries among
# its own image's RUNTIME_PACKAGES: change them here only, and the images
# and that proof follow.  Build and runtime stages use the same release, so
# the programs meet the libraries they were built against (trixie's t64
# library packages).

ARG DEBIAN_IMAGE=debian:trixie-slim

FROM ${DEBIAN_IMAGE} AS build
ARG BUILD_PACKAGES="autoconf automake libtool make gcc libc6-dev pkg-config libglib2.0-dev libjson-glib-dev libcurl4-gnutls-dev libgnutls28-dev libsqlite3-dev libstemmer-dev libbrotli-dev zlib1g-dev libsoup-3.0-dev check ca-certificates"
RUN apt-get update \
 && apt-get install -y --no-install-recommends ${BUILD_PACKAGES} \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
RUN autoreconf -fi \
 && ./configure --prefix=/usr --sysconfdir=/etc --with-systemdsystemunitdir=no \
 && make -j"$(nproc)" \
 && make install DESTDIR=/out

FROM ${DEBIAN_IMAGE}
ARG RUNTIME_PACKAGES="ca-certificates libglib2.0-0t64 libjson-glib-1.0-0 libcurl3t64-gnutls libgnutls30t64 libsqlite3-0 libstemmer0d libbrotli1 zlib1g libsoup-3.0-0 nix-bin"
RUN apt-get update \
 && apt-get install -y --no-install-recommends ${RUNTIME_PACKAGES} \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --system --gid 10001 fdnix \
 && useradd --system --uid 10001 --gid fdnix --home-dir /var/lib/fdnix --create-home fdnix \
 && mkdir -p /nix/store /nix/var/nix \
 && chown -R fdnix:fdnix /nix
COPY --from=build /out/usr/bin/fdnix-metadata /usr/bin/fdnix-metadata
COPY --from=build /out/usr/share/ /usr/share/
COPY --from=build /out/etc/fdnix/ /etc/fdnix/
ENV SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt \
    FDNIX_DATA_DIR=/var/lib/fdnix
# nix-env (trixie's nix 2.26: current nixpkgs refuses nix older than 2.18,
# such as bookworm's 2.8) runs as the unprivileged user in single-user mode
# (it owns /nix) and evaluates <nixpkgs> from this channel, with the tree's
# pkgs/top-level/packages-config.nix as config, unless the task says otherwise.
ENV NIX_PATH=nixpkgs=https://nixos.org/channels/nixos-unstable/nixexprs.tar.xz
LABEL org.opencontainers.image.title="fdnix-metadata" \
      org.opencontainers.image.description="nixpkgs metadata into the fdnix package table" \
      org.opencontainers.image.source="https://github.com/fdnix/fdnix" \
      org.opencontainers.image.licenses="MIT"
USER 10001:10001
WORKDIR /var/lib/fdnix
ENTRYPOINT ["/usr/bin/fdnix-metadata"]
