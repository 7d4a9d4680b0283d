# Image of one SIRBI service (members, agreements, roadmap or gateway).
#
# One file for every service, so the four images cannot drift apart: each services/<name>/Dockerfile
# is a link to this file, and the build args SERVICE and PORT say which service to build
# (docker-compose.yml passes them).
#
# Build from the repository root (the uv workspace and its lock must be in the context):
#   docker build -f deploy/docker/service.Dockerfile --build-arg SERVICE=members --build-arg PORT=8001 \
#       -t sirbi-members .
#
# The container runs `python -m sirbi_<service> migrate`, then `... serve`. It listens on 0.0.0.0 and
# on PORT unless SIRBI_<SERVICE>_HOST / SIRBI_<SERVICE>_PORT say otherwise; everything else comes from
# the environment (see shared/src/sirbi_shared/settings.py).

ARG PYTHON_IMAGE=python:3.11-slim
# Service package suffix: members | agreements | roadmap | gateway.
ARG SERVICE
# Port the service listens on by default: gateway 8000, members 8001, agreements 8002, roadmap 8003.
ARG PORT

# ---------------------------------------------------------------------------------------------------
# builder: resolve the service's dependencies from uv.lock into /app/.venv
# ---------------------------------------------------------------------------------------------------
FROM ${PYTHON_IMAGE} AS builder
ARG SERVICE
ARG PORT
RUN test -n "${SERVICE}" && test -n "${PORT}" \
    || { echo "build with --build-arg SERVICE=<members|agreements|roadmap|gateway> --build-arg PORT=<port>" >&2; exit 1; }

ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    UV_COMPILE_BYTECODE=1 \
    UV_LINK_MODE=copy \
    UV_PYTHON_DOWNLOADS=never \
    UV_PYTHON=/usr/local/bin/python3.11 \
    UV_PROJECT_ENVIRONMENT=/app/.venv

RUN pip install uv==0.13.8

WORKDIR /app

# Workspace metadata first: uv needs every member's pyproject.toml to read the lock. This layer
# (third-party dependencies only) is rebuilt only when the lock or a pyproject.toml changes.
COPY pyproject.toml uv.lock ./
COPY shared/pyproject.toml shared/pyproject.toml
COPY services/members/pyproject.toml services/members/pyproject.toml
COPY services/agreements/pyproject.toml services/agreements/pyproject.toml
COPY services/roadmap/pyproject.toml services/roadmap/pyproject.toml
COPY services/gateway/pyproject.toml services/gateway/pyproject.toml
RUN --mount=type=cache,target=/root/.cache/uv \
    uv sync --frozen --no-dev --package "sirbi-${SERVICE}" --no-editable --no-install-workspace

# Then the sources: the shared library and this service, installed as regular (non-editable)
# packages so the runtime stage needs nothing but the virtual environment.
COPY shared/src shared/src
COPY services/${SERVICE}/src services/${SERVICE}/src
RUN --mount=type=cache,target=/root/.cache/uv \
    uv sync --frozen --no-dev --package "sirbi-${SERVICE}" --no-editable

# ---------------------------------------------------------------------------------------------------
# runtime: the virtual environment on a clean Python, run by an unprivileged user
# ---------------------------------------------------------------------------------------------------
FROM ${PYTHON_IMAGE} AS runtime
ARG SERVICE
ARG PORT

LABEL org.opencontainers.image.title="sirbi-${SERVICE}" \
      org.opencontainers.image.description="SIRBI ${SERVICE} service"

ENV PATH=/app/.venv/bin:${PATH} \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    SIRBI_SERVICE=${SERVICE}

# uid/gid 10001: docker-compose.yml's jwt-keys service hands the key files to this user.
RUN groupadd --system --gid 10001 sirbi \
    && useradd --system --uid 10001 --gid sirbi --home-dir /app --no-create-home \
       --shell /usr/sbin/nologin sirbi \
    && install -d -o 10001 -g 10001 /var/lib/sirbi/imports
# ^ a fresh named volume mounted there (members' import spool) inherits this owner.

# `sirbi-entrypoint` gives SIRBI_<SERVICE>_HOST and SIRBI_<SERVICE>_PORT their container defaults
# (0.0.0.0 and PORT; the settings' own host default, 127.0.0.1, is unreachable from outside a
# container) and then runs its arguments. The variable names need the service name in upper case,
# which a Dockerfile cannot compute, hence a script written here.
RUN set -eu; \
    prefix="SIRBI_$(printf '%s' "${SERVICE}" | tr '[:lower:]' '[:upper:]')"; \
    printf '%s\n' \
        '#!/bin/sh' \
        "# Container defaults of the ${SERVICE} service; the environment overrides them." \
        ": \"\${${prefix}_HOST:=0.0.0.0}\"" \
        ": \"\${${prefix}_PORT:=${PORT}}\"" \
        "export ${prefix}_HOST ${prefix}_PORT" \
        'exec "$@"' \
        > /usr/local/bin/sirbi-entrypoint; \
    chmod 0755 /usr/local/bin/sirbi-entrypoint

COPY --from=builder /app/.venv /app/.venv
# The event catalogue and the integrators' guide, which the gateway serves.
COPY docs/events/asyncapi.json docs/integrators.md /app/docs/
ENV SIRBI_GATEWAY_DOCS_DIR=/app/docs

WORKDIR /app
USER 10001:10001
EXPOSE ${PORT}

# Liveness only (the process serves HTTP); readiness (database and Kafka) is /health/ready.
HEALTHCHECK --interval=15s --timeout=5s --start-period=60s --retries=3 \
    CMD ["/usr/local/bin/sirbi-entrypoint", "python", "-c", "import os, urllib.request; port = os.environ['SIRBI_' + os.environ['SIRBI_SERVICE'].upper() + '_PORT']; urllib.request.urlopen('http://127.0.0.1:' + port + '/health/live', timeout=4)"]

ENTRYPOINT ["/usr/local/bin/sirbi-entrypoint"]
# Migrate, load reference data (idempotent; a no-op for services without any), then serve.
CMD ["sh", "-c", "python -m \"sirbi_${SIRBI_SERVICE}\" migrate && python -m \"sirbi_${SIRBI_SERVICE}\" seed && exec python -m \"sirbi_${SIRBI_SERVICE}\" serve"]
