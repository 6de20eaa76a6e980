// The collections the app syncs, declared once and used by the server's validation, the worker's
// tables and the merge. Adding a collection is adding an entry here plus its table migration.

/**
 * `string`: a last-writer-wins value. `text`: merged at character level (Yjs edits on a base, see
 * textMerge); its materialized value is still the visible string.
 */
export type FieldKind = 'string' | 'text';

export interface FieldSpec {
  readonly type: FieldKind;
  readonly maxLength: number;
  readonly default: string;
}

export interface CollectionSpec {
  readonly fields: Readonly<Record<string, FieldSpec>>;
}

export const collections = {
  notes: {
    fields: {
      title: { type: 'string', maxLength: 1_000, default: '' },
      body: { type: 'text', maxLength: 500_000, default: '' },
    },
  },
} as const satisfies Record<string, CollectionSpec>;

export type CollectionName = keyof typeof collections;

export const collectionNames = Object.keys(collections) as CollectionName[];

export function isCollectionName(name: string): name is CollectionName {
  return Object.prototype.hasOwnProperty.call(collections, name);
}

export function fieldNames(collection: CollectionName): string[] {
  return Object.keys(collections[collection].fields);
}

export function isTextField(collection: CollectionName, field: string): boolean {
  const fields = collections[collection].fields as Readonly<Record<string, FieldSpec>>;
  return Object.hasOwn(fields, field) && fields[field]!.type === 'text';
}

export function textFieldNames(collection: CollectionName): string[] {
  return fieldNames(collection).filter((f) => isTextField(collection, f));
}
