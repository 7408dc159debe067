# The careerpath web image: gunicorn serving Django, with WeasyPrint's system libraries.
# The same image runs the Celery worker and beat (see compose.yaml).

FROM node:20-bookworm-slim AS assets
WORKDIR /build
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund --loglevel=error
COPY static/scss static/scss
RUN mkdir -p static/dist && npm run --silent build:css \
    && mkdir -p static/vendor/govuk-frontend \
    && cp node_modules/govuk-frontend/dist/govuk/govuk-frontend.min.js static/vendor/govuk-frontend/ \
    && cp -R node_modules/govuk-frontend/dist/govuk/assets static/vendor/govuk-frontend/assets

FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    DJANGO_DEBUG=0
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-liberation \
    && rm -rf /var/lib/apt/lists/*
RUN useradd --create-home --uid 1000 careerpath
WORKDIR /app
COPY requirements.lock ./
RUN pip install -r requirements.lock
COPY . .
COPY --from=assets /build/static/dist static/dist
COPY --from=assets /build/static/vendor static/vendor
# collectstatic reads settings, which insist on a secret key when debug is off.
RUN DJANGO_SECRET_KEY=collectstatic-only python manage.py collectstatic --no-input \
    && mkdir -p /app/media && chown careerpath /app/media
USER careerpath
EXPOSE 8000
CMD ["gunicorn", "careerpath.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
