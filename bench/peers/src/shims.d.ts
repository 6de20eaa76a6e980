// The peers' API as this page uses it, for the repository's typecheck, which runs where bench/peers
// is not installed (npm test, CI). bench/peers/tsconfig.json checks the same code against the
// peers' real types instead; `npm run bench` runs that check before building the page.

declare module '@evolu/common' {
  export interface EvoluType {
    readonly name: string;
  }
  export const id: (table: string) => EvoluType;
  export const NonEmptyString1000: EvoluType;
  export const String: EvoluType;
  export const SimpleName: { orThrow(value: string): string };
}

declare module '@evolu/common/local-first' {
  export interface Query {
    readonly sql: string;
  }
  export interface SelectQuery {
    select(columns: readonly string[]): SelectQuery;
    where(column: string, operator: string, value: unknown): SelectQuery;
  }
  export interface QueryDb {
    selectFrom(table: string): SelectQuery;
  }
  export interface Evolu {
    readonly appOwner: Promise<unknown>;
    createQuery(build: (db: QueryDb) => SelectQuery): Query;
    loadQuery(query: Query): Promise<unknown>;
    subscribeQuery(query: Query): (listener: () => void) => () => void;
    getQueryRows(query: Query): ReadonlyArray<{ readonly title?: unknown }>;
    insert(
      table: string,
      props: Readonly<Record<string, string>>,
      options?: { onComplete?: () => void },
    ): { readonly ok: true } | { readonly ok: false; readonly error: unknown };
  }
  export function createEvolu(deps: unknown): (schema: unknown, config: { name: string; transports: readonly unknown[] }) => Evolu;
}

declare module '@evolu/web' {
  export const evoluWebDeps: unknown;
}

declare module '@powersync/web' {
  export const column: { readonly text: unknown };
  export class Table {
    constructor(columns: Readonly<Record<string, unknown>>);
  }
  export class Schema {
    constructor(tables: Readonly<Record<string, Table>>);
  }
  export enum WASQLiteVFS {
    IDBBatchAtomicVFS = 'IDBBatchAtomicVFS',
    OPFSCoopSyncVFS = 'OPFSCoopSyncVFS',
  }
  export interface QueryResult {
    readonly rows?: { readonly _array: unknown[] };
  }
  export class PowerSyncDatabase {
    constructor(options: { schema: Schema; database: { dbFilename: string; vfs: WASQLiteVFS } });
    init(): Promise<void>;
    execute(sql: string, params?: unknown[]): Promise<unknown>;
    watch(
      sql: string,
      params: unknown[],
      handler: { onResult(result: QueryResult): void; onError?(error: Error): void },
      options?: { signal?: AbortSignal },
    ): void;
    close(): Promise<void>;
  }
}
