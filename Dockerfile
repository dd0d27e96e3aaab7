# syntax=docker/dockerfile:1
# AI-Discover: the `aidiscover` CLI in an image. Default command: the API server (`aidiscover serve`);
# docker-compose.yml runs the same image as `worker` and `beat`. Neo4j and Redis are separate containers
# (`aidiscover services up` is for running without Docker and is not used here).

# --- build: install the project and its dependencies into a venv ------------------------------------
FROM python:3.11-slim AS build
ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1
RUN python -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH
WORKDIR /src
# Runtime dependencies only, at the versions tested and with their hashes checked (`make lock` writes the
# lock); a layer of its own, rebuilt only when the lock changes.
COPY requirements-runtime.lock ./
RUN pip install --require-hashes --no-deps -r requirements-runtime.lock
COPY pyproject.toml README.md ./
COPY app ./app
COPY core ./core
COPY graph ./graph
COPY ingest ./ingest
COPY queries ./queries
COPY web ./web
# The viewer is built with npm (esbuild bundles it into web/static/dist, which pip then packages).
RUN apt-get update \
    && apt-get install -y --no-install-recommends nodejs npm \
    && rm -rf /var/lib/apt/lists/* \
    && cd web/app && npm ci --no-audit --no-fund && npm run build && rm -rf node_modules
# The project alone, built with the locked setuptools (build isolation would fetch the newest one).
RUN pip install --no-deps --no-build-isolation .
RUN pip check

# --- runtime: the venv only, run as an unprivileged user --------------------------------------------
FROM python:3.11-slim
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    AIDISCOVER_API_HOST=0.0.0.0 \
    AIDISCOVER_API_PORT=8000 \
    AIDISCOVER_DATA_DIR=/var/lib/aidiscover
RUN groupadd --system --gid 10001 aidiscover \
    && useradd --system --uid 10001 --gid aidiscover --create-home --home-dir /home/aidiscover \
       --shell /usr/sbin/nologin aidiscover \
    && install -d -o aidiscover -g aidiscover /var/lib/aidiscover
COPY --from=build /opt/venv /opt/venv
USER aidiscover
WORKDIR /home/aidiscover
EXPOSE 8000
# No curl in slim images: probe /health with the standard library. Worker and beat serve no HTTP,
# so docker-compose.yml disables this check for them.
HEALTHCHECK --interval=15s --timeout=5s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/health' % os.environ.get('AIDISCOVER_API_PORT', '8000'), timeout=4)"]
ENTRYPOINT ["aidiscover"]
CMD ["serve"]
