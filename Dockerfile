# mock-ingrid: the Ingrid Returns API emulator, with the demo shop loaded.
#   docker build -t mock-ingrid .
#   docker run --rm -p 8080:8080 -v mock-ingrid-data:/data mock-ingrid
# The state lives in /data/state.json, on a volume: `docker stop` saves it (SIGTERM,
# within its 10 s), and a container started on the same volume goes on from it.
FROM python:3.12-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# The volume's folder belongs to the user the server runs as (a named volume starts
# as a copy of it); declared as a volume below, after it is made.
RUN useradd --create-home --uid 10001 mock \
    && mkdir /data \
    && chown mock:mock /data
WORKDIR /srv/mock-ingrid

COPY pyproject.toml README.md ./
COPY mock_ingrid ./mock_ingrid
COPY fixtures ./fixtures
COPY scenarios ./scenarios
RUN pip install .

USER mock
# Inside a container the server must listen on every interface; outside it,
# mock-ingrid binds loopback only unless told otherwise.
ENV MOCK_INGRID_HOST=0.0.0.0 \
    MOCK_INGRID_PORT=8080 \
    MOCK_INGRID_STATE_FILE=/data/state.json
VOLUME /data
EXPOSE 8080

HEALTHCHECK --interval=10s --timeout=3s --start-period=5s --retries=3 \
    CMD python -c "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/_mock/health' % os.environ.get('MOCK_INGRID_PORT', '8080'), timeout=2)"

CMD ["mock-ingrid", "serve", "--fixtures", "fixtures/demo-shop.json"]
