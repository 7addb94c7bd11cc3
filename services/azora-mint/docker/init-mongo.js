// First-start initialisation of azora-mint's MongoDB (mongosh syntax). The official mongo
// image runs the scripts in /docker-entrypoint-initdb.d once, when its data directory is
// empty; services/azora-mint/docker-compose.yml mounts this file there.
//
// azora-mint creates the same indexes itself at start-up (createIndex is idempotent), so
// the ledger is correct without this script — with the local stand-in image, which runs no
// init scripts, and against a MongoDB that was initialised elsewhere. It keeps the database
// and its indexes in place before the service's first start, as operators expect.
db = db.getSiblingDB('azora_mint');

// Wallets by owner (GET /api/azora-mint/accounts).
db.accounts.createIndex({ owner: 1 });
// An account's history, newest first (GET /api/azora-mint/accounts/:id/entries).
db.entries.createIndex({ accounts: 1, sortKey: -1 });
// The sweeper's scan of entries left pending, oldest first.
db.pending.createIndex({ createdAt: 1 });

print('azora_mint: indexes on accounts, entries and pending are in place');
