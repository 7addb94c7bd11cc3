// First-start initialisation of the website builder's MongoDB (mongosh syntax). The official
// mongo image runs the scripts in /docker-entrypoint-initdb.d once, when its data directory
// is empty; organs/ai-website-builder/docker-compose.yml mounts this file there.
//
// The service creates the same indexes itself at start-up (createIndex is idempotent) and
// seeds its templates, so it is correct without this script — with the local stand-in image,
// which runs no init scripts, too. Uniqueness lives in natural-key _ids, not unique indexes.
db = db.getSiblingDB('ai_website_builder');

// A user's sites, newest first (GET /api/ai-website-builder/sites).
db.sites.createIndex({ owner: 1, createdAt: -1 });
// A site's versions, newest first (GET …/sites/:id/versions).
db.versions.createIndex({ site: 1, version: -1 });
// Where a site is published.
db.deployments.createIndex({ site: 1 });
// Contact-form messages of a site, newest first.
db.messages.createIndex({ site: 1, createdAt: -1 });

print('ai_website_builder: indexes on sites, versions, deployments and messages are in place');
