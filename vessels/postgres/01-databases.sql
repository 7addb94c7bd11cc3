-- The databases of the Postgres-backed services, one each (every service owns its data),
-- made by the Postgres of each compose file that has one (compliance, autonomous,
-- production) on its first start (an empty postgres-data volume), as POSTGRES_USER; a stack
-- that runs only some of the services leaves the other databases empty. Each service
-- creates its tables itself: it applies its migrations at start-up.
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
CREATE DATABASE azora_automated_reporting;
CREATE DATABASE azora_quantum_iot_integration;
CREATE DATABASE azora_5g_manager;
CREATE DATABASE azora_tracing_recovery;
