// What a historian file holds, read without a worker: used to open a file
// for offline review (its tags and their last values), and to say exactly
// why a file cannot be opened before anything starts.
import { existsSync } from 'node:fs';
import Database from 'better-sqlite3';
import { TAG_DATA_TYPES, type TagDataType, type TagScalar } from '../../../shared/types';
import { checkReadable, hasTextTables } from './schema';

export interface ReviewTag {
  readonly path: string;
  readonly units: string;
  readonly description: string;
  readonly dataType: TagDataType;
  /** The last recorded value: a number, or a text tag's text. */
  readonly last: { readonly t: number; readonly v: TagScalar | null; readonly q: number } | null;
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

const TYPES = new Set<string>(TAG_DATA_TYPES);

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
    const last = new Map<number, { t: number; v: TagScalar | null; q: number }>();
    const rows = db
      .prepare(
        `SELECT c.tag_id AS id, c.t_end AS t, c.v_last AS v, c.q_last AS q FROM chunks c
         JOIN (SELECT tag_id, max(t_end) AS t_end FROM chunks GROUP BY tag_id) m ON m.tag_id = c.tag_id AND m.t_end = c.t_end`,
      )
      .all() as { id: number; t: number; v: number | null; q: number }[];
    for (const row of rows) last.set(row.id, { t: row.t, v: row.v, q: row.q });
    // Text tags (schema 2 on): their newest text sample.
    const texts = hasTextTables(db)
      ? (db.prepare('SELECT tag_id AS id, max(t) AS t, value AS v, q FROM text_samples GROUP BY tag_id').all() as { id: number; t: number; v: string | null; q: number }[])
      : [];
    for (const row of texts) last.set(row.id, { t: row.t, v: row.v, q: row.q });
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
    if (texts.length > 0) {
      const text = {
        oldest: (db.prepare('SELECT min(t) AS t FROM text_samples').get() as { t: number }).t,
        newest: (db.prepare('SELECT max(t) AS t FROM text_samples').get() as { t: number }).t,
      };
      return { schemaVersion, tags, oldest: Math.min(range.oldest ?? Infinity, text.oldest), newest: Math.max(range.newest ?? -Infinity, text.newest) };
    }
    return { schemaVersion, tags, ...range };
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (code === 'SQLITE_NOTADB' || code === 'SQLITE_CORRUPT') throw new ReviewError(`${file} is not a valid historian file (damaged, or another kind of file)`);
    throw new ReviewError(`${file}: ${(error as Error).message}`);
  } finally {
    db.close();
  }
}
