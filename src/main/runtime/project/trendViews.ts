// Trend views saved in the project file (its `trends:` list), so a view
// travels with the project. The file is edited as a YAML document, keeping
// its comments and layout, and replaced atomically (write, then rename).
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { parseDocument } from 'yaml';
import { ContractFailure, type TrendView } from '../../../shared/contract';

export class TrendViews {
  private views: TrendView[];

  /** `file` null: views live in memory only (offline review of a historian file). */
  constructor(
    private readonly file: string | null,
    initial: readonly TrendView[],
  ) {
    this.views = [...initial];
  }

  list(): TrendView[] {
    return this.views;
  }

  save(view: TrendView): TrendView[] {
    const next = [...this.views.filter((v) => v.name !== view.name), view].sort((a, b) => a.name.localeCompare(b.name));
    this.write(next);
    return next;
  }

  delete(name: string): TrendView[] {
    if (!this.views.some((v) => v.name === name)) throw new ContractFailure('not_found', `no trend view "${name}"`);
    const next = this.views.filter((v) => v.name !== name);
    this.write(next);
    return next;
  }

  private write(next: TrendView[]): void {
    if (this.file) {
      try {
        const doc = parseDocument(readFileSync(this.file, 'utf8'));
        if (doc.errors.length > 0) throw new Error(`the project file no longer parses: ${doc.errors[0]!.message}`);
        doc.set('trends', doc.createNode(next));
        const temp = `${this.file}.saving`;
        writeFileSync(temp, String(doc));
        renameSync(temp, this.file);
      } catch (error) {
        throw new ContractFailure('unavailable', `the view cannot be saved in ${this.file}: ${(error as Error).message}`);
      }
    }
    this.views = next;
  }
}
