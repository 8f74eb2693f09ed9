# mock-ingrid: the Ingrid Returns API emulator, with the demo shop loaded.
#   docker build -t mock-ingrid .
#   docker run --rm -p 8080:8080 mock-ingrid
FROM python:3.12-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

RUN useradd --create-home --uid 10001 mock
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
    MOCK_INGRID_PORT=8080
EXPOSE 8080

HEALTHCHECK --interval=10s --timeout=3s --start-period=5s --retries=3 \
    CMD python -c "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/_mock/health' % os.environ.get('MOCK_INGRID_PORT', '8080'), timeout=2)"

CMD ["mock-ingrid", "serve", "--fixtures", "fixtures/demo-shop.json"]
