# syntax=docker/dockerfile:1
# inboxbot: a static binary in a distroless image (CA certificates, tzdata,
# a non-root user, nothing else). Build from the repository root:
#   docker build -t inboxbot .
ARG GO_VERSION=1.26

FROM golang:${GO_VERSION}-alpine AS build
WORKDIR /src
# Modules first, so code changes do not re-download them.
COPY go.mod go.sum ./
RUN go mod download
COPY . .
# CGO off: the SQLite driver is pure Go (modernc.org/sqlite), so the binary
# is static. timetzdata embeds the zone database, so working hours keep
# working even on an image without /usr/share/zoneinfo.
RUN CGO_ENABLED=0 go build -trimpath -tags timetzdata -ldflags="-s -w" -o /out/inboxbot ./cmd/inboxbot \
 && mkdir -p /out/root/data

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/inboxbot /usr/local/bin/inboxbot
# The SQLite file lives in /data when no PostgreSQL DATABASE_URL is given;
# the directory belongs to the non-root user so the volume is writable
# (copied as a child of /, so --chown applies to the directory itself).
COPY --from=build --chown=65532:65532 /out/root/ /
WORKDIR /data
VOLUME /data
ENV DATABASE_URL=sqlite:/data/inboxbot.db \
    INBOXBOT_HTTP_ADDR=:8080
USER nonroot:nonroot
EXPOSE 8080
# The image has no shell and no curl: the binary checks its own /healthz.
HEALTHCHECK --interval=10s --timeout=5s --start-period=30s --retries=3 \
    CMD ["/usr/local/bin/inboxbot", "healthcheck"]
# SIGTERM drains in-flight requests for up to 20 s; give it that long
# (docker stop -t 30, compose stop_grace_period: 30s).
STOPSIGNAL SIGTERM
ENTRYPOINT ["/usr/local/bin/inboxbot"]
CMD ["serve"]
