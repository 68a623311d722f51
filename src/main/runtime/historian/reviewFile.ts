// What a historian file holds, read without a worker: used to open a file
// for offline review (its tags and their last values), and to say exactly
// why a file cannot be opened before anything starts.
import { existsSync } from 'node:fs';
import Database from 'better-sqlite3';
import type { TagDataType } from '../../../shared/types';
import { checkReadable } from './schema';

export interface ReviewTag {
  readonly path: string;
  readonly units: string;
  readonly description: string;
  readonly dataType: TagDataType;
  readonly last: { readonly t: number; readonly v: number | null; readonly q: number } | null;
}

export interface ReviewContents {
  readonly schemaVersion: number;
  readonly tags: readonly ReviewTag[];
  readonly oldest: number | null;
  readonly newest: number | null;
}

export class ReviewError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ReviewError';
  }
}

const TYPES = new Set(['bool', 'int16', 'uint16', 'int32', 'uint32', 'float32', 'float64']);

export function readHistorianFile(file: string): ReviewContents {
  if (!existsSync(file)) throw new ReviewError(`${file}: no such file`);
  let db: Database.Database;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true });
  } catch (error) {
    throw new ReviewError(`${file} cannot be opened: ${(error as Error).message}`);
  }
  try {
    const schemaVersion = checkReadable(db);
    const last = new Map<number, { t: number; v: number | null; q: number }>();
    const rows = db
      .prepare(
        `SELECT c.tag_id AS id, c.t_end AS t, c.v_last AS v, c.q_last AS q FROM chunks c
         JOIN (SELECT tag_id, max(t_end) AS t_end FROM chunks GROUP BY tag_id) m ON m.tag_id = c.tag_id AND m.t_end = c.t_end`,
      )
      .all() as { id: number; t: number; v: number | null; q: number }[];
    for (const row of rows) last.set(row.id, { t: row.t, v: row.v, q: row.q });
    const tags = (db.prepare('SELECT id, path, units, description, data_type AS dataType FROM tags ORDER BY path').all() as {
      id: number;
      path: string;
      units: string;
      description: string;
      dataType: string;
    }[]).map((tag) => ({
      path: tag.path,
      units: tag.units,
      description: tag.description,
      dataType: (TYPES.has(tag.dataType) ? tag.dataType : 'float64') as TagDataType,
      last: last.get(tag.id) ?? null,
    }));
    const range = db.prepare('SELECT min(t_start) AS oldest, max(t_end) AS newest FROM chunks').get() as {
      oldest: number | null;
      newest: number | null;
    };
    return { schemaVersion, tags, ...range };
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (code === 'SQLITE_NOTADB' || code === 'SQLITE_CORRUPT') throw new ReviewError(`${file} is not a valid historian file (damaged, or another kind of file)`);
    throw new ReviewError(`${file}: ${(error as Error).message}`);
  } finally {
    db.close();
  }
}
