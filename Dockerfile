# Production image for KoB Social: gunicorn serves Django; the same image runs the Celery
# worker and beat (see docker-compose.yml). Build: `docker build -t kob-social .`
FROM python:3.11-slim-bookworm

# Static files are collected into the image at build time; uploads and any embedded state
# live under /data, which docker-compose.yml mounts as volumes. Bytecode is compiled at build
# time (below), so nothing is written next to the code at run time.
ENV PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_ROOT_USER_ACTION=ignore \
    STATIC_ROOT=/app/staticfiles \
    MEDIA_ROOT=/data/media \
    VAR_DIR=/data/var

# WeasyPrint's system libraries (pango, harfbuzz incl. the subsetter, a font) for the signed
# plan PDFs, and gettext for compilemessages. psycopg[binary] brings its own libpq.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 \
        libpangoft2-1.0-0 \
        libharfbuzz-subset0 \
        libharfbuzz0b \
        fonts-dejavu-core \
        gettext \
    && rm -rf /var/lib/apt/lists/*

# An unprivileged user; the code stays owned by root, so the app cannot rewrite itself.
RUN groupadd --system --gid 10001 app \
    && useradd --system --uid 10001 --gid app --create-home --home-dir /home/app app \
    && mkdir -p /data/media /data/var \
    && chown -R app:app /data

WORKDIR /app

# Dependencies first, so that code changes do not reinstall them.
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt

COPY . .

# The dummy key exists only for this RUN line (settings refuse to load without one when
# DEBUG=0); it is never part of the image's environment. VAR_DIR points at a throwaway folder
# because the settings' embedded SQLite/broker defaults create folders there when loaded.
RUN SECRET_KEY=build-only-not-a-secret-collectstatic-and-compilemessages DEBUG=0 \
        VAR_DIR=/tmp/build-var python manage.py collectstatic --noinput \
    && SECRET_KEY=build-only-not-a-secret-collectstatic-and-compilemessages DEBUG=0 \
        VAR_DIR=/tmp/build-var python manage.py compilemessages \
    && rm -rf /tmp/build-var \
    && python -m compileall -q /app

USER app

EXPOSE 8000

CMD ["gunicorn", "kob_social.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--timeout", "30", "--graceful-timeout", "30", "--access-logfile", "-"]
