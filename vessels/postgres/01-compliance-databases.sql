-- The databases of the compliance services, one each (every service owns its data), made
-- by the Postgres of docker-compose.compliance.yml and docker-compose.production.yml on its
-- first start (an empty postgres-data volume), as POSTGRES_USER. Each service creates its
-- tables itself: it applies @azora/compliance-core's migrations at start-up.
-- A service added later gets its line here; on a volume made before that, create its
-- database once by hand (see vessels/README.md, "Postgres").
CREATE DATABASE azora_gdpr_compliance;
CREATE DATABASE azora_ccpa_compliance;
CREATE DATABASE azora_lgpd_compliance;
CREATE DATABASE azora_hipaa_compliance;
CREATE DATABASE azora_sox_compliance;
CREATE DATABASE azora_pipeda_compliance;
CREATE DATABASE azora_south_african_compliance;
CREATE DATABASE azora_compliance_dashboard;
