# codeflash-bot as a docker GitHub Action. The entrypoint is `codeflash-bot action`, which
# reads GITHUB_EVENT_NAME / GITHUB_EVENT_PATH and the INPUT_* variables the runner sets.
# No USER instruction: GitHub runs docker actions as the image's default user so that
# GITHUB_WORKSPACE is writable; everything installed here is world-readable, so the image
# also works under `docker run --user <uid>`, and the bot trusts the mounted workspace for
# git through per-process GIT_CONFIG_* variables (no config file is written).
# The base image is pinned by digest (python:3.11-slim, linux/amd64+arm64 index); refresh it with
# `docker buildx imagetools inspect python:3.11-slim` and update both together with the lock.
FROM python:3.11-slim@sha256:9c900dea9e8fb7e16277c179b555cc72d29a352dbc33cff48ad5a0412fd5bfc7

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# git is the only system package: the bot commits, fetches and pushes with it. Its version is
# left to the base image's Debian release on purpose (DL3008) so security updates flow in.
# hadolint ignore=DL3008
RUN apt-get update \
    && apt-get install -y --no-install-recommends git \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /opt/codeflash-bot
# Every dependency from the hashed lock (a changed or unpinned file fails the build); the bot
# itself is then installed without resolving anything and without a build-isolation download.
COPY requirements.lock ./
RUN pip install --no-cache-dir --require-hashes --only-binary=:all: -r requirements.lock
COPY pyproject.toml README.md ./
COPY src ./src
RUN pip install --no-cache-dir --no-deps --no-build-isolation . \
    && codeflash-bot --help > /dev/null

ENTRYPOINT ["codeflash-bot", "action"]
