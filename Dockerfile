# FactBot in a container: gunicorn workers serving HTTP mode on port 3000.
#   docker build -t factbot .
#   docker run -p 3000:3000 -e SLACK_BOT_TOKEN=... -e SLACK_SIGNING_SECRET=... factbot
# Any base with Python 3.11+ and its venv module (Debian bookworm's python3 will do):
ARG BASE=python:3.11-slim
FROM ${BASE}

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 PATH=/opt/venv/bin:$PATH
RUN useradd --create-home --uid 10001 factbot && python3 -m venv /opt/venv
WORKDIR /app
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY seeds ./seeds
RUN pip install . && python -c "import bot.core"

USER factbot
# The SQLite file (when FACTBOT_DB is not a postgresql:// URL) and the build cache live here.
ENV FACTBOT_DB=/home/factbot/factbot.db XDG_CACHE_HOME=/home/factbot/.cache
# Build the bundled sheet's matcher once, into the image's cache, so a start takes a second.
RUN factbot ask "what is factbot" > /dev/null || true
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=3s CMD python3 -c "import urllib.request,sys; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:3000/healthz', timeout=2).status == 200 else 1)"
CMD ["factbot", "serve", "--http", "--host", "0.0.0.0", "--port", "3000", "--workers", "2"]
