// Who acknowledged which alert: one row per alert id, written once. Acknowledging again is
// a no-op that answers with the first acknowledgement (the first person to act owns it).
import type pg from 'pg';

export interface Acknowledgement {
  alertId: string;
  acknowledgedBy: string;
  acknowledgedAt: string;
  note: string | null;
}

interface Row {
  alertId: string;
  acknowledgedBy: string;
  acknowledgedAt: Date;
  note: string | null;
}

const present = (row: Row): Acknowledgement => ({
  alertId: row.alertId,
  acknowledgedBy: row.acknowledgedBy,
  acknowledgedAt: row.acknowledgedAt.toISOString(),
  note: row.note,
});

const COLUMNS = '"alertId", "acknowledgedBy", "acknowledgedAt", "note"';

export class AcknowledgementStore {
  private readonly pool: pg.Pool;

  constructor(pool: pg.Pool) {
    this.pool = pool;
  }

  /** Records the acknowledgement unless the alert already has one; returns the one that stands. */
  async acknowledge(input: {
    alertId: string;
    by: string;
    note?: string;
    at: Date;
  }): Promise<{ acknowledgement: Acknowledgement; created: boolean }> {
    const inserted = await this.pool.query<Row>(
      `INSERT INTO "AlertAcknowledgement" (${COLUMNS}) VALUES ($1, $2, $3, $4)
       ON CONFLICT ("alertId") DO NOTHING RETURNING ${COLUMNS}`,
      [input.alertId, input.by, input.at, input.note ?? null],
    );
    if (inserted.rows[0]) return { acknowledgement: present(inserted.rows[0]), created: true };
    const existing = await this.pool.query<Row>(`SELECT ${COLUMNS} FROM "AlertAcknowledgement" WHERE "alertId" = $1`, [
      input.alertId,
    ]);
    return { acknowledgement: present(existing.rows[0] as Row), created: false };
  }

  /** The acknowledgements of these alerts, by alert id. */
  async find(alertIds: readonly string[]): Promise<Map<string, Acknowledgement>> {
    if (alertIds.length === 0) return new Map();
    const { rows } = await this.pool.query<Row>(
      `SELECT ${COLUMNS} FROM "AlertAcknowledgement" WHERE "alertId" = ANY($1::text[])`,
      [alertIds],
    );
    return new Map(rows.map((row) => [row.alertId, present(row)]));
  }
}
