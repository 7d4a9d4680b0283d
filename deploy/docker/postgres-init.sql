-- One database per service, created when the postgres container initialises an empty data volume
-- (docker-compose.yml mounts this file into /docker-entrypoint-initdb.d). It runs as POSTGRES_USER
-- (sirbi), which therefore owns the databases; each service's `migrate` creates its own tables.
CREATE DATABASE sirbi_members OWNER sirbi;
CREATE DATABASE sirbi_agreements OWNER sirbi;
CREATE DATABASE sirbi_roadmap OWNER sirbi;
CREATE DATABASE sirbi_gateway OWNER sirbi;
