# syntax=docker/dockerfile:1
# fdnix-embed on Debian 12, for people who build images with Docker:
#   docker build -f containers/embed.Dockerfile -t fdnix-embed .
# (from the top of the source tree).  The Nix flake builds the same program
# as an OCI image without Docker: nix build .#embed-image.
#
# containers/test-minimal-root.sh installs exactly RUNTIME_PACKAGES into a
# minbase Debian root and runs the programs there: keep the list in this one
# ARG line so that script and this file cannot drift apart.

ARG DEBIAN_IMAGE=debian:12-slim

FROM ${DEBIAN_IMAGE} AS build
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
      autoconf automake libtool make gcc libc6-dev pkg-config \
      libglib2.0-dev libjson-glib-dev libcurl4-gnutls-dev libgnutls28-dev \
      libsqlite3-dev libbrotli-dev zlib1g-dev check ca-certificates \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
RUN autoreconf -fi \
 && ./configure --prefix=/usr --sysconfdir=/etc --with-systemdsystemunitdir=no \
 && make -j"$(nproc)" \
 && make install DESTDIR=/out

FROM ${DEBIAN_IMAGE}
ARG RUNTIME_PACKAGES="ca-certificates libglib2.0-0 libjson-glib-1.0-0 libcurl3-gnutls libgnutls30 libsqlite3-0 libbrotli1 zlib1g"
RUN apt-get update \
 && apt-get install -y --no-install-recommends ${RUNTIME_PACKAGES} \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --system --gid 10001 fdnix \
 && useradd --system --uid 10001 --gid fdnix --home-dir /var/lib/fdnix --create-home fdnix
COPY --from=build /out/usr/bin/fdnix-embed /usr/bin/fdnix-embed
COPY --from=build /out/usr/share/ /usr/share/
COPY --from=build /out/etc/fdnix/ /etc/fdnix/
ENV SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt \
    FDNIX_DATA_DIR=/var/lib/fdnix
LABEL org.opencontainers.image.title="fdnix-embed" \
      org.opencontainers.image.description="package embeddings into the fdnix vector files" \
      org.opencontainers.image.source="https://github.com/fdnix/fdnix" \
      org.opencontainers.image.licenses="MIT"
USER 10001:10001
WORKDIR /var/lib/fdnix
ENTRYPOINT ["/usr/bin/fdnix-embed"]
