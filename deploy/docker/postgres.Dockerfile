# PostgreSQL for the compose stack (Debian's server): the application database and Dagster's
# run, event-log and schedule storage, two databases in one cluster. Built from the same base
# as the other images, so the stack needs no registry beyond Debian's.
ARG BASE_IMAGE=debian:bookworm-slim
FROM ${BASE_IMAGE}
SHELL ["/bin/bash", "-o", "pipefail", "-c"]
# The server's user is created first with a fixed id, so USER can name it by number.
RUN groupadd --system --gid 10001 postgres \
 && useradd --system --uid 10001 --gid postgres --home-dir /var/lib/postgresql postgres \
 && apt-get update \
 && apt-get install -y --no-install-recommends postgresql-15 \
 && rm -rf /var/lib/apt/lists/* \
 && install -d -o postgres -g postgres /var/lib/postgresql/data /var/run/postgresql
COPY deploy/docker/postgres-entrypoint.sh /usr/local/bin/postgres-entrypoint.sh
ENV PATH=/usr/lib/postgresql/15/bin:$PATH \
    PGDATA=/var/lib/postgresql/data \
    PGPORT=5432
USER 10001
EXPOSE 5432
HEALTHCHECK --interval=5s --timeout=3s --retries=20 \
  CMD ["/bin/sh", "-c", "pg_isready -q -h 127.0.0.1 -p \"$PGPORT\" -U postgres"]
ENTRYPOINT ["/usr/local/bin/postgres-entrypoint.sh"]
