// The statements of each committed transaction, per connection (a transaction stays on one),
// from postgres.js's debug hook: what the bench replays with RLS and as the owner.
export type RecordedStatement = { text: string; params: unknown[] };
export type RecordedTx = RecordedStatement[];

export const createStatementRecorder = () => {
  let open = new Map<number, RecordedStatement[]>();
  let done: RecordedTx[] = [];
  return {
    onQuery: (connection: number, text: string, params: unknown[]): void => {
      const head = text.trimStart().slice(0, 10).toLowerCase();
      if (head.startsWith('begin')) open.set(connection, []);
      else if (head.startsWith('commit')) {
        const statements = open.get(connection);
        if (statements) done.push(statements);
        open.delete(connection);
      } else if (head.startsWith('rollback')) open.delete(connection);
      else open.get(connection)?.push({ text, params: [...params] });
    },
    reset: (): void => {
      open = new Map();
      done = [];
    },
    take: (): RecordedTx[] => {
      const out = done;
      done = [];
      return out;
    },
  };
};
